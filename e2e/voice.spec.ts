// Salesforce Voice (partner telephony) end to end, without an org (issue 14;
// docs/salesforce-voice.md): a fake Salesforce host plays Salesforce's part
// as the SDK 3.6.2 expects it (e2e/fixtures/voice-host.js: SETUP_CONNECTOR
// with a MessagePort from https://myorg.lightning.force.com, then the SDK's
// messages on the port); the connector page (dist/voice/connector.html: the
// SDK unmodified, our JS layer, the headless wasm engine) runs in its
// iframe; the product mock plays CtiSVR; the VoiceCall service
// (target/debug/ctisvr-voicecall, started here) monitors the mock and
// creates the records in the mock's Telephony Integration API.
//
// Chromium maps myorg.lightning.force.com and evil.forger.test to
// 127.0.0.1 (playwright.config.ts), where a small https server with a
// test-only certificate (e2e/fixtures/tls) serves the host.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { mockLog, requests, resetMock, ring, WS_A, WS_B } from './mock';

const FIXTURES = path.join(__dirname, 'fixtures');
const HTTP = `http://127.0.0.1:${process.env.E2E_HTTP_PORT ?? '18080'}`;
const SERVICE_BIN = `${process.env.CARGO_TARGET_DIR ?? 'target'}/debug/ctisvr-voicecall`;
const KEYS = path.join(__dirname, '..', 'crates', 'ctisvr-mock', 'tests', 'keys');
/** The org and contact center the mock's Telephony Integration API plays (playwright.config.ts). */
const ORG = '00DE2E0000000001';
const CONTACT_CENTER = 'CtisvrVoice';
const EXT = '2001';
const AGENT = '1001';
const PRESENCE = '0N5AVAIL=auto; 0N5BREAK=aux/3; 0N5WRAP=acw; 0=logout';

test.use({ ignoreHTTPSErrors: true });
test.describe.configure({ mode: 'serial' });

let hostOrigin = '';
let forgerOrigin = '';
let serviceUrl = '';
let hostServer: https.Server;
let service: ChildProcess;

test.beforeAll(async () => {
  const tls = { key: fs.readFileSync(path.join(FIXTURES, 'tls', 'host-test.key')), cert: fs.readFileSync(path.join(FIXTURES, 'tls', 'host-test.crt')) };
  hostServer = https.createServer(tls, (req, res) => {
    const name = path.basename(new URL(req.url ?? '/', 'https://x').pathname);
    const file = path.join(FIXTURES, name);
    if (!/^voice-(host|forger)\.(html|js)$/.test(name) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html', 'cache-control': 'no-store' });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
  const port = (hostServer.address() as AddressInfo).port;
  hostOrigin = `https://myorg.lightning.force.com:${port}`;
  forgerOrigin = `https://evil.forger.test:${port}`;

  service = spawn(SERVICE_BIN, [
    '--listen', '127.0.0.1:0',
    '--ctisvr', WS_A, '--ctisvr', WS_B,
    '--extensions', '2001-2002',
    '--allow-origin', HTTP,
    '--scrt-url', HTTP,
    '--org', ORG,
    '--contact-center', CONTACT_CENTER,
    '--provider-name', 'ctisvr',
    '--key', path.join(KEYS, 'provider-test.key'),
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  serviceUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ctisvr-voicecall did not say where it listens in 20 s')), 20_000);
    service.once('exit', (code) => reject(new Error(`ctisvr-voicecall exited (${code})`)));
    readline.createInterface({ input: service.stdout! }).on('line', (line) => {
      const found = /listening on (http:\/\/\S+)/.exec(line);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
  });
});

test.afterAll(async () => {
  service?.kill('SIGTERM');
  await new Promise<void>((resolve) => hostServer?.close(() => resolve()) ?? resolve());
});

test.beforeEach(async ({ request }) => {
  await resetMock(request);
  expect((await request.delete('/api/voicecalls')).ok()).toBeTruthy();
});

type Message = { type: string; payload?: any };

/** Opens the fake Salesforce host with the connector in its iframe (not set up yet). */
async function openHost(page: Page, extra: Record<string, string> = {}) {
  const config = {
    '/reqGeneralInfo/reqInternalName': CONTACT_CENTER,
    '/ServerInfo/wsURIA': `${WS_A}?ext=${EXT}`,
    '/ServerInfo/wsURIB': `${WS_B}?ext=${EXT}`,
    '/reqDialingOptions/reqOutsidePrefix': '9',
    '/reqDialingOptions/reqLongDistPrefix': '1',
    '/reqDialingOptions/reqInternationalPrefix': '01',
    '/ctisvrVoice/presenceStatuses': PRESENCE,
    '/ctisvrVoice/voiceCallService': serviceUrl,
    ...extra,
  };
  const query = new URLSearchParams({
    connector: `${HTTP}/voice/connector.html`,
    login: `${HTTP}/voice/login.html`,
    config: JSON.stringify(config),
  });
  await page.goto(`${hostOrigin}/voice-host.html?${query}`);
  await expect.poll(() => page.evaluate(() => (window as any).__connectorLoaded === true)).toBe(true);
}

async function messages(page: Page): Promise<Message[]> {
  return page.evaluate(() => (window as any).__messages);
}

/** The telephony events (TELEPHONY_EVENT_DISPATCHED) so far, as [type, payload]. */
async function telephony(page: Page): Promise<[string, any][]> {
  return (await messages(page))
    .filter((m) => m.type === 'TELEPHONY_EVENT_DISPATCHED')
    .map((m) => [m.payload.telephonyEventType, m.payload.telephonyEventPayload]);
}

/** Waits for the `count`th telephony event of `type`; returns its payload. */
async function event(page: Page, type: string, count = 1) {
  await expect
    .poll(async () => (await telephony(page)).filter(([t]) => t === type).length, { message: `${type} #${count}`, timeout: 10_000 })
    .toBeGreaterThanOrEqual(count);
  return (await telephony(page)).filter(([t]) => t === type)[count - 1][1];
}

async function count(page: Page, type: string) {
  return (await telephony(page)).filter(([t]) => t === type).length;
}

async function send(page: Page, message: object) {
  await page.evaluate((m) => (window as any).__send(m), message);
}

async function connectorReady(page: Page) {
  await expect.poll(async () => (await messages(page)).some((m) => m.type === 'CONNECTOR_READY'), { timeout: 15_000 }).toBe(true);
  return (await messages(page)).find((m) => m.type === 'CONNECTOR_READY')!.payload;
}

/** Sets up the connector, logs the agent in on the login page, waits for CONNECTOR_READY. */
async function setUpAndLogIn(page: Page) {
  await page.evaluate(() => (window as any).__setup());
  await event(page, 'SHOW_LOGIN');
  const login = page.frameLocator('#login');
  await login.getByRole('textbox', { name: 'Agent ID' }).fill(AGENT);
  await login.getByLabel('Password').fill('1234');
  await login.getByRole('button', { name: 'Login', exact: true }).click();
  await event(page, 'LOGIN_RESULT');
  return connectorReady(page);
}

async function voiceCalls(request: APIRequestContext): Promise<any[]> {
  const response = await request.get('/api/voicecalls');
  expect(response.ok()).toBeTruthy();
  return (await response.json()).voiceCalls;
}

/** The requests the mock received from the connector's extension, by name. */
async function sentByConnector(request: APIRequestContext) {
  const connections = (await mockLog(request)).filter((c) => c.extension === EXT);
  return connections.flatMap((c) => requests(c));
}

async function requested(request: APIRequestContext, name: string) {
  return (await sentByConnector(request)).filter((r: any) => r.request === name);
}

/** Rings the agent from 415 555 0100 and answers from Salesforce; returns the call as Salesforce has it. */
async function inboundConnected(page: Page, request: APIRequestContext) {
  await ring(request, '4155550100', EXT);
  const started = await event(page, 'CALL_STARTED');
  await send(page, { type: 'ACCEPT_CALL', call: started });
  await event(page, 'CALL_CONNECTED');
  return started;
}

test('the handshake: CONNECTOR_READY with desk-phone capabilities after the agent logs in; login and presence reach CtiSVR', async ({ page, request }) => {
  await openHost(page);
  const ready = await setUpAndLogIn(page);
  expect(ready.capabilities).toMatchObject({ MUTE: false, RECORD: false, SWAP: false, MERGE: true, BLIND_TRANSFER: true });
  expect(ready.agentConfig).toMatchObject({ PHONES: ['DESK_PHONE'], SELECTED_PHONE: { type: 'DESK_PHONE', number: EXT } });
  expect(ready.callInProgress).toBeNull();
  const [login] = await requested(request, 'login');
  expect(login).toMatchObject({ agentid: AGENT, extension: EXT });

  // Omni-Channel "Available" and "Break": setstate auto, then aux with reason 3.
  await send(page, { type: 'SET_AGENT_STATUS', agentStatus: 'Online', statusInfo: { statusId: '0N5AVAIL' } });
  await expect.poll(async () => (await event(page, 'SET_AGENT_STATUS_RESULT')).success).toBe(true);
  await send(page, { type: 'SET_AGENT_STATUS', agentStatus: 'Online', statusInfo: { statusId: '0N5BREAK' } });
  await event(page, 'SET_AGENT_STATUS_RESULT', 2);
  await expect.poll(async () => (await requested(request, 'setstate')).map((r: any) => [r.state, String(r.reasoncode ?? '')])).toEqual([
    ['auto', ''],
    ['aux', '3'],
  ]);
  // The start-up's "logged out" is no news; the ACD's state after the login
  // is (AUX, the table's Break); a status Salesforce set is not sent back.
  const statuses = (await telephony(page)).filter(([type]) => type === 'SET_AGENT_STATUS').map(([, p]) => p.statusId);
  expect(statuses).toEqual(['0N5BREAK']);
  const types = (await telephony(page)).map(([type]) => type);
  expect(types.indexOf('SET_AGENT_STATUS')).toBeGreaterThan(types.indexOf('LOGIN_RESULT'));
  // The password never reaches the host page.
  expect(JSON.stringify(await messages(page))).not.toContain('1234');
});

test('a wrong password: the login page shows CtiSVR\'s reason, and the agent tries again', async ({ page, request }) => {
  await openHost(page);
  await page.evaluate(() => (window as any).__setup());
  await event(page, 'SHOW_LOGIN');
  const login = page.frameLocator('#login');
  // Only what a login needs: Omni-Channel sets the work mode.
  await expect(login.getByRole('button', { name: 'Auto', exact: true })).toBeHidden();
  await login.getByRole('textbox', { name: 'Agent ID' }).fill(AGENT);
  await login.getByLabel('Password').fill('wrong');
  await login.getByRole('button', { name: 'Login', exact: true }).click();
  const problem = login.getByRole('alert');
  await expect(problem).toBeVisible();
  await expect(problem).toContainText(/password|refused|login/i);
  if (process.env.VOICE_SHOTS) await page.locator('#login').screenshot({ path: `${process.env.VOICE_SHOTS}/login-refused.png` });
  expect(await count(page, 'LOGIN_RESULT')).toBe(0);
  await login.getByLabel('Password').fill('1234');
  await login.getByRole('button', { name: 'Login', exact: true }).click();
  await event(page, 'LOGIN_RESULT');
  await connectorReady(page);
  expect(await requested(request, 'login')).toHaveLength(2);
});

test('an inbound call: one VoiceCall, CALL_STARTED with its id, accepted, held, resumed, ended and closed', async ({ page, request }) => {
  await openHost(page);
  await setUpAndLogIn(page);
  await ring(request, '4155550100', EXT);
  const started = await event(page, 'CALL_STARTED');
  expect(started).toMatchObject({ callType: 'Inbound', phoneNumber: '4155550100', state: 'ringing' });
  const records = await voiceCalls(request);
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({ from: '4155550100', to: EXT, initiationMethod: 'Inbound' });
  expect(started.callAttributes.voiceCallId).toBe(records[0].voiceCallId);

  await send(page, { type: 'ACCEPT_CALL', call: started });
  const connected = await event(page, 'CALL_CONNECTED');
  expect(connected).toMatchObject({ callId: started.callId, state: 'connected' });
  expect(await requested(request, 'answer')).toHaveLength(1);

  await send(page, { type: 'HOLD', call: connected });
  expect(await event(page, 'HOLD_TOGGLE')).toMatchObject({ isCustomerOnHold: true });
  await send(page, { type: 'RESUME', call: connected });
  expect(await event(page, 'HOLD_TOGGLE', 2)).toMatchObject({ isCustomerOnHold: false });
  expect((await sentByConnector(request)).map((r: any) => r.request)).toEqual(expect.arrayContaining(['hold', 'retrieve']));

  await send(page, { type: 'END_CALL', call: connected });
  const hangup = await event(page, 'HANGUP');
  expect(hangup.map((c: any) => c.callId)).toEqual([started.callId]);
  expect(await requested(request, 'hangup')).toHaveLength(1);
  await expect.poll(async () => (await voiceCalls(request))[0].updated?.isActiveCall).toBe(false);
  const [closed] = await voiceCalls(request);
  expect(closed.updated.endTime).toBeTruthy();
  expect(typeof closed.updated.agentInteractionDuration).toBe('number');
  expect(await voiceCalls(request)).toHaveLength(1);
  // Each event once: the SDK published the answered requests' events itself.
  expect(await count(page, 'CALL_STARTED')).toBe(1);
  expect(await count(page, 'CALL_CONNECTED')).toBe(1);
  expect(await count(page, 'HANGUP')).toBe(1);
});

test('the far end hangs up: HANGUP, and the VoiceCall is closed', async ({ page, request }) => {
  await openHost(page);
  await setUpAndLogIn(page);
  await inboundConnected(page, request);
  const state = await (await request.get('/api/state')).json();
  const call = state.calls.find((c: any) => c.parties.some((p: any) => p.number === EXT));
  expect((await request.delete(`/api/calls/${call.id}`)).ok()).toBeTruthy();
  await event(page, 'HANGUP');
  await expect.poll(async () => (await voiceCalls(request))[0].updated?.isActiveCall).toBe(false);
});

test('DIAL sends makecall through the dialing rules and yields CALL_STARTED', async ({ page, request }) => {
  await openHost(page);
  await setUpAndLogIn(page);
  await send(page, { type: 'DIAL', contact: { phoneNumber: '+1 (415) 555-0100' } });
  const started = await event(page, 'CALL_STARTED');
  expect(started).toMatchObject({ callType: 'Outbound' });
  const [makecall] = await requested(request, 'makecall');
  expect(makecall.destination).toBe('90114155550100');
  await event(page, 'CALL_CONNECTED');
  await send(page, { type: 'END_CALL', call: started });
  await event(page, 'HANGUP');
});

test('a consultation then a transfer: the consulted agent\'s VoiceCall names the first as its parent', async ({ page, request }) => {
  await openHost(page);
  await setUpAndLogIn(page);
  const first = await inboundConnected(page, request);
  await send(page, { type: 'ADD_PARTICIPANT', contact: { phoneNumber: '2002' }, call: first, isBlindTransfer: false });
  const added = await event(page, 'PARTICIPANT_ADDED');
  expect(added.phoneNumber).toBe('2002');
  expect((await requested(request, 'consultation'))[0].destination).toBe('2002');
  // 2002 answers (the mock's control API plays its agent).
  await expect.poll(async () => (await voiceCalls(request)).length).toBe(2);
  const [parent, consult] = await voiceCalls(request);
  expect(consult).toMatchObject({ to: '2002', initiationMethod: 'Transfer', parentVoiceCallId: parent.voiceCallId });
  const state = await (await request.get('/api/state')).json();
  const ringing = state.calls.find((c: any) => c.parties.some((p: any) => p.number === '2002' && p.state === 'alerting'));
  expect((await request.post(`/api/calls/${ringing.id}/answer`)).ok()).toBeTruthy();
  await event(page, 'PARTICIPANT_CONNECTED');
  // The agent leaves: the two-step transfer joins the caller and 2002.
  await send(page, { type: 'END_CALL', call: first });
  await event(page, 'HANGUP');
  expect(await requested(request, 'transfer')).toHaveLength(1);
  await expect.poll(async () => (await voiceCalls(request))[0].updated?.isActiveCall).toBe(false);
});

test('CtiSVR fails over during a call: the call and its VoiceCall stay, and it can still be ended', async ({ page, request }) => {
  await openHost(page);
  await setUpAndLogIn(page);
  const started = await inboundConnected(page, request);
  const [portA, portB] = [new URL(WS_A).port, new URL(WS_B).port];
  expect((await request.post(`/api/endpoints/${portA}/refuse`)).ok()).toBeTruthy();
  expect((await request.post(`/api/endpoints/${portA}/close`)).ok()).toBeTruthy();
  // The connector finds the call again on B; Salesforce hears of no hang-up.
  await expect
    .poll(async () => (await mockLog(request)).some((c) => c.extension === EXT && c.open && c.endpoint.endsWith(`:${portB}`)), { timeout: 10_000 })
    .toBe(true);
  await page.waitForTimeout(1000);
  expect(await count(page, 'HANGUP')).toBe(0);
  expect(await voiceCalls(request)).toHaveLength(1);
  expect((await voiceCalls(request))[0].updated?.isActiveCall).not.toBe(false);
  await send(page, { type: 'END_CALL', call: started });
  await event(page, 'HANGUP');
});

test('a reload of the connector page finds the call through getActiveCalls', async ({ page, request }) => {
  await openHost(page);
  await setUpAndLogIn(page);
  const started = await inboundConnected(page, request);
  await page.evaluate(() => (window as any).__reloadConnector());
  await expect.poll(() => page.evaluate(() => (window as any).__connectorLoaded === true)).toBe(true);
  await page.evaluate(() => (window as any).__setup());
  // The agent is still logged in: no login page, ready with the call.
  const ready = await connectorReady(page);
  expect(await count(page, 'SHOW_LOGIN')).toBe(0);
  expect(ready.callInProgress).toMatchObject({ phoneNumber: '4155550100', state: 'connected' });
  // Its VoiceCall record is found again.
  expect(ready.callInProgress.callAttributes.voiceCallId).toBe(started.callAttributes.voiceCallId);
  expect(await voiceCalls(request)).toHaveLength(1);
  await send(page, { type: 'END_CALL', call: ready.callInProgress });
  expect((await event(page, 'HANGUP')).map((c: any) => c.callId)).toEqual([ready.callInProgress.callId]);
  expect(await requested(request, 'hangup')).toHaveLength(1);
});

test('a conference: merged without the third party leaving, then the third party removed (dropparty)', async ({ page, request }) => {
  await openHost(page);
  await setUpAndLogIn(page);
  const first = await inboundConnected(page, request);
  await send(page, { type: 'ADD_PARTICIPANT', contact: { phoneNumber: '2002' }, call: first, isBlindTransfer: false });
  await event(page, 'PARTICIPANT_ADDED');
  const state = await (await request.get('/api/state')).json();
  const ringing = state.calls.find((c: any) => c.parties.some((p: any) => p.number === '2002' && p.state === 'alerting'));
  expect((await request.post(`/api/calls/${ringing.id}/answer`)).ok()).toBeTruthy();
  await event(page, 'PARTICIPANT_CONNECTED');
  await send(page, { type: 'CONFERENCE', calls: [first] });
  // The SDK tells Salesforce of a merge as a HOLD_TOGGLE with nobody on hold.
  await expect.poll(async () => (await requested(request, 'conference')).length).toBe(1);
  await expect.poll(async () => (await telephony(page)).filter(([t, p]) => t === 'HOLD_TOGGLE' && p.isCustomerOnHold === false && p.isThirdPartyOnHold === false).length).toBeGreaterThan(0);
  await page.waitForTimeout(500);
  expect(await count(page, 'PARTICIPANT_REMOVED')).toBe(0);
  expect(await count(page, 'HANGUP')).toBe(0);
  // Salesforce removes the third party: dropparty, the customer stays.
  await send(page, { type: 'END_CALL', call: { callId: 'gone', phoneNumber: '2002', callAttributes: { participantType: 'Third_Party' } } });
  await expect.poll(async () => (await requested(request, 'dropparty')).map((r: any) => r.party)).toEqual(['2002']);
  expect(await requested(request, 'hangup')).toHaveLength(0);
  await event(page, 'PARTICIPANT_REMOVED');
  expect(await count(page, 'HANGUP')).toBe(0);
});

test('Offline logs the agent out and Salesforce offers the login again; back in, Available works', async ({ page, request }) => {
  await openHost(page);
  await setUpAndLogIn(page);
  await send(page, { type: 'SET_AGENT_STATUS', agentStatus: 'Offline', statusInfo: { statusId: '0' } });
  await expect.poll(async () => (await requested(request, 'logout')).length).toBe(1);
  await event(page, 'LOGOUT_RESULT');
  const login = page.frameLocator('#login');
  await login.getByRole('textbox', { name: 'Agent ID' }).fill(AGENT);
  await login.getByLabel('Password').fill('1234');
  await login.getByRole('button', { name: 'Login', exact: true }).click();
  await event(page, 'LOGIN_RESULT', 2);
  await send(page, { type: 'SET_AGENT_STATUS', agentStatus: 'Online', statusInfo: { statusId: '0N5AVAIL' } });
  await expect.poll(async () => (await requested(request, 'setstate')).map((r: any) => r.state)).toEqual(['auto']);
  expect((await event(page, 'SET_AGENT_STATUS_RESULT', 2)).success).toBe(true);
});

test('a SETUP_CONNECTOR from another origin is ignored, and Salesforce\'s still works', async ({ page }) => {
  await openHost(page);
  // A page of another origin beside the connector posts its own first.
  await page.evaluate((src) => {
    const forger = document.createElement('iframe');
    forger.id = 'forger';
    forger.src = src;
    document.body.append(forger);
  }, `${forgerOrigin}/voice-forger.html`);
  await expect.poll(async () => (await page.frame({ url: /voice-forger/ })?.evaluate(() => (window as any).__posted)) ?? false).toBe(true);
  await page.evaluate(() => (window as any).__setup());
  await event(page, 'SHOW_LOGIN');
  // The forger heard nothing on its port: the connector only answered Salesforce.
  expect(await page.frame({ url: /voice-forger/ })!.evaluate(() => (window as any).__heard)).toEqual([]);
});

// Salesforce Open CTI end to end, Lightning and Classic, in the emulated
// org of e2e/org.ts. CtiSVR is the mock; the softphone uses extension 2003
// (the other suites use 2001 and 2002). The agent's several tabs:
// e2e/tabs.spec.ts.
//
// SCREENSHOTS=1 also writes docs/images/softphone-lightning.png and
// docs/images/salesforce-lightning.png (the admin guide's pictures).
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { mockCalls, mockLog, requestsNamed, resetMock, ring, WS_A, WS_B } from './mock';
import {
  ADAPTER,
  button,
  callRows,
  ctiCalls,
  EXT,
  type Flavour,
  openOrg,
  orgOrigin,
  taskOf,
  useOrg,
  VF_RESOURCE,
  waitForCalls,
} from './org';

const ENDPOINT_A = new URL(WS_A).host;
const IMAGES = path.join(__dirname, '..', 'docs', 'images');
const FLAVOURS: Flavour[] = ['lightning', 'classic'];

useOrg();

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

async function screenshots(page: Page, phone: Locator, flavour: Flavour) {
  if (!process.env.SCREENSHOTS || flavour !== 'lightning') return;
  fs.mkdirSync(IMAGES, { recursive: true });
  await phone.screenshot({ path: path.join(IMAGES, 'softphone-lightning.png') });
  await page.screenshot({ path: path.join(IMAGES, 'salesforce-lightning.png') });
}

async function makeCall(request: APIRequestContext, data: Record<string, string>) {
  const response = await request.post('/api/calls', { data });
  expect(response.status()).toBe(201);
}

for (const flavour of FLAVOURS) {
  test.describe(`Salesforce ${flavour}`, () => {
    test('settings come from the call center; initialization is notified once', async ({ page, request }) => {
      await openOrg(page, flavour);
      expect(await ctiCalls(page, 'getCallCenterSettings')).toHaveLength(1);
      const connections = await mockLog(request);
      expect(connections.some((c) => c.endpoint === ENDPOINT_A && c.extension === EXT && c.open)).toBe(true);
      await waitForCalls(page, 'enableClickToDial');
      expect(await ctiCalls(page, 'notifyInitializationComplete')).toHaveLength(1);
      expect(await ctiCalls(page, 'onClickToDial')).toHaveLength(1);
    });

    test('click-to-dial dials with the call center prefixes and logs the outbound call', async ({ page, request }) => {
      const phone = await openOrg(page, flavour);
      await waitForCalls(page, 'enableClickToDial');
      await page.getByRole('link', { name: '+1 (415) 555-0100' }).click();
      await expect.poll(() => requestsNamed(request, 'makecall')).toHaveLength(1);
      const [makecall] = await requestsNamed(request, 'makecall');
      expect(makecall).toMatchObject({ extension: EXT, destination: '90114155550100' });
      await expect(callRows(phone)).toHaveText([/Connected\s*90114155550100/]);
      await button(phone, 'Hang up').click();
      await expect(callRows(phone)).toHaveText(['No call']);
      const [log] = await waitForCalls(page, 'saveLog');
      expect(taskOf(log)).toMatchObject({
        Subject: 'Call to 90114155550100',
        CallType: 'Outbound',
        Status: 'Completed',
        Type: 'Call',
        WhoId: '003000000000001',
      });
    });

    test('an inbound call pops the caller, shows the panel, and logs its duration', async ({ page, request }) => {
      const phone = await openOrg(page, flavour);
      await ring(request, '4155550100', EXT);
      const [pop] = await waitForCalls(page, 'searchAndScreenPop');
      expect(pop.args).toMatchObject({ searchParams: '4155550100', queryParams: '', callType: 'inbound' });
      if (flavour === 'lightning') expect(pop.args.deferred).toBe(false);
      const [shown] = await waitForCalls(page, flavour === 'lightning' ? 'setSoftphonePanelVisibility' : 'setVisible');
      expect(shown.args).toEqual(flavour === 'lightning' ? { visible: true } : { value: true });
      await expect(callRows(phone)).toHaveText([/Ringing\s*4155550100/]);
      await button(phone, 'Answer').click();
      await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
      await screenshots(page, phone, flavour);
      await page.waitForTimeout(2_000);
      await button(phone, 'Hang up').click();
      await expect(callRows(phone)).toHaveText(['No call']);
      const [log] = await waitForCalls(page, 'saveLog');
      const task = taskOf(log);
      expect(task).toMatchObject({ Subject: 'Call from 4155550100', CallType: 'Inbound', WhoId: '003000000000001' });
      const seconds = Number(task.CallDurationInSeconds);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(3);
      expect(await ctiCalls(page, 'searchAndScreenPop')).toHaveLength(1);
    });

    test('a withheld caller shows as unknown, opens the panel without a search, and is logged unlinked', async ({
      page,
      request,
    }) => {
      const phone = await openOrg(page, flavour);
      await ring(request, 'Anonymous', EXT);
      await waitForCalls(page, flavour === 'lightning' ? 'setSoftphonePanelVisibility' : 'setVisible');
      await expect(callRows(phone)).toHaveText([/Ringing\s*Unknown caller/]);
      await button(phone, 'Answer').click();
      await expect(callRows(phone)).toHaveText([/Connected\s*Unknown caller/]);
      await button(phone, 'Hang up').click();
      const [log] = await waitForCalls(page, 'saveLog');
      const task = taskOf(log);
      expect(task).toMatchObject({ Subject: 'Call from an unknown caller', CallType: 'Inbound' });
      expect(task.WhoId).toBeUndefined();
      expect(task.WhatId).toBeUndefined();
      expect(await ctiCalls(page, 'searchAndScreenPop'), 'nothing is searched for "Anonymous"').toHaveLength(0);
    });

    test('a transferred call pops the original caller', async ({ page, request }) => {
      const phone = await openOrg(page, flavour);
      await makeCall(request, { from: '2002', to: EXT, origcalling: '4155550111' });
      const [pop] = await waitForCalls(page, 'searchAndScreenPop');
      expect(pop.args.searchParams).toBe('4155550111');
      await expect(callRows(phone)).toHaveText([/Ringing\s*4155550111/]);
      const [call] = await mockCalls(request);
      expect((await request.delete(`/api/calls/${call.id}`)).ok()).toBeTruthy();
      const [log] = await waitForCalls(page, 'saveLog');
      // The search found an Account: the log is related to it (WhatId).
      expect(taskOf(log)).toMatchObject({ CallType: 'Inbound', WhatId: '001000000000002', CallDurationInSeconds: '0' });
    });

    test('click-to-dial is enabled only while connected to CtiSVR', async ({ page, request }) => {
      const phone = await openOrg(page, flavour);
      await waitForCalls(page, 'enableClickToDial');
      const toggles = async () =>
        (await ctiCalls(page)).filter((c) => /ableClickToDial$/.test(c.method)).map((c) => c.method);
      expect(await toggles()).toEqual(['enableClickToDial']);
      await resetMock(request); // closes every socket: the element reconnects
      await expect.poll(toggles).toEqual(['enableClickToDial', 'disableClickToDial', 'enableClickToDial']);
      await expect(phone.getByRole('status', { name: 'Connection' })).toContainText(/Connected to [AB]/);
      expect(await ctiCalls(page, 'notifyInitializationComplete')).toHaveLength(1);
    });

    test('a call log Salesforce refuses is shown to the agent and saved on retry', async ({ page, request }) => {
      test.setTimeout(60_000);
      const phone = await openOrg(page, flavour);
      await page.evaluate(() => ((window as any).__failSaveLog = 1));
      await ring(request, '4155550100', EXT);
      await expect(callRows(phone)).toHaveText([/Ringing\s*4155550100/]);
      const [call] = await mockCalls(request);
      expect((await request.delete(`/api/calls/${call.id}`)).ok()).toBeTruthy();
      await expect(phone.getByRole('alert')).toContainText(
        'The call log was not saved (INSUFFICIENT_ACCESS_OR_READONLY); trying again in 10 s',
      );
      const [first, second] = await waitForCalls(page, 'saveLog', 2, 20_000);
      expect(taskOf(second)).toEqual(taskOf(first));
      expect(taskOf(second).Subject).toBe('Missed call from 4155550100');
      expect(second.at - first.at).toBeGreaterThanOrEqual(9_000);
      await page.waitForTimeout(500);
      expect(await ctiCalls(page, 'saveLog')).toHaveLength(2);
    });
  });
}

/** Opens the org on 127.0.0.1 (the same site as the adapter, so the frame
 *  has sessionStorage; a cross-site frame gets none in this Chromium), with
 *  getCallCenterSettings held until the test releases it. A first load has
 *  nothing remembered: it checks no socket opens before Salesforce answers,
 *  releases the answer and waits until the softphone is connected. */
async function openSameSiteOrgHoldingSettings(page: Page, request: APIRequestContext, flavour: Flavour) {
  const org = `http://127.0.0.1:${new URL(orgOrigin()).port}`;
  const query = new URLSearchParams({ flavour, ext: EXT, adapter: ADAPTER, wsA: WS_A, wsB: WS_B, holdSettings: '1' });
  await page.goto(`${org}/host.html?${query}`);
  const status = page.frameLocator('#softphone').locator('ctisvr-softphone').getByRole('status', { name: 'Connection' });
  await expectNoSocketWhileSettingsWait(page, request);
  await page.evaluate(() => (window as any).__releaseSettings());
  await expect(status).toContainText('Connected to A');
  await expect(status).toContainText(`Ext ${EXT}`);
  return page.frameLocator('#softphone').locator('ctisvr-softphone');
}

async function expectNoSocketWhileSettingsWait(page: Page, request: APIRequestContext) {
  await expect.poll(() => page.evaluate(() => (window as any).__heldSettings)).toBe(1);
  await page.waitForTimeout(300);
  expect((await mockLog(request)).filter((c) => c.open)).toEqual([]);
}

test('a reload connects with the settings Salesforce gave before, and Salesforce\'s new answer wins', async ({ page, request }) => {
  const phone = await openSameSiteOrgHoldingSettings(page, request, 'classic');
  const status = phone.getByRole('status', { name: 'Connection' });

  // Reloaded: connected and ready while getCallCenterSettings still waits.
  await page.reload();
  await expect(status).toContainText(`Ext ${EXT}`);
  await waitForCalls(page, 'enableClickToDial');
  expect(await page.evaluate(() => (window as any).__heldSettings)).toBe(1);
  const before = await mockLog(request);
  expect(before.filter((c) => c.open).map((c) => c.endpoint)).toEqual([ENDPOINT_A]);

  // The admin moved server A meanwhile: Salesforce's answer wins.
  await page.evaluate((uri) => {
    (window as any).__settings['/ServerInfo/wsURIA'] = uri;
    (window as any).__releaseSettings();
  }, `${WS_B}?ext=${EXT}`);
  await expect.poll(async () => (await mockLog(request)).filter((c) => c.open).map((c) => c.endpoint)).toEqual([new URL(WS_B).host]);
  await expect(status).toContainText(`Ext ${EXT}`);
  expect(await ctiCalls(page, 'notifyInitializationComplete')).toHaveLength(1);
});

test('when Salesforce refuses the settings a reload connected with, the softphone leaves the server and says why', async ({ page, request }) => {
  const phone = await openSameSiteOrgHoldingSettings(page, request, 'lightning');
  const status = phone.getByRole('status', { name: 'Connection' });
  await page.reload();
  await expect(status).toContainText(`Ext ${EXT}`);
  // The agent was taken out of the call center meanwhile; no call is up.
  await page.evaluate(() => {
    (window as any).__settingsRefusal = 'The user is not assigned to a call center';
    (window as any).__releaseSettings();
  });
  await expect(phone.getByRole('alert').first()).toContainText('The user is not assigned to a call center');
  await expect.poll(async () => (await mockLog(request)).filter((c) => c.open)).toEqual([]);
  await expect(status).toContainText('Not configured');
  await expect(status).not.toContainText(`Ext ${EXT}`);
  // The next reload remembers nothing: it waits for Salesforce again.
  await page.reload();
  await expectNoSocketWhileSettingsWait(page, request);
});

test('when the Salesforce library does not load, the adapter says so and runs standalone', async ({ page, request }) => {
  await page.goto(`${orgOrigin()}/host.html?${new URLSearchParams({
    flavour: 'lightning',
    adapter: ADAPTER,
    'adapter.apiVersion': '99.0', // the org serves no such path: 404
    'adapter.wsURIA': `${WS_A}?ext=${EXT}`,
  })}`);
  const frame = page.frameLocator('#softphone');
  await expect(frame.getByRole('alert').first()).toContainText('Salesforce is not connected');
  await expect(frame.locator('#adapter-problem')).toContainText('/support/api/99.0/lightning/opencti_min.js did not load');
  const phone = frame.locator('ctisvr-softphone');
  await expect(phone).toHaveAttribute('crm', 'none');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText(`Ext ${EXT}`);
  expect(await ctiCalls(page)).toEqual([]);
  expect((await mockLog(request)).some((c) => c.extension === EXT)).toBe(true);
});

test('an adapter URL with a malformed Salesforce origin is refused', async ({ page }) => {
  const query = new URLSearchParams({
    sfdcIframeOrigin: 'javascript:alert(1)',
    mode: 'Lightning',
    wsURIA: `${WS_A}?ext=${EXT}`,
  });
  await page.goto(`/index.html?${query}`);
  await expect(page.locator('#adapter-problem')).toContainText('is not an http(s) origin');
  await expect(page.locator('ctisvr-softphone').getByRole('status', { name: 'Connection' })).toContainText(`Ext ${EXT}`);
});

test('an https adapter page explains the sockets the browser refuses', async ({ context, page }) => {
  // The adapter page as if hosted at a public https origin (files from dist/).
  const dist = path.join(__dirname, '..', 'dist');
  await context.route('https://cti.example.test/**', (route) => {
    const { pathname } = new URL(route.request().url());
    const file = path.join(dist, path.normalize(pathname).replace(/^[/\\]+/, ''));
    if (!file.startsWith(dist) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
    return route.fulfill({ contentType: types[path.extname(file)] ?? 'application/octet-stream', body: fs.readFileSync(file) });
  });
  await page.addInitScript(() => {
    (window as any).__notices = [];
    document.addEventListener('ctisvr-notice', (e: any) => (window as any).__notices.push(e.detail.text));
  });
  const query = new URLSearchParams({ wsURIA: 'ws://cti.example.test:9006/', wsURIB: 'wss://10.0.0.5:9008/' });
  await page.goto(`https://cti.example.test/index.html?${query}`);
  const notices = () => page.evaluate(() => (window as any).__notices as string[]);
  await expect.poll(notices).toContain(
    'This page is https, so the browser refuses ws://cti.example.test:9006/: ask your admin for a wss:// address (TLS in front of CtiSVR).',
  );
  await expect
    .poll(async () => (await notices()).some((n) => n.startsWith('The browser may be blocking access to the local network address 10.0.0.5: allow local network access for this site')))
    .toBe(true);
  await expect(page.locator('ctisvr-softphone').getByRole('status', { name: 'Connection' })).toContainText('Reconnecting in');
});

for (const flavour of FLAVOURS) {
  test(`the Visualforce adapter page of \`cargo xtask package\` works in ${flavour}`, async ({ page, request }) => {
    test.skip(!fs.existsSync(VF_RESOURCE), 'run `cargo xtask package` first');
    const phone = await openOrg(page, flavour, { adapter: `${orgOrigin()}/apex/CtisvrSoftphone` });
    await waitForCalls(page, 'enableClickToDial');
    expect(await ctiCalls(page, 'notifyInitializationComplete')).toHaveLength(1);
    await page.getByRole('link', { name: '+1 (415) 555-0100' }).click();
    await expect(callRows(phone)).toHaveText([/90114155550100/]);
    const [makecall] = await requestsNamed(request, 'makecall');
    expect(makecall).toMatchObject({ extension: EXT, destination: '90114155550100' });
  });
}

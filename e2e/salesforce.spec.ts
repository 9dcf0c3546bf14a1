// Salesforce Open CTI end to end, Lightning and Classic: an emulated org at
// http://myorg.my.salesforce.localhost:<port> (e2e/fixtures, served by a
// small HTTP server started here) frames the adapter page with the query
// Salesforce adds; a fake Open CTI library inside the frame forwards every
// call to the org page, which answers and records it in window.__calls.
// CtiSVR is the mock; the softphone uses extension 2003 (the other suites
// use 2001 and 2002).
//
// Why a real server and not context.route: Chromium's Local Network Access
// checks treat a routed (fulfilled) page as public, and a public http page
// may not frame 127.0.0.1 (ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS; the
// permission cannot be granted to http origins). *.localhost resolves to
// loopback in Chromium, so the org keeps a Salesforce-like, cross-origin name
// and is as local as the adapter.
//
// SCREENSHOTS=1 also writes docs/images/softphone-lightning.png and
// docs/images/salesforce-lightning.png (the admin guide's pictures).
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { mockCalls, mockLog, requestsNamed, resetMock, ring, WS_A, WS_B } from './mock';

const FIXTURES = path.join(__dirname, 'fixtures');
/** `cargo xtask package`'s output: the Visualforce page and its static resource. */
const SFDX = path.join(__dirname, '..', 'dist', 'salesforce', 'sfdx', 'force-app', 'main', 'default');
const VF_PAGE = path.join(SFDX, 'pages', 'CtisvrSoftphone.page');
const VF_RESOURCE = path.join(SFDX, 'staticresources', 'ctisvrsoftphone.resource');
const EXT = '2003';
/** The adapter page as the mock serves it (playwright.config.ts's ports). */
const ADAPTER = `http://127.0.0.1:${process.env.E2E_HTTP_PORT ?? '18080'}/index.html`;
const ENDPOINT_A = new URL(WS_A).host;
let ORG = '';
let org: http.Server;
const IMAGES = path.join(__dirname, '..', 'docs', 'images');

type Flavour = 'lightning' | 'classic';
type CtiCall = { flavour: Flavour; method: string; args: Record<string, any>; at: number };

const FLAVOURS: Flavour[] = ['lightning', 'classic'];

/** The org's files: its page, its script, and the Open CTI library of API 62.0. */
function orgFile(pathname: string): [string, string] | undefined {
  if (pathname === '/host.html') return ['host.html', 'text/html'];
  if (pathname === '/host.js') return ['host.js', 'text/javascript'];
  if (/^\/support\/api\/62\.0\/(lightning\/opencti_min|interaction)\.js$/.test(pathname)) {
    return ['fake-sforce.js', 'text/javascript'];
  }
  return undefined;
}

/** The entries of a zip of stored files (what `cargo xtask package` writes). */
function unzipStored(zip: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    entries.set(name, zip.subarray(start, start + size));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** What Salesforce would render of our Visualforce page for `mode` (just the
 *  constructs the page uses: the apex:page wrapper, the two conditional
 *  library includes, URLFOR of the static resource). */
function renderVisualforce(page: string, mode: string | null): string {
  const lightning = mode === 'Lightning';
  return (
    '<!DOCTYPE html>\n' +
    page
      .replace(/<apex:page[^>]*>|<\/apex:page>/g, '')
      .replace(/<apex:outputPanel layout="none" rendered="\{!\$CurrentPage\.parameters\.mode (==|!=) 'Lightning'\}">([\s\S]*?)<\/apex:outputPanel>/g,
        (_, op: string, body: string) => ((op === '==') === lightning ? body : ''))
      .replace(/\{!URLFOR\(\$Resource\.ctisvrsoftphone, '([^']+)'\)\}/g, '/resource/1700000000000/ctisvrsoftphone/$1')
  );
}

/** Serves the Visualforce page and its static resource, like an org does
 *  (the wasm as application/octet-stream, as zip resources may be). */
function visualforce(url: URL, res: http.ServerResponse): boolean {
  if (!fs.existsSync(VF_PAGE) || !fs.existsSync(VF_RESOURCE)) return false;
  if (url.pathname === '/apex/CtisvrSoftphone') {
    const html = renderVisualforce(fs.readFileSync(VF_PAGE, 'utf8'), url.searchParams.get('mode'));
    res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    return true;
  }
  const match = url.pathname.match(/^\/resource\/\d+\/ctisvrsoftphone\/(.+)$/);
  const data = match && unzipStored(fs.readFileSync(VF_RESOURCE)).get(match[1]);
  if (!match || !data) return false;
  res.writeHead(200, { 'content-type': match[1].endsWith('.js') ? 'text/javascript' : 'application/octet-stream' });
  res.end(data);
  return true;
}

test.beforeAll(async () => {
  org = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://org');
    if (visualforce(url, res)) return;
    const file = orgFile(url.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not in this org');
      return;
    }
    res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' });
    res.end(fs.readFileSync(path.join(FIXTURES, file[0])));
  });
  await new Promise<void>((resolve) => org.listen(0, '127.0.0.1', resolve));
  ORG = `http://myorg.my.salesforce.localhost:${(org.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => org.close(resolve));
});

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

/** The org page with the softphone utility; waits until it is connected. */
async function openOrg(page: Page, flavour: Flavour, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ flavour, ext: EXT, adapter: ADAPTER, wsA: WS_A, wsB: WS_B, ...extra });
  await page.goto(`${ORG}/host.html?${query}`);
  const phone = page.frameLocator('#softphone').locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  return phone;
}

async function ctiCalls(page: Page, method?: string): Promise<CtiCall[]> {
  const calls: CtiCall[] = await page.evaluate(() => (window as any).__calls);
  return method ? calls.filter((c) => c.method === method) : calls;
}

/** The Task fields of a recorded saveLog, whichever the flavour. */
function taskOf(call: CtiCall): Record<string, string> {
  if (call.flavour === 'lightning') return call.args.value;
  expect(call.args.object).toBe('Task');
  return Object.fromEntries(new URLSearchParams(call.args.saveParams));
}

function button(phone: Locator, name: string) {
  return phone.getByRole('button', { name, exact: true });
}

function callRows(phone: Locator) {
  return phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
}

/** Waits until the frame saw `count` calls of `method`, and returns them. */
async function waitForCalls(page: Page, method: string, count = 1, timeout = 10_000) {
  await expect.poll(async () => (await ctiCalls(page, method)).length, { timeout }).toBeGreaterThanOrEqual(count);
  return ctiCalls(page, method);
}

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

test('when the Salesforce library does not load, the adapter says so and runs standalone', async ({ page, request }) => {
  await page.goto(`${ORG}/host.html?${new URLSearchParams({
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
    const phone = await openOrg(page, flavour, { adapter: `${ORG}/apex/CtisvrSoftphone` });
    await waitForCalls(page, 'enableClickToDial');
    expect(await ctiCalls(page, 'notifyInitializationComplete')).toHaveLength(1);
    await page.getByRole('link', { name: '+1 (415) 555-0100' }).click();
    await expect(callRows(phone)).toHaveText([/90114155550100/]);
    const [makecall] = await requestsNamed(request, 'makecall');
    expect(makecall).toMatchObject({ extension: EXT, destination: '90114155550100' });
  });
}

/** What Chromium does to a cross-site frame when third-party storage is
 *  blocked (incognito, enterprise policy): storage and Web Locks throw
 *  SecurityError; BroadcastChannel keeps working. Applied to the adapter's
 *  frames only. */
function blockThirdPartyStorage(adapterOrigin: string) {
  if (location.origin !== adapterOrigin || window.top === window) return;
  const denied = () => {
    throw new DOMException('Access is denied for this document.', 'SecurityError');
  };
  for (const name of ['localStorage', 'sessionStorage', 'indexedDB']) {
    Object.defineProperty(window, name, { get: denied, configurable: true });
  }
  if (navigator.locks) Object.defineProperty(navigator.locks, 'request', { value: denied, configurable: true });
  Object.defineProperty(document, 'cookie', { get: () => '', set: () => {}, configurable: true });
}

for (const blocked of [false, true]) test.describe(`several tabs of one agent${blocked ? ', third-party storage blocked' : ''}`, () => {
  test('one screen pop and one call log per call; when the leader closes, the other pops the next call', async ({
    context,
    page,
    request,
  }) => {
    test.setTimeout(60_000);
    if (blocked) {
      await context.addInitScript(blockThirdPartyStorage, new URL(ADAPTER).origin);
    }
    const other = await context.newPage();
    await openOrg(page, 'lightning');
    await openOrg(other, 'lightning');
    await page.waitForTimeout(1_000); // the tabs hear each other and agree on a leader
    const pops = async (p: Page) => (await ctiCalls(p, 'searchAndScreenPop')).length;
    const logs = async (p: Page) => (await ctiCalls(p, 'saveLog')).length;

    await ring(request, '4155550100', EXT);
    await expect.poll(async () => (await pops(page)) + (await pops(other))).toBe(1);
    const [call] = await mockCalls(request);
    expect((await request.delete(`/api/calls/${call.id}`)).ok()).toBeTruthy();
    await expect.poll(async () => (await logs(page)) + (await logs(other))).toBe(1);
    await page.waitForTimeout(500);
    expect((await pops(page)) + (await pops(other))).toBe(1);
    expect((await logs(page)) + (await logs(other))).toBe(1);
    // Both tabs showed the call.
    for (const p of [page, other]) {
      const phone = p.frameLocator('#softphone').locator('ctisvr-softphone');
      await expect(callRows(phone)).toHaveText(['No call']);
    }

    const [leader, follower] = (await pops(page)) === 1 ? [page, other] : [other, page];
    await leader.close();
    await ring(request, '4155550122', EXT);
    await expect.poll(() => ctiCalls(follower, 'searchAndScreenPop'), { timeout: 5_000 }).toEqual([
      expect.objectContaining({ args: expect.objectContaining({ searchParams: '4155550122' }) }),
    ]);
    if (blocked) {
      // The denial really is in force in the adapter's frame.
      const frame = follower.frames().find((f) => f.url().startsWith(new URL(ADAPTER).origin));
      const denied = await frame?.evaluate(() => {
        try {
          return String(sessionStorage.length);
        } catch (error) {
          return (error as DOMException).name;
        }
      });
      expect(denied).toBe('SecurityError');
    }
  });
});

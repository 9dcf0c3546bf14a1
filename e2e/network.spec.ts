// A network that comes back, and notices that go with their cause (issue 9,
// items 6 and 7). Faults come from the mock's control API (docs/mock.md);
// `context.setOffline` fires the page's `offline` and `online` events.
import { expect, test, type APIRequestContext, type BrowserContext, type Locator } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { openSoftphone, resetMock, WS_A, WS_B } from './mock';

const PORT_A = new URL(WS_A).port;
const PORT_B = new URL(WS_B).port;

async function fault(request: APIRequestContext, path: string) {
  const response = await request.post(path, {});
  expect(response.ok(), `${path}: ${await response.text()}`).toBeTruthy();
}

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

test.afterEach(async ({ context }) => {
  await context.setOffline(false);
});

/** Seconds left of "Reconnecting in N s", or null while not waiting. */
async function secondsLeft(status: Locator): Promise<number | null> {
  const match = /Reconnecting in (\d+) s/.exec((await status.textContent()) ?? '');
  return match ? Number(match[1]) : null;
}

test('online ends a long reconnect wait at once', async ({ context, page, request }) => {
  test.setTimeout(60_000);
  const phone = await openSoftphone(page);
  const status = phone.getByRole('status', { name: 'Connection' });
  await context.setOffline(true);
  await fault(request, `/api/endpoints/${PORT_A}/refuse`);
  await fault(request, `/api/endpoints/${PORT_B}/refuse`);
  await fault(request, `/api/endpoints/${PORT_A}/close?frame=false`);
  await expect(status).toContainText(/Reconnecting in \d+ s/);
  await expect(phone.locator('.why')).toContainText('Offline: waiting for the network');
  // Failed rounds raise the backoff (full jitter up to 2, 4, 8, 16, 30 s):
  // fail rounds with Retry now until the wait left is long.
  const retry = phone.getByRole('button', { name: 'Retry now' });
  for (let round = 0; round < 30 && ((await secondsLeft(status)) ?? 0) < 8; round++) {
    await retry.click();
    await expect(status).toContainText(/Reconnecting in \d+ s/);
  }
  const left = await secondsLeft(status);
  expect(left, 'a long wait to cut short').toBeGreaterThanOrEqual(8);
  await fault(request, `/api/endpoints/${PORT_A}/accept`);
  await fault(request, `/api/endpoints/${PORT_B}/accept`);

  const onlineAt = Date.now();
  await context.setOffline(false);
  await expect(status).toContainText('Connected to A', { timeout: 5_000 });
  const took = Date.now() - onlineAt;
  console.log(`ready ${took} ms after online (the wait had ${left} s left)`);
  expect(took).toBeLessThan(2_000);
  await expect(phone.locator('.why')).toBeHidden();
});

test('offline: a socket that died silently is left within the request timeout', async ({ context, page }) => {
  // Chromium's offline emulation stops the frames of an open socket without
  // closing it, as a lost network does to a socket to a remote CtiSVR.
  const query = new URLSearchParams({
    wsURIA: `${WS_A}?ext=2001`,
    wsURIB: `${WS_B}?ext=2001`,
    requestTimeout: '2',
  });
  await page.goto(`/index.html?${query}`);
  const phone = page.locator('ctisvr-softphone');
  const status = phone.getByRole('status', { name: 'Connection' });
  await expect(status).toContainText('Connected to A');
  const offlineAt = Date.now();
  await context.setOffline(true);
  // Checked at once: left after the 2 s request timeout, not the 30 s liveness interval.
  await expect(status).not.toContainText('Connected', { timeout: 6_000 });
  console.log(`left ${Date.now() - offlineAt} ms after offline`);
  await context.setOffline(false);
  await expect(status).toContainText(/Connected to [AB]/, { timeout: 3_000 });
});

/** Serves dist/ at https://cti.example.test, a public origin: the browser's
 * local network rules then apply to the mock at 127.0.0.1. */
async function servePublicOrigin(context: BrowserContext) {
  const dist = path.join(__dirname, '..', 'dist');
  await context.route('https://cti.example.test/**', (route) => {
    const { pathname } = new URL(route.request().url());
    const file = path.join(dist, path.normalize(pathname).replace(/^[/\\]+/, ''));
    if (!file.startsWith(dist) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
    return route.fulfill({ contentType: types[path.extname(file)] ?? 'application/octet-stream', body: fs.readFileSync(file) });
  });
}

test('the advice about a refused A goes once connected to B', async ({ context, page, request }) => {
  await servePublicOrigin(context);
  await context.grantPermissions(['local-network-access'], { origin: 'https://cti.example.test' });
  await page.addInitScript(() => {
    (window as any).__shown = [];
    (window as any).__gone = [];
    document.addEventListener('ctisvr-notice', (e: any) => (window as any).__shown.push(e.detail.text));
    document.addEventListener('ctisvr-notice-gone', (e: any) => (window as any).__gone.push(e.detail.text));
  });
  await fault(request, `/api/endpoints/${PORT_A}/refuse`);
  const query = new URLSearchParams({ wsURIA: `${WS_A}?ext=2001`, wsURIB: `${WS_B}?ext=2001` });
  await page.goto(`https://cti.example.test/index.html?${query}`);
  const phone = page.locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to B');
  const advice = 'The browser may be blocking access to the local network address 127.0.0.1';
  const shown = await page.evaluate(() => (window as any).__shown as string[]);
  expect(shown.some((text) => text.startsWith(advice)), `raised: ${JSON.stringify(shown)}`).toBe(true);
  await expect(phone.getByRole('alert')).toBeHidden();
  const gone = await page.evaluate(() => (window as any).__gone as string[]);
  expect(gone.some((text) => text.startsWith(advice)), `gone: ${JSON.stringify(gone)}`).toBe(true);
});

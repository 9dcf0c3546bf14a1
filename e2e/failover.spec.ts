// Never lose the agent: failover to B, reconnect with backoff, state back
// after a reload. Faults come from the mock's control API (docs/mock.md).
import { expect, test, type APIRequestContext } from '@playwright/test';
import { login, mockCalls, openSoftphone, resetMock, ring, WS_A, WS_B } from './mock';

const PORT_A = new URL(WS_A).port;
const PORT_B = new URL(WS_B).port;

async function fault(request: APIRequestContext, path: string, data?: unknown) {
  const response = await request.post(path, data === undefined ? {} : { data });
  expect(response.ok(), `${path}: ${await response.text()}`).toBeTruthy();
}

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

test('A down at start: connects to B', async ({ page, request }) => {
  await fault(request, `/api/endpoints/${PORT_A}/refuse`);
  await page.addInitScript(() => {
    (window as any).__connection = [];
    document.addEventListener('ctisvr-connection', (e) => (window as any).__connection.push((e as CustomEvent).detail));
  });
  const query = new URLSearchParams({ wsURIA: `${WS_A}?ext=2001`, wsURIB: `${WS_B}?ext=2001` });
  await page.goto(`/index.html?${query}`);
  const phone = page.locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to B');
  await expect(phone.getByLabel('Extension')).toHaveText('Ext 2001');
  // DOM events report each step.
  const steps = await page.evaluate(() => (window as any).__connection.map((d: any) => `${d.status} ${d.server}`));
  expect(steps).toEqual(['connecting A', 'connecting B', 'connected B']);
});

test('A dies mid-call: on B with the call still shown, and the agent can hang up', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await login(page);
  await ring(request, '4155550100', '2001');
  await phone.getByRole('button', { name: 'Answer', exact: true }).click();
  const rows = phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
  await expect(rows).toHaveText([/Connected\s*4155550100/]);

  await fault(request, `/api/endpoints/${PORT_A}/refuse`);
  await fault(request, `/api/endpoints/${PORT_A}/close?frame=false`);
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to B');
  await expect(rows).toHaveText([/Connected\s*4155550100/]);
  await expect(phone.getByLabel('Agent state')).toHaveText('Agent 1001 · AUX');
  await phone.getByRole('button', { name: 'Hang up', exact: true }).click();
  await expect(rows).toHaveText(['No call']);
  await expect.poll(() => mockCalls(request)).toEqual([]);
});

test('both down: a countdown, and it recovers by itself when B comes back', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await fault(request, `/api/endpoints/${PORT_A}/refuse`);
  await fault(request, `/api/endpoints/${PORT_B}/refuse`);
  await fault(request, `/api/endpoints/${PORT_A}/close?frame=true`);
  const status = phone.getByRole('status', { name: 'Connection' });
  await expect(status).toContainText(/Reconnecting in \d+ s/);
  await expect(phone.getByRole('button', { name: 'Retry now' })).toBeVisible();
  await expect(phone.getByRole('button', { name: 'Login', exact: true })).toBeDisabled();
  await fault(request, `/api/endpoints/${PORT_B}/accept`);
  await expect(status).toContainText('Connected to B', { timeout: 20_000 });
  await expect(phone.getByRole('button', { name: 'Retry now' })).toBeHidden();
});

test('Retry now reconnects at once', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await fault(request, `/api/endpoints/${PORT_A}/refuse`);
  await fault(request, `/api/endpoints/${PORT_B}/refuse`);
  await fault(request, `/api/endpoints/${PORT_A}/close?frame=false`);
  const status = phone.getByRole('status', { name: 'Connection' });
  await expect(status).toContainText(/Reconnecting in/);
  await fault(request, `/api/endpoints/${PORT_A}/accept`);
  await phone.getByRole('button', { name: 'Retry now' }).click();
  await expect(status).toContainText('Connected to A', { timeout: 3_000 });
});

test('a reload during a call shows the same call and agent state', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await login(page);
  await phone.getByRole('button', { name: 'Auto', exact: true }).click();
  await expect(phone.getByLabel('Agent state')).toHaveText('Agent 1001 · Auto');
  await ring(request, '4155550100', '2001');
  await phone.getByRole('button', { name: 'Answer', exact: true }).click();
  await page.reload();
  const again = page.locator('ctisvr-softphone');
  await expect(again.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  await expect(again.getByRole('region', { name: 'Calls' }).getByRole('listitem')).toHaveText([/Connected\s*4155550100/]);
  await expect(again.getByRole('textbox', { name: 'Caller' })).toHaveValue('4155550100');
  await expect(again.getByLabel('Agent state')).toHaveText('Agent 1001 · Auto');
  // setstate re-sends the password, which a reload forgets: the field says so.
  await expect(again.getByLabel('Password')).toHaveAttribute('placeholder', 'needed to change state');
  await again.getByRole('button', { name: 'Manual', exact: true }).click();
  await expect(again.getByRole('alert')).toContainText('Enter your password');
  await again.getByLabel('Password').fill('1234');
  await again.getByRole('button', { name: 'Manual', exact: true }).click();
  await expect(again.getByLabel('Agent state')).toHaveText('Agent 1001 · Manual');
});

test('a malformed frame and an unknown event are shown or passed on, never fatal', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  const connections = (await (await request.get('/api/log')).json()).connections;
  const id = connections.find((c: { open: boolean }) => c.open).id;
  await page.evaluate(() => {
    (window as any).__seen = [];
    document.addEventListener('ctisvr-server-event', (e) => (window as any).__seen.push((e as CustomEvent).detail));
  });
  await fault(request, `/api/connections/${id}/send`, { text: '{"msgtype":"event","eventtype":"divert","to":"3000"}' });
  await expect.poll(() => page.evaluate(() => (window as any).__seen)).toEqual([
    { msgtype: 'event', eventtype: 'divert', to: '3000' },
  ]);
  await fault(request, `/api/connections/${id}/send`, { text: 'this is not json' });
  await expect(phone.getByRole('alert')).toContainText('cannot read');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  await login(page);
});

test('a stalled server is left within the configured timeout', async ({ page, request }) => {
  // A 2 s request timeout and a liveness check after 2 s of silence.
  const query = new URLSearchParams({
    wsURIA: `${WS_A}?ext=2001`,
    wsURIB: `${WS_B}?ext=2001`,
    requestTimeout: '2',
    livenessInterval: '2',
  });
  await page.goto(`/index.html?${query}`);
  const phone = page.locator('ctisvr-softphone');
  const status = phone.getByRole('status', { name: 'Connection' });
  await expect(status).toContainText('Connected to A');
  await fault(request, `/api/endpoints/${PORT_A}/stall`);
  await fault(request, `/api/endpoints/${PORT_A}/refuse`);
  const stalledAt = Date.now();
  // Silence (2 s), a liveness request, no answer (2 s): the socket is left for B.
  await expect(status).toContainText('Connected to B', { timeout: 10_000 });
  const seconds = (Date.now() - stalledAt) / 1000;
  expect(seconds).toBeLessThan(8);
  await login(page);
});

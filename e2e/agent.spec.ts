// The agent's session, end to end: connect, start-up, login, work modes,
// logout and an inbound call's numbers, asserted on screen and in the mock.
import { expect, test } from '@playwright/test';
import { agentInMock, login, mockLog, openSoftphone, requests, resetMock, ring } from './mock';

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

test('connects to A, shows the extension and runs the start-up: the extension, then one burst', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await expect(phone.getByLabel('Extension')).toHaveText('Ext 2001');
  await expect(phone.getByLabel('Agent state')).toHaveText('Logged out');
  await expect(phone.getByRole('button', { name: 'Login', exact: true })).toBeEnabled();
  for (const mode of ['Auto', 'Manual', 'ACW', 'AUX']) {
    await expect(phone.getByRole('button', { name: mode, exact: true })).toBeDisabled();
  }

  const connections = await mockLog(request);
  const mine = connections.filter((c) => c.endpoint.endsWith(`:${process.env.E2E_WS_PORT_A ?? '19006'}`));
  expect(mine).toHaveLength(1);
  const sent = requests(mine[0]);
  expect(sent.map((r) => r.request)).toEqual([
    'myextension',
    'startmonitor',
    'querydeviceinfo',
    'queryagentstate',
    'snapshot',
  ]);
  expect(sent[0]).toEqual({ id: sent[0].id, request: 'myextension' });
  for (const r of sent.slice(1)) {
    expect(r).toEqual({ id: r.id, request: r.request, extension: '2001' });
  }
  expect(new Set(sent.map((r) => r.id)).size).toBe(5);
  expect(sent.every((r) => typeof r.id === 'number')).toBeTruthy();
});

test('ready after two round trips from a cold page and one after a reload: nothing waits for an answer it does not need', async ({ page }) => {
  // Before any page script: each frame the page sends and receives, in order, until ready.
  await page.addInitScript(() => {
    const trace: string[] = ((window as any).__trace = []);
    let ready = false;
    document.addEventListener('ctisvr-ready', (e) => {
      ready ||= (e as CustomEvent).detail.ready;
    });
    const Native = window.WebSocket;
    (window as any).WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', (e) => ready || trace.push(`recv ${JSON.parse(e.data).msgtype}`));
      }
      send(data: string) {
        if (!ready) trace.push(`send ${JSON.parse(data).request}`);
        super.send(data);
      }
    };
  });
  const phone = await openSoftphone(page);
  const login = phone.getByRole('button', { name: 'Login', exact: true });
  const burst = ['send startmonitor', 'send querydeviceinfo', 'send queryagentstate', 'send snapshot'];
  const answers = (count: number) => Array<string>(count).fill('recv response');
  await expect(login).toBeEnabled();
  // The extension first and alone; then everything else at once, before any of its answers.
  const trace: string[] = await page.evaluate(() => (window as any).__trace);
  expect(trace).toEqual(['send myextension', 'recv response', ...burst, ...answers(4)]);

  // Reloaded, the tab knows its extension: everything goes before any answer, one round trip.
  await page.reload();
  await expect(phone.getByLabel('Extension')).toHaveText('Ext 2001');
  await expect(login).toBeEnabled();
  const reloaded: string[] = await page.evaluate(() => (window as any).__trace);
  expect(reloaded).toEqual(['send myextension', ...burst, ...answers(5)]);
});

test('login with the right password enables the work modes', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await login(page);
  await expect(phone.getByLabel('Agent state')).toHaveText('Agent 1001 · AUX');
  await expect(phone.getByRole('button', { name: 'Login', exact: true })).toBeDisabled();
  await expect(phone.getByRole('button', { name: 'Logout', exact: true })).toBeEnabled();
  await expect(phone.getByRole('textbox', { name: 'Agent ID' })).toBeDisabled();
  expect(await agentInMock(request, '1001')).toMatchObject({ extension: '2001', mode: 'aux' });

  const login_ = requests((await mockLog(request))[0]).find((r) => r.request === 'login');
  expect(login_).toEqual({ id: login_.id, request: 'login', extension: '2001', agentid: '1001', passwd: '1234' });
});

test('a wrong password shows the server error and keeps the form usable', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await phone.getByRole('textbox', { name: 'Agent ID' }).fill('1001');
  await phone.getByLabel('Password').fill('wrong');
  await phone.getByRole('button', { name: 'Login', exact: true }).click();
  await expect(phone.getByRole('alert')).toContainText('Login failed: invalid agent id or password');
  await expect(phone.getByRole('button', { name: 'Login', exact: true })).toBeEnabled();
  await expect(phone.getByRole('textbox', { name: 'Agent ID' })).toBeEditable();
  await expect(phone.getByLabel('Password')).toBeEditable();
  expect(await agentInMock(request, '1001')).toMatchObject({ extension: null });

  // The agent corrects the password and gets in; the old error goes away.
  await login(page);
  await expect(phone.getByRole('alert')).toBeHidden();
});

test('Auto, Manual, ACW and AUX with a reason code change the work mode in the ACD', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await login(page);
  const steps: [string, string, string][] = [
    ['Auto', 'auto', 'Agent 1001 · Auto'],
    ['Manual', 'manual', 'Agent 1001 · Manual'],
    ['ACW', 'acw', 'Agent 1001 · ACW'],
  ];
  for (const [button, mode, shown] of steps) {
    await phone.getByRole('button', { name: button, exact: true }).click();
    await expect(phone.getByLabel('Agent state')).toHaveText(shown);
    await expect(phone.getByRole('button', { name: button, exact: true })).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(async () => (await agentInMock(request, '1001')).mode).toBe(mode);
  }
  await phone.getByRole('combobox', { name: 'Reason code' }).selectOption('3');
  await phone.getByRole('button', { name: 'AUX', exact: true }).click();
  await expect(phone.getByLabel('Agent state')).toHaveText('Agent 1001 · AUX 3');
  await expect.poll(async () => agentInMock(request, '1001')).toMatchObject({ mode: 'aux', reasoncode: 3 });

  const setstates = requests((await mockLog(request))[0]).filter((r) => r.request === 'setstate');
  expect(setstates.map((r) => r.state)).toEqual(['auto', 'manual', 'acw', 'aux']);
  expect(setstates[3]).toEqual({
    id: setstates[3].id, request: 'setstate', extension: '2001', agentid: '1001', passwd: '1234', state: 'aux', reasoncode: '3',
  });
  expect(setstates[0].reasoncode).toBeUndefined();
});

test('logout returns to the login form', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await login(page);
  await phone.getByRole('button', { name: 'Logout', exact: true }).click();
  await expect(phone.getByLabel('Agent state')).toHaveText('Logged out');
  await expect(phone.getByRole('button', { name: 'Login', exact: true })).toBeEnabled();
  await expect(phone.getByRole('button', { name: 'Auto', exact: true })).toBeDisabled();
  expect(await agentInMock(request, '1001')).toMatchObject({ extension: null });
  const logout = requests((await mockLog(request))[0]).find((r) => r.request === 'logout');
  expect(logout).toEqual({ id: logout.id, request: 'logout', extension: '2001', agentid: '1001' });
});

test('an inbound call from the control API shows the caller and the dialled number', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await login(page);
  await ring(request, '4155550100', '2001');
  await expect(phone.getByRole('textbox', { name: 'Caller' })).toHaveValue('4155550100');
  await expect(phone.getByRole('textbox', { name: 'Dialled number' })).toHaveValue('2001');
  await phone.screenshot({ path: test.info().outputPath('inbound-call.png') });
});

test('the password never reaches the DOM, storage or the URL', async ({ page }) => {
  const phone = await openSoftphone(page);
  await login(page, '1001', '1234');
  await phone.getByRole('button', { name: 'Auto', exact: true }).click();
  await expect(phone.getByLabel('Agent state')).toHaveText('Agent 1001 · Auto');
  const leaks = await page.evaluate(() => {
    const host = document.querySelector('ctisvr-softphone')!;
    const html = host.outerHTML + host.shadowRoot!.innerHTML;
    const inputs = [...host.shadowRoot!.querySelectorAll('input')].map((i) => i.value);
    return { html, inputs, local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage), url: location.href };
  });
  expect(leaks.html).not.toContain('1234');
  expect(leaks.inputs).not.toContain('1234');
  expect(leaks.local + leaks.session + leaks.url).not.toContain('1234');
});

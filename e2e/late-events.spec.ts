// Late and duplicate events, and repeated clicks (issue 9, items 3 and 4):
// an event that matches no call never invents one (the softphone asks the
// server with `snapshot`), and a number already being dialled or on the call
// is not dialled again. Raw events come from the mock's
// POST /api/connections/{id}/send (docs/mock.md).
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { login, mockCalls, mockLog, openSoftphone, requestsNamed, resetMock, ring } from './mock';

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

const CALLER = '4155550100';

function callRows(phone: Locator) {
  return phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
}

/** The open connection of the softphone on `extension`. */
async function connectionOf(request: APIRequestContext, extension: string) {
  const open = (await mockLog(request)).filter((c) => c.open && c.extension === extension);
  expect(open).toHaveLength(1);
  return open[0].id;
}

/** Sends `event` to connection `id` as the server would, once more. */
async function inject(request: APIRequestContext, id: number, event: Record<string, string>) {
  const text = JSON.stringify({ msgtype: 'event', ...event });
  const response = await request.post(`/api/connections/${id}/send`, { data: { text } });
  expect(response.ok(), await response.text()).toBeTruthy();
}

/** The element's `dial(number)`: null when sent, else the refusal's message. */
function dial(page: Page, number: string) {
  return page.evaluate((number) => {
    try {
      (document.querySelector('ctisvr-softphone') as any).dial(number);
      return null;
    } catch (error) {
      return String((error as Error).message);
    }
  }, number);
}

test('a duplicate connect after hanging up shows no call; the softphone asks the server', async ({
  page,
  request,
}) => {
  const phone = await openSoftphone(page, '2001');
  await login(page, '1001');
  await ring(request, CALLER, '2001');
  await phone.getByRole('button', { name: 'Answer', exact: true }).click();
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  await phone.getByRole('button', { name: 'Hang up', exact: true }).click();
  await expect(callRows(phone)).toHaveText(['No call']);
  await expect.poll(() => mockCalls(request)).toEqual([]);
  const id = await connectionOf(request, '2001');

  // The case, then the other events of the ended call, late.
  const late = [
    { eventtype: 'connect', calling: CALLER, called: '2001' },
    { eventtype: 'hold', calling: CALLER, called: '2001' },
    { eventtype: 'retrieve', calling: CALLER, called: '2001' },
    { eventtype: 'alert', calling: '2001', called: '94155550188' },
  ];
  for (const event of late) {
    const asked = (await requestsNamed(request, 'snapshot')).length;
    await inject(request, id, event);
    await expect.poll(async () => (await requestsNamed(request, 'snapshot')).length, event.eventtype).toBe(asked + 1);
    await expect(callRows(phone)).toHaveText(['No call']);
  }
  // The server said numcall 0: nothing to read about a call.
  expect(await requestsNamed(request, 'userdata')).toEqual([]);
  // A late disconnect and idle with no call left: nothing to ask.
  const asked = (await requestsNamed(request, 'snapshot')).length;
  await inject(request, id, { eventtype: 'disconnect', calling: CALLER, called: '2001', party: '2001' });
  await inject(request, id, { eventtype: 'idle' });
  await expect(callRows(phone)).toHaveText(['No call']);
  await expect(phone.getByRole('button', { name: 'Hang up', exact: true })).toBeDisabled();
  expect((await requestsNamed(request, 'snapshot')).length).toBe(asked);
});

test('an event for a call the softphone never saw shows the call the server has', async ({ page, request }) => {
  const phone = await openSoftphone(page, '2001');
  await login(page, '1001');
  // The call exists at the switch, but its offer and connect never reached this softphone.
  // A stalled endpoint drops events: the offer is lost.
  expect((await request.post('/api/endpoints/0/stall')).ok()).toBeTruthy();
  await ring(request, CALLER, '2001');
  expect((await request.post('/api/endpoints/0/unstall')).ok()).toBeTruthy();
  // The caller is answered elsewhere; its connect matches no call shown.
  expect((await request.post('/api/calls/c1/answer?party=2001')).ok()).toBeTruthy();
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  expect((await requestsNamed(request, 'snapshot')).length).toBeGreaterThan(0);
  expect((await requestsNamed(request, 'userdata')).at(-1)).toMatchObject({ extension: '2001', type: 'alert' });
  await phone.getByRole('button', { name: 'Hang up', exact: true }).click();
  await expect(callRows(phone)).toHaveText(['No call']);
  await expect.poll(() => mockCalls(request)).toEqual([]);
});

test('a double click on a number that answers at once places one call, with a notice', async ({
  page,
  request,
}) => {
  const phone = await openSoftphone(page, '2001');
  await login(page, '1001');
  const first = Date.now();
  expect(await dial(page, '415-555-0188')).toBeNull();
  // 4155550188 rings until answered (docs/mock.md): the far end answers at once.
  await expect.poll(async () => (await mockCalls(request)).map((c) => c.state)).toEqual(['ringing']);
  expect((await request.post('/api/calls/c1/answer')).ok()).toBeTruthy();
  await expect(callRows(phone)).toHaveText([/Connected\s*94155550188/]);
  await page.waitForTimeout(Math.max(0, first + 300 - Date.now()));
  // The second click of the double click, 300 ms after the first.
  expect(await dial(page, '415-555-0188')).toBe('Already on a call with 4155550188');
  await expect(phone.getByRole('alert')).toHaveText(/Already on a call with 4155550188/);
  await expect(callRows(phone)).toHaveText([/Connected\s*94155550188/]);
  expect(await requestsNamed(request, 'makecall')).toHaveLength(1);
  expect(await requestsNamed(request, 'consultation')).toEqual([]);
  expect(await mockCalls(request)).toHaveLength(1);
});

test('a second click while the number is still being dialled is ignored with a notice', async ({
  page,
  request,
}) => {
  const phone = await openSoftphone(page, '2001');
  await login(page, '1001');
  expect(await dial(page, '415-555-0188')).toBeNull();
  await page.waitForTimeout(300);
  expect(await dial(page, '(415) 555-0188')).toBe('Already dialling 4155550188');
  await expect(phone.getByRole('alert')).toHaveText(/Already dialling 4155550188/);
  await expect(callRows(phone)).toHaveText([/Calling…\s*94155550188/]);
  expect(await requestsNamed(request, 'makecall')).toHaveLength(1);
  expect(await requestsNamed(request, 'consultation')).toEqual([]);
});

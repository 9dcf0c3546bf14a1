// Numbers as CRM records hold them (docs/protocol.md, "Click-to-dial number
// rules"): the main number is dialled, and its extension is sent as DTMF by
// the call row's "Send ext." button or, with dialExtension = auto N, by itself
// N seconds after the call is connected. The mock records the DTMF per call.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { WS_A, WS_B, mockCalls, requestsNamed, resetMock } from './mock';

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

/** The adapter page on 2001, with the call center option dialExtension when given. */
async function open(page: Page, dialExtension?: string) {
  const query = new URLSearchParams({ wsURIA: `${WS_A}?ext=2001`, wsURIB: `${WS_B}?ext=2001` });
  if (dialExtension) query.set('dialExtension', dialExtension);
  await page.goto(`/index.html?${query}`);
  const phone = page.locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  return phone;
}

function callRows(phone: Locator) {
  return phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
}

async function dial(phone: Locator, number: string) {
  await phone.getByRole('textbox', { name: 'Number', exact: true }).fill(number);
  await phone.getByRole('button', { name: 'Call', exact: true }).click();
}

/** The DTMF the mock heard on its one call. */
async function dtmf(request: Parameters<typeof mockCalls>[0]) {
  const calls = await mockCalls(request);
  return calls.length === 1 ? calls[0].dtmf : `${calls.length} calls`;
}

test('the main number is dialled and "Send ext." sends the extension once connected', async ({ page, request }) => {
  const phone = await open(page);
  await dial(phone, '415.555.0100 x123');
  // The click only queues the request: wait until the mock has it.
  await expect
    .poll(async () => (await requestsNamed(request, 'makecall')).map((r) => r.destination))
    .toEqual(['94155550100']);
  const send = phone.getByRole('button', { name: 'Send ext. 123', exact: true });
  await expect(callRows(phone)).toHaveText([/Connected\s*94155550100/]);
  await expect(send).toBeEnabled();
  expect(await dtmf(request)).toBe('');
  await send.click();
  await expect.poll(() => dtmf(request)).toBe('123');
  await expect(send).toBeHidden();
  await expect(callRows(phone)).toContainText(['Ext. 123 sent']);
  expect(await requestsNamed(request, 'dtmf')).toHaveLength(1);
});

test('the extension button waits for the far end to answer', async ({ page, request }) => {
  const phone = await open(page);
  // 4155550188 never answers (docs/mock.md).
  await dial(phone, '415-555-0188 ext. 9');
  await expect(callRows(phone)).toHaveText([/Calling…\s*94155550188/]);
  await expect(phone.getByRole('button', { name: 'Send ext. 9', exact: true })).toBeDisabled();
});

test('dialExtension "auto 1" sends the extension a second after connect, once', async ({ page, request }) => {
  const phone = await open(page, 'auto 1');
  await page.evaluate(() =>
    (document.querySelector('ctisvr-softphone') as any).dial('\u202A415-555-0100;ext=77\u202C'),
  );
  await expect(callRows(phone)).toHaveText([/Connected\s*94155550100/]);
  await expect.poll(() => dtmf(request), { timeout: 5_000 }).toBe('77');
  await expect(callRows(phone)).toContainText(['Ext. 77 sent']);
  await expect(phone.getByRole('button', { name: /Send ext/ })).toHaveCount(0);
  await page.waitForTimeout(1_500);
  expect(await requestsNamed(request, 'dtmf')).toHaveLength(1);
});

test('click-to-dial and the dialer read numbers alike; text that is no number is refused', async ({ page, request }) => {
  const phone = await open(page);
  await page.evaluate(() => (document.querySelector('ctisvr-softphone') as any).dial('tel:+1-415-555-0100'));
  await expect(callRows(phone)).toHaveText([/90114155550100/]);
  expect((await requestsNamed(request, 'makecall'))[0].destination).toBe('90114155550100');
  await phone.getByRole('button', { name: 'Hang up', exact: true }).click();
  await expect(callRows(phone)).toHaveText(['No call']);
  await dial(phone, 'bob@example.com');
  await expect(phone.getByRole('alert')).toContainText('"bob@example.com" cannot be dialled');
  expect(await requestsNamed(request, 'makecall')).toHaveLength(1);
});

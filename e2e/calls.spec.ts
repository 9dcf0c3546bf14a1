// Call control end to end: what the agent sees in <ctisvr-softphone> and
// what the mock ACD says, for each flow an agent goes through.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { login, mockCalls, openSoftphone, requestsNamed, resetMock, ring } from './mock';

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

const CALLER = '4155550100';

/** The call rows of a softphone, as their accessible names ("Connected 4155550100"). */
function callRows(phone: Locator) {
  return phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
}

function button(phone: Locator, name: string) {
  return phone.getByRole('button', { name, exact: true });
}

async function dial(phone: Locator, number: string, action = 'Call') {
  await phone.getByRole('textbox', { name: 'Number', exact: true }).fill(number);
  await button(phone, action).click();
}

/** A softphone on 2001 with agent 1001 connected to an inbound call from CALLER. */
async function onInboundCall(page: Page, request: Parameters<typeof ring>[0]) {
  const phone = await openSoftphone(page, '2001');
  await login(page, '1001');
  await ring(request, CALLER, '2001');
  await expect(callRows(phone)).toHaveText([/Ringing\s*4155550100/]);
  await button(phone, 'Answer').click();
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  return phone;
}

/** A second agent (1002) on 2002, in its own page. */
async function secondAgent(page: Page) {
  const other = await page.context().newPage();
  const phone = await openSoftphone(other, '2002');
  await login(other, '1002');
  return phone;
}

test('answer an inbound call and hang up', async ({ page, request }) => {
  const phone = await onInboundCall(page, request);
  await expect(phone.getByRole('textbox', { name: 'Caller' })).toHaveValue(CALLER);
  await expect(phone.getByRole('textbox', { name: 'Dialled number' })).toHaveValue('2001');
  await expect(button(phone, 'Answer')).toBeDisabled();
  expect((await mockCalls(request))[0]).toMatchObject({ from: CALLER, to: '2001', state: 'connected' });
  await button(phone, 'Hang up').click();
  await expect(callRows(phone)).toHaveText(['No call']);
  await expect.poll(() => mockCalls(request)).toEqual([]);
  const [answer] = await requestsNamed(request, 'answer');
  expect(answer).toEqual({ id: answer.id, request: 'answer', extension: '2001' });
  const [hangup] = await requestsNamed(request, 'hangup');
  expect(hangup).toEqual({ id: hangup.id, request: 'hangup', extension: '2001' });
});

test('the far end hangs up', async ({ page, request }) => {
  const phone = await onInboundCall(page, request);
  const [call] = await mockCalls(request);
  expect((await request.delete(`/api/calls/${call.id}`)).ok()).toBeTruthy();
  await expect(callRows(phone)).toHaveText(['No call']);
  await expect(phone.getByRole('textbox', { name: 'Caller' })).toHaveValue('');
  await expect(button(phone, 'Hang up')).toBeDisabled();
});

test('an outbound call that is answered, dialled with the number rules', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await dial(phone, '(415) 555-0100');
  await expect(callRows(phone)).toHaveText([/Connected\s*914155550100/]);
  const [makecall] = await requestsNamed(request, 'makecall');
  expect(makecall).toEqual({ id: makecall.id, request: 'makecall', extension: '2001', destination: '914155550100' });
  await button(phone, 'Hang up').click();
  await expect(callRows(phone)).toHaveText(['No call']);
});

test('click-to-dial rules: +1 (415) 555-0100 dials 90114155550100', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await page.evaluate(() => (document.querySelector('ctisvr-softphone') as any).dial('+1 (415) 555-0100'));
  await expect(callRows(phone)).toHaveText([/90114155550100/]);
  const [makecall] = await requestsNamed(request, 'makecall');
  expect(makecall.destination).toBe('90114155550100');
});

test('an outbound call to a busy number fails and is hung up', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await dial(phone, '415 555 0199');
  await expect(callRows(phone)).toHaveText([/Failed\s*94155550199/]);
  await expect(button(phone, 'Hang up')).toBeEnabled();
  await expect(button(phone, 'Hold')).toBeDisabled();
  await button(phone, 'Hang up').click();
  await expect(callRows(phone)).toHaveText(['No call']);
});

test('hold and retrieve', async ({ page, request }) => {
  const phone = await onInboundCall(page, request);
  await button(phone, 'Hold').click();
  await expect(callRows(phone)).toHaveText([/On hold\s*4155550100/]);
  await expect(button(phone, 'Retrieve')).toBeEnabled();
  await expect(button(phone, 'Hold')).toBeDisabled();
  await expect.poll(async () => (await mockCalls(request))[0].state).toBe('held');
  await button(phone, 'Retrieve').click();
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  await expect.poll(async () => (await mockCalls(request))[0].state).toBe('connected');
  const [hold] = await requestsNamed(request, 'hold');
  expect(hold).toEqual({ id: hold.id, request: 'hold', extension: '2001' });
  const [retrieve] = await requestsNamed(request, 'retrieve');
  expect(retrieve).toEqual({ id: retrieve.id, request: 'retrieve', extension: '2001' });
});

test('consult a second agent, then reconnect', async ({ page, request }) => {
  const phone = await onInboundCall(page, request);
  const other = await secondAgent(page);
  await dial(phone, '2002', 'Consult');
  await expect(callRows(other)).toHaveText([/Ringing\s*2001/]);
  await button(other, 'Answer').click();
  await expect(callRows(phone)).toHaveText([/On hold\s*4155550100/, /Consultation\s*2002/]);
  await expect(callRows(other)).toHaveText([/Connected\s*2001/]);
  const [consultation] = await requestsNamed(request, 'consultation');
  expect(consultation).toEqual({ id: consultation.id, request: 'consultation', extension: '2001', destination: '2002' });

  await button(phone, 'Reconnect').click();
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  await expect(callRows(other)).toHaveText(['No call']);
  const [reconnect] = await requestsNamed(request, 'reconnect');
  expect(reconnect).toEqual({ id: reconnect.id, request: 'reconnect', extension: '2001' });
});

test('consult, then transfer: the second agent sees the original caller', async ({ page, request }) => {
  const phone = await onInboundCall(page, request);
  const other = await secondAgent(page);
  await dial(phone, '2002', 'Consult');
  await button(other, 'Answer').click();
  await expect(callRows(phone)).toHaveText([/On hold/, /Consultation\s*2002/]);
  await button(phone, 'Transfer').click();
  await expect(callRows(phone)).toHaveText(['No call']);
  await expect(callRows(other)).toHaveText([/Connected\s*4155550100/]);
  await expect(other.getByRole('textbox', { name: 'Caller' })).toHaveValue(CALLER);
  const [transfer] = await requestsNamed(request, 'transfer');
  expect(transfer).toEqual({ id: transfer.id, request: 'transfer', extension: '2001', destination: '2002' });
  await expect.poll(() => mockCalls(request)).toHaveLength(1);
  const [call] = await mockCalls(request);
  expect(call.parties.map((p: { number: string }) => p.number).sort()).toEqual(['2002', CALLER]);
});

test('consult, conference, then drop the consulted party', async ({ page, request }) => {
  const phone = await onInboundCall(page, request);
  const other = await secondAgent(page);
  await dial(phone, '2002', 'Consult');
  await button(other, 'Answer').click();
  await expect(button(phone, 'Conference')).toBeEnabled();
  await button(phone, 'Conference').click();
  await expect(callRows(phone)).toHaveText([/Conference\s*4155550100, 2002/]);
  await expect(button(phone, 'Drop party')).toBeEnabled();
  const [conference] = await requestsNamed(request, 'conference');
  expect(conference).toEqual({ id: conference.id, request: 'conference', extension: '2001', destination: '2002' });

  await button(phone, 'Drop party').click();
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  await expect(callRows(other)).toHaveText(['No call']);
  const [dropparty] = await requestsNamed(request, 'dropparty');
  expect(dropparty).toEqual({ id: dropparty.id, request: 'dropparty', extension: '2001', party: '2002' });
});

test('dialling junk shows the reason and sends nothing', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await dial(phone, 'call me maybe');
  await expect(phone.getByRole('alert')).toContainText('cannot be dialled');
  await expect(callRows(phone)).toHaveText(['No call']);
  expect(await requestsNamed(request, 'makecall')).toEqual([]);
});

test('the call timer runs', async ({ page, request }) => {
  const phone = await onInboundCall(page, request);
  const timer = callRows(phone).getByRole('timer');
  await expect(timer).toHaveText(/^0:0[01]$/);
  await expect(timer).toHaveText(/^0:0[2-9]$/, { timeout: 5_000 });
});

test('the keypad sends DTMF digits on the connected call', async ({ page, request }) => {
  const phone = await onInboundCall(page, request);
  await button(phone, 'Keypad').click();
  const keypad = phone.getByRole('group', { name: 'Keypad' });
  for (const key of ['1', '2', '#']) {
    await keypad.getByRole('button', { name: key, exact: true }).click();
    await expect(keypad).toContainText(`Tones sent:`);
  }
  await expect(keypad).toContainText('Tones sent: 12#');
  await expect.poll(async () => (await requestsNamed(request, 'dtmf')).map((r) => r.digits).join('')).toBe('12#');
  const [dtmf] = await requestsNamed(request, 'dtmf');
  expect(dtmf).toEqual({ id: dtmf.id, request: 'dtmf', extension: '2001', digits: '1' });
  await expect.poll(async () => (await mockCalls(request))[0].dtmf).toBe('12#');
});

test('the script API dials, refuses with a reason, and reports calls as DOM events', async ({ page, request }) => {
  await openSoftphone(page);
  const refused = await page.evaluate(() => {
    try {
      (document.querySelector('ctisvr-softphone') as any).hold();
      return null;
    } catch (error) {
      return String((error as Error).message);
    }
  });
  expect(refused).toBe('There is no connected call to hold.');
  const events = page.evaluate(
    () =>
      new Promise((resolve) => {
        const seen: unknown[] = [];
        document.addEventListener('ctisvr-call', (e) => {
          seen.push((e as CustomEvent).detail);
          resolve(seen);
        });
        (document.querySelector('ctisvr-softphone') as any).dial('2002');
      }),
  );
  expect(await events).toMatchObject([
    { change: 'appeared', call: { state: 'ringing-out', direction: 'outbound', dialled: '2002', parties: ['2002'] } },
  ]);
  expect((await requestsNamed(request, 'makecall'))[0].destination).toBe('2002');
});

test('a softphone opened during a call shows it (userdata)', async ({ page, request }) => {
  await onInboundCall(page, request);
  const again = await page.context().newPage();
  const phone = await openSoftphone(again, '2001');
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  await expect(phone.getByLabel('Agent state')).toHaveText('Agent 1001 · AUX');
  const userdata = (await requestsNamed(request, 'userdata')).at(-1);
  expect(userdata).toEqual({ id: userdata.id, request: 'userdata', extension: '2001', type: 'alert' });
  const queryagentstate = (await requestsNamed(request, 'queryagentstate')).at(-1);
  expect(queryagentstate).toEqual({ id: queryagentstate.id, request: 'queryagentstate', extension: '2001' });
});

// A broken or hostile CtiSVR, through the mock's raw frames (issue 13):
// answers no request waits for (no id, an id never sent, a duplicate, the
// late answer to a request that timed out), frames of 1 MB and 16 MB,
// deeply nested JSON, numbers where strings belong, and a storm of 1,000
// events. Each has a visible, specific outcome; the softphone keeps working
// and the agent's call is never lost.
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { withCtisvrMock, type CtisvrMock } from './fixtures/ctisvr-mock';
import { login } from './mock';

const test = withCtisvrMock(base);
const CALLER = '4155550100';

/** The adapter page on 2001, logged in, with a connected call from CALLER. */
async function onACall(page: Page, mock: CtisvrMock, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ wsURIA: mock.wsUri(0, '2001'), wsURIB: mock.wsUri(1, '2001'), ...extra });
  await page.goto(`${mock.http}/index.html?${query}`);
  const phone = page.locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  await login(page);
  const call = await mock.ring(CALLER, '2001');
  await phone.getByRole('button', { name: 'Answer', exact: true }).click();
  await expect(rows(phone)).toHaveText([new RegExp(`Connected\\s*${CALLER}`)]);
  return { phone, call };
}

function rows(phone: Locator) {
  return phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
}

/** The open connection of the softphone on endpoint `index`. */
async function connection(mock: CtisvrMock, index = 0) {
  const port = mock.port(index);
  const open = (await mock.log()).filter((c) => c.open && c.endpoint.endsWith(`:${port}`));
  expect(open.length, `one open connection on ${port}`).toBe(1);
  return open[0];
}

/** The call is still there and the agent can still work it: hold, retrieve, hang up. */
async function callGoesOn(phone: Locator, mock: CtisvrMock) {
  await expect(rows(phone)).toHaveText([new RegExp(`Connected\\s*${CALLER}`)]);
  await phone.getByRole('button', { name: 'Hold', exact: true }).click();
  await expect(rows(phone)).toHaveText([new RegExp(`On hold\\s*${CALLER}`)]);
  await phone.getByRole('button', { name: 'Retrieve', exact: true }).click();
  await expect(rows(phone)).toHaveText([new RegExp(`Connected\\s*${CALLER}`)]);
  await phone.getByRole('button', { name: 'Hang up', exact: true }).click();
  await expect(rows(phone)).toHaveText(['No call']);
  expect((await mock.state()).calls).toEqual([]);
}

test('answers no request waits for are shown and ignored: no id, an id never sent, a duplicate', async ({ page, mock }) => {
  const { phone } = await onACall(page, mock);
  const { id } = await connection(mock);
  const alert = phone.getByRole('alert');

  await mock.send(id, JSON.stringify({ msgtype: 'response', result: 'success' }));
  await expect(alert).toHaveText(/CtiSVR sent an answer without a request id; it was ignored\./);
  await mock.send(id, JSON.stringify({ msgtype: 'response', id: 987654, result: 'error', error: 'no such call' }));
  await expect(alert).toHaveText(/CtiSVR sent an answer to no request waiting \(id 987654\); it was ignored\./);

  // The mock's answer to `answer`, sent again.
  const frames = (await connection(mock)).frames;
  const answerId = frames.filter((f) => f.dir === 'in').map((f) => JSON.parse(f.text)).find((r) => r.request === 'answer').id;
  const answered = frames.find((f) => f.dir === 'out' && JSON.parse(f.text).id === answerId);
  expect(answered, 'the mock answered `answer`').toBeTruthy();
  await mock.send(id, answered!.text);
  await expect(alert).toHaveText(new RegExp(`no request waiting \\(id ${answerId}\\)`));
  await callGoesOn(phone, mock);
});

test('the late answer to a request that timed out, on the next server, is shown and ignored', async ({ page, mock }) => {
  const { phone } = await onACall(page, mock, { requestTimeout: '2' });
  await mock.stall(0);
  await phone.getByRole('button', { name: 'Hold', exact: true }).click();
  // A does not answer within 2 s: the softphone leaves it for B, the call with it.
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to B', { timeout: 10_000 });
  const hold = (await mock.requests('hold')).at(-1);
  expect(hold, 'the hold sent to A').toBeTruthy();
  const b = await connection(mock, 1);
  await mock.send(b.id, JSON.stringify({ msgtype: 'response', id: hold!.id, result: 'success' }));
  await expect(phone.getByRole('alert')).toHaveText(new RegExp(`no request waiting \\(id ${hold!.id}\\)`));
  await mock.unstall(0);
  await expect(rows(phone)).toHaveCount(1);
  await phone.getByRole('button', { name: 'Hang up', exact: true }).click();
  await expect(rows(phone)).toHaveText(['No call']);
});

test('a 1 MB frame is read; a 16 MB frame is refused with its size; the call goes on', async ({ page, mock }) => {
  const { phone } = await onACall(page, mock);
  const { id } = await connection(mock);
  // Events the mock's switch did not make: the softphone follows them, the switch does not move.
  const event = (eventtype: string) => JSON.stringify({ msgtype: 'event', eventtype, calling: CALLER, called: '2001' });
  const sent = await mock.send(id, event('hold'), { pad: 1_000_000 });
  expect(sent.bytes).toBeGreaterThan(1_000_000);
  await expect(rows(phone)).toHaveText([new RegExp(`On hold\\s*${CALLER}`)]);
  await mock.send(id, event('retrieve'), { pad: 1_000_000 });
  await expect(rows(phone)).toHaveText([new RegExp(`Connected\\s*${CALLER}`)]);

  const idle = JSON.stringify({ msgtype: 'event', eventtype: 'idle' });
  const big = await mock.send(id, idle, { pad: 16 << 20 });
  await expect(phone.getByRole('alert')).toContainText(
    `CtiSVR sent a message too large to read (${big.bytes} bytes; at most 1048576). It was ignored.`,
  );
  // Not read: its `idle` did not end the call.
  await callGoesOn(phone, mock);
});

test('deeply nested JSON is unreadable and shown; numbers where strings belong are read', async ({ page, mock }) => {
  const { phone } = await onACall(page, mock);
  const { id } = await connection(mock);
  await mock.send(id, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  await expect(phone.getByRole('alert')).toHaveText(/CtiSVR sent a message the softphone cannot read \(not JSON: recursion limit exceeded/);
  // The numbers as numbers: the event still holds the call.
  await mock.send(id, `{"msgtype":"event","eventtype":"hold","calling":${CALLER},"called":2001}`);
  await expect(rows(phone)).toHaveText([new RegExp(`On hold\\s*${CALLER}`)]);
  await mock.send(id, `{"msgtype":"event","eventtype":"retrieve","calling":${CALLER},"called":2001}`);
  await callGoesOn(phone, mock);
});

test('a storm of 1,000 events in a second leaves the call as the last event says, and the page responsive', async ({ page, mock }) => {
  const { phone } = await onACall(page, mock);
  const { id } = await connection(mock);
  // Counted in the page, from the first event to the last.
  await page.evaluate(() => {
    const storm = { seen: 0, first: 0, last: 0 };
    (window as unknown as { storm: typeof storm }).storm = storm;
    document.querySelector('ctisvr-softphone')?.addEventListener('ctisvr-server-event', () => {
      storm.last = performance.now();
      if (storm.seen++ === 0) storm.first = storm.last;
    });
  });
  const storm = () => page.evaluate(() => (window as unknown as { storm: { seen: number; first: number; last: number } }).storm);
  const event = (eventtype: string) => JSON.stringify({ msgtype: 'event', eventtype, calling: CALLER, called: '2001' });
  await mock.send(id, event('hold'), { count: 500 });
  await mock.send(id, event('retrieve'), { count: 500 });
  await expect.poll(async () => (await storm()).seen, { timeout: 20_000 }).toBe(1000);
  const { first, last } = await storm();
  console.log(`storm: 1,000 events, each a ctisvr-server-event, handled in ${(last - first).toFixed(0)} ms`);
  await expect(rows(phone)).toHaveText([new RegExp(`Connected\\s*${CALLER}`)]);
  await expect(phone.getByRole('alert')).toBeHidden();
  await callGoesOn(phone, mock);
});

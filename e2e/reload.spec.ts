// The adapter frame reloaded in the middle of a call (the agent pressed F5,
// Salesforce reloaded the utility bar): the call goes on from its real
// start, keeps its direction and record, is popped once and logged whole.
// What the page keeps is not secret: never the password.
import { expect, test, type Page } from '@playwright/test';
import { login, mockCalls, openSoftphone, resetMock, ring } from './mock';
import {
  ADAPTER,
  blockThirdPartyStorage,
  button,
  callRows,
  ctiCalls,
  EXT,
  openOrg,
  taskOf,
  useOrg,
  waitForCalls,
} from './org';

useOrg();

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

/** Reloads the adapter frame only (the org page and its recorded CTI calls stay). */
async function reloadAdapter(page: Page) {
  const frame = page.frames().find((f) => f.url().startsWith(ADAPTER));
  expect(frame, 'the adapter frame').toBeTruthy();
  await frame!.evaluate(() => location.reload());
  const phone = page.frameLocator('#softphone').locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  return phone;
}

/** Everything the adapter frame keeps across a reload: its storage (where
 *  the browser gives it to a cross-site frame) and its history entry's state. */
async function kept(page: Page) {
  const frame = page.frames().find((f) => f.url().startsWith(ADAPTER))!;
  return frame.evaluate(() => {
    let storage = '';
    try {
      storage = JSON.stringify(sessionStorage);
    } catch {
      storage = '(storage refused)';
    }
    return `${storage} ${JSON.stringify(history.state)}`;
  });
}

/** The seconds the first call row's timer shows. */
async function timerSeconds(page: Page) {
  const text = await page.frameLocator('#softphone').getByRole('timer').first().textContent();
  const [m, s] = (text ?? '').split(':').map(Number);
  return m * 60 + s;
}

test('an inbound call survives a reload: timer, one pop, the whole duration logged', async ({ page, request }) => {
  let phone = await openOrg(page, 'lightning');
  await ring(request, '4155550100', EXT);
  await waitForCalls(page, 'searchAndScreenPop');
  await button(phone, 'Answer').click();
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  const answered = Date.now();
  await page.waitForTimeout(3_000);
  phone = await reloadAdapter(page);
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  // Not 0:00: the timer goes on from the answer.
  expect(await timerSeconds(page)).toBeGreaterThanOrEqual(3);
  const stored = await kept(page);
  expect(stored).toContain('4155550100');
  expect(stored).not.toContain('1234'); // the mock agent's password
  await page.waitForTimeout(2_000);
  const [call] = await mockCalls(request);
  expect((await request.delete(`/api/calls/${call.id}`)).ok()).toBeTruthy();
  await expect(callRows(phone)).toHaveText(['No call']);
  const [log] = await waitForCalls(page, 'saveLog');
  const elapsed = (Date.now() - answered) / 1000;
  const task = taskOf(log);
  expect(task).toMatchObject({ Subject: 'Call from 4155550100', CallType: 'Inbound', WhoId: '003000000000001' });
  expect(Number(task.CallDurationInSeconds)).toBeGreaterThanOrEqual(5);
  expect(Number(task.CallDurationInSeconds)).toBeLessThanOrEqual(Math.ceil(elapsed));
  expect(await ctiCalls(page, 'searchAndScreenPop'), 'one pop per call, reloads included').toHaveLength(1);
  expect(await ctiCalls(page, 'saveLog')).toHaveLength(1);
  // The memory expires with the call.
  expect(await kept(page)).not.toContain('4155550100');
});

test('an outbound click-to-dial call stays outbound through a reload', async ({ page, request }) => {
  let phone = await openOrg(page, 'classic');
  await waitForCalls(page, 'enableClickToDial');
  await page.getByRole('link', { name: '+1 (415) 555-0100' }).click();
  await expect(callRows(phone)).toHaveText([/Connected\s*90114155550100/]);
  phone = await reloadAdapter(page);
  await expect(callRows(phone)).toHaveText([/Connected\s*90114155550100/]);
  await page.waitForTimeout(1_000);
  await button(phone, 'Hang up').click();
  await expect(callRows(phone)).toHaveText(['No call']);
  const [log] = await waitForCalls(page, 'saveLog');
  expect(taskOf(log)).toMatchObject({
    Subject: 'Call to 90114155550100',
    CallType: 'Outbound',
    WhoId: '003000000000001',
  });
  expect(Number(taskOf(log).CallDurationInSeconds)).toBeGreaterThanOrEqual(1);
  expect(await ctiCalls(page, 'searchAndScreenPop'), 'never popped as an inbound caller').toHaveLength(0);
});

test('a tab reloaded whole with no storage learns its call from the agent\'s other tab', async ({ context, request }) => {
  // No storage, no Web Locks in the adapter's frames (third-party storage blocked).
  await context.addInitScript(blockThirdPartyStorage, new URL(ADAPTER).origin);
  const first = await context.newPage();
  let phone = await openOrg(first, 'lightning');
  const second = await context.newPage();
  const other = await openOrg(second, 'lightning');
  await first.waitForTimeout(2_000); // the newcomer listens for the others first
  await ring(request, '4155550100', EXT);
  await expect(callRows(other)).toHaveText([/Ringing\s*4155550100/]);
  await button(phone, 'Answer').click();
  await expect(callRows(other)).toHaveText([/Connected\s*4155550100/]);
  const popsBefore = (await ctiCalls(first, 'searchAndScreenPop')).length + (await ctiCalls(second, 'searchAndScreenPop')).length;
  expect(popsBefore).toBe(1);
  const secondPops = (await ctiCalls(second, 'searchAndScreenPop')).length;
  await first.waitForTimeout(3_000);
  const reloaded = Date.now();
  await first.reload(); // the whole page: the frame's history entry goes too
  phone = first.frameLocator('#softphone').locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  // Timed from the answer (3 s before the reload), not from the reload.
  const ahead = async () => (await timerSeconds(first)) - (Date.now() - reloaded) / 1000;
  await expect.poll(ahead, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
  await first.waitForTimeout(1_000);
  expect(await ctiCalls(first, 'searchAndScreenPop'), 'the reloaded tab does not pop again').toHaveLength(0);
  expect(await ctiCalls(second, 'searchAndScreenPop')).toHaveLength(secondPops);
  await button(phone, 'Hang up').click();
  await expect(callRows(other)).toHaveText(['No call']);
  await expect
    .poll(async () => (await ctiCalls(first, 'saveLog')).length + (await ctiCalls(second, 'saveLog')).length, { timeout: 15_000 })
    .toBe(1);
  const [log] = [...(await ctiCalls(first, 'saveLog')), ...(await ctiCalls(second, 'saveLog'))];
  expect(Number(taskOf(log).CallDurationInSeconds)).toBeGreaterThanOrEqual(4);
  await first.waitForTimeout(2_000);
  expect((await ctiCalls(first, 'saveLog')).length + (await ctiCalls(second, 'saveLog')).length, 'logged once').toBe(1);
});

test('a page that embeds the element itself keeps its call in sessionStorage through a reload', async ({ page, request }) => {
  let phone = await openSoftphone(page, '2001');
  await login(page);
  await ring(request, '4155550100', '2001');
  await phone.getByRole('button', { name: 'Answer', exact: true }).click();
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  await page.waitForTimeout(3_000);
  const kept = await page.evaluate(() => JSON.stringify(sessionStorage));
  expect(kept).toContain('4155550100');
  expect(kept).not.toContain('1234'); // the agent's password
  expect(await page.evaluate(() => history.state), 'the host page\'s history is not touched').toBeNull();
  const reloaded = Date.now();
  await page.reload();
  phone = page.locator('ctisvr-softphone');
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  const text = await phone.getByRole('timer').first().textContent();
  const [m, sec] = (text ?? '').split(':').map(Number);
  expect(m * 60 + sec - (Date.now() - reloaded) / 1000, 'timed from the answer').toBeGreaterThanOrEqual(2);
});

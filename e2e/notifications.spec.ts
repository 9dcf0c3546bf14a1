// An inbound call that rings while the agent's tab is hidden: a system
// notification where the page has the permission (clicking it focuses
// Answer), a mark on the title otherwise, nothing when turned off; all
// withdrawn once the call stops ringing or the tab is shown.
import { expect, test, type Page } from '@playwright/test';
import { login, openSoftphone, resetMock, ring, WS_A, WS_B } from './mock';

type Note = { title: string; body: string; tag: string; closed: boolean };

/** Records every Notification the page creates (and its close). */
async function recordNotifications(page: Page) {
  await page.addInitScript(() => {
    const Real = window.Notification;
    (window as any).__notes = [];
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        (window as any).__notes.push({ title, body: options?.body, tag: options?.tag, closed: false, instance: this });
      }
      close() {
        (window as any).__notes.find((n: any) => n.instance === this).closed = true;
        super.close();
      }
    }
    (window as any).Notification = Recorded;
  });
}

const notes = (page: Page) =>
  page.evaluate(() => (window as any).__notes.map(({ title, body, tag, closed }: Note) => ({ title, body, tag, closed })));

/** What the browser says of a tab the agent left (as tabs.spec.ts does). */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
    Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

const calls = (page: Page) => page.locator('ctisvr-softphone').getByRole('region', { name: 'Calls' }).getByRole('listitem');

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

test('with the permission, a call ringing in a hidden tab is notified once; clicking it focuses Answer; answering withdraws it', async ({ page, context, request, baseURL }) => {
  await context.grantPermissions(['notifications'], { origin: baseURL });
  await recordNotifications(page);
  await openSoftphone(page);
  await login(page);
  await setHidden(page, true);
  await ring(request, '4155550100', '2001');
  await expect(calls(page)).toHaveText([/Ringing\s*4155550100/]);
  await expect.poll(() => notes(page)).toEqual([{ title: 'Incoming call', body: '4155550100', tag: expect.stringMatching(/^ctisvr-call-\d+$/), closed: false }]);
  const title = await page.title();
  expect(title).not.toContain('☎'); // a notification, not a mark on the title
  await page.evaluate(() => (window as any).__notes[0].instance.onclick());
  const focused = await page.evaluate(() => document.querySelector('ctisvr-softphone')!.shadowRoot!.activeElement?.textContent);
  expect(focused).toBe('Answer');
  await page.keyboard.press('Enter');
  await expect(calls(page)).toHaveText([/Connected\s*4155550100/]);
  await expect.poll(async () => (await notes(page)).map((n: Note) => n.closed)).toEqual([true]);
});

test('without the permission the title is marked while it rings and put back when the tab is shown', async ({ page, request }) => {
  await openSoftphone(page);
  await login(page);
  const before = await page.title();
  await setHidden(page, true);
  await ring(request, '4155550100', '2001');
  await expect(page).toHaveTitle(`☎ Incoming call: 4155550100 · ${before}`);
  await setHidden(page, false);
  await expect(page).toHaveTitle(before);
  // Still ringing: hidden again, marked again; the call ends, the mark goes.
  await setHidden(page, true);
  await expect(page).toHaveTitle(/^☎ Incoming call: 4155550100/);
  await page.evaluate(() => document.querySelector('ctisvr-softphone')!.answer());
  await expect(page).toHaveTitle(before);
});

test('notifyCalls=false: nothing is shown', async ({ page, context, request, baseURL }) => {
  await context.grantPermissions(['notifications'], { origin: baseURL });
  await recordNotifications(page);
  const query = new URLSearchParams({ wsURIA: `${WS_A}?ext=2001`, wsURIB: `${WS_B}?ext=2001`, notifyCalls: 'false' });
  await page.goto(`/index.html?${query}`);
  await expect(page.locator('ctisvr-softphone').getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  await login(page);
  const before = await page.title();
  await setHidden(page, true);
  await ring(request, '4155550100', '2001');
  // The pump that renders the ringing row has carried out any notification.
  await expect(calls(page)).toHaveText([/Ringing\s*4155550100/]);
  expect(await notes(page)).toEqual([]);
  expect(await page.title()).toBe(before);
});

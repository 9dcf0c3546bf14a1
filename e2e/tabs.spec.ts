// The agent's several tabs, each with the softphone in the emulated org
// (e2e/org.ts): whatever the browser does to a tab, each call is popped
// once, where the agent looks, and logged once (docs/architecture.md, "The
// agent's tabs"). Each scenario runs with two and with three tabs, and with
// third-party storage blocked in the adapter's frame (no storage, no Web
// Locks; BroadcastChannel only).
//
// How a tab is made to misbehave, all from outside the product:
// - stopped: a test hook in the adapter frame (`stoppable` below) holds back
//   every event its script would get: channel messages, socket events,
//   timers; on resuming they run in the order they came, as when a frozen or
//   busy tab runs again. (The debugger cannot do it: Chromium puts the
//   adapter frames of all tabs, being one site, in one renderer process, and
//   pausing one pauses all.)
// - throttled: the frame's setTimeout is rounded up to whole seconds or
//   minutes, as Chrome does to hidden tabs;
// - hidden: the frame's document.visibilityState says "hidden", with its
//   visibilitychange event;
// - focused: a focus event on the frame's window.
import { expect, test, type APIRequestContext, type BrowserContext, type Frame, type Page } from '@playwright/test';
import { mockCalls, resetMock, ring } from './mock';
import { ADAPTER, blockThirdPartyStorage, callRows, ctiCalls, EXT, openOrg, useOrg } from './org';

useOrg();

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

const ADAPTER_ORIGIN = new URL(ADAPTER).origin;

/** `count` tabs of the org, each connected; the storage block first if asked. */
async function openTabs(context: BrowserContext, count: number, blocked: boolean): Promise<Page[]> {
  if (blocked) await context.addInitScript(blockThirdPartyStorage, ADAPTER_ORIGIN);
  await context.addInitScript(stoppable, ADAPTER_ORIGIN);
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    await openOrg(page, 'lightning');
    pages.push(page);
  }
  // A newcomer listens for the others for 1.5 s before it claims anything.
  await pages[pages.length - 1].waitForTimeout(2_000);
  return pages;
}

/** Lets a test stop the adapter frame's script (window.__stop) and run it
 *  again (window.__resume): events meanwhile wait, in order. */
function stoppable(adapterOrigin: string) {
  if (location.origin !== adapterOrigin || window.top === window) return;
  const w = window as any;
  const backlog: Array<{ timer?: number; run: () => void }> = [];
  const cancelled = new Set<number>();
  let stopped = false;
  const setTimeout0 = window.setTimeout.bind(window);
  const clearTimeout0 = window.clearTimeout.bind(window);
  const held = () => stopped || backlog.length > 0;
  const drain = () => {
    const next = backlog.shift();
    if (next && !(next.timer !== undefined && cancelled.has(next.timer))) next.run();
    if (backlog.length > 0 && !stopped) setTimeout0(drain, 0);
  };
  const later = (handler: Function) =>
    function (this: unknown, ...args: unknown[]) {
      if (held()) backlog.push({ run: () => handler.apply(this, args) });
      else return handler.apply(this, args);
    };
  const targets: Array<[object, string[]]> = [
    [BroadcastChannel.prototype, ['onmessage']],
    [WebSocket.prototype, ['onopen', 'onmessage', 'onclose', 'onerror']],
  ];
  for (const [proto, names] of targets) {
    for (const name of names) {
      const own = Object.getOwnPropertyDescriptor(proto, name)!;
      Object.defineProperty(proto, name, {
        configurable: true,
        get: own.get,
        set(handler: unknown) {
          own.set!.call(this, typeof handler === 'function' ? later(handler) : handler);
        },
      });
    }
  }
  w.setTimeout = (handler: Function, delay?: number, ...args: unknown[]) => {
    const id: number = setTimeout0(() => {
      if (held()) backlog.push({ timer: id, run: () => handler(...args) });
      else handler(...args);
    }, delay);
    return id;
  };
  w.clearTimeout = (id: number) => {
    cancelled.add(id);
    clearTimeout0(id);
  };
  w.__stop = () => (stopped = true);
  w.__resume = () => {
    stopped = false;
    setTimeout0(drain, 0);
  };
}

/** The softphone's frame in `page`. */
function adapterFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(ADAPTER_ORIGIN));
  if (!frame) throw new Error('no adapter frame');
  return frame;
}

/** The agent clicks into `page`'s softphone: it becomes where the agent looks. */
async function focus(page: Page) {
  await adapterFrame(page).evaluate(() => window.dispatchEvent(new Event('focus')));
}

async function hide(page: Page) {
  await adapterFrame(page).evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/** Stops the frame's script; the returned function lets it run again. */
async function stop(page: Page): Promise<() => Promise<void>> {
  await adapterFrame(page).evaluate(() => (window as any).__stop());
  return async () => {
    await adapterFrame(page).evaluate(() => (window as any).__resume());
  };
}

/** Rounds the frame's timers up to multiples of `granularity` ms, as Chrome throttles hidden pages. */
async function throttle(page: Page, granularity: number) {
  await adapterFrame(page).evaluate((g) => {
    const w = window as any;
    w.__setTimeout ??= window.setTimeout.bind(window);
    w.setTimeout = (handler: TimerHandler, delay = 0, ...args: unknown[]) => {
      const due = Math.ceil((performance.now() + Number(delay)) / g) * g;
      return w.__setTimeout(handler, due - performance.now(), ...args);
    };
  }, granularity);
}

/** Screen pops of `number` in `page`. */
async function popsIn(page: Page, number: string) {
  return (await ctiCalls(page, 'searchAndScreenPop')).filter((c) => c.args.searchParams === number).length;
}

/** Call logs that Salesforce saved (not refused) in `page`. */
async function savedLogsIn(page: Page) {
  return (await ctiCalls(page, 'saveLog')).filter((c) => !c.failed).length;
}

async function total(pages: Page[], count: (page: Page) => Promise<number>) {
  let sum = 0;
  for (const page of pages) sum += await count(page);
  return sum;
}

/** The tabs that popped `number`. */
async function poppers(pages: Page[], number: string) {
  const found: Page[] = [];
  for (const page of pages) if ((await popsIn(page, number)) > 0) found.push(page);
  return found;
}

async function hangUpAll(request: APIRequestContext) {
  for (const call of await mockCalls(request)) {
    expect((await request.delete(`/api/calls/${call.id}`)).ok()).toBeTruthy();
  }
}

/** Rings `number`; exactly one tab pops it, and it is one of `expected`. */
async function ringAndExpectOnePop(request: APIRequestContext, pages: Page[], number: string, expected: Page[]) {
  await ring(request, number, EXT);
  await expect.poll(() => total(pages, (p) => popsIn(p, number)), { timeout: 15_000 }).toBe(1);
  const [popper] = await poppers(pages, number);
  expect(expected).toContain(popper);
  return popper;
}

/** After a quiet moment: `pops` pops of `number` and `logs` saved logs in all of `pages`. */
async function expectSettled(pages: Page[], number: string, pops: number, logs: number) {
  await expect.poll(() => total(pages, savedLogsIn), { timeout: 20_000 }).toBe(logs);
  await pages[0].waitForTimeout(4_000); // longer than a claim waits for a silent tab
  expect(await total(pages, (p) => popsIn(p, number))).toBe(pops);
  expect(await total(pages, savedLogsIn)).toBe(logs);
}

for (const blocked of [false, true]) {
  for (const count of [2, 3]) {
    test.describe(`${count} tabs of one agent${blocked ? ', third-party storage blocked' : ''}`, () => {
      test.setTimeout(90_000);

      test('a stopped tab neither pops nor logs twice, whether it comes back after the hang-up or before', async ({ context, request }) => {
        const tabs = await openTabs(context, count, blocked);
        const [leader, ...others] = tabs;
        await focus(leader);

        // Back after the hang-up.
        let resume = await stop(leader);
        await ringAndExpectOnePop(request, tabs, '4155550100', others);
        await hangUpAll(request);
        await expect.poll(() => total(others, savedLogsIn), { timeout: 15_000 }).toBe(1);
        await resume();
        await expectSettled(tabs, '4155550100', 1, 1);

        // Back before the hang-up: it sees the end too, and must not log again.
        resume = await stop(leader);
        await ringAndExpectOnePop(request, tabs, '4155550122', others);
        await resume();
        await leader.waitForTimeout(1_000);
        await hangUpAll(request);
        await expectSettled(tabs, '4155550122', 1, 2);
        if (blocked) {
          // The denial really is in force in the adapter's frame.
          const denied = await adapterFrame(leader).evaluate(() => {
            try {
              return String(sessionStorage.length);
            } catch (error) {
              return (error as DOMException).name;
            }
          });
          expect(denied).toBe('SecurityError');
        }
      });

      test('a tab whose timers run once a second, or once a minute, still pops where the agent looks, once', async ({ context, request }) => {
        const tabs = await openTabs(context, count, blocked);
        const leader = tabs[count - 1];
        await focus(leader);
        await throttle(leader, 1_000);
        await ringAndExpectOnePop(request, tabs, '4155550100', [leader]);
        await hangUpAll(request);
        await expectSettled(tabs, '4155550100', 1, 1);

        await throttle(leader, 60_000);
        for (const other of tabs.filter((t) => t !== leader)) await throttle(other, 1_000);
        await ringAndExpectOnePop(request, tabs, '4155550122', [leader]);
        await hangUpAll(request);
        await expectSettled(tabs, '4155550122', 1, 2);
      });

      test('the pop is in a visible tab when the last focused one is hidden', async ({ context, request }) => {
        const tabs = await openTabs(context, count, blocked);
        const [visible, ...rest] = tabs;
        const hidden = rest[rest.length - 1];
        await focus(visible);
        await focus(hidden); // focused last, then hidden: the agent left it
        await hide(hidden);
        await ringAndExpectOnePop(request, tabs, '4155550100', tabs.filter((t) => t !== hidden));
        await hangUpAll(request);
        await expectSettled(tabs, '4155550100', 1, 1);
        // Every tab showed the call and its end.
        for (const page of tabs) {
          await expect(callRows(page.frameLocator('#softphone').locator('ctisvr-softphone'))).toHaveText(['No call']);
        }
      });

      test('when the owner closes while its refused log waits for a retry, another tab saves it once; the next call pops in a remaining tab', async ({ context, request }) => {
        const tabs = await openTabs(context, count, blocked);
        const owner = tabs[0];
        await focus(owner);
        await owner.evaluate(() => ((window as any).__failSaveLog = 1));
        await ringAndExpectOnePop(request, tabs, '4155550100', [owner]);
        await hangUpAll(request);
        // Refused once: the owner would try again in 10 s. It closes first.
        await expect.poll(async () => (await ctiCalls(owner, 'saveLog')).length, { timeout: 10_000 }).toBe(1);
        expect(await savedLogsIn(owner)).toBe(0);
        await owner.close();
        const remaining = tabs.slice(1);
        await expect.poll(() => total(remaining, savedLogsIn), { timeout: 15_000 }).toBe(1);
        await remaining[0].waitForTimeout(10_000); // past the owner's retry
        expect(await total(remaining, savedLogsIn)).toBe(1);

        await ringAndExpectOnePop(request, remaining, '4155550122', remaining);
        await hangUpAll(request);
        await expectSettled(remaining, '4155550122', 1, 2);
      });
    });
  }
}

// Benchmarks (figures printed, not asserted): time from a page load and a
// reload to ready, time from A's death to ready on B, and round trips from
// socket open to ready. Run with `cargo xtask bench`.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { resetMock, WS_A, WS_B } from '../e2e/mock';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PORT_A = new URL(WS_A).port;

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function report(name: string, values: number[], unit = 'ms') {
  const line = `${name}: median ${median(values).toFixed(1)} ${unit}, min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)} (${values.length} runs)`;
  console.log(`BENCH ${line}`);
}

/** Loads the adapter page; resolves with performance.now() of the first ready. */
async function loadAndTimeReady(page: Page, reload: boolean) {
  if (!reload) await installProbes(page);
  const query = new URLSearchParams({ wsURIA: `${WS_A}?ext=2001`, wsURIB: `${WS_B}?ext=2001` });
  if (reload) await page.reload();
  else await page.goto(`/index.html?${query}`);
  await expect.poll(() => page.evaluate(() => (window as any).__readyAt ?? null)).not.toBeNull();
  return page.evaluate(() => (window as any).__readyAt as number);
}

/** Before any page script: a socket trace and the time of the first ready. */
async function installProbes(page: Page) {
  await page.addInitScript(() => {
    // Records what the socket sends and receives, in order, until ready.
    const trace: string[] = ((window as any).__trace = []);
    const Native = window.WebSocket;
    (window as any).WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', () => trace.push('recv'));
      }
      send(data: string) {
        trace.push('send');
        super.send(data);
      }
    };
    document.addEventListener('ctisvr-ready', (e) => {
      if ((e as CustomEvent).detail.ready && !(window as any).__readyAt) (window as any).__readyAt = performance.now();
    });
  });
}

/** Round trips: bursts of frames the client sent, each waiting on an answer. */
async function roundTrips(page: Page) {
  const trace: string[] = await page.evaluate(() => (window as any).__trace);
  let trips = 0;
  let last = 'recv';
  for (const step of trace) {
    if (step === 'send' && last === 'recv') trips += 1;
    last = step;
  }
  return trips;
}

async function fault(request: APIRequestContext, path: string) {
  expect((await request.post(path)).ok()).toBeTruthy();
}

test('start-up: page load and reload to ready, round trips', async ({ context, request }) => {
  test.setTimeout(120_000);
  const loads: number[] = [];
  const reloads: number[] = [];
  let trips = 0;
  let reloadTrips = 0;
  for (let i = 0; i < RUNS; i++) {
    await resetMock(request);
    const page = await context.newPage(); // one init script per page
    loads.push(await loadAndTimeReady(page, false));
    trips = await roundTrips(page);
    reloads.push(await loadAndTimeReady(page, true));
    reloadTrips = await roundTrips(page); // the init script ran again: a new trace
    await page.close();
  }
  report('page load to ready (navigation start to ctisvr-ready)', loads);
  report('page reload to ready', reloads);
  console.log(`BENCH round trips from socket open to ready: ${trips} (the vendor sample: 4)`);
  console.log(`BENCH round trips from socket open to ready after a reload: ${reloadTrips}`);
});

test("failover: A's death to ready on B", async ({ context, request }) => {
  test.setTimeout(120_000);
  const failovers: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await resetMock(request);
    const page = await context.newPage();
    await loadAndTimeReady(page, false);
    await page.evaluate(() => {
      (window as any).__backAt = null;
      document.addEventListener('ctisvr-ready', (e) => {
        if ((e as CustomEvent).detail.ready) (window as any).__backAt = Date.now();
      });
    });
    await fault(request, `/api/endpoints/${PORT_A}/refuse`);
    const killedAt = Date.now();
    await fault(request, `/api/endpoints/${PORT_A}/close?frame=false`);
    await expect.poll(() => page.evaluate(() => (window as any).__backAt)).not.toBeNull();
    const backAt = await page.evaluate(() => (window as any).__backAt as number);
    failovers.push(backAt - killedAt);
    await page.close();
  }
  report("A's death to ready on B (A refuses and drops its sockets)", failovers);
});

// Leaks (figures printed, not asserted): the JS heap and the wasm memory of
// the adapter page after 500 reconnects and after 500 calls, against the
// same page after 1. Memory is read after a forced garbage collection (CDP
// `HeapProfiler.collectGarbage`, then `Performance.getMetrics`'
// JSHeapUsedSize); the wasm memory is the module's `WebAssembly.Memory`
// (it grows and never shrinks, so its growth is the high-water mark).
// Run with `cargo xtask bench`; docs/benchmarks.md.
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { login, openSoftphone, resetMock } from '../e2e/mock';

const CYCLES = Number(process.env.BENCH_LEAK_CYCLES ?? 500);

test.setTimeout(15 * 60_000);

type Memory = { jsHeap: number; wasm: number };

async function memory(page: Page, cdp: CDPSession): Promise<Memory> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const jsHeap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  // wasm-bindgen's init() returns the instance's exports once it has run.
  const wasm = await page.evaluate(async () => {
    const glue = await import('/pkg/ctisvr_softphone.js');
    const exports = await glue.default();
    return (exports.memory as WebAssembly.Memory).buffer.byteLength;
  });
  return { jsHeap, wasm };
}

function report(name: string, after1: Memory, afterN: Memory) {
  const kb = (bytes: number) => (bytes / 1024).toFixed(0);
  console.log(
    `BENCH ${name}: JS heap ${kb(after1.jsHeap)} KB after 1, ${kb(afterN.jsHeap)} KB after ${CYCLES} ` +
      `(${kb(afterN.jsHeap - after1.jsHeap)} KB growth); wasm memory ${kb(after1.wasm)} KB -> ${kb(afterN.wasm)} KB ` +
      `(${kb(afterN.wasm - after1.wasm)} KB growth)`,
  );
}

async function openLoggedIn(page: Page) {
  const phone = await openSoftphone(page, '2001');
  await login(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return { phone, cdp };
}

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

test('memory after 500 reconnects', async ({ page, request }) => {
  const { phone, cdp } = await openLoggedIn(page);
  const status = phone.getByRole('status', { name: 'Connection' });
  /** The mock drops every socket; the softphone is ready again on the other server. */
  // One listener for the whole run (a listener per cycle would be the leak measured).
  await page.evaluate(() => {
    const w = window as unknown as { readies: number };
    w.readies = 0;
    document.addEventListener('ctisvr-ready', (e) => {
      if ((e as CustomEvent).detail.ready) w.readies += 1;
    });
  });
  const reconnect = async (n: number) => {
    expect((await request.post('/api/restart?frame=false')).ok()).toBeTruthy();
    await page.waitForFunction((count) => (window as unknown as { readies: number }).readies >= count, n);
    await expect(status, `reconnect ${n}`).toContainText(/Connected to [AB]/);
  };
  await reconnect(1);
  const after1 = await memory(page, cdp);
  for (let n = 2; n <= CYCLES; n++) await reconnect(n);
  report(`memory after ${CYCLES} reconnects`, after1, await memory(page, cdp));
});

test('memory after 500 calls', async ({ page, request }) => {
  const { phone, cdp } = await openLoggedIn(page);
  const rows = phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
  /** An inbound call rings, the agent answers (script API), the far end hangs up. */
  const call = async () => {
    const ringing = await (await request.post('/api/calls', { data: { from: '4155550100', to: '2001' } })).json();
    await expect(phone.getByRole('button', { name: 'Answer', exact: true })).toBeEnabled();
    await phone.evaluate((element) => (element as HTMLElement & { answer(): void }).answer());
    await expect(rows).toHaveText([/Connected/]);
    expect((await request.delete(`/api/calls/${ringing.id}`)).ok()).toBeTruthy();
    await expect(rows).toHaveText(['No call']);
  };
  await call();
  const after1 = await memory(page, cdp);
  for (let n = 2; n <= CYCLES; n++) await call();
  report(`memory after ${CYCLES} calls`, after1, await memory(page, cdp));
});

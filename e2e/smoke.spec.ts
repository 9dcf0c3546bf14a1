import { test, expect } from '@playwright/test';

// Smoke checks of the serving pipeline: the mock's control API answers, and
// dist/ is served with the wasm MIME type (needed for streaming instantiation).

test('mock control API reports state', async ({ request }) => {
  const res = await request.get('/api/state');
  expect(res.status()).toBe(200);
  const state = await res.json();
  expect(Array.isArray(state.extensions)).toBe(true);
});

test('index.html loads the wasm as application/wasm', async ({ page }) => {
  const wasm = page.waitForResponse((r) => r.url().endsWith('/pkg/ctisvr_softphone_bg.wasm'));
  await page.goto('/index.html');
  const res = await wasm;
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/wasm');
});

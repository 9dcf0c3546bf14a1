import base from './playwright.config';
import { defineConfig } from '@playwright/test';

// `cargo xtask bench`: the same browser and mock as the e2e suite, the
// benchmark files instead of the tests, no retries, and no Playwright trace:
// recording one snapshots the DOM inside the page at every step, which
// costs the page's main thread tens of milliseconds (more for a page that
// renders more) and so skews the timings.
export default defineConfig({
  ...base,
  use: { ...base.use, trace: 'off', screenshot: 'off' },
  testDir: 'bench',
  testMatch: '*.bench.ts',
  retries: 0,
  reporter: 'list',
});

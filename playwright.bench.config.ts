import base from './playwright.config';
import { defineConfig } from '@playwright/test';

// `cargo xtask bench`: the same browser and mock as the e2e suite, the
// benchmark files instead of the tests, no retries.
export default defineConfig({
  ...base,
  testDir: 'bench',
  testMatch: '*.bench.ts',
  retries: 0,
  reporter: 'list',
});

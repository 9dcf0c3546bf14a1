import { defineConfig, devices } from '@playwright/test';

// End-to-end tests against the mock CtiSVR serving dist/.
// `cargo xtask test` builds dist/ and target/debug/ctisvr-mock first; this
// config only starts the prebuilt binary (a cold `cargo run` would outlast the
// web server timeout). Ports differ from `cargo xtask demo` (8080/9006/9008)
// so a running demo does not interfere.
// Browser: Debian's /usr/bin/chromium (never `npx playwright install`).
// The mock binary: `cargo build -p ctisvr-mock` (honours CARGO_TARGET_DIR like cargo).
const mock = `${process.env.CARGO_TARGET_DIR ?? 'target'}/debug/ctisvr-mock`;
// Ports of the e2e mock; override to run two suites side by side.
const httpPort = process.env.E2E_HTTP_PORT ?? '18080';
const wsPortA = process.env.E2E_WS_PORT_A ?? '19006';
const wsPortB = process.env.E2E_WS_PORT_B ?? '19008';
process.env.E2E_WS_PORT_A = wsPortA;
process.env.E2E_WS_PORT_B = wsPortB;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? 'list' : [['list'], ['html', { open: 'never' }]],
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${httpPort}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        // e2e/voice.spec.ts: its fake Salesforce host and a forger, both on
        // 127.0.0.1 under the names Salesforce's SDK checks.
        '--host-resolver-rules=MAP myorg.lightning.force.com 127.0.0.1,MAP evil.forger.test 127.0.0.1',
      ],
    },
  },
  projects: [
    {
      name: 'chromium',
      // No `channel`: the executable above is Debian's Chromium.
      use: { ...devices['Desktop Chrome'] },
    },
  ],
  webServer: {
    // With Salesforce's Telephony Integration API for e2e/voice.spec.ts
    // (test-only keys; the org and contact center that spec names).
    command:
      `${mock} --http 127.0.0.1:${httpPort} --ws 127.0.0.1:${wsPortA} --ws 127.0.0.1:${wsPortB} --dist dist` +
      ' --telephony-cert crates/ctisvr-mock/tests/keys/provider-test.crt' +
      ' --telephony-org 00DE2E0000000001 --telephony-contact-center CtisvrVoice',
    url: `http://127.0.0.1:${httpPort}/api/state`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'pipe',
    env: { RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  },
});

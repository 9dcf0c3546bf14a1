// A strict Content Security Policy, served by the mock (`--csp`), on the
// adapter page standalone, framed by a Salesforce org in both Open CTI
// flavours, and on the demo page: the element starts, connects, logs in and
// works a call, and the browser reports no violation. No 'unsafe-inline':
// the element's styles are a constructed stylesheet, the pages' are files.
import { test as base, expect, type Page } from '@playwright/test';
import { withCtisvrMock } from './fixtures/ctisvr-mock';
import { login } from './mock';
import fs from 'node:fs';
import { button, callRows, EXT, openOrg, orgOrigin, useOrg, VF_CSP, VF_RESOURCE, type Flavour } from './org';

const test = withCtisvrMock(base);
/** The org of e2e/org.ts, on the port it gets. */
const ORG = 'http://myorg.my.salesforce.localhost:*';
const POLICY = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${ORG}`,
  "connect-src 'self' ws://127.0.0.1:*",
  "style-src 'self'",
  "img-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  `frame-ancestors 'self' ${ORG}`,
].join('; ');
test.use({ mockOptions: { csp: POLICY } });
useOrg();

/** Collects the browser's CSP reports, from every frame of `page`. */
function violations(page: Page) {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}

test('the adapter page and the element run under the policy, with no violation', async ({ page, mock }) => {
  const seen = violations(page);
  const query = new URLSearchParams({ wsURIA: mock.wsUri(0, '2001'), wsURIB: mock.wsUri(1, '2001') });
  const response = await page.goto(`${mock.http}/index.html?${query}`);
  expect(response?.headers()['content-security-policy']).toBe(POLICY);
  const phone = page.locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  await login(page);
  await mock.ring('4155550100', '2001');
  await button(phone, 'Answer').click();
  await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
  await button(phone, 'Hang up').click();
  await expect(callRows(phone)).toHaveText(['No call']);
  // The element is styled (the constructed stylesheet applied), not bare.
  const status = await phone.getByRole('status', { name: 'Connection' }).evaluate((el) => getComputedStyle(el).display);
  expect(status).toBe('flex');
  expect(seen).toEqual([]);
  // The check sees what the policy refuses: an inline style is reported.
  await page.evaluate(() => document.head.append(Object.assign(document.createElement('style'), { textContent: 'p{}' })));
  await expect.poll(() => seen.length).toBeGreaterThan(0);
});

for (const flavour of ['lightning', 'classic'] as Flavour[]) {
  test(`framed by Salesforce (${flavour}), the adapter page runs under the policy`, async ({ page, mock }) => {
    const seen = violations(page);
    const adapter = `${mock.http}/index.html`;
    const phone = await openOrg(page, flavour, { adapter, wsA: mock.wsUri(0), wsB: mock.wsUri(1) });
    await phone.getByRole('textbox', { name: 'Agent ID' }).fill('1003');
    await phone.getByLabel('Password').fill('1234');
    await button(phone, 'Login').click();
    await expect(button(phone, 'Auto')).toBeEnabled();
    await mock.ring('4155550100', EXT);
    await button(phone, 'Answer').click();
    await expect(callRows(phone)).toHaveText([/Connected\s*4155550100/]);
    await button(phone, 'Hang up').click();
    await expect(callRows(phone)).toHaveText(['No call']);
    expect(seen).toEqual([]);
  });
}

for (const flavour of ['lightning', 'classic'] as Flavour[]) {
  test(`the Visualforce adapter page (${flavour}) runs under the org's strict policy`, async ({ page, mock }) => {
    test.skip(!fs.existsSync(VF_RESOURCE), 'run `cargo xtask package` first');
    const seen = violations(page);
    const served = page.waitForResponse((r) => r.url().includes('/apex/CtisvrSoftphone'));
    const adapter = `${orgOrigin()}/apex/CtisvrSoftphone`;
    const phone = await openOrg(page, flavour, { adapter, wsA: mock.wsUri(0), wsB: mock.wsUri(1) });
    expect((await served).headers()['content-security-policy']).toBe(VF_CSP);
    await phone.getByRole('textbox', { name: 'Agent ID' }).fill('1003');
    await phone.getByLabel('Password').fill('1234');
    await button(phone, 'Login').click();
    await expect(button(phone, 'Auto')).toBeEnabled();
    // Its own styles came from the static resource.
    const padding = await page.frameLocator('#softphone').locator('body').evaluate((body) => getComputedStyle(body).padding);
    expect(padding).toBe('6px');
    expect(seen).toEqual([]);
  });
}

test('the demo page runs under the policy', async ({ page, mock }) => {
  const seen = violations(page);
  await page.goto(`${mock.http}/demo.html`);
  // The demo's phones dial the demo mock's ports: they only try to connect.
  await expect(page.locator('#phone-a').getByRole('status', { name: 'Connection' })).toContainText(/Connecting|Reconnecting/);
  expect(seen).toEqual([]);
});

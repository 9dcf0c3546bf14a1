// The reusable mock fixture (e2e/fixtures/ctisvr-mock.ts, docs/testing.md)
// as another team's suite would use it: its own mock on free ports, the
// softphone driven through the mock's far end, faults and raw frames.
import { test as base, expect, type Page } from '@playwright/test';
import { withCtisvrMock } from './fixtures/ctisvr-mock';

const test = withCtisvrMock(base);

async function openOn(page: Page, mock: { http: string; wsUri: (i?: number, ext?: string) => string }) {
  const query = new URLSearchParams({ wsURIA: mock.wsUri(0, '2001'), wsURIB: mock.wsUri(1, '2001') });
  await page.goto(`${mock.http}/index.html?${query}`);
  const phone = page.locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  return phone;
}

async function login(page: Page) {
  const phone = page.locator('ctisvr-softphone');
  await phone.getByRole('textbox', { name: 'Agent ID' }).fill('1001');
  await phone.getByLabel('Password').fill('1234');
  await phone.getByRole('button', { name: 'Login', exact: true }).click();
  await expect(phone.getByRole('button', { name: 'Auto', exact: true })).toBeEnabled();
}

test('a worker gets its own mock on free ports; the far end rings and hangs up', async ({ page, mock }) => {
  expect(mock.ws).toHaveLength(2);
  expect(mock.port(0)).not.toBe(process.env.E2E_WS_PORT_A ?? '19006');
  const phone = await openOn(page, mock);
  await login(page);
  const call = await mock.ring('4155550100', '2001');
  expect(call).toMatchObject({ from: '4155550100', to: '2001', state: 'ringing' });
  const rows = phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
  await expect(rows).toHaveText([/Ringing\s*4155550100/]);
  await phone.getByRole('button', { name: 'Answer', exact: true }).click();
  await expect(rows).toHaveText([/Connected\s*4155550100/]);
  await mock.hangUp(call.id);
  await expect(rows).toHaveText(['No call']);
  expect((await mock.requests('answer')).length).toBe(1);
});

test('faults: A refused and dropped, the softphone moves to B; a raw frame it cannot read is shown', async ({ page, mock }) => {
  const phone = await openOn(page, mock);
  const [connection] = await mock.log();
  await mock.send(connection.id, 'this is not json');
  await expect(phone.getByRole('alert')).toContainText('cannot read');
  await mock.refuse(0);
  await mock.drop(0);
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to B');
  await mock.accept(0);
});

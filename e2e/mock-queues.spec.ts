// The fixture with a scenario of its own (mockOptions.config): the mock's
// ACD queues (crates/ctisvr-mock/scenarios/queue.toml, docs/mock.md).
import { test as base, expect } from '@playwright/test';
import path from 'node:path';
import { withCtisvrMock } from './fixtures/ctisvr-mock';

const test = withCtisvrMock(base);
// A worker option: top-level, so this file's worker starts its own mock.
test.use({ mockOptions: { config: path.join(__dirname, '..', 'crates/ctisvr-mock/scenarios/queue.toml') } });

test('a caller queued for sales rings the agent who goes Auto, with the queue as the dialled number', async ({ page, mock }) => {
  const waiting = await mock.ring('4155550100', '5000');
  expect(waiting.state).toBe('queued');
  const query = new URLSearchParams({ wsURIA: mock.wsUri(0, '2001'), wsURIB: mock.wsUri(1, '2001') });
  await page.goto(`${mock.http}/index.html?${query}`);
  const phone = page.locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  await phone.getByRole('textbox', { name: 'Agent ID' }).fill('1001');
  await phone.getByLabel('Password').fill('1234');
  await phone.getByRole('button', { name: 'Login', exact: true }).click();
  const rows = phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
  await expect(rows).toHaveText(['No call'], { timeout: 2_000 }); // AUX after login: still queued
  await phone.getByRole('button', { name: 'Auto', exact: true }).click();
  await expect(rows).toHaveText([/Ringing\s*4155550100/]);
  await expect(phone.getByRole('textbox', { name: 'Dialled number' })).toHaveValue('5000');
  expect((await mock.state()).calls[0].state).toBe('ringing');
});

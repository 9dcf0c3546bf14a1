// WCAG 2.2 AA: axe scans the element in each state the agent meets, in the
// light and the dark scheme, and an agent works a call with the keyboard
// alone. (The layout at narrow widths is e2e/layout.spec.ts.)
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { login, openSoftphone, resetMock, ring, WS_A, WS_B } from './mock';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const PORT_A = new URL(WS_A).port;
const PORT_B = new URL(WS_B).port;

async function endpoint(request: APIRequestContext, port: string, action: string) {
  expect((await request.post(`/api/endpoints/${port}/${action}`)).ok()).toBeTruthy();
}

/** axe's violations inside the element, one line each. */
async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).include('ctisvr-softphone').withTags(TAGS).analyze();
  return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary}`));
}

/** Scans the element as it is, in both schemes. */
async function scan(page: Page, state: string) {
  const phone = page.locator('ctisvr-softphone');
  for (const scheme of ['light', 'dark']) {
    await phone.evaluate((element, scheme) => element.setAttribute('color-scheme', scheme), scheme);
    expect(await violations(page), `${state}, ${scheme} scheme`).toEqual([]);
  }
  await phone.evaluate((element) => element.removeAttribute('color-scheme'));
}

function button(phone: Locator, name: string) {
  return phone.getByRole('button', { name, exact: true });
}

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

test('axe finds no WCAG 2.2 AA violation in any state, light or dark', async ({ page, request }) => {
  test.setTimeout(60_000);
  const phone = await openSoftphone(page);
  await scan(page, 'logged out');
  await login(page);
  await scan(page, 'logged in');
  await phone.getByRole('textbox', { name: 'Number', exact: true }).fill('call me');
  await button(phone, 'Call').click();
  await expect(phone.getByRole('alert')).toBeVisible();
  await scan(page, 'an error in the message bar');
  await ring(request, '4155550100', '2001');
  const calls = phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
  await expect(calls).toHaveText([/Ringing\s*4155550100/]);
  await scan(page, 'ringing');
  await button(phone, 'Answer').click();
  await expect(calls).toHaveText([/Connected\s*4155550100/]);
  await button(phone, 'Keypad').click();
  await scan(page, 'connected, keypad open');
  await phone.getByRole('textbox', { name: 'Number', exact: true }).fill('2002');
  await button(phone, 'Consult').click();
  await expect(calls).toHaveText([/On hold\s*4155550100/, /(Calling…|Consultation)\s*2002/]);
  await scan(page, 'on hold with a consultation');
  await endpoint(request, PORT_A, 'refuse');
  await endpoint(request, PORT_B, 'refuse');
  await endpoint(request, PORT_A, 'close?frame=false');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText(/Reconnecting in \d+ s/);
  await scan(page, 'reconnecting');
  await endpoint(request, PORT_A, 'accept');
  await endpoint(request, PORT_B, 'accept');
});

/** Presses Tab until the focused element (inside the shadow root) is the
 *  control named `name`; fails after 40 presses. */
async function tabTo(page: Page, name: string) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const active = document.activeElement?.shadowRoot?.activeElement as HTMLElement | null | undefined;
      if (!active) return null;
      const label = active.getAttribute('aria-label') ?? active.closest('label')?.querySelector('span')?.textContent ?? active.textContent;
      const style = getComputedStyle(active);
      return { name: (label ?? '').trim(), outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    });
    if (focused?.name === name) {
      expect(focused.outline, `${name} shows its focus`).toBe(true);
      return;
    }
  }
  throw new Error(`Tab never reached ${name}`);
}

test('an agent logs in and works a call with the keyboard alone', async ({ page, request }) => {
  const phone = await openSoftphone(page);
  await tabTo(page, 'Agent ID');
  await page.keyboard.type('1001');
  await tabTo(page, 'Password');
  await page.keyboard.type('1234');
  await page.keyboard.press('Enter');
  await expect(button(phone, 'Auto')).toBeEnabled();

  await ring(request, '4155550100', '2001');
  // The incoming call is announced at once to a screen reader.
  await expect(phone.locator('[aria-live="assertive"]')).toHaveText('Incoming call from 4155550100');
  const calls = phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
  await tabTo(page, 'Answer');
  await page.keyboard.press('Enter');
  await expect(calls).toHaveText([/Connected\s*4155550100/]);
  await expect(phone.locator('[aria-live="assertive"]')).toHaveText('');
  await tabTo(page, 'Hold');
  await page.keyboard.press('Space');
  await expect(calls).toHaveText([/On hold\s*4155550100/]);
  await tabTo(page, 'Retrieve');
  await page.keyboard.press('Enter');
  await expect(calls).toHaveText([/Connected\s*4155550100/]);
  await tabTo(page, 'Hang up');
  await page.keyboard.press('Enter');
  await expect(calls).toHaveText(['No call']);
});

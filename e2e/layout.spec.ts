// A narrow softphone panel: Salesforce lets an admin size the panel down to
// 200 px. In every state that shows different controls, at each panel width,
// nothing may stick out to the right (no horizontal scroll in the page, no
// control or text past the element's right edge, no clipped text) and every
// visible button must be inside the element and clickable.
//
// With SCREENSHOTS=1 the test also (over)writes
// docs/images/panel-<state>-<width>.png for a few states and widths
// (docs/element.md shows them; the call timer makes them differ on every
// run, so a plain test run leaves the tree as it was); the assertions never
// read those files.
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { login, openSoftphone, resetMock, ring, WS_A, WS_B } from './mock';

/** Panel widths (CSS px of the frame holding the adapter page). */
const WIDTHS = [200, 240, 300, 400];
/** Tall enough that a state fits; a taller panel scrolls vertically, which is fine. */
const HEIGHT = 1000;
const IMAGES = path.join(__dirname, '..', 'docs', 'images');
/** States and widths whose screenshots the docs show. */
const SCREENSHOTS: Record<string, number[]> = { idle: [200, 400], connected: [200, 400], extension: [200] };
const CALLER = '4155550100';
/** A caller number longer than any panel is wide (no spaces to break at). */
const LONG_CALLER = '441555501004155550100415555010041555501';

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

function button(phone: Locator, name: string) {
  return phone.getByRole('button', { name, exact: true });
}

function callRows(phone: Locator) {
  return phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
}

/** What sticks out at one width: the page, the element's shadow root, each box and text. */
type Layout = {
  page: { scrollWidth: number; clientWidth: number };
  host: { left: number; right: number; width: number };
  panel: { scrollWidth: number; clientWidth: number };
  /** Elements and text runs of the shadow root reaching past the host's left or right edge. */
  outside: string[];
  /** Boxes whose content is wider than the box (clipped, ellipsed or spilling). */
  clipped: string[];
  /** Labels and button texts broken inside a word ("Conferenc|e"); numbers and messages may break anywhere. */
  broken: string[];
};

/** Texts that must wrap only between words. */
const WORDS = 'button, .field > span, .call-state, .agent-state, .connection, .extension';

/** Measures the page and the (first) softphone's shadow root. */
function measure(page: Page, host = 'ctisvr-softphone'): Promise<Layout> {
  return page.evaluate(([selector, words]) => {
    const element = document.querySelector(selector);
    const root = element?.shadowRoot;
    if (!element || !root) throw new Error(`no ${selector} with a shadow root`);
    const box = element.getBoundingClientRect();
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : ''}` +
      ` "${(el.textContent ?? '').trim().slice(0, 30)}"`;
    const past = (r: DOMRect) => r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5);
    const outside: string[] = [];
    const clipped: string[] = [];
    // A live region kept out of sight: 1 px or less, content clipped away.
    const srOnly = (el: Element | null) => {
      const r = el?.getBoundingClientRect();
      return !!r && r.width <= 1 && r.height <= 1 && getComputedStyle(el as Element).overflow === 'hidden';
    };
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'STYLE') continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue; // not rendered
      if (srOnly(el)) continue; // read out to screen readers, never shown
      if (past(rect)) outside.push(`${name(el)} [${Math.round(rect.left)}, ${Math.round(rect.right)}]`);
      // Form fields scroll their own value; anything else wider inside than outside hides text.
      const field = el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLOptionElement;
      if (!field && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
        clipped.push(`${name(el)} ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
    const broken: string[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      if (!text || srOnly(node.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = [...range.getClientRects()].filter((r) => r.width > 0);
      for (const rect of lines) {
        if (past(rect)) outside.push(`text "${text.slice(0, 30)}" [${Math.round(rect.left)}, ${Math.round(rect.right)}]`);
      }
      // One line box per line: more lines than words means a word was split.
      if (node.parentElement?.closest(words) && lines.length > text.split(/\s+/).length) {
        broken.push(`"${text}" on ${lines.length} lines`);
      }
    }
    const panel = root.querySelector('.softphone');
    const doc = document.scrollingElement ?? document.documentElement;
    return {
      page: { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth },
      host: { left: box.left, right: box.right, width: box.width },
      panel: { scrollWidth: panel?.scrollWidth ?? -1, clientWidth: panel?.clientWidth ?? -1 },
      outside,
      clipped,
      broken,
    };
  }, [host, WORDS] as const);
}

/** Every visible button of `phone` lies within the element, is not covered, and takes a click. */
async function expectButtonsReachable(phone: Locator) {
  const buttons = phone.locator('button');
  // One look at every button: inside the host's edges, and topmost at its centre.
  const seen = await phone.evaluate((host) =>
    [...(host.shadowRoot?.querySelectorAll('button') ?? [])].map((el) => {
      // Scroll the page vertically only: scrollIntoView could also scroll the
      // panel sideways and bring a clipped button back into view.
      const before = el.getBoundingClientRect();
      if (before.top < 0 || before.bottom > innerHeight) scrollBy(0, before.top - innerHeight / 2);
      const edges = host.getBoundingClientRect();
      const own = el.getBoundingClientRect();
      const hit = host.shadowRoot?.elementFromPoint(own.left + own.width / 2, own.top + own.height / 2);
      return {
        label: el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '',
        shown: own.width > 0 && own.height > 0,
        enabled: !el.disabled,
        left: own.left - edges.left,
        right: edges.right - own.right,
        onTop: !!hit && (hit === el || el.contains(hit)),
      };
    }),
  );
  expect(seen.filter((b) => b.shown).length, 'visible buttons').toBeGreaterThan(0);
  for (const [i, button] of seen.entries()) {
    if (!button.shown) continue;
    expect.soft(button.left, `button ${button.label}: left edge inside the element`).toBeGreaterThanOrEqual(-0.5);
    expect.soft(button.right, `button ${button.label}: right edge inside the element`).toBeGreaterThanOrEqual(-0.5);
    expect.soft(button.onTop, `button ${button.label} is not covered`).toBe(true);
    if (!button.enabled) continue;
    // Playwright's actionability checks: visible, stable, not covered, enabled.
    const control = buttons.nth(i);
    const refused = await control.click({ trial: true, timeout: 2_000 }).then(
      () => null,
      (error: Error) => error.message.split('\n')[0],
    );
    // Retry now hides for the instant a reconnect attempt is under way.
    if (refused && (await control.isVisible())) expect.soft(refused, `button ${button.label} takes a click`).toBeNull();
  }
}

/**
 * At each width: measure the page and each softphone (`hosts`: CSS selectors),
 * check them, and save the screenshots the docs show.
 */
async function checkWidths(page: Page, state: string, hosts = ['ctisvr-softphone']) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: HEIGHT });
    // Let layout settle (one frame) before measuring.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    for (const host of hosts) {
      const where = `${state} @${width}${hosts.length > 1 ? ` ${host}` : ''}`;
      const layout = await measure(page, host);
      console.log(
        `layout ${where}: page ${layout.page.scrollWidth}/${layout.page.clientWidth}, ` +
          `host ${Math.round(layout.host.width)}, panel ${layout.panel.scrollWidth}/${layout.panel.clientWidth}, ` +
          `${layout.outside.length} outside, ${layout.clipped.length} clipped, ${layout.broken.length} broken`,
      );
      expect.soft(layout.page.scrollWidth, `${where}: the page scrolls sideways`).toBeLessThanOrEqual(layout.page.clientWidth);
      expect.soft(layout.host.right, `${where}: the element ends inside the page`).toBeLessThanOrEqual(width);
      expect.soft(layout.panel.scrollWidth, `${where}: the panel's content is wider than the panel`).toBeLessThanOrEqual(
        layout.panel.clientWidth,
      );
      expect.soft(layout.outside, `${where}: past the element's edges`).toEqual([]);
      expect.soft(layout.clipped, `${where}: clipped content`).toEqual([]);
      expect.soft(layout.broken, `${where}: words split across lines`).toEqual([]);
      await expectButtonsReachable(page.locator(host));
      await page.evaluate(() => window.scrollTo(0, 0));
    }
    if (process.env.SCREENSHOTS && SCREENSHOTS[state]?.includes(width)) {
      fs.mkdirSync(IMAGES, { recursive: true });
      // The page down to the element's bottom: the frame's width, none of the empty height.
      const height = await page.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom));
      await page.screenshot({ path: path.join(IMAGES, `panel-${state}-${width}.png`), fullPage: true, clip: { x: 0, y: 0, width, height } });
    }
  }
}

/** The adapter page (Salesforce's panel frame) at the narrowest width, a softphone on 2001. */
async function narrowSoftphone(page: Page) {
  await page.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
  return openSoftphone(page, '2001');
}

async function ringAndAnswer(phone: Locator, request: APIRequestContext, from: string) {
  await ring(request, from, '2001');
  await expect(callRows(phone)).toHaveText([new RegExp(`Ringing\\s*${from}`)]);
  await button(phone, 'Answer').click();
  await expect(callRows(phone)).toHaveText([new RegExp(`Connected\\s*${from}`)]);
}

test('logged out: the login form fits', async ({ page }) => {
  const phone = await narrowSoftphone(page);
  await expect(button(phone, 'Login')).toBeEnabled();
  await checkWidths(page, 'logged-out');
});

test('logged in and idle: work modes, reason code and dialer fit', async ({ page }) => {
  const phone = await narrowSoftphone(page);
  await login(page);
  await expect(callRows(phone)).toHaveText(['No call']);
  await checkWidths(page, 'idle');
});

test('an inbound call ringing fits', async ({ page, request }) => {
  const phone = await narrowSoftphone(page);
  await login(page);
  await ring(request, CALLER, '2001');
  await expect(button(phone, 'Answer')).toBeEnabled();
  await checkWidths(page, 'ringing');
});

test('a connected call with the keypad open fits', async ({ page, request }) => {
  const phone = await narrowSoftphone(page);
  await login(page);
  await ringAndAnswer(phone, request, CALLER);
  await button(phone, 'Keypad').click();
  await expect(phone.getByRole('group', { name: 'Keypad' })).toBeVisible();
  await checkWidths(page, 'connected');
});

test('a held call and its consultation fit', async ({ page, request }) => {
  const phone = await narrowSoftphone(page);
  await login(page);
  await ringAndAnswer(phone, request, CALLER);
  await phone.getByRole('textbox', { name: 'Number', exact: true }).fill('2002');
  await button(phone, 'Consult').click();
  await expect(callRows(phone)).toHaveCount(2);
  await expect(button(phone, 'Reconnect')).toBeEnabled();
  await checkWidths(page, 'two-calls');
});

test('a dialled call with its "Send ext." button fits', async ({ page }) => {
  const phone = await narrowSoftphone(page);
  await login(page);
  await phone.getByRole('textbox', { name: 'Number', exact: true }).fill('415-555-0100 extension 12345');
  await button(phone, 'Call').click();
  await expect(callRows(phone)).toHaveText([/Connected\s*94155550100/]);
  await expect(button(phone, 'Send ext. 12345')).toBeEnabled();
  await checkWidths(page, 'extension');
});

test('a withheld caller fits', async ({ page, request }) => {
  const phone = await narrowSoftphone(page);
  await login(page);
  await ring(request, 'anonymous', '2001');
  await expect(callRows(phone)).toHaveText([/Ringing\s*Unknown caller/]);
  await checkWidths(page, 'withheld');
});

test('a long notice wraps', async ({ page }) => {
  const phone = await narrowSoftphone(page);
  await login(page);
  // Junk is refused with a notice quoting the whole number (no spaces to break at).
  await phone.getByRole('textbox', { name: 'Number', exact: true }).fill(`${LONG_CALLER}x`);
  await button(phone, 'Call').click();
  await expect(phone.getByRole('alert')).toContainText('cannot be dialled');
  await checkWidths(page, 'long-notice');
});

test('a long caller number wraps', async ({ page, request }) => {
  const phone = await narrowSoftphone(page);
  await login(page);
  await ringAndAnswer(phone, request, LONG_CALLER);
  await checkWidths(page, 'long-caller');
});

test('reconnecting, with the reason and Retry now, fits', async ({ page, request }) => {
  const phone = await narrowSoftphone(page);
  const [portA, portB] = [new URL(WS_A).port, new URL(WS_B).port];
  for (const path of [`/api/endpoints/${portA}/refuse`, `/api/endpoints/${portB}/refuse`, `/api/endpoints/${portA}/close?frame=false`]) {
    expect((await request.post(path)).ok(), path).toBeTruthy();
  }
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText(/Reconnecting in/);
  await expect(button(phone, 'Retry now')).toBeVisible();
  await checkWidths(page, 'reconnecting');
});

test('the demo page: its two softphones fit a narrow window', async ({ page }) => {
  await page.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
  await page.goto('/demo.html');
  // The demo's phones dial the demo mock's ports, not the e2e mock's: they wait to reconnect.
  for (const id of ['#phone-a', '#phone-b']) {
    await expect(page.locator(id).getByRole('status', { name: 'Connection' })).toContainText(/Reconnecting|Connecting/);
  }
  await checkWidths(page, 'demo', ['#phone-a', '#phone-b']);
});

test('in French (longer words): two calls with the keypad open, and a reconnect, fit', async ({ page, request }) => {
  await page.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
  const query = new URLSearchParams({ wsURIA: `${WS_A}?ext=2001`, wsURIB: `${WS_B}?ext=2001`, lang: 'fr' });
  await page.goto(`/index.html?${query}`);
  const phone = page.locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connexion' })).toContainText('Connecté à A');
  await phone.getByRole('textbox', { name: 'ID agent' }).fill('1001');
  await phone.getByLabel('Mot de passe').fill('1234');
  await button(phone, 'Se connecter').click();
  await expect(button(phone, 'Post-appel')).toBeEnabled();
  await ring(request, CALLER, '2001');
  await button(phone, 'Répondre').click();
  await phone.getByRole('textbox', { name: 'Numéro', exact: true }).fill('2002');
  await button(phone, 'Consulter').click();
  await expect(button(phone, 'Revenir')).toBeEnabled();
  await button(phone, 'Clavier').click();
  await expect(phone.getByRole('group', { name: 'Clavier' })).toBeVisible();
  await checkWidths(page, 'french-two-calls');
  const [portA, portB] = [new URL(WS_A).port, new URL(WS_B).port];
  for (const path of [`/api/endpoints/${portA}/refuse`, `/api/endpoints/${portB}/refuse`, `/api/endpoints/${portA}/close?frame=false`]) {
    expect((await request.post(path)).ok(), path).toBeTruthy();
  }
  await expect(phone.getByRole('status', { name: 'Connexion' })).toContainText(/Reconnexion dans/);
  await checkWidths(page, 'french-reconnecting');
});

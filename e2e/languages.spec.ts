// The agent's language: English or French, from the element's `lang` (the
// adapter page sets it from ?lang= or the browser), an ancestor's `lang`, or
// the browser's languages. Everything the agent sees follows it: labels,
// buttons, the core's words (states, notices, refusals) and the texts of the
// element's events; a change of `lang` re-words what is shown.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { resetMock, ring, WS_A, WS_B } from './mock';

const CALLER = '4155550100';

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

/** The adapter page on extension 2001, with `extra` query parameters. */
async function open(page: Page, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ wsURIA: `${WS_A}?ext=2001`, wsURIB: `${WS_B}?ext=2001`, ...extra });
  await page.goto(`/index.html?${query}`);
  return page.locator('ctisvr-softphone');
}

/** The texts of the element's `ctisvr-notice` events, from now on. */
async function recordNotices(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { notices: string[] }).notices = seen;
    document.querySelector('ctisvr-softphone')?.addEventListener('ctisvr-notice', (event) => {
      seen.push((event as CustomEvent<{ text: string }>).detail.text);
    });
  });
}

test('?lang=fr: labels, states, calls, refusals and events in French; lang="en" switches back', async ({ page, request }) => {
  const phone = await open(page, { lang: 'fr' });
  await expect(phone.getByRole('status', { name: 'Connexion' })).toContainText('Connecté à A');
  await expect(phone.getByRole('status', { name: 'Connexion' })).toContainText('Poste 2001');
  await expect(phone.getByRole('status', { name: "État de l'agent" })).toHaveText('Déconnecté');

  await phone.getByRole('textbox', { name: 'ID agent' }).fill('1001');
  await phone.getByLabel('Mot de passe').fill('1234');
  await phone.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await expect(phone.getByRole('status', { name: "État de l'agent" })).toHaveText('Agent 1001 · Pause');
  for (const mode of ['Auto', 'Manuel', 'Post-appel', 'Pause']) {
    await expect(phone.getByRole('button', { name: mode, exact: true })).toBeEnabled();
  }
  await expect(phone.getByRole('region', { name: 'Appels' }).getByRole('listitem')).toHaveText(['Aucun appel']);

  await ring(request, CALLER, '2001');
  const rows = phone.getByRole('region', { name: 'Appels' }).getByRole('listitem');
  await expect(rows).toHaveText([new RegExp(`Sonnerie\\s*${CALLER}`)]);
  await expect(phone.locator('.announce')).toHaveText(`Appel entrant de ${CALLER}`);
  await phone.getByRole('button', { name: 'Répondre', exact: true }).click();
  await expect(rows).toHaveText([new RegExp(`En ligne\\s*${CALLER}`)]);
  // Screen readers are told the element's language; axe still finds nothing (WCAG 2.2 AA).
  await expect(phone.locator('section.softphone')).toHaveAttribute('lang', 'fr');
  const axe = await new AxeBuilder({ page }).include('ctisvr-softphone').withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  await phone.getByRole('button', { name: 'Raccrocher', exact: true }).click();
  await expect(rows).toHaveText(['Aucun appel']);

  // A number the dialing rules refuse: the notice, the event and the script's error in French.
  await recordNotices(page);
  const thrown = await phone.evaluate((element) => {
    try {
      (element as HTMLElement & { dial(number: string): void }).dial('555;1');
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  });
  const refusal = '« 555;1 » ne peut pas être composé';
  expect(thrown).toContain(refusal);
  await expect(phone.getByRole('alert')).toContainText(refusal);
  expect(await page.evaluate(() => (window as unknown as { notices: string[] }).notices)).toEqual([
    expect.stringContaining(refusal),
  ]);

  // The page changes the element's language: everything shown follows, the notice too.
  await phone.evaluate((element) => {
    element.lang = 'en';
  });
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  await expect(phone.getByRole('status', { name: 'Agent state' })).toHaveText('Agent 1001 · AUX');
  await expect(phone.getByRole('button', { name: 'Call', exact: true })).toBeVisible();
  await expect(phone.getByRole('alert')).toContainText('"555;1" cannot be dialled');
  await expect(phone.getByRole('region', { name: 'Calls' }).getByRole('listitem')).toHaveText(['No call']);
});

test.describe('a browser in French', () => {
  test.use({ locale: 'fr-FR' });

  test('the adapter page speaks French without ?lang', async ({ page }) => {
    const phone = await open(page);
    await expect(phone.getByRole('status', { name: 'Connexion' })).toContainText('Connecté à A');
    await expect(phone.getByRole('button', { name: 'Se connecter', exact: true })).toBeVisible();
  });

  test('?lang=en on the adapter page wins over the browser', async ({ page }) => {
    const phone = await open(page, { lang: 'en' });
    await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  });

  test("a page declared English (<html lang=\"en\">) keeps the element English", async ({ page }) => {
    const query = new URLSearchParams({ wsURIA: `${WS_A}?ext=2001`, wsURIB: `${WS_B}?ext=2001` });
    await page.goto(`/crm-example.html?${query}`);
    const phone = page.locator('ctisvr-softphone');
    await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
    // The page's language changes and the element is told (its own lang): French.
    await phone.evaluate((element) => {
      element.lang = 'fr-CA';
    });
    await expect(phone.getByRole('status', { name: 'Connexion' })).toContainText('Connecté à A');
  });
});

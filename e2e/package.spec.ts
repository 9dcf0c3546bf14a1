// The npm package as another team would use it: `npm pack dist/npm`, the
// tarball installed into a scratch project the mock serves, a page that
// loads the element with one script tag (twice, to show a second load does
// no harm) and a CRM handler on `ctisvr-call`, driven through the element's
// methods.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { login, resetMock, ring, WS_A, WS_B } from './mock';

const DIST = path.join(__dirname, '..', 'dist');
/** Served by the mock at /package-scratch/ (it serves dist/). */
const SCRATCH = path.join(DIST, 'package-scratch');
const ENTRY = './node_modules/ctisvr-softphone/ctisvr-softphone.js';

let packedFiles: string[] = [];

test.beforeAll(() => {
  const packs = fs.mkdtempSync(path.join(os.tmpdir(), 'ctisvr-pack-'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', path.join(DIST, 'npm'), '--pack-destination', packs, '--json'], { encoding: 'utf8' }),
  );
  packedFiles = packed.files.map((file: { path: string }) => file.path).sort();
  fs.rmSync(SCRATCH, { recursive: true, force: true });
  fs.mkdirSync(SCRATCH, { recursive: true });
  fs.writeFileSync(path.join(SCRATCH, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(packs, packed.filename)], { cwd: SCRATCH, stdio: 'pipe' });
  fs.writeFileSync(
    path.join(SCRATCH, 'index.html'),
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>scratch</title>
<script type="module" src="${ENTRY}"></script>
<script type="module" src="${ENTRY}?again"></script>
</head><body>
<ctisvr-softphone ws-uri-a="${WS_A}?ext=2001" ws-uri-b="${WS_B}?ext=2001"></ctisvr-softphone>
<p id="contact"></p>
<script type="module">
  document.querySelector("ctisvr-softphone").addEventListener("ctisvr-call", (event) => {
    const { change, call } = event.detail;
    if (change === "appeared" && call.direction === "inbound") document.getElementById("contact").textContent = "Contact " + call.caller;
  });
</script>
</body></html>`,
  );
});

test('the tarball holds the entry, the wasm, the types and the manifest, and no more', () => {
  expect(packedFiles).toEqual([
    'README.md',
    'ctisvr-softphone.d.ts',
    'ctisvr-softphone.js',
    'custom-elements.json',
    'package.json',
    'pkg/ctisvr_softphone.js',
    'pkg/ctisvr_softphone_bg.wasm',
    expect.stringMatching(/^pkg\/snippets\/ctisvr-softphone-[0-9a-f]+\/inline0\.js$/),
  ]);
  const manifest = JSON.parse(fs.readFileSync(path.join(SCRATCH, 'node_modules/ctisvr-softphone/custom-elements.json'), 'utf8'));
  expect(manifest.modules[0].declarations[0].tagName).toBe('ctisvr-softphone');
});

test('installed from the tarball, one script tag defines the element; a CRM handler pops the caller and methods drive the call', async ({ page, request }) => {
  await resetMock(request);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto('/package-scratch/index.html');
  const phone = page.locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  // Both loads of the module resolve `ready`; the element is defined once.
  const ready = await page.evaluate(async (entry) => {
    const [first, again] = await Promise.all([import(entry), import(`${entry}?again`)]);
    await Promise.all([first.ready, again.ready]);
    return typeof customElements.get('ctisvr-softphone');
  }, ENTRY);
  expect(ready).toBe('function');

  await login(page);
  await ring(request, '4155550100', '2001');
  await expect(page.locator('#contact')).toHaveText('Contact 4155550100');
  await page.evaluate(() => document.querySelector('ctisvr-softphone')!.answer());
  const calls = phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
  await expect(calls).toHaveText([/Connected\s*4155550100/]);
  await page.evaluate(() => document.querySelector('ctisvr-softphone')!.hangup());
  await expect(calls).toHaveText(['No call']);
  // A refused method throws its reason.
  const refusal = await page.evaluate(() => {
    try {
      document.querySelector('ctisvr-softphone')!.hold();
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  });
  expect(refusal).toMatch(/\w/);
  expect(problems).toEqual([]);
});

test('a package missing its glue says why: ready rejects and the console tells', async ({ page }) => {
  const broken = path.join(SCRATCH, 'broken');
  fs.cpSync(path.join(SCRATCH, 'node_modules/ctisvr-softphone'), broken, { recursive: true });
  fs.rmSync(path.join(broken, 'pkg/ctisvr_softphone.js'));
  // A page that has not defined the element yet.
  fs.writeFileSync(path.join(broken, 'blank.html'), '<!doctype html><title>blank</title><link rel="icon" href="data:,">');
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto('/package-scratch/broken/blank.html');
  const outcome = await page.evaluate(() =>
    import('./ctisvr-softphone.js').then(
      (module) => module.ready.then(() => 'resolved', (error: Error) => `rejected: ${error.message}`),
      (error: Error) => `import failed: ${error.message}`,
    ),
  );
  expect(outcome).toMatch(/^rejected: /);
  expect(errors.some((text) => text.startsWith('<ctisvr-softphone> could not start'))).toBe(true);
});

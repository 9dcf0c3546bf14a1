// The emulated Salesforce org of the e2e tests (e2e/fixtures/host.html and
// host.js, served by a small HTTP server started here) and helpers to drive
// the softphone inside it: e2e/salesforce.spec.ts and e2e/tabs.spec.ts.
//
// The org is at http://myorg.my.salesforce.localhost:<port>: it frames the
// adapter page with the query Salesforce adds; a fake Open CTI library inside
// the frame forwards every call to the org page, which answers and records it
// in window.__calls.
//
// Why a real server and not context.route: Chromium's Local Network Access
// checks treat a routed (fulfilled) page as public, and a public http page
// may not frame 127.0.0.1 (ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS; the
// permission cannot be granted to http origins). *.localhost resolves to
// loopback in Chromium, so the org keeps a Salesforce-like, cross-origin name
// and is as local as the adapter.
import { expect, test, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WS_A, WS_B } from './mock';

const FIXTURES = path.join(__dirname, 'fixtures');
/** `cargo xtask package`'s output: the Visualforce page and its static resource. */
const SFDX = path.join(__dirname, '..', 'dist', 'salesforce', 'sfdx', 'force-app', 'main', 'default');
const VF_PAGE = path.join(SFDX, 'pages', 'CtisvrSoftphone.page');
export const VF_RESOURCE = path.join(SFDX, 'staticresources', 'ctisvrsoftphone.resource');
/** The extension of the Salesforce suites (the other suites use 2001 and 2002). */
export const EXT = '2003';
/** The adapter page as the mock serves it (playwright.config.ts's ports). */
export const ADAPTER = `http://127.0.0.1:${process.env.E2E_HTTP_PORT ?? '18080'}/index.html`;

export type Flavour = 'lightning' | 'classic';
export type CtiCall = { flavour: Flavour; method: string; args: Record<string, any>; at: number; t: number; failed?: boolean };

let origin = '';

/** The org's origin, once `useOrg` has started it. */
export function orgOrigin() {
  return origin;
}

/** The org's files: its page, its script, and the Open CTI library of API 62.0. */
function orgFile(pathname: string): [string, string] | undefined {
  if (pathname === '/host.html') return ['host.html', 'text/html'];
  if (pathname === '/host.js') return ['host.js', 'text/javascript'];
  if (/^\/support\/api\/62\.0\/(lightning\/opencti_min|interaction)\.js$/.test(pathname)) {
    return ['fake-sforce.js', 'text/javascript'];
  }
  return undefined;
}

/** The entries of a zip of stored files (what `cargo xtask package` writes). */
function unzipStored(zip: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    entries.set(name, zip.subarray(start, start + size));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** What Salesforce would render of our Visualforce page for `mode` (just the
 *  constructs the page uses: the apex:page wrapper, the two conditional
 *  library includes, URLFOR of the static resource, the user's language:
 *  this org's user is en_US). */
function renderVisualforce(page: string, mode: string | null): string {
  const lightning = mode === 'Lightning';
  return (
    '<!DOCTYPE html>\n' +
    page
      .replace(/<apex:page[^>]*>|<\/apex:page>/g, '')
      .replace(/<apex:outputPanel layout="none" rendered="\{!\$CurrentPage\.parameters\.mode (==|!=) 'Lightning'\}">([\s\S]*?)<\/apex:outputPanel>/g,
        (_, op: string, body: string) => ((op === '==') === lightning ? body : ''))
      .replace(/\{!URLFOR\(\$Resource\.ctisvrsoftphone, '([^']+)'\)\}/g, '/resource/1700000000000/ctisvrsoftphone/$1')
      .replace(/\{!SUBSTITUTE\(\$User\.LanguageLocaleKey, '_', '-'\)\}/g, 'en-US')
  );
}

/** The policy this org serves its Visualforce page with: strict, no
 *  'unsafe-inline' (docs/security.md); the softphone must run under it. */
export const VF_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self' ws://127.0.0.1:*",
  "style-src 'self'",
  "img-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

/** Serves the Visualforce page and its static resource, like an org does
 *  (the wasm as application/octet-stream, as zip resources may be). */
function visualforce(url: URL, res: http.ServerResponse): boolean {
  if (!fs.existsSync(VF_PAGE) || !fs.existsSync(VF_RESOURCE)) return false;
  if (url.pathname === '/apex/CtisvrSoftphone') {
    const html = renderVisualforce(fs.readFileSync(VF_PAGE, 'utf8'), url.searchParams.get('mode'));
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': VF_CSP }).end(html);
    return true;
  }
  const match = url.pathname.match(/^\/resource\/\d+\/ctisvrsoftphone\/(.+)$/);
  const data = match && unzipStored(fs.readFileSync(VF_RESOURCE)).get(match[1]);
  if (!match || !data) return false;
  const type = match[1].endsWith('.js') ? 'text/javascript' : match[1].endsWith('.css') ? 'text/css' : 'application/octet-stream';
  res.writeHead(200, { 'content-type': type });
  res.end(data);
  return true;
}


/** Starts the org's server before the file's tests and stops it after.
 *  `cacheScripts`: the org's script and the Open CTI library may be cached
 *  for 10 minutes, as Salesforce's library is (the benchmarks); otherwise
 *  nothing is cached (the tests). */
export function useOrg({ cacheScripts = false }: { cacheScripts?: boolean } = {}) {
  let server: http.Server;
  test.beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://org');
      if (visualforce(url, res)) return;
      const file = orgFile(url.pathname);
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not in this org');
        return;
      }
      const cached = cacheScripts && file[1] === 'text/javascript';
      res.writeHead(200, { 'content-type': file[1], 'cache-control': cached ? 'max-age=600' : 'no-store' });
      res.end(fs.readFileSync(path.join(FIXTURES, file[0])));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://myorg.my.salesforce.localhost:${(server.address() as AddressInfo).port}`;
  });
  test.afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
}

/** The org page with the softphone utility; waits until it is connected. */
export async function openOrg(page: Page, flavour: Flavour, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ flavour, ext: EXT, adapter: ADAPTER, wsA: WS_A, wsB: WS_B, ...extra });
  await page.goto(`${origin}/host.html?${query}`);
  const phone = page.frameLocator('#softphone').locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  return phone;
}

export async function ctiCalls(page: Page, method?: string): Promise<CtiCall[]> {
  const calls: CtiCall[] = await page.evaluate(() => (window as any).__calls);
  return method ? calls.filter((c) => c.method === method) : calls;
}

/** The Task fields of a recorded saveLog, whichever the flavour. */
export function taskOf(call: CtiCall): Record<string, string> {
  if (call.flavour === 'lightning') return call.args.value;
  expect(call.args.object).toBe('Task');
  return Object.fromEntries(new URLSearchParams(call.args.saveParams));
}

export function button(phone: Locator, name: string) {
  return phone.getByRole('button', { name, exact: true });
}

export function callRows(phone: Locator) {
  return phone.getByRole('region', { name: 'Calls' }).getByRole('listitem');
}

/** Waits until the frame saw `count` calls of `method`, and returns them. */
export async function waitForCalls(page: Page, method: string, count = 1, timeout = 10_000) {
  await expect.poll(async () => (await ctiCalls(page, method)).length, { timeout }).toBeGreaterThanOrEqual(count);
  return ctiCalls(page, method);
}

/** What Chromium does to a cross-site frame when third-party storage is
 *  blocked (incognito, enterprise policy): storage and Web Locks throw
 *  SecurityError; BroadcastChannel keeps working. Applied to the adapter's
 *  frames only. */
export function blockThirdPartyStorage(adapterOrigin: string) {
  if (location.origin !== adapterOrigin || window.top === window) return;
  const denied = () => {
    throw new DOMException('Access is denied for this document.', 'SecurityError');
  };
  for (const name of ['localStorage', 'sessionStorage', 'indexedDB']) {
    Object.defineProperty(window, name, { get: denied, configurable: true });
  }
  if (navigator.locks) Object.defineProperty(navigator.locks, 'request', { value: denied, configurable: true });
  Object.defineProperty(document, 'cookie', { get: () => '', set: () => {}, configurable: true });
}

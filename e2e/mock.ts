// Helpers for tests against the mock CtiSVR (docs/mock.md): its control API
// and the adapter page pointed at its WebSocket endpoints.
import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** The e2e mock's WebSocket endpoints (playwright.config.ts starts it). */
export const WS_A = `ws://127.0.0.1:${process.env.E2E_WS_PORT_A ?? '19006'}/`;
export const WS_B = `ws://127.0.0.1:${process.env.E2E_WS_PORT_B ?? '19008'}/`;

export type Frame = { dir: 'in' | 'out'; text: string; at_ms: number };
export type Connection = { id: number; endpoint: string; extension: string | null; open: boolean; frames: Frame[] };

/** Restores the mock's scenario: agents logged out, no calls, empty log. */
export async function resetMock(request: APIRequestContext) {
  const response = await request.post('/api/reset');
  expect(response.ok()).toBeTruthy();
}

export async function mockState(request: APIRequestContext) {
  const response = await request.get('/api/state');
  expect(response.ok()).toBeTruthy();
  return response.json();
}

export async function mockLog(request: APIRequestContext): Promise<Connection[]> {
  const response = await request.get('/api/log');
  expect(response.ok()).toBeTruthy();
  return (await response.json()).connections;
}

/** The agent record of `id` in /api/state. */
export async function agentInMock(request: APIRequestContext, id: string) {
  const state = await mockState(request);
  return state.agents.find((agent: { id: string }) => agent.id === id);
}

/** Rings `to` from `from` through the control API. */
export async function ring(request: APIRequestContext, from: string, to: string) {
  const response = await request.post('/api/calls', { data: { from, to } });
  expect(response.status()).toBe(201);
  return response.json();
}

/** Opens the adapter page with a softphone on `extension` (the mock's ?ext=). */
export async function openSoftphone(page: Page, extension = '2001') {
  const query = new URLSearchParams({ wsURIA: `${WS_A}?ext=${extension}`, wsURIB: `${WS_B}?ext=${extension}` });
  await page.goto(`/index.html?${query}`);
  const phone = page.locator('ctisvr-softphone');
  await expect(phone.getByRole('status', { name: 'Connection' })).toContainText('Connected to A');
  return phone;
}

/** Logs `agent` in with `password` and waits for the work-mode buttons. */
export async function login(page: Page, agent = '1001', password = '1234') {
  const phone = page.locator('ctisvr-softphone');
  await phone.getByRole('textbox', { name: 'Agent ID' }).fill(agent);
  await phone.getByLabel('Password').fill(password);
  await phone.getByRole('button', { name: 'Login', exact: true }).click();
  await expect(phone.getByRole('button', { name: 'Auto', exact: true })).toBeEnabled();
}

/** Parsed client->server requests of one connection, in order. */
export function requests(connection: Connection) {
  return connection.frames.filter((f) => f.dir === 'in').map((f) => JSON.parse(f.text));
}

/** Every request named `name` the mock received, across connections, in order. */
export async function requestsNamed(request: APIRequestContext, name: string) {
  const connections = await mockLog(request);
  return connections.flatMap((c) => requests(c)).filter((r) => r.request === name);
}

/** The mock's calls (GET /api/state). */
export async function mockCalls(request: APIRequestContext) {
  return (await mockState(request)).calls as Array<Record<string, any>>;
}

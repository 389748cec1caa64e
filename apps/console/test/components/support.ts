/**
 * Support for the console's component tests: a REAL Safeguard server (the Fastify app over a real
 * SQLite file) answering the components' API calls through fastify.inject — no mocked API — and a
 * seeded tenant with a grooming alert (synthetic, non-explicit conversation, with one media item),
 * a bullying report and an older decided case about the same suspect.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp, type SafeguardApp } from '@safeguard/server';
import { migrateToLatest, openDatabase, SafeguardStore } from '@safeguard/store';
import type { FetchLike } from '../../src/api/client';

export interface ConsoleTestServer {
  readonly app: SafeguardApp;
  readonly store: SafeguardStore;
  readonly keys: { readonly platform: string; readonly moderator: string; readonly moderator2: string; readonly admin: string; readonly regulator: string };
  readonly tenantId: string;
  /** fetch() answered by the real app in-process. */
  readonly fetch: FetchLike;
  call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Another tenant (platform) on the same server, with an admin and a regulator key. */
  addTenant(name: string): Promise<{ tenantId: string; admin: string; regulator: string; platform: string }>;
  close(): Promise<void>;
}

/** A tiny PNG of four coloured blocks (synthetic test media; a data: URL so no network is involved). */
export const TEST_IMAGE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAATklEQVR42mO45upIEDm1fiGITFYEE0S/97ASRAyjDhp10KiDRh006qBRB406aNRBdHYQtQyilsdGHTTqoFEHjTpo1EGjDhp10KiD6OwgAD0IA4hCnDCeAAAAAElFTkSuQmCC';

export function birthDateFor(years: number, today = new Date()): string {
  return new Date(Date.UTC(today.getUTCFullYear() - years, today.getUTCMonth() - 3, 10)).toISOString().slice(0, 10);
}

export async function startConsoleTestServer(): Promise<ConsoleTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sg-console-'));
  const handle = openDatabase(join(dir, 'console.sqlite'));
  await migrateToLatest(handle);
  const store = SafeguardStore.fromHandle(handle);
  const app = await buildApp({ store, logLevel: 'warn', logStream: new Writable({ write: (_c, _e, cb) => cb() }) });
  await app.ready();
  const tenant = await store.createTenant('console-test');
  const key = async (role: 'platform' | 'moderator' | 'admin' | 'regulator', label: string) => (await store.createApiKey(tenant.id, role, label)).key;
  const keys = {
    platform: await key('platform', 'platform'),
    moderator: await key('moderator', 'moderator one'),
    moderator2: await key('moderator', 'moderator two'),
    admin: await key('admin', 'admin'),
    regulator: await key('regulator', 'regulator'),
  };

  const fetchImpl: FetchLike = async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const response = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: input,
      headers,
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    return new Response(response.statusCode === 204 ? null : response.body, { status: response.statusCode, headers: { 'content-type': String(response.headers['content-type'] ?? 'application/json') } });
  };

  const call = async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, k: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const r = await app.inject({ method, url, headers: { authorization: `Bearer ${k}` }, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
    return { status: r.statusCode, body: (r.body ? JSON.parse(r.body) : null) as T };
  };

  return {
    app,
    store,
    keys,
    tenantId: tenant.id,
    fetch: fetchImpl,
    call,
    async addTenant(name) {
      const other = await store.createTenant(name);
      return {
        tenantId: other.id,
        admin: (await store.createApiKey(other.id, 'admin', 'admin')).key,
        regulator: (await store.createApiKey(other.id, 'regulator', 'regulator')).key,
        platform: (await store.createApiKey(other.id, 'platform', 'platform')).key,
      };
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const SUSPECT = 'ct-suspect';
export const CHILD = 'ct-child';

/** The grooming conversation of the alert (synthetic and non-explicit). */
export const CONVERSATION: readonly (readonly [string, string])[] = [
  [SUSPECT, 'hey, you are really good at this game'],
  [CHILD, 'thanks lol'],
  [SUSPECT, 'how old are you btw?'],
  [CHILD, 'im 12'],
  [SUSPECT, 'dont tell your parents about me ok, our secret'],
  [SUSPECT, 'send me a pic of you'],
];

/**
 * Seeds the tenant: accounts, a critical grooming case from a detection alert (signals at messages
 * 2, 4 and 5; a media item at message 5; a hash match), and a medium-severity bullying report.
 */
export async function seedCases(server: ConsoleTestServer): Promise<{ groomingCaseId: string; bullyingCaseId: string }> {
  for (const [id, age] of [
    [SUSPECT, 34],
    [CHILD, 12],
    ['ct-reporter', 25],
    ['ct-bully', 30],
  ] as const) {
    const r = await server.call('PUT', `/v1/accounts/${id}`, server.keys.platform, { birthDate: birthDateFor(age), jurisdiction: 'UK' });
    if (r.status !== 201 && r.status !== 200) throw new Error(`account ${id}: ${r.status}`);
  }
  const start = Date.now() - 20 * 60_000;
  const alert = await server.call<{ caseId: string }>('POST', '/v1/alerts', server.keys.admin, {
    alertId: 'ct-alert-1',
    kind: 'grooming',
    accountId: SUSPECT,
    otherAccountIds: [CHILD],
    conversationId: 'ct-conv',
    score: 0.93,
    signals: [
      { type: 'age-probe', message: 2, participant: SUSPECT },
      { type: 'secrecy', message: 4, participant: SUSPECT },
      { type: 'media-request', message: 5, participant: SUSPECT },
    ],
    timeline: CONVERSATION.map(([from, text], index) => ({
      index,
      from,
      ts: new Date(start + index * 60_000).toISOString(),
      text,
      ...(index === 5 ? { media: [TEST_IMAGE] } : {}),
    })),
    hashMatches: [{ bank: 'test-bank', distance: 12, label: 'synthetic-test-entry', signalType: 'pdq' }],
    raisedAt: new Date(start + 6 * 60_000).toISOString(),
  });
  if (alert.status !== 201) throw new Error(`alert: ${alert.status} ${JSON.stringify(alert.body)}`);
  const report = await server.call<{ caseId: string }>('POST', '/v1/reports', server.keys.platform, {
    reporter: { kind: 'user', typeId: 'user', id: 'ct-reporter' },
    reportedAt: new Date().toISOString(),
    reportedForReason: { policyId: 'bullying', reason: 'they keep posting mean comments' },
    reportedItem: { id: 'ct-post-1', typeId: 'post', data: { text: 'you are so bad at this', creatorId: 'ct-bully' } },
  });
  if (report.status !== 201) throw new Error(`report: ${report.status} ${JSON.stringify(report.body)}`);
  return { groomingCaseId: alert.body.caseId, bullyingCaseId: report.body.caseId };
}

/** Form controls without an accessible name (label, aria-label or aria-labelledby). */
export function unlabelledControls(root: HTMLElement): string[] {
  const missing: string[] = [];
  for (const el of root.querySelectorAll<HTMLElement>('input, select, textarea, button')) {
    if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
    const labelled =
      Boolean(el.getAttribute('aria-label')) ||
      Boolean(el.getAttribute('aria-labelledby')) ||
      (el instanceof HTMLButtonElement ? (el.textContent ?? '').trim().length > 0 : false) ||
      ('labels' in el && (el as HTMLInputElement).labels !== null && ((el as HTMLInputElement).labels?.length ?? 0) > 0);
    if (!labelled) missing.push(el.outerHTML.slice(0, 120));
  }
  return missing;
}

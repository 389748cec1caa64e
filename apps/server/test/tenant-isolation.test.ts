/**
 * Tenant isolation, generated from the route table: for EVERY authenticated route, tenant B's admin
 * key is used against tenant A's identifiers. Two things must hold:
 *   1. Tenant A's stored data is byte-for-byte unchanged.
 *   2. Tenant B's response is exactly what a twin tenant gets on a second server where tenant A was
 *      never created (after normalising the twins' own ids and timestamps): B learns nothing from
 *      A's existence.
 * A new route is covered automatically; a route whose path parameter or body has no example here
 * fails the test until one is added.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { CASE_TABLES, REGULATOR_TABLES, type Database } from '@safeguard/store';
import { auth, birthDateFor, createTestServer, type TestServer, type TestTenant } from './harness.js';

let server: TestServer;
/** A second server without tenant A: the control. */
let control: TestServer;
let a: TestTenant;
let b: TestTenant;
let c: TestTenant;
let guardianRequestId = '';
let alertIdOfA = 'al_none';
let mediaIdOfA = 'md_none';
/** Tenant A's moderation records (cases, appeals, referrals, holds, webhooks). */
const caseIdsOfA = { caseId: '', evidenceId: '', decisionId: '', appealId: '', referralId: '', holdId: '', endpointId: '', deliveryId: '' };
/** Tenant A's regulator records (breach, disclosure, bundle, conformance run). */
const regulatorIdsOfA = { breachId: '', disclosureId: '', bundleId: '', runId: '' };

/** Values for path parameters, by name: tenant A's identifiers. */
const params = (): Record<string, string> => ({
  id: 'iso-child',
  guardianId: 'iso-parent',
  keyId: a.keyIds.platform,
  requestId: guardianRequestId,
  sessionId: 'iso-session',
  action: 'request',
  verdict: 'approve',
  alertId: alertIdOfA,
  conversationId: 'iso-conversation',
  caseId: caseIdsOfA.caseId,
  evidenceId: caseIdsOfA.evidenceId,
  appealId: caseIdsOfA.appealId,
  referralId: caseIdsOfA.referralId,
  holdId: caseIdsOfA.holdId,
  endpointId: caseIdsOfA.endpointId,
  deliveryId: caseIdsOfA.deliveryId,
  ...regulatorIdsOfA,
  bankId: 'iso-bank',
  mediaId: mediaIdOfA,
});

/** Example bodies and query strings, by "METHOD url". Every route with a body needs one. */
const EXAMPLES: Record<string, { body?: unknown; query?: string }> = {
  'PUT /v1/accounts/:id': { body: { birthDate: '2001-01-01', jurisdiction: 'EU' } },
  'PATCH /v1/accounts/:id/settings': { body: { changedBy: 'iso-parent', changes: { 'design.autoplay': 'on' } } },
  'POST /v1/guardian-requests/:requestId/:verdict': { body: { guardianId: 'iso-parent' } },
  'POST /v1/connections/:action': { body: { actor: 'iso-adult', target: 'iso-child' } },
  'POST /v1/decisions': { body: { items: [{ action: 'message.send', actor: 'iso-adult', target: 'iso-child' }] } },
  'PUT /v1/policy': { body: { defaultJurisdiction: 'US', exemptions: [{ ruleId: 'DEF-05', reason: 'isolation test loosening' }] } },
  'POST /v1/keys': { body: { role: 'admin', label: 'isolation' } },
  'GET /v1/accounts/:id/connections': { query: 'viewer=iso-parent' },
  'GET /v1/audit': { query: 'limit=1000' },
  'PUT /v1/banks/:bankId': { body: { action: 'allow', enabled: false } },
  'POST /v1/banks/:bankId/import': { body: { content: `${'ab'.repeat(32)}\n`, format: 'hex' } },
  'POST /v1/banks/:bankId/tombstones': { body: { entryId: 1 } },
  'GET /v1/banks/:bankId/export': { query: 'format=hex' },
  'PUT /v1/media-settings': { body: { preserveMatchedBytes: true, nudityIntervention: false } },
  'POST /v1/reports': { body: isoReport() },
  'POST /api/v1/report': { body: isoReport() },
  'POST /v1/alerts': { body: isoAlert('iso-b-alert') },
  'POST /v1/cases/next': { body: {} },
  'POST /v1/cases/:caseId/assign': { body: {} },
  'POST /v1/cases/:caseId/release': { body: {} },
  'POST /v1/cases/:caseId/decision-preview': { body: { action: 'ban' } },
  'POST /v1/cases/:caseId/decisions': { body: { action: 'ban' } },
  'POST /v1/appeals': { get body() { return isoAppeal(); } },
  'POST /api/v1/report/appeal': { get body() { return isoAppeal(); } },
  'POST /v1/appeals/:appealId/decision': { body: { outcome: 'upheld' } },
  'POST /v1/referrals/:referralId/submitted': { body: { reportId: 'iso-ct-1' } },
  'POST /v1/cases/:caseId/legal-holds': { body: { reason: 'isolation test' } },
  'POST /v1/webhooks': { body: { url: 'http://127.0.0.1:9/isolation' } },
  'PATCH /v1/webhooks/:endpointId': { body: { active: true } },
  'PUT /v1/cases/settings': { body: { lockMinutes: 20 } },
  'GET /v1/cases': { query: 'limit=200' },
  'GET /v1/transparency': { query: 'from=2026-01-01&to=2026-01-31' },
  'GET /v1/transparency/statements': { query: 'from=2026-01-01&to=2026-01-31' },
  'PUT /v1/transparency/recipients': { body: { figures: [{ month: '2026-01', scope: 'EU', recipients: 5 }] } },
  'POST /v1/regulator/disclosures': { body: { kind: 'transparency', from: '2026-01-01', to: '2026-01-31' } },
  'POST /v1/regulator/breaches': { body: isoBreach() },
  'POST /v1/regulator/breaches/:breachId/status': { body: { status: 'provisional' } },
  'POST /v1/regulator/penalties': { body: { regime: 'UK-OSA', qualifyingWorldwideRevenue: 1 } },
  'POST /v1/regulator/bundles': { body: { from: '2026-01-01', to: '2026-01-31', scope: ['decisions', 'policy'] } },
  'POST /v1/regulator/conformance': { body: isoConformance() },
  'POST /v1/messages': {
    body: { messages: [{ idempotencyKey: 'iso-m-0', conversationId: 'iso-conversation', sender: 'iso-adult', recipients: ['iso-child'], text: 'hi again' }] },
  },
};

function isoReport(): Record<string, unknown> {
  return {
    reporter: { kind: 'user', typeId: 'user', id: 'iso-child' },
    reportedAt: '2026-03-01T10:00:00Z',
    reportedForReason: { policyId: 'grooming', reason: 'isolation' },
    reportedItem: { id: 'iso-adult', typeId: 'user', data: {} },
  };
}

function isoAlert(alertId: string): Record<string, unknown> {
  return {
    alertId,
    kind: 'grooming',
    accountId: 'iso-adult',
    otherAccountIds: ['iso-child'],
    conversationId: 'iso-conversation',
    score: 0.9,
    signals: [{ type: 'media-request', message: 1, participant: 'iso-adult' }],
    timeline: [
      { index: 0, from: 'iso-adult', ts: '2026-03-01T09:00:00Z', text: 'hi' },
      { index: 1, from: 'iso-adult', ts: '2026-03-01T09:01:00Z', text: 'send me a pic', media: ['https://cdn.example/iso.jpg'] },
    ],
    raisedAt: '2026-03-01T09:02:00Z',
  };
}

function isoBreach(): Record<string, unknown> {
  return { ruleId: 'DEF-05', from: '2026-01-01', to: '2026-01-31', summary: 'isolation test breach', evidence: [{ kind: 'other', reference: 'iso', description: 'iso' }] };
}

function isoConformance(): Record<string, unknown> {
  return {
    target: 'http://127.0.0.1:9',
    startedAt: '2026-01-05T00:00:00.000Z',
    finishedAt: '2026-01-05T00:01:00.000Z',
    results: [{ ruleId: 'DEF-05', title: 'No direct messages from non-connected accounts', status: 'pass', reason: 'iso', evidence: [] }],
  };
}

function isoAppeal(): Record<string, unknown> {
  return {
    appealId: 'iso-appeal-b',
    appealedBy: { id: 'iso-adult', typeId: 'user' },
    appealedAt: '2026-03-02T10:00:00Z',
    actionedItem: { id: 'iso-adult', typeId: 'user', data: {} },
    actionsTaken: [caseIdsOfA.decisionId],
  };
}

const TENANT_TABLES = [
  'accounts',
  'connections',
  'blocks',
  'mutes',
  'connection_events',
  'guardians',
  'settings',
  'guardian_requests',
  'audit_log',
  'audit_heads',
  'decision_stats',
  'api_keys',
  ...CASE_TABLES,
  ...REGULATOR_TABLES,
] as const;

async function snapshot(db: Kysely<Database>, tenantId: string): Promise<string> {
  const parts: Record<string, unknown> = {};
  for (const table of TENANT_TABLES) {
    parts[table] = await db.selectFrom(table).selectAll().where('tenant_id', '=', tenantId).execute();
  }
  parts.tenant = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).execute();
  return JSON.stringify(parts);
}

function normalise(body: string, tenant: TestTenant): string {
  let out = body.split(tenant.id).join('<tenant>').split(tenant.name).join('<tenant-name>');
  for (const id of Object.values(tenant.keyIds)) out = out.split(id).join('<key>');
  return out
    .replace(/sgk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}/g, '<secret>')
    .replace(/"id":"[a-z0-9]{16}"/g, '"id":"<key>"')
    .replace(/key:[a-z0-9]{16}:/g, 'key:<key>:')
    .replace(/"target":"[a-z0-9]{16}"/g, '"target":"<key>"')
    .replace(/gr_[a-z0-9]{16}/g, '<request>')
    .replace(/\b(cs|rp|ev|dc|ap|lh|rf|wh|dl|evt|sk|br|ds|bd|cr)_[a-z0-9]{16}\b/g, '<$1>')
    .replace(/whsec_[A-Za-z0-9_-]+/g, '<whsec>')
    .replace(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g, '<public-key>')
    .replace(/"(remainingMs|ageMs)":-?\d+/g, '"$1":<ms>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/[0-9a-f]{64}/g, '<hash>');
}

beforeAll(async () => {
  server = await createTestServer();
  control = await createTestServer();
  a = await server.tenant('tenant-a');
  b = await server.tenant('tenant-b');
  c = await control.tenant('tenant-b');
  const h = auth(a.keys.admin);
  const put = async (id: string, body: unknown): Promise<void> => {
    const r = await server.app.inject({ method: 'PUT', url: `/v1/accounts/${id}`, headers: h, payload: body as Record<string, unknown> });
    expect(r.statusCode).toBe(201);
  };
  await put('iso-child', { birthDate: birthDateFor(15), jurisdiction: 'UK' });
  await put('iso-parent', { birthDate: birthDateFor(40) });
  await put('iso-adult', { birthDate: birthDateFor(30) });
  await server.app.inject({ method: 'PUT', url: '/v1/accounts/iso-child/guardians/iso-parent', headers: h });
  await server.app.inject({ method: 'POST', url: '/v1/connections/request', headers: h, payload: { actor: 'iso-child', target: 'iso-adult' } });
  await server.app.inject({ method: 'POST', url: '/v1/connections/accept', headers: h, payload: { actor: 'iso-adult', target: 'iso-child' } });
  const req = await server.app.inject({
    method: 'PATCH',
    url: '/v1/accounts/iso-child/settings',
    headers: h,
    payload: { changedBy: 'iso-child', changes: { 'profile.visibility': 'public' } },
  });
  guardianRequestId = req.json<{ results: { guardianRequestId: string }[] }>().results[0]?.guardianRequestId ?? '';
  expect(guardianRequestId).toMatch(/^gr_/);
  await server.app.inject({
    method: 'PATCH',
    url: '/v1/accounts/iso-child/settings',
    headers: h,
    payload: { changedBy: 'iso-child', acknowledgedWarning: true, sessionId: 'iso-session', changes: { 'location.collection': 'on' } },
  });
  await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h, payload: { action: 'message.send', actor: 'iso-adult', target: 'iso-child' } });
  const grooming = [
    'how old are you', 'you are so mature for your age', 'keep this our secret ok', 'are your parents home',
    'add me on snap', 'send me a pic', 'lets meet this weekend just us', 'delete these messages',
  ];
  const ingested = await server.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: h,
    payload: {
      messages: grooming.map((text, i) => ({ idempotencyKey: `iso-m-${i}`, conversationId: 'iso-conversation', sender: 'iso-adult', recipients: ['iso-child'], text })),
    },
  });
  alertIdOfA = ingested.json<{ results: { alertId: string | null }[] }>().results.find((r) => r.alertId)?.alertId ?? 'al_none';
  expect(alertIdOfA).toMatch(/^al_/);
  // Image safety: a bank with one entry, preserved evidence, and a checked image.
  const image = readFileSync(join(import.meta.dirname, '..', '..', '..', 'packages', 'media-node', 'test', 'fixtures', 'wee.jpg'));
  await server.app.inject({ method: 'PUT', url: '/v1/media-settings', headers: h, payload: { preserveMatchedBytes: true, nudityIntervention: false } });
  await server.app.inject({ method: 'PUT', url: '/v1/banks/iso-bank', headers: h, payload: { action: 'block' } });
  const md5 = createHash('md5').update(image).digest('hex');
  await server.app.inject({ method: 'POST', url: '/v1/banks/iso-bank/import', headers: h, payload: { content: `hash,label,source\n${md5},A1,iso\n`, format: 'csv' } });
  const checked = await server.app.inject({ method: 'POST', url: '/v1/media?uploader=iso-adult&recipients=iso-child', headers: { ...h, 'content-type': 'image/jpeg' }, payload: image });
  mediaIdOfA = checked.json<{ mediaId: string; outcome: string }>().mediaId;
  expect(checked.json<{ outcome: string }>().outcome).toBe('block');
  // Moderation records: a report and an alert merged into one case, a referral decision, an
  // appeal, a legal hold and a webhook endpoint that is switched off (so background delivery
  // never changes tenant A's rows during the test).
  const report = await server.app.inject({ method: 'POST', url: '/v1/reports', headers: auth(a.keys.platform), payload: isoReport() });
  expect(report.statusCode).toBe(201);
  caseIdsOfA.caseId = report.json<{ caseId: string }>().caseId;
  const opened = await server.app.inject({ method: 'POST', url: '/v1/alerts', headers: auth(a.keys.platform), payload: isoAlert('iso-a-alert') });
  expect(opened.json<{ caseId: string }>().caseId).toBe(caseIdsOfA.caseId);
  const view = await server.app.inject({ method: 'GET', url: `/v1/cases/${caseIdsOfA.caseId}`, headers: auth(a.keys.moderator) });
  caseIdsOfA.evidenceId = view.json<{ timeline: { items: { id: string }[] } }>().timeline.items[0]?.id ?? '';
  expect(caseIdsOfA.evidenceId).toMatch(/^ev_/);
  const decided = await server.app.inject({
    method: 'POST',
    url: `/v1/cases/${caseIdsOfA.caseId}/decisions`,
    headers: auth(a.keys.moderator),
    payload: { action: 'refer_law_enforcement', facts: 'isolation test' },
  });
  expect(decided.statusCode).toBe(201);
  caseIdsOfA.decisionId = decided.json<{ decision: { id: string } }>().decision.id;
  caseIdsOfA.referralId = decided.json<{ referralIds: string[] }>().referralIds[0] ?? '';
  const appeal = await server.app.inject({ method: 'POST', url: '/v1/appeals', headers: auth(a.keys.platform), payload: { ...isoAppeal(), appealId: 'iso-appeal-a' } });
  expect(appeal.statusCode).toBe(201);
  caseIdsOfA.appealId = appeal.json<{ appealId: string }>().appealId;
  const hold = await server.app.inject({ method: 'POST', url: `/v1/cases/${caseIdsOfA.caseId}/legal-holds`, headers: h, payload: { reason: 'isolation' } });
  caseIdsOfA.holdId = hold.json<{ id: string }>().id;
  const endpoint = await server.app.inject({ method: 'POST', url: '/v1/webhooks', headers: h, payload: { url: 'http://127.0.0.1:9/a', active: false } });
  caseIdsOfA.endpointId = endpoint.json<{ endpoint: { id: string } }>().endpoint.id;
  const deliveries = await server.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries', headers: h });
  caseIdsOfA.deliveryId = deliveries.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
  for (const id of Object.values(caseIdsOfA)) expect(id).toMatch(/^[a-z]{2}_[a-z0-9]{16}$/);
  await server.app.services.stats.flush();
});
/** Tenant A's regulator data, so the regulator routes have something of A's to leak. */
beforeAll(async () => {
  const h = auth(a.keys.admin);
  const post = async (url: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const r = await server.app.inject({ method: 'POST', url, headers: h, payload });
    expect(r.statusCode, `${url}: ${r.body}`).toBe(201);
    return r.json<Record<string, unknown>>();
  };
  regulatorIdsOfA.breachId = String((await post('/v1/regulator/breaches', isoBreach())).id);
  regulatorIdsOfA.disclosureId = String((await post('/v1/regulator/disclosures', { kind: 'breaches' })).id);
  regulatorIdsOfA.bundleId = String((await post('/v1/regulator/bundles', { from: '2026-01-01', to: '2026-12-31', disclose: true })).bundleId);
  regulatorIdsOfA.runId = String((await post('/v1/regulator/conformance', isoConformance())).id);
  const r = await server.app.inject({ method: 'PUT', url: '/v1/transparency/recipients', headers: h, payload: { figures: [{ month: '2026-01', scope: 'EU', recipients: 7 }] } });
  expect(r.statusCode).toBe(200);
});
afterAll(async () => {
  await server.close();
  await control.close();
});

describe('tenant isolation on every route', () => {
  it('covers every authenticated route in the route table', () => {
    const routes = server.app.routeTable.filter((r) => r.config?.permission);
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });

  it("tenant B can neither read nor change tenant A's data, on any route", async () => {
    const routes = server.app.routeTable.filter((r) => r.config?.permission && r.method !== 'HEAD');
    const before = await snapshot(server.db, a.id);
    const problems: string[] = [];
    for (const route of routes) {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        const name = `${method} ${route.url}`;
        const example = EXAMPLES[name];
        const hasBody = Boolean((route.schema as { body?: unknown } | undefined)?.body);
        if (hasBody && example?.body === undefined) {
          problems.push(`${name}: add an example body to EXAMPLES`);
          continue;
        }
        let url = route.url;
        for (const [, param] of url.matchAll(/:([A-Za-z]+)/g)) {
          const value = param ? params()[param] : undefined;
          if (value === undefined) {
            problems.push(`${name}: add a value for path parameter "${param ?? ''}" to params()`);
            continue;
          }
          url = url.replace(`:${param ?? ''}`, encodeURIComponent(value));
        }
        if (example?.query) url += `?${example.query}`;
        const send = (on: TestServer, key: string) =>
          on.app.inject({
            method: method as 'GET',
            url,
            headers: auth(key),
            ...(example?.body === undefined ? {} : { payload: example.body as Record<string, unknown> }),
          });
        const fromB = await send(server, b.keys.admin);
        const fromC = await send(control, c.keys.admin);
        await server.app.services.stats.flush();
        await control.app.services.stats.flush();
        if (fromB.statusCode !== fromC.statusCode || normalise(fromB.body, b) !== normalise(fromC.body, c)) {
          problems.push(`${name}: tenant B's answer depends on tenant A's data (${fromB.statusCode} vs ${fromC.statusCode} without A)`);
        }
        if (fromB.body.includes(a.id) || Object.values(a.keyIds).some((k) => fromB.body.includes(k) && !url.includes(k))) {
          problems.push(`${name}: response to tenant B contains tenant A identifiers`);
        }
        const after = await snapshot(server.db, a.id);
        if (after !== before) problems.push(`${name}: tenant A's data changed after tenant B's request`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('tenant A still sees its own data afterwards', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/accounts/iso-child', headers: auth(a.keys.admin) });
    expect(r.json()).toMatchObject({ ageBand: '13-15', jurisdiction: 'UK' });
    const verify = await server.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: auth(a.keys.admin) });
    expect(verify.json()).toMatchObject({ ok: true });
  });
});

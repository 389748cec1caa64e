/**
 * Intake and access over HTTP: Coop-shaped reports (X-API-KEY, Coop's path, extra keys, missing
 * reporter.kind), child reporters, idempotent retries, clear 4xx for malformed reports, oversize
 * threads and unknown accounts (with nothing stored), authority orders, and least privilege.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, birthDateFor, createTestServer, type TestServer, type TestTenant } from './harness.js';

let server: TestServer;
let tenant: TestTenant;

const report = (extra: Record<string, unknown> = {}) => ({
  reporter: { kind: 'user', typeId: 'user', id: 'in-child' },
  reportedAt: '2026-03-01T10:00:00Z',
  reportedForReason: { policyId: 'grooming', reason: 'he asked me to keep secrets' },
  reportedItem: { id: 'msg-9', typeId: 'chat-message', data: { text: 'our secret ok?', creatorId: 'in-adult', createdAt: '2026-03-01T09:59:00Z' } },
  reportedItemThread: [
    { id: 'msg-8', typeId: 'chat-message', data: { text: 'hi', creatorId: 'in-adult', createdAt: '2026-03-01T09:58:00Z' } },
    { id: 'msg-9', typeId: 'chat-message', data: { text: 'our secret ok?', creatorId: 'in-adult', createdAt: '2026-03-01T09:59:00Z' } },
  ],
  ...extra,
});

const send = (url: string, key: string, payload: unknown, headers: Record<string, string> = {}) =>
  server.app.inject({ method: 'POST', url, headers: { ...auth(key), ...headers }, payload: payload as Record<string, unknown> });

async function storedReports(): Promise<number> {
  const row = await server.db.selectFrom('case_reports').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  server = await createTestServer();
  tenant = await server.tenant('intake');
  for (const [id, age] of [
    ['in-child', 12],
    ['in-adult', 40],
    ['in-adult-2', 33],
  ] as const) {
    await server.app.inject({ method: 'PUT', url: `/v1/accounts/${id}`, headers: auth(tenant.keys.platform), payload: { birthDate: birthDateFor(age), jurisdiction: 'EU' } });
  }
});
afterAll(async () => {
  await server.close();
});

describe('POST /v1/reports', () => {
  it('files a child\'s report in Coop shape and answers in plain words', async () => {
    const r = await send('/v1/reports', tenant.keys.platform, report(), { 'idempotency-key': 'k-1' });
    expect(r.statusCode).toBe(201);
    const body = r.json<{ reportId: string; caseId: string; duplicate: boolean; acknowledgement: string }>();
    expect(body).toMatchObject({ duplicate: false, status: 'received' });
    expect(body.acknowledgement).toMatch(/^Thank you for telling us/);
    const again = await send('/v1/reports', tenant.keys.platform, report(), { 'idempotency-key': 'k-1' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ reportId: body.reportId, caseId: body.caseId, duplicate: true });
    const reused = await send('/v1/reports', tenant.keys.platform, report({ reportedForReason: { policyId: 'bullying' } }), { 'idempotency-key': 'k-1' });
    expect(reused.statusCode).toBe(409);
    expect(await storedReports()).toBe(1);
    const view = await server.app.inject({ method: 'GET', url: `/v1/cases/${body.caseId}`, headers: auth(tenant.keys.moderator) });
    expect(view.json()).toMatchObject({
      case: { severity: 'critical', primaryReason: 'grooming' },
      why: { reports: [{ reporterIsChild: true, reasonText: 'he asked me to keep secrets' }] },
    });
  });

  it('de-duplicates a retried report without an idempotency key', async () => {
    const body = report({ reportedAt: '2026-03-01T11:00:00Z' });
    const first = await send('/v1/reports', tenant.keys.platform, body);
    const second = await send('/v1/reports', tenant.keys.platform, body);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json<{ reportId: string }>().reportId).toBe(first.json<{ reportId: string }>().reportId);
  });

  it('takes Coop clients unchanged: X-API-KEY, Coop\'s path and answer, extra keys, no reporter.kind', async () => {
    const r = await server.app.inject({
      method: 'POST',
      url: '/api/v1/report',
      headers: { 'x-api-key': tenant.keys.platform },
      payload: {
        reporter: { typeId: 'user', id: 'in-adult-2' },
        reportedAt: '2026-03-01T12:00:00Z',
        reportedForReason: { policyId: null, reason: null, csam: null },
        reportedItem: { id: 'in-adult', type: { id: 'user' }, data: { displayName: 'x' }, somethingElse: 1 },
        additionalItems: [],
        unknownTopLevel: true,
      },
    });
    expect(r.statusCode).toBe(201);
    expect(Object.keys(r.json<object>())).toEqual(['reportId']);
  });

  it('rejects malformed reports, oversize threads and unknown accounts with a clear 4xx, storing nothing', async () => {
    const before = await storedReports();
    const missingItem = await send('/v1/reports', tenant.keys.platform, { reporter: { id: 'in-child' } });
    expect(missingItem.statusCode).toBe(400);
    expect(missingItem.json<{ error: { code: string; message: string } }>().error.message).toMatch(/reportedItem/);
    const badTime = await send('/v1/reports', tenant.keys.platform, report({ reportedAt: 'last tuesday' }));
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json()).toMatchObject({ error: { code: 'validation_failed', details: { field: 'reportedAt' } } });
    const thread = Array.from({ length: 201 }, (_, i) => ({ id: `m${i}`, typeId: 'chat-message', data: { text: 'x', creatorId: 'in-adult' } }));
    const oversize = await send('/v1/reports', tenant.keys.platform, report({ reportedItemThread: thread }));
    expect(oversize.statusCode).toBe(400);
    expect(oversize.json<{ error: { message: string } }>().error.message).toMatch(/limited to 200/);
    const unknown = await send('/v1/reports', tenant.keys.platform, report({ reportedItem: { id: 'nobody', typeId: 'user', data: {} } }));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'unknown_account', details: { accounts: ['nobody'] } } });
    const noAuthor = await send('/v1/reports', tenant.keys.platform, report({ reportedItem: { id: 'p', typeId: 'post', data: { text: 'x' } } }));
    expect(noAuthor.statusCode).toBe(400);
    const noReporter = await send('/v1/reports', tenant.keys.platform, report({ reporter: { kind: 'user' } }));
    expect(noReporter.statusCode).toBe(400);
    const notJson = await server.app.inject({ method: 'POST', url: '/v1/reports', headers: { ...auth(tenant.keys.platform), 'content-type': 'application/json' }, payload: '{"reporter":' });
    expect(notJson.statusCode).toBe(400);
    expect(await storedReports()).toBe(before);
  });

  it('takes authority orders and trusted-flagger notices, and says which reason an unknown policy id became', async () => {
    const order = await send(
      '/v1/reports',
      tenant.keys.platform,
      report({
        reporter: { kind: 'authority', name: 'Coimisiún na Meán', order: { authority: 'Coimisiún na Meán', reference: 'ORD-7', memberState: 'IE', article: 9 } },
        reportedItem: { id: 'in-adult-2', typeId: 'user', data: {} },
        reportedForReason: { policyId: 'hate' },
        reportedAt: '2026-03-01T13:00:00Z',
      }),
    );
    expect(order.statusCode).toBe(201);
    const view = await server.app.inject({ method: 'GET', url: `/v1/cases/${order.json<{ caseId: string }>().caseId}`, headers: auth(tenant.keys.moderator) });
    expect(view.json()).toMatchObject({ case: { severity: 'high', sources: ['authority'] }, why: { reports: [{ order: { reference: 'ORD-7', memberState: 'IE' } }] } });
    const flagged = await send('/v1/reports', tenant.keys.platform, report({ reporter: { kind: 'trusted-flagger', name: 'Hotline' }, reportedForReason: { policyId: 'coop-policy-9' }, reportedAt: '2026-03-01T14:00:00Z' }));
    expect(flagged.statusCode).toBe(201);
    expect(flagged.json<{ warnings: string[] }>().warnings[0]).toMatch(/coop-policy-9/);
  });

  it('lists the reason taxonomy with the plain-words list for children', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/report-reasons', headers: auth(tenant.keys.platform) });
    const body = r.json<{ reasons: { code: string; category: string }[]; child: { code: string; label: string }[] }>();
    expect(body.reasons.find((x) => x.code === 'grooming')?.category).toBe('STATEMENT_CATEGORY_PROTECTION_OF_MINORS');
    expect(body.child[0]).toEqual({ code: 'grooming', label: 'Someone older is saying sexual things to me or asking me to keep secrets' });
  });
});

describe('least privilege', () => {
  it('lets each role do only its part', async () => {
    const as = (role: keyof TestTenant['keys'], method: 'GET' | 'POST', url: string, payload?: unknown) =>
      server.app.inject({ method, url, headers: auth(tenant.keys[role]), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) }).then((r) => r.statusCode);
    expect(await as('moderator', 'POST', '/v1/reports', report())).toBe(403);
    expect(await as('platform', 'GET', '/v1/cases')).toBe(403);
    expect(await as('regulator', 'GET', '/v1/cases')).toBe(403);
    expect(await as('regulator', 'GET', '/v1/cases/stats')).toBe(200);
    expect(await as('regulator', 'GET', '/v1/statements-of-reasons')).toBe(200);
    expect(await as('moderator', 'GET', '/v1/referrals')).toBe(403);
    expect(await as('moderator', 'POST', '/v1/webhooks', { url: 'https://example.org/hook' })).toBe(403);
    expect(await as('moderator', 'GET', '/v1/legal-holds')).toBe(403);
    expect(await as('admin', 'GET', '/v1/legal-holds')).toBe(200);
    expect(await as('admin', 'POST', '/v1/webhooks', { url: 'http://example.org/hook' })).toBe(400);
  });
});

/**
 * Transparency reports and the regulator's toolkit over HTTP, on a real SQLite-backed app: reports
 * in every format computed from what the API stored, bad periods, the regulator role limited to
 * what the tenant disclosed (and audited when it reads), the breach register, penalty caps, signed
 * bundles that verify offline after download, stored conformance runs, and reconciliation failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryReader, unpackTar, validateStatement, verifyBundle, type TransparencyReport } from '@safeguard/reporting';
import { CaseStore, openCaseFromAlert } from '@safeguard/store';
import { auth, birthDateFor, createTestServer, type TestServer, type TestTenant } from './harness.js';

let server: TestServer;
let t: TestTenant;
const TODAY = new Date().toISOString().slice(0, 10);
const YEAR_START = `${TODAY.slice(0, 4)}-01-01`;

const get = (url: string, key: string) => server.app.inject({ method: 'GET', url, headers: auth(key) });
const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, key: string, payload?: Record<string, unknown>) =>
  server.app.inject({ method, url, headers: auth(key), ...(payload ? { payload } : {}) });

beforeAll(async () => {
  server = await createTestServer();
  t = await server.tenant('acme');
  const admin = t.keys.admin;
  for (const [id, age] of [
    ['kid', 12],
    ['teen', 15],
    ['stranger', 35],
  ] as const) {
    expect((await send('PUT', `/v1/accounts/${id}`, admin, { birthDate: birthDateFor(age), jurisdiction: 'UK' })).statusCode).toBe(201);
  }
  for (let i = 0; i < 3; i += 1) await send('POST', '/v1/decisions', t.keys.platform, { action: 'message.send', actor: 'stranger', target: 'kid' });
  await send('POST', '/v1/decisions', t.keys.platform, { action: 'suggestion.show', actor: 'stranger', target: 'teen' });
  await server.app.services.stats.flush();
  // A grooming alert decided by a moderator: a restriction with a statement of reasons.
  const opened = await openCaseFromAlert(server.store, t.id, {
    alertId: 'al-http-1',
    kind: 'grooming',
    accountId: 'stranger',
    otherAccountIds: ['kid'],
    score: 0.9,
    signals: [{ type: 'age-probe', message: 1, participant: 'stranger' }],
    raisedAt: new Date(Date.now() - 60_000).toISOString(),
  });
  await new CaseStore(server.store).decide(t.id, opened.caseId, 'mod-1', { action: 'suspend', facts: 'Asked a child for photos.' });
});
afterAll(async () => {
  await server.close();
});

describe('GET /v1/transparency', () => {
  it('computes the report from stored events, and it reconciles', async () => {
    const r = await get(`/v1/transparency?from=${YEAR_START}&to=${TODAY}`, t.keys.admin);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('application/json');
    const report = r.json<TransparencyReport>();
    expect(report.reconciliation.ok).toBe(true);
    expect(report.service).toBe('acme');
    expect(report.childSafety.interactions.deniedByRule).toEqual({ 'DEF-05': 3, 'DEF-02': 1 });
    expect(report.childSafety.accounts).toMatchObject({ total: 3, treatedAsChild: 2 });
    expect(report.childSafety.alerts.byKind.grooming).toMatchObject({ raised: 1, confirmed: 1 });
    expect(report.eu.suspensions.total).toBe(1);
    expect(report.period.partial).toBe(true);
  });

  it('renders CSV in the template shape, HTML with ECharts and a PDF', async () => {
    const csv = await get(`/v1/transparency?from=${YEAR_START}&to=${TODAY}&format=csv`, t.keys.admin);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('part,section,indicator,category,scope,value,context');
    expect(csv.body).toContain('07_appeals,suspensions,manifestly_illegal_content,,TOTAL,1,');
    const html = await get(`/v1/transparency?from=${YEAR_START}&to=${TODAY}&format=html`, t.keys.admin);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('ecmeta_');
    const pdf = await get(`/v1/transparency?from=${YEAR_START}&to=${TODAY}&format=pdf`, t.keys.admin);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('names what is wrong with a bad period', async () => {
    const cases: [string, RegExp][] = [
      ['from=2026-02-30&to=2026-03-01', /--from "2026-02-30" is not a date/],
      ['from=2026-03-01&to=2026-02-01', /period is empty/],
      ['from=2999-01-01&to=2999-01-02', /starts in the future/],
      ['from=2000-01-01&to=2026-01-01', /at most 1830 days/],
      ['from=x&to=2026-01-01', /expected YYYY-MM-DD/],
      [`from=${TODAY}&to=${TODAY}&format=docx`, /format/],
    ];
    for (const [query, message] of cases) {
      const r = await get(`/v1/transparency?${query}`, t.keys.admin);
      expect(r.statusCode, query).toBe(400);
      expect(r.json<{ error: { message: string } }>().error.message, query).toMatch(message);
    }
  });

  it('serves statements of reasons in database batches that validate', async () => {
    const r = await get(`/v1/transparency/statements?from=${YEAR_START}&to=${TODAY}`, t.keys.admin);
    expect(r.statusCode).toBe(200);
    const page = r.json<{ page: number; nextPage: number | null; body: { statements: unknown[] } }>();
    expect(page.nextPage).toBeNull();
    expect(page.body.statements).toHaveLength(1);
    expect(validateStatement(page.body.statements[0])).toEqual([]);
  });

  it('takes monthly active recipients from the platform and reports their average', async () => {
    const month = TODAY.slice(0, 7);
    const put = await send('PUT', '/v1/transparency/recipients', t.keys.platform, { figures: [{ month, scope: 'EU', recipients: 1200 }, { month, scope: 'IE', recipients: 300 }] });
    expect(put.statusCode).toBe(200);
    expect((await send('PUT', '/v1/transparency/recipients', t.keys.platform, { figures: [{ month: '2026-13', scope: 'EU', recipients: 1 }] })).statusCode).toBe(400);
    const report = (await get(`/v1/transparency?from=${month}-01&to=${TODAY}`, t.keys.admin)).json<TransparencyReport>();
    expect(report.eu.averageMonthlyRecipients).toMatchObject({ eu: 1200, byMemberState: { IE: 300 } });
  });
});

describe('the regulator role', () => {
  it('reads a report only for a disclosed period, and is audited when it does', async () => {
    const url = `/v1/transparency?from=${YEAR_START}&to=${TODAY}`;
    const refused = await get(url, t.keys.regulator);
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('has not disclosed this transparency');
    const d = await send('POST', '/v1/regulator/disclosures', t.keys.admin, { kind: 'transparency', from: YEAR_START, to: `${TODAY.slice(0, 4)}-12-31`, note: 'Ofcom notice 42' });
    expect(d.statusCode).toBe(201);
    expect((await get(url, t.keys.regulator)).statusCode).toBe(200);
    const auditLog = await get('/v1/audit?action=regulator.read&limit=10', t.keys.admin);
    expect(auditLog.json<{ entries: { target: string; details: Record<string, unknown> }[] }>().entries.at(-1)).toMatchObject({ target: 'transparency', details: { from: YEAR_START, to: TODAY } });
    // Withdrawn: refused again.
    expect((await send('DELETE', `/v1/regulator/disclosures/${d.json<{ id: string }>().id}`, t.keys.admin)).statusCode).toBe(200);
    expect((await get(url, t.keys.regulator)).statusCode).toBe(403);
  });

  it('changes nothing: it may not disclose, record breaches, build bundles or store runs', async () => {
    expect((await send('POST', '/v1/regulator/disclosures', t.keys.regulator, { kind: 'breaches' })).statusCode).toBe(403);
    expect((await send('POST', '/v1/regulator/breaches', t.keys.regulator, { ruleId: 'DEF-05', from: TODAY, to: TODAY, summary: 'xxxxxxxxxxxx', evidence: [{ kind: 'other', reference: 'r', description: 'd' }] })).statusCode).toBe(403);
    expect((await send('POST', '/v1/regulator/bundles', t.keys.regulator, { from: TODAY, to: TODAY })).statusCode).toBe(403);
    expect((await send('PUT', '/v1/transparency/recipients', t.keys.regulator, { figures: [{ month: '2026-01', scope: 'EU', recipients: 1 }] })).statusCode).toBe(403);
    // The platform backend cannot read reports or the register.
    expect((await get(`/v1/transparency?from=${TODAY}&to=${TODAY}`, t.keys.platform)).statusCode).toBe(403);
    expect((await get('/v1/regulator/breaches', t.keys.moderator)).statusCode).toBe(403);
  });
});

describe('breach register and penalties', () => {
  it('records a breach with its penalty, moves it through the process, and refuses bad moves', async () => {
    const bad = await send('POST', '/v1/regulator/breaches', t.keys.admin, { ruleId: 'DEF-99', from: TODAY, to: TODAY, summary: 'not a rule at all', evidence: [{ kind: 'other', reference: 'r', description: 'd' }] });
    expect(bad.statusCode).toBe(400);
    const r = await send('POST', '/v1/regulator/breaches', t.keys.admin, {
      ruleId: 'DEF-05',
      from: YEAR_START,
      to: TODAY,
      summary: 'Strangers could message children while DEF-05 was exempted.',
      evidence: [{ kind: 'conformance', reference: 'cr_1', description: 'conformance run failed DEF-05' }],
      penalty: { regime: 'UK-OSA', qualifyingWorldwideRevenue: 400_000_000 },
    });
    expect(r.statusCode).toBe(201);
    const breach = r.json<{ id: string; status: string; penaltyResult: { maximum: number; citations: { provision: string }[] } }>();
    expect(breach).toMatchObject({ status: 'open', penaltyResult: { maximum: 40_000_000 } });
    expect(breach.penaltyResult.citations[0]?.provision).toBe('OSA 2023 Sch 13 para 4(1)');
    const moved = await send('POST', `/v1/regulator/breaches/${breach.id}/status`, t.keys.admin, { status: 'provisional', note: 'provisional notice under s.130' });
    expect(moved.json()).toMatchObject({ status: 'provisional', history: [{ status: 'open' }, { status: 'provisional', note: 'provisional notice under s.130' }] });
    expect((await send('POST', `/v1/regulator/breaches/${breach.id}/status`, t.keys.admin, { status: 'open' })).statusCode).toBe(409);
    expect((await send('POST', '/v1/regulator/breaches/br_nope/status', t.keys.admin, { status: 'closed' })).statusCode).toBe(404);
    // The regulator sees the register once it is disclosed.
    expect((await get('/v1/regulator/breaches', t.keys.regulator)).statusCode).toBe(403);
    await send('POST', '/v1/regulator/disclosures', t.keys.admin, { kind: 'breaches' });
    const list = await get('/v1/regulator/breaches', t.keys.regulator);
    expect(list.json<{ breaches: { id: string }[] }>().breaches.map((b) => b.id)).toEqual([breach.id]);
  });

  it('calculates penalty caps for the regulator, with citations', async () => {
    const uk = await send('POST', '/v1/regulator/penalties', t.keys.regulator, { regime: 'UK-OSA', qualifyingWorldwideRevenue: 50_000_000 });
    expect(uk.json()).toMatchObject({ regime: 'UK-OSA', currency: 'GBP', maximum: 18_000_000 });
    const eu = await send('POST', '/v1/regulator/penalties', t.keys.regulator, { regime: 'EU-DSA', annualWorldwideTurnover: 2_000_000_000, infringement: 'information' });
    expect(eu.json()).toMatchObject({ maximum: 20_000_000 });
    const us = await send('POST', '/v1/regulator/penalties', t.keys.admin, { regime: 'US-2258A', monthlyActiveUsers: 200_000_000, priorFailures: 1 });
    expect(us.json()).toMatchObject({ maximum: 1_000_000 });
    expect((await send('POST', '/v1/regulator/penalties', t.keys.admin, { regime: 'EU-DSA', annualWorldwideTurnover: -1, infringement: 'obligation' })).statusCode).toBe(400);
    expect((await send('POST', '/v1/regulator/penalties', t.keys.admin, { regime: 'AU' })).statusCode).toBe(400);
  });
});

describe('disclosure bundles', () => {
  it('are signed, downloadable as tar, verify offline, and expose any altered file', async () => {
    const created = await send('POST', '/v1/regulator/bundles', t.keys.admin, { from: YEAR_START, to: TODAY });
    expect(created.statusCode).toBe(201);
    const bundle = created.json<{ bundleId: string; signerFingerprint: string; files: { name: string; records: number }[] }>();
    expect(bundle.files.map((f) => f.name)).toContain('data/audit.jsonl');
    const keys = (await get('/v1/regulator/signing-keys', t.keys.admin)).json<{ keys: { fingerprint: string }[] }>().keys;
    expect(keys.map((k) => k.fingerprint)).toEqual([bundle.signerFingerprint]);
    const archive = await get(`/v1/regulator/bundles/${bundle.bundleId}/archive`, t.keys.admin);
    expect(archive.headers['content-type']).toBe('application/x-tar');
    const files = unpackTar(archive.rawPayload);
    expect((await verifyBundle(memoryReader(files), bundle.signerFingerprint)).ok).toBe(true);
    const audit = Buffer.from(files.get('data/audit.jsonl')!).toString().replace('"kid"', '"kud"');
    files.set('data/audit.jsonl', Buffer.from(audit));
    const tampered = await verifyBundle(memoryReader(files), bundle.signerFingerprint);
    expect(tampered.problems.map((p) => [p.kind, p.file])).toEqual([['altered', 'data/audit.jsonl']]);
  });

  it('reach the regulator only once disclosed', async () => {
    const created = await send('POST', '/v1/regulator/bundles', t.keys.admin, { from: YEAR_START, to: TODAY, scope: ['policy'] });
    const id = created.json<{ bundleId: string }>().bundleId;
    expect((await get(`/v1/regulator/bundles/${id}/archive`, t.keys.regulator)).statusCode).toBe(403);
    expect((await get('/v1/regulator/bundles', t.keys.regulator)).json<{ bundles: unknown[] }>().bundles).toEqual([]);
    await send('POST', '/v1/regulator/disclosures', t.keys.admin, { kind: 'bundle', reference: id });
    expect((await get(`/v1/regulator/bundles/${id}/archive`, t.keys.regulator)).statusCode).toBe(200);
    expect((await get('/v1/regulator/bundles', t.keys.regulator)).json<{ bundles: { bundleId: string }[] }>().bundles.map((b) => b.bundleId)).toEqual([id]);
    expect((await get('/v1/regulator/bundles/bd_unknown', t.keys.admin)).statusCode).toBe(404);
    expect((await send('POST', '/v1/regulator/bundles', t.keys.admin, { from: TODAY, to: TODAY, scope: ['everything'] })).statusCode).toBe(400);
  });
});

describe('conformance runs', () => {
  it('are stored and listed, for the regulator only when disclosed', async () => {
    const run = {
      target: 'https://platform.example',
      startedAt: '2026-01-05T00:00:00.000Z',
      finishedAt: '2026-01-05T00:01:00.000Z',
      results: [
        { ruleId: 'DEF-05', title: 'No direct messages from non-connected accounts', status: 'fail', reason: 'a stranger messaged a child', evidence: [{ request: { method: 'POST', path: '/v1/decisions' }, response: { status: 200, body: { outcome: 'allow' } } }] },
      ],
    };
    const stored = await send('POST', '/v1/regulator/conformance', t.keys.admin, run);
    expect(stored.statusCode).toBe(201);
    const id = stored.json<{ id: string; summary: { fail: number } }>().id;
    expect(stored.json()).toMatchObject({ summary: { pass: 0, fail: 1, notApplicable: 0 } });
    expect((await get(`/v1/regulator/conformance/${id}`, t.keys.regulator)).statusCode).toBe(403);
    await send('POST', '/v1/regulator/disclosures', t.keys.admin, { kind: 'conformance' });
    expect((await get(`/v1/regulator/conformance/${id}`, t.keys.regulator)).json()).toMatchObject({ target: 'https://platform.example' });
    expect((await send('POST', '/v1/regulator/conformance', t.keys.admin, { ...run, results: [] })).statusCode).toBe(400);
  });
});

describe('reconciliation over HTTP', () => {
  it('refuses a report whose totals do not reconcile, naming the checks', async () => {
    await server.db.insertInto('decision_stats').values({ tenant_id: t.id, day: TODAY, action: 'message.send', outcome: 'bogus', rule_id: 'DEF-05', count: 2 }).execute();
    const r = await get(`/v1/transparency?from=${TODAY}&to=${TODAY}`, t.keys.admin);
    expect(r.statusCode).toBe(409);
    const body = r.json<{ error: { code: string; message: string; details: { failed: { id: string }[] } } }>();
    expect(body.error.message).toContain('Totals do not reconcile');
    expect(body.error.details.failed.map((f) => f.id)).toContain('stream.decisionCounts.recognised');
    await server.db.deleteFrom('decision_stats').where('tenant_id', '=', t.id).where('outcome', '=', 'bogus').execute();
  });
});

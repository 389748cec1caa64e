/**
 * `safeguard transparency` and `safeguard statements` on a real SQLite store holding a known month
 * (March 2026): golden JSON and template-shaped CSV (snapshots, with the generation time
 * normalised), the CSV parts as files, HTML with ECharts, PDF, progress on stderr, and the exit
 * codes for bad periods, unknown tenants, empty periods and totals that do not reconcile.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeReport, type IntakeReport } from '@safeguard/cases';
import { validateStatement, type TransparencyReport } from '@safeguard/reporting';
import { CaseStore, RegulatorStore, SafeguardStore, canonicalDigest, migrateToLatest, openCaseFromAlert, openDatabase } from '@safeguard/store';
import { EXIT } from '../src/exit-codes.js';
import { runSafeguard, type CliRun } from './run-safeguard.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const T0 = new Date('2026-03-02T10:00:00.000Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

const run = (...args: string[]): Promise<CliRun> => runSafeguard(args, env);

/** The generation time is the only thing that changes between runs. */
const normalise = (text: string, generatedAt: string): string => text.split(generatedAt).join('<generated-at>');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-transparency-'));
  env = { SAFEGUARD_DATABASE_URL: `sqlite:${join(dir, 'safeguard.sqlite')}` };
  const handle = openDatabase(join(dir, 'safeguard.sqlite'));
  await migrateToLatest(handle);
  const store = SafeguardStore.fromHandle(handle);
  const tenant = await store.createTenant('golden-social');
  // Accounts as they stood in March (created in February), written as rows.
  for (const [id, birth, method] of [
    ['kid', '2014-05-01', 'guardian-confirmed'],
    ['teen', '2011-05-01', 'facial-estimation'],
    ['nobody', null, null],
    ['adult', '1990-05-01', 'id-document'],
    ['stranger', '1985-05-01', 'self-declared'],
  ] as const) {
    await handle.db
      .insertInto('accounts')
      .values({ tenant_id: tenant.id, id, birth_date: birth, declared_band: null, assurance_method: method, assurance_checked_at: null, jurisdiction: 'UK', created_at: '2026-02-01T00:00:00.000Z', updated_at: '2026-02-01T00:00:00.000Z' })
      .execute();
  }
  await store.addDecisionStats(tenant.id, [
    { day: '2026-03-02', action: 'message.send', outcome: 'deny', ruleId: 'DEF-05', count: 12 },
    { day: '2026-03-09', action: 'message.send', outcome: 'deny', ruleId: 'DEF-05', count: 5 },
    { day: '2026-03-09', action: 'suggestion.show', outcome: 'deny', ruleId: 'DEF-02', count: 4 },
    { day: '2026-03-10', action: 'message.send', outcome: 'allow_with_warning', ruleId: 'DEF-13', count: 2 },
  ]);
  const cases = new CaseStore(store);
  const body: IntakeReport = {
    reporter: { kind: 'user', typeId: 'user', id: 'teen' },
    reportedAt: T0.toISOString(),
    reportedForReason: { policyId: 'bullying', reason: 'mean' },
    reportedItem: { id: 'post-1', typeId: 'post', data: { text: 'mean words', creatorId: 'stranger', createdAt: T0.toISOString() } },
  };
  const filed = await cases.submitReport(tenant.id, { report: normalizeReport(body), idempotencyKey: 'rk-1', bodyDigest: canonicalDigest(body), actor: 'test' }, T0);
  await cases.decide(tenant.id, filed.case.id, 'mod-a', { action: 'remove_content', facts: 'Bullying.' }, at(90));
  const grooming = await openCaseFromAlert(
    store,
    tenant.id,
    { alertId: 'al-1', kind: 'grooming', accountId: 'adult', otherAccountIds: ['kid'], score: 0.95, signals: [{ type: 'age-probe', message: 1, participant: 'adult' }], raisedAt: at(5).toISOString() },
    { now: at(5) },
  );
  await cases.decide(tenant.id, grooming.caseId, 'mod-b', { action: 'suspend', facts: 'Sexual requests to a child.' }, at(50));
  await new RegulatorStore(store).putRecipients(tenant.id, [{ month: '2026-03', scope: 'EU', recipients: 2500 }], 'test');
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safeguard transparency', () => {
  it('prints the JSON report for a month, matching the golden snapshot', async () => {
    const r = await run('transparency', '--from', '2026-03-01', '--to', '2026-03-31');
    expect(r.code).toBe(EXIT.ok);
    const report = JSON.parse(r.out) as TransparencyReport;
    expect(report.reconciliation.ok).toBe(true);
    expect(report.childSafety.interactions.deniedByRule).toEqual({ 'DEF-02': 4, 'DEF-05': 17 });
    expect(report.eu.notices.total.timeToAction.medianHours).toBe(1.5);
    expect(report.childSafety.alerts.byKind.grooming?.timeToAction.medianSeconds).toBe(45 * 60);
    expect(report.eu.averageMonthlyRecipients.eu).toBe(2500);
    expect(normalise(r.out, report.generatedAt)).toMatchSnapshot();
  });

  it('writes CSV in the template shape (one file, or one file per part) matching the golden snapshot', async () => {
    const json = JSON.parse((await run('transparency', '--from', '2026-03-01', '--to', '2026-03-31')).out) as TransparencyReport;
    const csv = await run('transparency', '--from', '2026-03-01', '--to', '2026-03-31', '--format', 'csv');
    expect(csv.code).toBe(EXIT.ok);
    const generated = /report_generated_at,,,([^,]+),/.exec(csv.out)?.[1] ?? json.generatedAt;
    expect(normalise(csv.out, generated)).toMatchSnapshot();
    const parts = join(dir, 'parts/');
    const r = await run('transparency', '--from', '2026-03-01', '--to', '2026-03-31', '--format', 'csv', '--output', parts);
    expect(r.err).toContain('wrote 10 template parts');
    expect(readdirSync(parts).sort()).toEqual(['01_ID.csv', '02_categories.csv', '03_MSO.csv', '04_notices.csv', '05_own_initiative_illegal.csv', '06_own_initiative_tc.csv', '07_appeals.csv', '08_automated_means.csv', '09_human_resources.csv', '10_AMAR.csv']);
    expect(readFileSync(join(parts, '07_appeals.csv'), 'utf8')).toContain('suspensions,manifestly_illegal_content,TOTAL,1,');
  });

  it('renders HTML with ECharts charts and a PDF', async () => {
    const html = await run('transparency', '--from', '2026-03-01', '--to', '2026-03-31', '--format', 'html');
    expect(html.out).toContain('<!doctype html>');
    expect(html.out).toContain('ecmeta_');
    const pdf = join(dir, 'march.pdf');
    const r = await run('transparency', '--from', '2026-03-01', '--to', '2026-03-31', '--format', 'pdf', '--output', pdf);
    expect(r.code).toBe(EXIT.ok);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await run('transparency', '--from', '2026-03-01', '--to', '2026-03-31', '--format', 'pdf')).code).toBe(EXIT.usage);
  });

  it('shows progress on stderr, keeping stdout clean', async () => {
    const r = await run('transparency', '--from', '2026-03-01', '--to', '2026-03-31', '--progress');
    expect(r.err).toContain('transparency: decisionCounts 4 records');
    expect(r.err).toContain('transparency: notices 1 records');
    expect(() => JSON.parse(r.out) as unknown).not.toThrow();
  });

  it('exits 2 for bad periods and unknown tenants, naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['--from', '2026-02-30', '--to', '2026-03-31'], /--from "2026-02-30" is not a date/],
      [['--from', '2026-03-31', '--to', '2026-03-01'], /period is empty/],
      [['--from', '2999-01-01', '--to', '2999-01-31'], /starts in the future/],
      [['--from', '2020-01-01', '--to', '2026-01-01'], /at most 1830 days/],
      [['--from', '2026-03-01', '--to', '2026-03-31', '--tenant', 'nope'], /No tenant "nope"/],
      [['--from', '2026-03-01', '--to', '2026-03-31', '--format', 'xlsx'], /Allowed choices/],
    ];
    for (const [args, message] of cases) {
      const r = await run('transparency', ...args);
      expect(r.code, args.join(' ')).toBe(EXIT.usage);
      expect(r.err, args.join(' ')).toMatch(message);
      expect(r.out).toBe('');
    }
  });

  it('warns on an empty period, and fails it only when asked', async () => {
    const r = await run('transparency', '--from', '2025-01-01', '--to', '2025-01-31');
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toContain('warning: no events were recorded');
    expect((JSON.parse(r.out) as TransparencyReport).empty).toBe(true);
    expect((await run('transparency', '--from', '2025-01-01', '--to', '2025-01-31', '--fail-if-empty')).code).toBe(EXIT.findings);
  });

  it('exits 1 and writes nothing when the totals do not reconcile', async () => {
    const handle = openDatabase(join(dir, 'safeguard.sqlite'));
    const tenant = await handle.db.selectFrom('tenants').select('id').executeTakeFirstOrThrow();
    await handle.db.insertInto('decision_stats').values({ tenant_id: tenant.id, day: '2026-03-15', action: 'message.send', outcome: 'maybe', rule_id: 'DEF-05', count: 3 }).execute();
    const out = join(dir, 'never.json');
    const r = await run('transparency', '--from', '2026-03-01', '--to', '2026-03-31', '--output', out);
    expect(r.code).toBe(EXIT.findings);
    expect(r.err).toContain('Totals do not reconcile');
    expect(r.err).toContain('stream.decisionCounts.recognised');
    expect(existsSync(out)).toBe(false);
    await handle.db.deleteFrom('decision_stats').where('outcome', '=', 'maybe').execute();
    await handle.close();
  });
});

describe('safeguard statements', () => {
  it('exports statements of reasons as valid database batches', async () => {
    const out = join(dir, 'sor');
    const r = await run('statements', '--from', '2026-03-01', '--to', '2026-03-31', '--output', out, '--batch-size', '1');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('2 statements of reasons in 2 batch(es)');
    for (const file of readdirSync(out)) {
      const batch = JSON.parse(readFileSync(join(out, file), 'utf8')) as { statements: unknown[] };
      expect(batch.statements).toHaveLength(1);
      expect(validateStatement(batch.statements[0])).toEqual([]);
    }
    expect((await run('statements', '--from', '2026-03-01', '--to', '2026-03-31', '--output', out, '--batch-size', '101')).code).toBe(EXIT.usage);
  });
});

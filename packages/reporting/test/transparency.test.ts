/**
 * Transparency reports from a hand-checkable quarter: every asserted figure can be counted from
 * test/fixtures.ts. Golden files pin the JSON, the template-shaped CSV (long and per part) and the
 * HTML; regenerate them with UPDATE_GOLDEN=1 after an intended change and review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafeguardError } from '@safeguard/core';
import {
  computeTransparencyReport,
  parsePeriod,
  renderCsv,
  renderHtml,
  renderJson,
  templateCsvParts,
  type TransparencyReport,
} from '../src/index.js';
import { DECISION_COUNTS, NOTICES, Q1, fixtureSource } from './fixtures.js';

const clock = { now: () => new Date('2025-05-01T12:00:00.000Z') };
const period = parsePeriod(Q1.from, Q1.to, clock);
const goldenDir = join(import.meta.dirname, 'golden');

function golden(name: string, actual: string): void {
  const path = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual, `golden file ${name} (UPDATE_GOLDEN=1 to accept an intended change)`).toBe(readFileSync(path, 'utf8'));
}

async function report(source = fixtureSource()): Promise<TransparencyReport> {
  return computeTransparencyReport(source, period, { clock });
}

describe('transparency report from the fixture quarter', () => {
  it('computes the EU template sections', async () => {
    const r = await report();
    expect(r.reconciliation.ok).toBe(true);
    const n = r.eu.notices.total;
    expect(n).toMatchObject({ received: 5, items: 6, actionsBasisLaw: 2, actionsBasisTerms: 0, noAction: 1, pending: 2, processedByAutomatedMeans: 1 });
    expect(n.timeToAction).toMatchObject({ count: 3, medianSeconds: 3 * 3600, medianHours: 3, approximate: false });
    expect(n.trustedFlaggers).toMatchObject({ received: 1, actionsBasisLaw: 1 });
    expect(r.eu.notices.byCategory.STATEMENT_CATEGORY_PROTECTION_OF_MINORS.received).toBe(2);
    expect(r.eu.notices.byCategory.STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE.received).toBe(1);
    expect(r.eu.notices.concerningChildren).toBe(2);
    expect(r.eu.orders.article9).toMatchObject({ received: 1, items: 3 });
    expect(r.eu.orders.article9.timeToInformReceipt.medianHours).toBe(2);
    expect(r.eu.orders.article9.timeToGiveEffect.medianHours).toBe(24);
    expect(r.eu.orders.article10.timeToGiveEffect.count).toBe(0);
    expect(r.eu.orders.byMemberState).toEqual({ FR: { article9: 0, article10: 1 }, IE: { article9: 1, article10: 0 } });
    const own = r.eu.ownInitiative;
    expect(own.illegal.total).toMatchObject({ measures_total: 1, measures_solely_automated: 1, vis_removal: 1, acc_termination: 1 });
    expect(own.termsAndConditions.total).toMatchObject({ measures_total: 2, vis_demoted: 1, vis_labelled: 1, mon_suspension: 1, svc_suspension: 1 });
    expect(own.byDetectionMethod).toMatchObject({ HASH_MATCH: 1, CLASSIFIER: 1, HUMAN_PROACTIVE: 1, USER_REPORT: 0 });
    expect(r.eu.decisions).toMatchObject({ total: 4, bySource: { ART16_NOTICE: 1, OWN_INITIATIVE: 3 } });
    const c = r.eu.complaints;
    expect(c).toMatchObject({ received: 3, reversed: 1, upheld: 1, pending: 1, decidedWithoutHumanReview: 0 });
    expect(c.decisionTime.medianHours).toBe(36);
    expect(c.byKind.AGE_ASSESSMENT_APPEAL).toBe(1);
    expect(c.byOriginalDecision.account).toMatchObject({ received: 1, upheld: 1 });
    expect(r.eu.outOfCourtDisputes).toMatchObject({ submitted: 2, partiallyReversed: 1, pending: 1, implemented: 1, implementedShare: 1 });
    expect(r.eu.outOfCourtDisputes.timeToComplete.medianHours).toBe(40 * 24);
    expect(r.eu.suspensions.byGround).toEqual({ MANIFESTLY_ILLEGAL_CONTENT: 1, MANIFESTLY_UNFOUNDED_NOTICES: 1, MANIFESTLY_UNFOUNDED_COMPLAINTS: 0 });
    expect(r.eu.automatedMeans.automatedDecisionsReviewed).toEqual({ decided: 1, reversed: 1, errorRate: 1, accuracy: 0 });
    expect(r.eu.automatedMeans.alertPrecision.grooming).toEqual({ reviewed: 2, confirmed: 1, precision: 0.5 });
    expect(r.eu.automatedMeans.hashMatchPrecision).toEqual({ reviewed: 2, confirmed: 1, precision: 0.5 });
    expect(r.eu.moderationStaff).toEqual({ month: '2025-03', total: 7, byLanguage: { EN: 5, FR: 2 } });
    expect(r.eu.averageMonthlyRecipients).toEqual({ monthsReported: 2, eu: 3400, byMemberState: { FR: 2300, IE: 1100 } });
  });

  it('computes the child-safety metrics', async () => {
    const cs = (await report()).childSafety;
    expect(cs.accounts).toMatchObject({ total: 9, treatedAsChild: 6, createdInPeriod: 2 });
    expect(cs.accounts.byBand).toEqual({ under13: 2, '13-15': 2, '16-17': 1, adult: 3, unknown: 1 });
    expect(cs.accounts.byAssuranceMethod).toEqual({ 'facial-estimation': 1, 'guardian-confirmed': 1, 'id-document': 2, none: 2, 'self-declared': 3 });
    expect(cs.accounts.childrenByBandAndMethod.under13).toEqual({ 'guardian-confirmed': 1, 'self-declared': 1 });
    expect(cs.accounts.highlyEffectiveAssurance).toEqual({ children: 2, adults: 1 });
    expect(cs.defaults).toMatchObject({ childAccounts: 6, kept: 4, changed: 2 });
    expect(cs.defaults.changesInPeriod).toMatchObject({ total: 3, loosened: 2, tightened: 1, byGuardian: 1 });
    expect(cs.interactions.deniedByRule).toEqual({ 'DEF-01': 12, 'DEF-02': 8, 'DEF-05': 40, 'DEF-06': 3 });
    expect(cs.interactions.deniedByAction).toEqual({ 'location.view': 3, 'message.send': 40, 'suggestion.show': 20 });
    expect(cs.interactions.warnedByRule).toEqual({ 'DEF-13': 5 });
    expect(cs.interactions.guardianRequiredByRule).toEqual({ 'SG-03': 2 });
    expect(cs.alerts.byKind.grooming).toMatchObject({ raised: 3, confirmed: 1, dismissed: 1, open: 1 });
    expect(cs.alerts.byKind.grooming?.timeToAction.medianHours).toBe(1);
    expect(cs.hashMatches).toMatchObject({ total: 3, referred: 1, byList: { ncmec: 2, tenant: 1 } });
    expect(cs.referrals).toMatchObject({ total: 2, byAgency: { NCMEC: 1, NCA: 1, POLICE: 0, OTHER: 0 } });
    expect(cs.referrals.timeFromDetection.medianHours).toBe(15);
  });

  it('answers the UK items the data supports and marks the rest unsupported', async () => {
    const uk = (await report()).uk;
    const f1 = uk.find((i) => i.id === 'sch8-para10');
    expect(f1?.metrics).toMatchObject({ interactionsDeniedByF1Defaults: 63, 'DEF-05': 40 });
    expect(uk.find((i) => i.id === 'osa-s66')?.metrics).toMatchObject({ referralsToNca: 1, referralsToNcmec: 1 });
    expect(uk.filter((i) => !i.supported).map((i) => i.id)).toEqual(['sch8-para2', 'sch8-para3', 'sch8-para9']);
  });

  it('matches the golden JSON, CSV and HTML', async () => {
    const r = await report();
    golden('q1.json', renderJson(r));
    golden('q1.csv', renderCsv(r));
    for (const part of templateCsvParts(r)) {
      const text = [part.header, ...part.rows].map((row) => row.map((v) => (v === null ? '' : String(v))).join('|')).join('\n');
      golden(`q1.${part.name}.txt`, `${text}\n`);
    }
    golden('q1.html', renderHtml(r));
  });

  it('writes RFC 4180 CSV: CRLF rows of equal width, quoted fields', async () => {
    const csv = renderCsv(await report());
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('part,section,indicator,category,scope,value,context');
    expect(csv).not.toMatch(/[^\r]\n/);
    expect(lines.some((l) => l.startsWith('04_notices,,notices_received,TOTAL,TOTAL,5,'))).toBe(true);
    expect(lines.some((l) => l.includes('07_appeals,internal_complaints,median_time_to_decision,,TOTAL,36,'))).toBe(true);
    const parts = templateCsvParts(await report());
    expect(parts.map((p) => p.name)).toEqual([
      '01_ID.csv',
      '02_categories.csv',
      '03_MSO.csv',
      '04_notices.csv',
      '05_own_initiative_illegal.csv',
      '06_own_initiative_tc.csv',
      '07_appeals.csv',
      '08_automated_means.csv',
      '09_human_resources.csv',
      '10_AMAR.csv',
    ]);
    for (const part of parts) for (const row of part.rows) expect(row).toHaveLength(part.header.length);
  });

  it('escapes text in HTML', async () => {
    const source = { ...fixtureSource(), description: '<script>alert(1)</script>' };
    const html = renderHtml(await computeTransparencyReport(source, period, { clock }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<svg');
  });
});

describe('reconciliation fails the run', () => {
  const failedIds = async (promise: Promise<unknown>): Promise<string[]> => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SafeguardError);
    expect((error as SafeguardError).code).toBe('conflict');
    expect((error as SafeguardError).message).toContain('Totals do not reconcile');
    return ((error as SafeguardError).details as { failed: { id: string }[] }).failed.map((f) => f.id);
  };

  it('when a decision count has an outcome outside the vocabulary', async () => {
    const ids = await failedIds(report(fixtureSource({ decisionCounts: [...DECISION_COUNTS, { day: '2025-01-06', action: 'message.send', outcome: 'maybe', ruleId: 'DEF-05', count: 7 }] })));
    expect(ids).toContain('stream.decisionCounts.recognised');
  });

  it('when a source returns records outside the period', async () => {
    const ids = await failedIds(report(fixtureSource({ notices: [...NOTICES, { ...NOTICES[0]!, id: 'late', receivedAt: '2025-04-01T00:00:00.000Z' }] })));
    expect(ids).toEqual(['stream.notices.in-period']);
  });

  it('when the streamed count differs from the independent count (a lost page)', async () => {
    const ids = await failedIds(report(fixtureSource({}, { controlTotals: () => Promise.resolve({ notices: NOTICES.length + 1 }) })));
    expect(ids).toEqual(['stream.notices.control-total']);
  });

  it('when a decision restricts nothing, or an action precedes its cause', async () => {
    const ids = await failedIds(
      report(
        fixtureSource({
          moderationDecisions: [
            { id: 'x', decidedAt: '2025-01-05T00:00:00.000Z', source: 'ART16_NOTICE', detection: 'USER_REPORT', automatedDetection: false, automatedDecision: 'NOT', basis: 'LAW', category: 'STATEMENT_CATEGORY_SELF_HARM', restrictions: { visibility: [], monetary: null, provision: null, account: null }, concernsChild: false, receivedAt: '2025-01-06T00:00:00.000Z' },
          ],
        }),
      ),
    );
    expect(ids).toEqual(['decisions.restricted', 'durations.non-negative']);
  });

  it('returns the unreconciled report only when asked to', async () => {
    const r = await computeTransparencyReport(fixtureSource({}, { controlTotals: () => Promise.resolve({ alerts: 0 }) }), period, { clock, allowUnreconciled: true });
    expect(r.reconciliation.ok).toBe(false);
    expect(r.reconciliation.checks.find((c) => !c.ok)).toMatchObject({ id: 'stream.alerts.control-total', expected: 0, actual: 4 });
  });
});

describe('empty periods and coverage', () => {
  it('reports an empty period as empty, with zeros and no medians, and still reconciles', async () => {
    const empty = parsePeriod('2024-01-01', '2024-01-31', clock);
    const r = await computeTransparencyReport(fixtureSource(), empty, { clock, allowUnreconciled: true });
    // Every fixture fact lies after January 2024, so the source's facts are out of period there.
    expect(r.reconciliation.ok).toBe(false);
    const none = fixtureSource(
      Object.fromEntries(
        (['accounts', 'settingsChanges', 'decisionCounts', 'notices', 'orders', 'moderationDecisions', 'complaints', 'outOfCourtDisputes', 'suspensions', 'alerts', 'hashMatches', 'referrals', 'moderationStaff', 'monthlyActiveRecipients'] as const).map((s) => [s, []]),
      ),
    );
    const r2 = await computeTransparencyReport(none, empty, { clock });
    expect(r2.empty).toBe(true);
    expect(r2.reconciliation.ok).toBe(true);
    expect(r2.eu.notices.total.timeToAction).toMatchObject({ count: 0, medianHours: null });
    expect(r2.childSafety.accounts.total).toBe(0);
    expect(r2.reconciliation.checks.length).toBeGreaterThan(40);
  });

  it('shows streams that are not collected as such', async () => {
    const r = await computeTransparencyReport(fixtureSource({ hashMatches: [] }, { coverage: () => Promise.resolve({ hashMatches: { collected: false, note: 'no hash-match table yet' } }) }), period, { clock });
    expect(r.coverage.hashMatches).toEqual({ collected: false, records: 0, note: 'no hash-match table yet' });
    expect(renderCsv(r)).toContain('not collected');
    expect(renderHtml(r)).toContain('Not collected');
  });

  it('reports progress per stream', async () => {
    const events: string[] = [];
    await computeTransparencyReport(fixtureSource({}, { controlTotals: () => Promise.resolve({ notices: 5 }) }), period, {
      clock,
      progressEvery: 2,
      onProgress: (e) => {
        if (e.stream === 'notices') events.push(`${e.records}/${e.expected ?? '?'}${e.done ? ' done' : ''}`);
      },
    });
    expect(events).toEqual(['2/5', '4/5', '5/5 done']);
  });
});

/**
 * Contract for the regulator store and the store-backed transparency source, run against SQLite
 * and PostgreSQL alike. A tenant's month is built through the real store modules (accounts,
 * settings with their audit entries, decision counts, reports, alerts, decisions, appeals,
 * referrals); the report computed from it must reconcile — including the SQL control totals — and
 * show the figures the month holds. Bundles built from the store verify offline; another tenant
 * sees none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { normalizeReport, type IntakeReport } from '@safeguard/cases';
import {
  MANIFEST_FILE,
  SIGNATURE_FILE,
  computeTransparencyReport,
  memoryReader,
  parsePeriod,
  statementBatches,
  transitionBreach,
  validateBreachInput,
  verifyBundle,
  type TransparencyReport,
} from '@safeguard/reporting';
import { CaseStore, canonicalDigest, openCaseFromAlert } from '../src/cases-store.js';
import { REGULATOR_TABLES, RegulatorStore, StoreTransparencySource, withReportingSnapshot } from '../src/regulator-store.js';
import type { Database } from '../src/schema.js';
import type { SafeguardStore } from '../src/store.js';

export interface ReportingStoreUnderTest {
  readonly store: SafeguardStore;
  readonly db: Kysely<Database>;
  cleanup(): Promise<void>;
}

/** The month's activity happens a few weeks ago, so the test never ages out of a valid period. */
const T0 = new Date(Math.floor((Date.now() - 21 * 86_400_000) / 3_600_000) * 3_600_000);
const T0_DAY = T0.toISOString().slice(0, 10);
const T0_MONTH = T0_DAY.slice(0, 7);
const BEFORE = new Date(Date.parse(`${T0_MONTH}-01T00:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10);
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
/** From the month of the cases below to today (when the accounts and audit entries are written). */
const TODAY = new Date().toISOString().slice(0, 10);
const MARCH = { from: `${T0_MONTH}-01`, to: TODAY };
const clock = { now: () => new Date() };

export function runReportingStoreContract(name: string, open: () => Promise<ReportingStoreUnderTest>): void {
  describe(`regulator store and transparency source: ${name}`, () => {
    let subject: ReportingStoreUnderTest;
    let store: SafeguardStore;
    let tenant: string;
    let other: string;
    let report: TransparencyReport;
    const period = parsePeriod(MARCH.from, MARCH.to, clock);

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
      tenant = (await store.createTenant('reporting-a')).id;
      other = (await store.createTenant('reporting-b')).id;
      for (const [id, birthDate, jurisdiction, method] of [
        ['kid-12', '2014-01-15', 'UK', 'self-declared'],
        ['kid-15', '2011-01-15', 'EU', 'facial-estimation'],
        ['nobody-knows', null, 'UK', null],
        ['adult-1', '1990-01-15', 'UK', 'id-document'],
        ['adult-2', '1985-01-15', 'EU', null],
        ['adult-3', '1980-01-15', 'US', null],
      ] as const) {
        await store.upsertAccount(tenant, { id, birthDate, jurisdiction, assuranceMethod: method });
      }
      await store.upsertAccount(other, { id: 'kid-12', birthDate: '2014-01-15' });
      // A teen switches autoplay on (allowed after a prompt): the setting and its audit entry.
      await store.setSetting(tenant, 'kid-15', { key: 'design.autoplay', value: 'on', setBy: 'self' });
      await store.appendAudit(tenant, {
        actor: 'key:test:platform',
        action: 'settings.change',
        target: 'kid-15',
        details: { key: 'design.autoplay', from: null, to: 'on', changedBy: 'self', ruleIds: ['DEF-12'], sessionScoped: false },
      });
      await store.addDecisionStats(tenant, [
        { day: T0_DAY, action: 'message.send', outcome: 'deny', ruleId: 'DEF-05', count: 7 },
        { day: T0_DAY, action: 'suggestion.show', outcome: 'deny', ruleId: 'DEF-01', count: 3 },
        { day: TODAY, action: 'message.send', outcome: 'allow', ruleId: '-', count: 50 },
        { day: BEFORE, action: 'message.send', outcome: 'deny', ruleId: 'DEF-05', count: 99 },
      ]);

      const cases = new CaseStore(store);
      // A child reports bullying at T0; a moderator removes the content two hours later.
      const body: IntakeReport = {
        reporter: { kind: 'user', typeId: 'user', id: 'kid-15' },
        reportedAt: T0.toISOString(),
        reportedForReason: { policyId: 'bullying', reason: 'mean' },
        reportedItem: { id: 'post-1', typeId: 'post', data: { text: 'mean words', creatorId: 'adult-2', createdAt: T0.toISOString() } },
      };
      const filed = await cases.submitReport(tenant, { report: normalizeReport(body), idempotencyKey: 'rk-1', bodyDigest: canonicalDigest(body), actor: 'test' }, T0);
      const removal = await cases.decide(tenant, filed.case.id, 'mod-a', { action: 'remove_content', facts: 'Bullying a teen.' }, at(120));
      // The author appeals; another moderator reverses it an hour later.
      const appeal = await cases.lodgeAppeal(tenant, { externalId: 'ap-1', decisionId: removal.decision.id, appellantId: 'adult-2', appellantTypeId: 'user', actor: 'p' }, at(200));
      await cases.decideAppeal(tenant, appeal.appeal.id, 'mod-b', { outcome: 'reversed', explanation: 'Banter between friends.' }, at(260));
      // Grooming detected: banned 29 minutes after the alert.
      const grooming = await openCaseFromAlert(
        store,
        tenant,
        { alertId: 'al-1', kind: 'grooming', accountId: 'adult-1', otherAccountIds: ['kid-12'], score: 0.95, signals: [{ type: 'age-probe', message: 1, participant: 'adult-1' }], raisedAt: at(1).toISOString() },
        { now: at(1) },
      );
      await cases.decide(tenant, grooming.caseId, 'mod-a', { action: 'ban', facts: 'Sexual requests to a 12-year-old.' }, at(30));
      // A known-CSAM hash match, referred to law enforcement.
      const hash = await openCaseFromAlert(
        store,
        tenant,
        { alertId: 'al-2', kind: 'hash-match', accountId: 'adult-3', score: 1, signals: [], hashMatches: [{ bank: 'ncmec', signalType: 'pdq', label: 'csam' }], raisedAt: at(5).toISOString() },
        { now: at(5) },
      );
      await cases.decide(tenant, hash.caseId, 'mod-a', { action: 'refer_law_enforcement', facts: 'Known abuse image.' }, at(65));
      await new RegulatorStore(store).putRecipients(tenant, [
        { month: T0_MONTH, scope: 'EU', recipients: 1000 },
        { month: T0_MONTH, scope: 'IE', recipients: 400 },
      ], 'key:test:platform');

      report = await withReportingSnapshot(store, (snapshot) =>
        computeTransparencyReport(new StoreTransparencySource(snapshot, tenant, { description: 'reporting-a', now: clock.now }), period, { clock }),
      );
    });
    afterAll(async () => {
      await subject.cleanup();
    });

    it('reconciles, including the SQL control totals of every stream', () => {
      expect(report.reconciliation.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.reconciliation.checks.filter((c) => c.id.endsWith('control-total')).length).toBeGreaterThanOrEqual(10);
      expect(report.coverage.outOfCourtDisputes).toMatchObject({ collected: false });
    });

    it('counts accounts by band and assurance, and defaults kept vs changed', () => {
      const a = report.childSafety.accounts;
      expect(a).toMatchObject({ total: 6, treatedAsChild: 3 });
      expect(a.byBand).toEqual({ under13: 1, '13-15': 1, '16-17': 0, adult: 3, unknown: 1 });
      expect(a.byAssuranceMethod).toEqual({ 'facial-estimation': 1, 'id-document': 1, none: 3, 'self-declared': 1 });
      expect(a.highlyEffectiveAssurance).toEqual({ children: 1, adults: 1 });
      expect(report.childSafety.defaults).toMatchObject({ childAccounts: 3, kept: 2, changed: 1 });
      expect(report.childSafety.defaults.changesInPeriod).toMatchObject({ total: 1, loosened: 1, byKey: { 'design.autoplay': { loosened: 1, tightened: 0, other: 0 } } });
    });

    it('counts decisions denied by rule within the period only', () => {
      expect(report.childSafety.interactions.deniedByRule).toEqual({ 'DEF-01': 3, 'DEF-05': 7 });
      expect(report.uk.find((i) => i.id === 'sch8-para10')?.metrics['DEF-05']).toBe(7);
    });

    it('computes notices, decisions, complaints, alerts, hash matches and referrals from the cases tables', () => {
      const eu = report.eu;
      expect(eu.notices.total).toMatchObject({ received: 1, actionsBasisTerms: 1, pending: 0 });
      expect(eu.notices.total.timeToAction.medianHours).toBe(2);
      expect(eu.notices.concerningChildren).toBe(1);
      expect(eu.decisions.bySource).toMatchObject({ ART16_NOTICE: 1, OWN_INITIATIVE: 2 });
      expect(eu.ownInitiative.illegal.total.measures_total).toBe(2);
      expect(eu.ownInitiative.byDetectionMethod).toMatchObject({ HASH_MATCH: 1, CLASSIFIER: 1 });
      expect(eu.complaints).toMatchObject({ received: 1, reversed: 1, pending: 0, decidedWithoutHumanReview: 0 });
      expect(eu.complaints.decisionTime.medianHours).toBe(1);
      const alerts = report.childSafety.alerts.byKind;
      expect(alerts.grooming).toMatchObject({ raised: 1, confirmed: 1, concerningChildren: 1 });
      expect(alerts.grooming?.timeToAction.medianSeconds).toBe(29 * 60);
      expect(report.childSafety.hashMatches).toMatchObject({ total: 1, confirmed: 1, referred: 1, byList: { ncmec: 1 }, byHashType: { pdq: 1 } });
      expect(report.childSafety.referrals.total).toBeGreaterThanOrEqual(1);
      expect(report.childSafety.referrals.byAgency.NCMEC).toBe(1);
      expect(eu.moderationStaff).toEqual({ month: T0_MONTH, total: 2, byLanguage: {} });
      expect(eu.averageMonthlyRecipients).toEqual({ monthsReported: 1, eu: 1000, byMemberState: { IE: 400 } });
    });

    it('streams the stored statements of reasons, which pass the EU database validation', async () => {
      const source = new StoreTransparencySource(store, tenant);
      const batches = [];
      for await (const b of statementBatches(source.statementsOfReasons(period))) batches.push(b);
      expect(batches.map((b) => b.body.statements.length)).toEqual([3]);
      // Skipping from the start serves a later batch without reading the earlier ones.
      const all = [];
      for await (const st of source.statementsOfReasons(period)) all.push(st.puid);
      const tail = [];
      for await (const st of source.statementsOfReasons(period, { skip: 1 })) tail.push(st.puid);
      expect(tail).toEqual(all.slice(1));
      const none = [];
      for await (const st of source.statementsOfReasons(period, { skip: 3 })) none.push(st);
      expect(none).toEqual([]);
      expect(batches[0]?.body.statements.map((s) => s.category).sort()).toEqual(['STATEMENT_CATEGORY_CYBER_VIOLENCE', 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS']);
    });

    it('shows another tenant nothing of this one', async () => {
      const theirs = await computeTransparencyReport(new StoreTransparencySource(store, other), period, { clock });
      expect(theirs.childSafety.accounts.total).toBe(1);
      expect(theirs.eu.notices.total.received).toBe(0);
      expect(theirs.childSafety.alerts.total).toBe(0);
      expect(theirs.eu.averageMonthlyRecipients.eu).toBeNull();
      const regulator = new RegulatorStore(store);
      expect(await regulator.listRecipients(other, '2000-01', '2100-12')).toEqual([]);
    });

    it('keeps a breach register with its history and penalty', async () => {
      const regulator = new RegulatorStore(store);
      const { input, penaltyResult } = validateBreachInput({
        ruleId: 'DEF-05',
        period: { from: T0_DAY, to: T0_DAY },
        summary: 'Strangers could message children for a week.',
        evidence: [{ kind: 'conformance', reference: 'cr_1', description: 'conformance run failed DEF-05' }],
        penalty: { regime: 'UK-OSA', qualifyingWorldwideRevenue: 250_000_000 },
      });
      const breach = await regulator.recordBreach(tenant, { ...input, status: 'open', penaltyResult, history: [], recordedAt: '2026-04-01T00:00:00.000Z', recordedBy: 'admin', updatedAt: '2026-04-01T00:00:00.000Z' });
      expect(breach.penaltyResult?.maximum).toBe(25_000_000);
      await regulator.updateBreach(tenant, transitionBreach(breach, 'provisional', 'admin', '2026-04-02T00:00:00.000Z', 's.130 notice'));
      const back = await regulator.getBreach(tenant, breach.id);
      expect(back).toMatchObject({ status: 'provisional', history: [{ status: 'provisional', note: 's.130 notice' }], evidence: input.evidence });
      expect(await regulator.getBreach(other, breach.id)).toBeUndefined();
      expect((await regulator.listBreaches(tenant)).map((b) => b.id)).toEqual([breach.id]);
      await expect(regulator.updateBreach(other, back!)).rejects.toMatchObject({ code: 'not_found' });
    });

    it('records disclosures and answers whether something was disclosed', async () => {
      const regulator = new RegulatorStore(store);
      const Q1_MARCH = { from: '2026-03-01', to: '2026-03-31' };
      expect(await regulator.isDisclosed(tenant, 'transparency', { period: Q1_MARCH })).toBe(false);
      const d = await regulator.createDisclosure(tenant, { kind: 'transparency', period: { from: '2026-01-01', to: '2026-06-30' }, createdBy: 'admin' });
      expect(await regulator.isDisclosed(tenant, 'transparency', { period: Q1_MARCH })).toBe(true);
      expect(await regulator.isDisclosed(tenant, 'transparency', { period: { from: '2026-03-01', to: '2026-07-31' } })).toBe(false);
      expect(await regulator.isDisclosed(other, 'transparency', { period: Q1_MARCH })).toBe(false);
      await regulator.createDisclosure(tenant, { kind: 'bundle', reference: 'bd_x', createdBy: 'admin' });
      expect(await regulator.isDisclosed(tenant, 'bundle', { reference: 'bd_x' })).toBe(true);
      expect(await regulator.isDisclosed(tenant, 'bundle', { reference: 'bd_y' })).toBe(false);
      expect(await regulator.revokeDisclosure(tenant, d.id)).toBe(true);
      expect(await regulator.isDisclosed(tenant, 'transparency', { period: Q1_MARCH })).toBe(false);
      expect(await regulator.revokeDisclosure(other, d.id)).toBe(false);
    });

    it('stores conformance runs', async () => {
      const regulator = new RegulatorStore(store);
      const run = await regulator.saveConformanceRun(
        tenant,
        { target: 'http://x', startedAt: T0.toISOString(), finishedAt: at(1).toISOString(), results: [{ ruleId: 'DEF-05', title: 't', status: 'fail', reason: 'r', evidence: [] }] },
        'admin',
      );
      expect(run.summary).toEqual({ pass: 0, fail: 1, notApplicable: 0 });
      expect((await regulator.getConformanceRun(tenant, run.id))?.results[0]?.ruleId).toBe('DEF-05');
      expect(await regulator.getConformanceRun(other, run.id)).toBeUndefined();
    });

    it('builds a signed bundle from the store that verifies offline, and stores it', async () => {
      const regulator = new RegulatorStore(store);
      const files = new Map<string, Buffer[]>();
      const built = await regulator.buildBundle(
        tenant,
        { period, scope: ['audit', 'decisions', 'transparency', 'statements', 'cases', 'referrals', 'breaches', 'conformance', 'policy'], createdBy: 'admin', report },
        {
          file: (n) => {
            files.set(n, []);
            return (c) => void files.get(n)!.push(Buffer.from(c));
          },
        },
      );
      const all = new Map<string, Uint8Array>([...files].map(([n, parts]) => [n, Buffer.concat(parts)]));
      all.set(MANIFEST_FILE, Buffer.from(built.manifestText));
      all.set(SIGNATURE_FILE, Buffer.from(built.signature));
      const verified = await verifyBundle(memoryReader(all), (await regulator.signingKey(tenant)).fingerprint);
      expect(verified.problems).toEqual([]);
      const records = Object.fromEntries(built.manifest.files.map((f) => [f.name, f.records]));
      expect(records).toMatchObject({ 'data/decision-stats.jsonl': 3, 'data/statements-of-reasons.jsonl': 3, 'data/transparency-report.jsonl': 1, 'data/appeals.jsonl': 1, 'data/breaches.jsonl': 1, 'data/conformance.jsonl': 1 });
      expect(built.manifest.auditChain).toEqual(await store.auditHead(tenant));
      // Stored, read back byte for byte, and invisible to the other tenant.
      const text = new Map([...all].filter(([n]) => n.startsWith('data/')).map(([n, b]) => [n, Buffer.from(b).toString('utf8')]));
      const saved = await regulator.saveBundle(tenant, { ...built, files: text });
      expect(saved.bytes).toBe(built.manifest.files.reduce((s, f) => s + f.bytes, 0));
      expect(await regulator.readBundleFile(tenant, saved.id, 'data/audit.jsonl')).toBe(text.get('data/audit.jsonl'));
      expect(await regulator.readBundleFile(other, saved.id, 'data/audit.jsonl')).toBeUndefined();
      expect(await regulator.getBundle(other, saved.id)).toBeUndefined();
      // The signing key is stable, and only its public half is listed.
      expect((await regulator.publicKeys(tenant)).map((k) => k.fingerprint)).toEqual([(await regulator.signingKey(tenant)).fingerprint]);
    });

    it('owns tables that all lead with tenant_id', async () => {
      for (const table of REGULATOR_TABLES) {
        const rows = await subject.db.selectFrom(table).selectAll().where('tenant_id', '=', other).execute();
        expect(Array.isArray(rows)).toBe(true);
      }
    });
  });
}

/**
 * The case store contract, run against SQLite and PostgreSQL alike: intake (reports and alerts
 * merging into one case per account, idempotently), the queue order and keyset pages, exclusive
 * expiring locks, decisions with valid statements of reasons, strikes, appeals, referrals,
 * retention with legal holds, the webhook outbox, statistics and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { normalizeReport, validateStatementOfReasons, type IntakeReport } from '@safeguard/cases';
import { CaseStore, openCaseFromAlert, CASE_TABLES, canonicalDigest, type CaseAlertInput } from '../src/cases-store.js';
import type { Database } from '../src/schema.js';
import type { SafeguardStore } from '../src/store.js';

export interface CaseStoreUnderTest {
  readonly store: SafeguardStore;
  readonly db: Kysely<Database>;
  cleanup(): Promise<void>;
}

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const year = (age: number): string => `${2026 - age}-01-15`;

export function runCaseStoreContract(name: string, open: () => Promise<CaseStoreUnderTest>): void {
  describe(`case store contract: ${name}`, () => {
    let subject: CaseStoreUnderTest;
    let store: SafeguardStore;
    let cases: CaseStore;
    let tenant: string;
    let other: string;

    const alert = (id: string, accountId: string, extra: Partial<CaseAlertInput> = {}): CaseAlertInput => ({
      alertId: id,
      kind: 'grooming',
      accountId,
      otherAccountIds: ['kid-13'],
      conversationId: `conv-${accountId}`,
      score: 0.93,
      signals: [
        { type: 'age-probe', message: 1, participant: accountId },
        { type: 'media-request', message: 3, participant: accountId },
      ],
      timeline: [
        { index: 0, from: accountId, ts: '2026-03-01T09:00:00Z', text: 'hey' },
        { index: 1, from: accountId, ts: '2026-03-01T09:01:00Z', text: 'how old r u' },
        { index: 2, from: 'kid-13', ts: '2026-03-01T09:02:00Z', text: '13' },
        { index: 3, from: accountId, ts: '2026-03-01T09:03:00Z', text: 'send a pic' },
      ],
      raisedAt: T0.toISOString(),
      ...extra,
    });

    const report = (reporter: string, about: string, reason: string): IntakeReport => ({
      reporter: { kind: 'user', typeId: 'user', id: reporter },
      reportedAt: '2026-03-01T09:30:00Z',
      reportedForReason: { policyId: reason, reason: 'free text from the reporter' },
      reportedItem: { id: `post-${about}`, typeId: 'post', data: { text: 'nasty words', creatorId: about, createdAt: '2026-03-01T09:20:00Z' } },
    });

    const file = (reporter: string, about: string, reason: string, key: string, now = T0) => {
      const body = report(reporter, about, reason);
      return cases.submitReport(tenant, { report: normalizeReport(body), idempotencyKey: key, bodyDigest: canonicalDigest(body), actor: 'test' }, now);
    };

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
      cases = new CaseStore(store);
      tenant = (await store.createTenant('cases-a')).id;
      other = (await store.createTenant('cases-b')).id;
      for (const [id, age, jurisdiction] of [
        ['kid-13', 13, 'UK'],
        ['kid-15', 15, 'EU'],
        ['adult-1', 34, 'US'],
        ['adult-2', 40, 'EU'],
        ['adult-3', 29, 'EU'],
        ['adult-4', 51, 'UK'],
        ['adult-5', 45, 'EU'],
        ['adult-6', 38, 'EU'],
      ] as const) {
        await store.upsertAccount(tenant, { id, birthDate: year(age), jurisdiction });
      }
    });
    afterAll(async () => {
      await subject.cleanup();
    });

    describe('intake', () => {
      it('opens a critical case from a grooming alert with a child involved, keeping the evidence', async () => {
        const result = await openCaseFromAlert(store, tenant, alert('al-1', 'adult-1'), { now: at(1) });
        expect(result).toMatchObject({ created: true, duplicate: false, severity: 'critical', slaDueAt: at(60).toISOString() });
        const detail = await cases.caseDetail(tenant, result.caseId, at(1).getTime());
        expect(detail?.case).toMatchObject({ subjectAccountId: 'adult-1', status: 'open', primaryReason: 'grooming', involvesChild: true, alertCount: 1, sources: ['detection'] });
        expect(detail?.participants).toEqual(
          expect.arrayContaining([
            { accountId: 'adult-1', roles: ['subject'] },
            { accountId: 'kid-13', roles: ['counterpart'] },
          ]),
        );
        expect(detail?.alerts[0]?.signals.map((s) => s.type)).toEqual(['age-probe', 'media-request']);
        const evidence = await cases.listEvidence(tenant, result.caseId);
        expect(evidence.items.map((e) => [e.messageIndex, e.flagged, e.text])).toEqual([
          [0, false, 'hey'],
          [1, true, 'how old r u'],
          [2, false, '13'],
          [3, true, 'send a pic'],
        ]);
        expect(evidence.items[0]?.retainUntilMs).toBe(at(1).getTime() + 365 * 86_400_000);
      });

      it('is idempotent per alert id, and merges further alerts about the account', async () => {
        const again = await openCaseFromAlert(store, tenant, alert('al-1', 'adult-1'), { now: at(2) });
        expect(again).toMatchObject({ duplicate: true, created: false });
        const more = await openCaseFromAlert(store, tenant, alert('al-2', 'adult-1', { kind: 'contact-risk', otherAccountIds: ['kid-15'], timeline: [] }), { now: at(3) });
        expect(more).toMatchObject({ created: false, duplicate: false, caseId: again.caseId });
        const c = await cases.getCase(tenant, again.caseId);
        expect(c).toMatchObject({ alertCount: 2, reasons: ['grooming', 'contact-risk'], severity: 'critical', slaDueMs: at(60).getTime() });
        const evidence = await cases.listEvidence(tenant, again.caseId);
        expect(evidence.items).toHaveLength(4);
      });

      it('files a report, merges it with the open case, and escalates a lower case', async () => {
        const first = await file('kid-15', 'adult-2', 'bullying', 'rk-1', at(0));
        expect(first).toMatchObject({ created: true, caseCreated: true });
        // A child reported it: bullying with a child involved is high.
        expect(first.case.severity).toBe('high');
        expect(first.report).toMatchObject({ reporterIsChild: true, reasonCode: 'bullying', reporterKind: 'user' });
        const escalated = await openCaseFromAlert(store, tenant, alert('al-3', 'adult-2', { raisedAt: at(5) }), { now: at(5) });
        expect(escalated).toMatchObject({ caseId: first.case.id, created: false, severity: 'critical' });
        const c = await cases.getCase(tenant, first.case.id);
        expect(c).toMatchObject({ primaryReason: 'grooming', reportCount: 1, alertCount: 1 });
        expect(c?.slaDueMs).toBe(at(65).getTime());
        const detail = await cases.caseDetail(tenant, first.case.id);
        expect(detail?.events.map((e) => e.type)).toEqual(['case.opened', 'report.added', 'case.escalated', 'alert.added']);
      });

      it('replays a duplicate report, refuses a reused key with another body, and unknown accounts', async () => {
        const again = await file('kid-15', 'adult-2', 'bullying', 'rk-1', at(9));
        expect(again.created).toBe(false);
        await expect(file('kid-15', 'adult-2', 'hate', 'rk-1')).rejects.toMatchObject({ code: 'conflict' });
        await expect(file('kid-15', 'nobody', 'hate', 'rk-2')).rejects.toMatchObject({ code: 'unknown_account', details: { accounts: ['nobody'] } });
        const count = await subject.db.selectFrom('case_reports').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenant).executeTakeFirstOrThrow();
        expect(Number(count.n)).toBe(1);
      });

      it('keeps one open case per account under concurrent intake', async () => {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => new CaseStore(store).openCaseFromAlert(tenant, alert(`race-${i}`, 'adult-6', { kind: 'contact-risk', timeline: [], raisedAt: at(6) }), at(6))),
        );
        expect(new Set(results.map((r) => r.caseId)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect((await cases.getCase(tenant, results[0]!.caseId))?.alertCount).toBe(8);
      });
    });

    describe('queue', () => {
      it('orders by severity, then SLA deadline, with keyset pages that neither skip nor repeat', async () => {
        await file('adult-4', 'adult-3', 'spam', 'rk-spam', at(10));
        await file('adult-4', 'adult-5', 'hate', 'rk-hate', at(11));
        const all = [];
        let cursor: string | null = null;
        do {
          const page = await cases.listQueue(tenant, { limit: 2, cursor }, at(12).getTime());
          all.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        const keys = all.map((c) => [c.severityRank, c.slaDueMs, c.id] as const);
        const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]));
        expect(keys).toEqual(sorted);
        expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
        expect(all[0]?.subjectAccountId).toBe('adult-1');
        expect(all.at(-1)?.primaryReason).toBe('spam');
        const counts = await cases.queueCounts(tenant, at(61).getTime());
        // adult-1 (due at +60 min), adult-2 (+65) and adult-6 (contact risk with a child, score 0.93: +66).
        expect(counts.critical).toEqual({ open: 3, breached: 1, unassigned: 3 });
        expect(counts.low.open).toBe(1);
        await expect(cases.listQueue(tenant, { cursor: 'garbage' }, 0)).rejects.toMatchObject({ code: 'validation_failed' });
      });
    });

    describe('assignment locks', () => {
      it('are exclusive, renewable, expire, and only the holder (or force) releases', async () => {
        const top = (await cases.listQueue(tenant, { limit: 1 }, at(20).getTime())).items[0]!;
        const lock = await cases.assign(tenant, top.id, 'mod-a', at(20));
        expect(lock.expiresAtMs).toBe(at(35).getTime());
        await expect(cases.assign(tenant, top.id, 'mod-b', at(21))).rejects.toMatchObject({ code: 'conflict', details: { assignee: 'mod-a' } });
        expect((await cases.assign(tenant, top.id, 'mod-a', at(30))).expiresAtMs).toBe(at(45).getTime());
        await expect(cases.release(tenant, top.id, 'mod-b', {}, at(31))).rejects.toMatchObject({ code: 'forbidden' });
        // Expired: another moderator may take it.
        expect((await cases.assign(tenant, top.id, 'mod-b', at(46))).assignee).toBe('mod-b');
        expect(await cases.release(tenant, top.id, 'mod-a', { force: true }, at(47))).toBe(true);
        const mine = await cases.claimNext(tenant, 'mod-c', {}, at(48));
        expect(mine?.id).toBe(top.id);
        const next = await cases.claimNext(tenant, 'mod-d', {}, at(48));
        expect(next?.id).not.toBe(top.id);
        const held = await cases.listQueue(tenant, { assignee: { kind: 'holder', who: 'mod-c' } }, at(49).getTime());
        expect(held.items.map((c) => c.id)).toEqual([top.id]);
        await cases.release(tenant, top.id, 'mod-c', {}, at(49));
        await cases.release(tenant, next!.id, 'mod-d', {}, at(49));
      });
    });

    describe('decisions, appeals, referrals', () => {
      let groomingCase = '';
      let banDecision = '';

      it('previews and then bans with a valid statement of reasons, strikes and a held webhook', async () => {
        groomingCase = (await cases.listQueue(tenant, { limit: 1 }, at(50).getTime())).items[0]!.id;
        await cases.assign(tenant, groomingCase, 'mod-a', at(50));
        await expect(cases.decide(tenant, groomingCase, 'mod-b', { action: 'ban' }, at(51))).rejects.toMatchObject({ code: 'conflict' });
        const preview = await cases.previewDecision(tenant, groomingCase, 'mod-a', { action: 'ban', facts: 'Repeated sexual requests to a 13-year-old.' }, at(51));
        expect(preview.validation.valid).toBe(true);
        expect(preview.suggestedAction).toBe('refer_law_enforcement');
        const result = await cases.decide(tenant, groomingCase, 'mod-a', { action: 'ban', facts: 'Repeated sexual requests to a 13-year-old.' }, at(52));
        banDecision = result.decision.id;
        expect(validateStatementOfReasons(result.statementOfReasons)).toEqual({ valid: true, errors: [] });
        expect(result.statementOfReasons).toMatchObject({
          puid: banDecision,
          decision_account: 'DECISION_ACCOUNT_TERMINATED',
          category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
          automated_detection: 'Yes',
          content_type: ['CONTENT_TYPE_TEXT'],
          content_date: '2026-03-01',
        });
        expect(result.strikes).toEqual({ before: 0, added: 5, after: 5 });
        expect(result.webhookDeliveries).toBe(1);
        const c = await cases.getCase(tenant, groomingCase);
        expect(c).toMatchObject({ status: 'decided', assignee: null, latestAction: 'ban', firstDecisionMs: at(52).getTime() });
        await expect(cases.decide(tenant, groomingCase, 'mod-a', { action: 'warn' }, at(53))).rejects.toMatchObject({ code: 'conflict' });
        const held = await cases.listDeliveries(tenant, { status: 'held' });
        expect(held.items.map((d) => d.eventType)).toEqual(['case.decided']);
        expect(await cases.activeStrikes(tenant, 'adult-1', at(53).getTime())).toBe(5);
      });

      it('refers child sexual exploitation to NCMEC and, when UK-linked, to the NCA', async () => {
        await expect(
          cases.decide(tenant, (await cases.listQueue(tenant, { severity: 'low' }, at(54).getTime())).items[0]!.id, 'mod-a', { action: 'refer_law_enforcement' }, at(54)),
        ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'action' } });
        const groomed = (await cases.listQueue(tenant, { subject: 'adult-2' }, at(54).getTime())).items[0]!;
        const result = await cases.decide(tenant, groomed.id, 'mod-a', { action: 'refer_law_enforcement' }, at(55));
        // kid-13 is in the UK: NCMEC plus the NCA.
        expect(result.referrals.map((r) => r.target).sort()).toEqual(['nca', 'ncmec']);
        expect(result.referralIds).toHaveLength(2);
        const list = await cases.listReferrals(tenant, { status: 'queued' });
        const ncmec = list.items.find((r) => r.target === 'ncmec')!;
        expect(ncmec.incidentType).toBe('Online Enticement of Children for Sexual Acts');
        const exported = await cases.exportReferral(tenant, ncmec.id, 'admin', at(56));
        expect(exported.format).toBe('cybertipline-xml');
        expect(exported.content.indexOf('<incidentSummary>')).toBeLessThan(exported.content.indexOf('<internetDetails>'));
        expect(exported.content.indexOf('<internetDetails>')).toBeLessThan(exported.content.indexOf('<reporter>'));
        expect(exported.content).toContain('<csamSolicitation/>');
        expect(exported.content).toContain('send a pic');
        expect(exported.fileDetails).toEqual([]);
        expect(exported.missing).toHaveLength(1);
        expect(exported.referral.status).toBe('exported');
        const nca = list.items.find((r) => r.target === 'nca')!;
        const ncaExport = await cases.exportReferral(tenant, nca.id, 'admin', at(56));
        const ncaJson = JSON.parse(ncaExport.content) as { ukLink: unknown; victims: unknown[] };
        expect(ncaJson.ukLink).toMatchObject({ grounds: ['victim-in-uk'] });
        // The child in the conversation and the child who reported.
        expect(ncaJson.victims).toEqual(
          expect.arrayContaining([expect.objectContaining({ platformUserId: 'kid-13', ageBand: '13-15', age: 13 }), expect.objectContaining({ platformUserId: 'kid-15' })]),
        );
        const submitted = await cases.markReferralSubmitted(tenant, ncmec.id, 'admin', 'CT-123456', at(60 * 24));
        expect(submitted.status).toBe('submitted');
        const evidence = await cases.listEvidence(tenant, groomed.id);
        expect(Math.min(...evidence.items.map((e) => e.retainUntilMs))).toBe(at(60 * 24).getTime() + 365 * 86_400_000);
      });

      it('takes appeals only from the reported user or a reporter, idempotently', async () => {
        await expect(
          cases.lodgeAppeal(tenant, { externalId: 'pa-0', decisionId: banDecision, appellantId: 'adult-5', appellantTypeId: 'user', actor: 'p' }, at(60)),
        ).rejects.toMatchObject({ code: 'forbidden' });
        const first = await cases.lodgeAppeal(tenant, { externalId: 'pa-1', decisionId: banDecision, appellantId: 'adult-1', appellantTypeId: 'user', reasonText: 'mistake', actor: 'p' }, at(60));
        expect(first).toMatchObject({ created: true, appeal: { status: 'pending', appellantRole: 'reported-user', originalAction: 'ban' } });
        const again = await cases.lodgeAppeal(tenant, { externalId: 'pa-1', decisionId: banDecision, appellantId: 'adult-1', appellantTypeId: 'user', actor: 'p' }, at(61));
        expect(again).toMatchObject({ created: false, appeal: { id: first.appeal.id } });
        expect((await cases.listAppeals(tenant, { status: 'pending' })).items.map((a) => a.id)).toEqual([first.appeal.id]);
      });

      it('decides appeals: not by the original moderator; reversed revokes strikes and records handling time', async () => {
        const appeal = (await cases.listAppeals(tenant, {})).items[0]!;
        await expect(cases.decideAppeal(tenant, appeal.id, 'mod-a', { outcome: 'reversed' }, at(120))).rejects.toMatchObject({ code: 'conflict' });
        await expect(cases.decideAppeal(tenant, appeal.id, 'mod-b', { outcome: 'reversed', replacementAction: 'warn' }, at(120))).rejects.toMatchObject({
          code: 'validation_failed',
        });
        const decided = await cases.decideAppeal(tenant, appeal.id, 'mod-b', { outcome: 'reversed', explanation: 'Context showed a family member.' }, at(120));
        expect(decided.appeal).toMatchObject({ status: 'decided', outcome: 'reversed', handlingMs: 60 * 60_000 });
        expect((await cases.getDecision(tenant, banDecision))?.status).toBe('reversed');
        expect(await cases.activeStrikes(tenant, 'adult-1', at(121).getTime())).toBe(0);
        const outbox = await cases.listDeliveries(tenant, { status: 'held' });
        const appealEvent = outbox.items.find((d) => d.eventType === 'appeal.decided');
        expect(appealEvent).toBeTruthy();
        await expect(cases.decideAppeal(tenant, appeal.id, 'mod-c', { outcome: 'upheld' }, at(122))).rejects.toMatchObject({ code: 'conflict' });
      });

      it('replaces a decision on a partial reversal with a lighter one and its own statement', async () => {
        const c = (await cases.listQueue(tenant, { subject: 'adult-5' }, at(130).getTime())).items[0]!;
        const decision = await cases.decide(tenant, c.id, 'mod-a', { action: 'suspend', durationDays: 30 }, at(130));
        const { appeal } = await cases.lodgeAppeal(tenant, { externalId: 'pa-2', decisionId: decision.decision.id, appellantId: 'adult-5', appellantTypeId: 'user', actor: 'p' }, at(131));
        const result = await cases.decideAppeal(tenant, appeal.id, 'mod-b', { outcome: 'partially_reversed', replacementAction: 'warn' }, at(140));
        expect(result.replacement?.action).toBe('warn');
        expect(result.replacement?.validation.valid).toBe(true);
        expect((await cases.getDecision(tenant, decision.decision.id))?.status).toBe('superseded');
        expect((await cases.getCase(tenant, c.id))?.latestDecisionId).toBe(result.replacement?.decisionId);
        expect(await cases.activeStrikes(tenant, 'adult-5', at(141).getTime())).toBe(1);
      });
    });

    describe('retention and legal holds', () => {
      it('deletes decided-case evidence after retention, never under a hold or while open', async () => {
        const decided = (await cases.listQueue(tenant, { status: 'decided', subject: 'adult-5' }, 0)).items[0]!;
        const hold = await cases.placeHold(tenant, decided.id, 'admin', { reason: 'Police preservation request', reference: 'PR-1' }, at(200));
        // Past the default year for the suspended case's evidence, inside the referred case's preservation.
        const later = new Date(T0.getTime() + 365.5 * 86_400_000);
        const first = await cases.sweepRetention(later, tenant);
        expect(first.keptUnderHold).toBeGreaterThanOrEqual(1);
        expect((await cases.listEvidence(tenant, decided.id)).items.length).toBeGreaterThan(0);
        await cases.releaseHold(tenant, hold.id, 'admin', at(300));
        const second = await cases.sweepRetention(later, tenant);
        expect(second.evidenceDeleted).toBeGreaterThan(0);
        expect((await cases.listEvidence(tenant, decided.id)).items).toEqual([]);
        expect((await cases.caseDetail(tenant, decided.id))?.reports[0]?.reasonText).toBeNull();
        // The open spam case keeps its evidence however old.
        const open = (await cases.listQueue(tenant, { severity: 'low' }, 0)).items[0]!;
        expect((await cases.listEvidence(tenant, open.id)).items.length).toBeGreaterThan(0);
        // The referred case is preserved a year from submission (day 1): still there at day 365.5.
        const referred = (await cases.listQueue(tenant, { status: 'decided', subject: 'adult-2' }, 0)).items[0]!;
        expect((await cases.listEvidence(tenant, referred.id)).items.length).toBeGreaterThan(0);
      });
    });

    describe('webhook outbox', () => {
      it('holds events until an endpoint exists, then leases, retries and delivers them', async () => {
        const endpoint = await cases.createEndpoint(tenant, { url: 'http://127.0.0.1:9/hook', secret: 'whsec_test' }, at(400));
        const pending = await cases.listDeliveries(tenant, { status: 'pending' });
        expect(pending.items.length).toBeGreaterThanOrEqual(3);
        expect(pending.items.every((d) => d.endpointId === endpoint.id)).toBe(true);
        const nowMs = at(401).getTime();
        const claimed = await cases.claimDueDeliveries(nowMs, 100, 30_000);
        expect(claimed.filter((d) => d.tenantId === tenant)).toHaveLength(pending.items.length);
        expect(await cases.claimDueDeliveries(nowMs + 1000, 100, 30_000)).toEqual([]);
        const [a, b] = claimed;
        await cases.markFailed(tenant, a!.id, { status: 500, error: 'boom' }, nowMs + 60_000);
        await cases.markDelivered(tenant, b!.id, 204, at(402));
        // Leases run out (a crashed node): the rest come back.
        const again = await cases.claimDueDeliveries(nowMs + 31_000, 100, 30_000);
        expect(again.map((d) => d.id)).not.toContain(a!.id);
        expect(again.map((d) => d.id)).not.toContain(b!.id);
        expect((await cases.claimDueDeliveries(nowMs + 120_000, 100, 30_000)).map((d) => d.id)).toContain(a!.id);
        const delivered = await cases.listDeliveries(tenant, { status: 'delivered' });
        expect(delivered.items).toMatchObject([{ id: b!.id, lastStatus: 204, attempts: 1 }]);
        expect(JSON.parse(claimed.find((d) => d.eventType === 'case.decided')!.payload)).toMatchObject({ type: 'case.decided', data: { action: { id: 'ban' } } });
      });
    });

    describe('statistics and isolation', () => {
      it('computes volumes, handling times and SLA breaches', async () => {
        const stats = await cases.stats(tenant, at(-60).getTime(), at(60 * 24 * 2).getTime(), at(60 * 24 * 2).getTime());
        expect(stats.decisions.reduce((n, d) => n + d.count, 0)).toBe(4);
        expect(stats.handlingTimes.all?.count).toBe(3);
        expect(stats.appeals).toMatchObject({ lodged: 2, decided: 2, outcomes: { reversed: 1, partially_reversed: 1 } });
        expect(stats.referrals.reduce((n, r) => n + r.count, 0)).toBe(2);
        expect(stats.casesOpened.reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(5);
        expect(stats.slaBreaches.reduce((n, r) => n + r.decided, 0)).toBe(3);
        // Opened counts follow escalations: adult-2's bullying case became critical.
        expect(stats.casesOpened.filter((r) => r.severity === 'critical').reduce((n, r) => n + r.count, 0)).toBe(3);
      });

      it('keeps daily counts equal to what a rebuild from the case tables gives', async () => {
        const read = async () =>
          (await subject.db.selectFrom('case_daily_counts').select(['day', 'metric', 'key', 'count']).where('tenant_id', '=', tenant).execute())
            .filter((r) => Number(r.count) !== 0)
            .map((r) => `${r.day}|${r.metric}|${r.key}|${Number(r.count)}`)
            .sort();
        const incremental = await read();
        await cases.rebuildDailyCounts(tenant);
        expect(await read()).toEqual(incremental);
        expect(incremental.some((r) => r.includes('|alert|grooming|'))).toBe(true);
      });

      it('never shows one tenant another tenant\'s cases', async () => {
        const mine = (await cases.listQueue(tenant, {}, 0)).items[0]!;
        expect(await cases.getCase(other, mine.id)).toBeUndefined();
        expect(await cases.caseDetail(other, mine.id)).toBeUndefined();
        expect((await cases.listQueue(other, {}, 0)).items).toEqual([]);
        await expect(cases.assign(other, mine.id, 'x', at(500))).rejects.toMatchObject({ code: 'not_found' });
        await expect(cases.decide(other, mine.id, 'x', { action: 'warn' }, at(500))).rejects.toMatchObject({ code: 'not_found' });
        for (const table of CASE_TABLES) {
          const rows = await subject.db.selectFrom(table).select('tenant_id').where('tenant_id', '=', other).execute();
          expect(rows, table).toEqual([]);
        }
      });
    });
  });
}

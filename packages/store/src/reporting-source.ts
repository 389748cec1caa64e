/**
 * The store-backed TransparencySource: every transparency figure computed from what the store holds,
 * read page by page (keyset pagination, one page in memory), never typed in.
 *
 * Backed by real tables:
 *   accounts              accounts + settings, resolved by the tenant's policy at the end of the period
 *   settingsChanges       audit entries 'settings.change' (the hash-chained audit log)
 *   decisionCounts        decision_stats
 *   notices, orders       case_reports (users and trusted flaggers; authorities = Art 9 orders) with
 *                         the first decision of their case
 *   moderationDecisions   case_decisions that restrict something (their statements of reasons)
 *   complaints            case_appeals
 *   suspensions           case_decisions 'suspend' on the basis of law, warned = earlier strikes
 *   alerts                case_alerts (alerts that reached a case) + detection alerts that never did
 *   hashMatches           hash matches carried by case_alerts
 *   referrals             case_referrals (NCMEC, NCA)
 *   moderationStaff       distinct people deciding cases and appeals per month (languages not recorded)
 *   monthlyActiveRecipients  transparency_recipients (reported by the platform, DSA Art 24(2))
 * Not collected (yield nothing; `coverage()` says so, and reports print "not collected", never 0):
 *   outOfCourtDisputes    no out-of-court dispute table exists yet
 *   hashMatchLog()        kept for matches that raise no alert; today every match at upload
 *                         (POST /v1/media) raises one, so case_alerts already holds them all
 *
 * Account ids are read to join rows and never leave this module.
 */
import { SafeguardError, type AgeBand } from '@safeguard/core';
import { reasonOrOther } from '@safeguard/cases';
import { createPolicyEngine, findSetting, isHighlyEffective, looseness, parseIsoDate, type PolicyEngine } from '@safeguard/policy';
import {
  periodMonths,
  type AccountFact,
  type AlertFact,
  type Automation,
  type Basis,
  type ComplaintFact,
  type DecisionCountFact,
  type DecisionSource,
  type DetectionMethod,
  type DisputeFact,
  type HashMatchFact,
  type ModerationDecisionFact,
  type NoticeFact,
  type OrderFact,
  type OriginalDecisionType,
  type RecipientsFact,
  type ReferralFact,
  type ReportingPeriod,
  type SettingsChangeFact,
  type SorCategory,
  type StaffFact,
  type StatementOfReasons,
  type StreamCoverage,
  type StreamName,
  type SuspensionFact,
  type TransparencySource,
} from '@safeguard/reporting';
import { sql } from 'kysely';
import type { SafeguardStore } from './store.js';

const PAGE = 2000;
const IN_CHUNK = 400;

function* chunks<T>(items: readonly T[], size = IN_CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

const msOf = (iso: string): number => Date.parse(iso);
const isoOf = (ms: number | string): string => new Date(Number(ms)).toISOString();
const basisOf = (b: string): Basis => (b === 'illegal' ? 'LAW' : 'TERMS');

const SOURCE_OF_SOR: Readonly<Record<string, DecisionSource>> = {
  SOURCE_ARTICLE_16: 'ART16_NOTICE',
  SOURCE_TRUSTED_FLAGGER: 'TRUSTED_FLAGGER',
  SOURCE_TYPE_OTHER_NOTIFICATION: 'AUTHORITY_ORDER',
  SOURCE_VOLUNTARY: 'OWN_INITIATIVE',
};
const AUTOMATION_OF_SOR: Readonly<Record<string, Automation>> = {
  AUTOMATED_DECISION_FULLY: 'FULLY',
  AUTOMATED_DECISION_PARTIALLY: 'PARTIALLY',
  AUTOMATED_DECISION_NOT_AUTOMATED: 'NOT',
};
const ORIGINAL_DECISION: Readonly<Record<string, OriginalDecisionType>> = {
  no_action: 'no_action',
  warn: 'other',
  remove_content: 'visibility',
  restrict: 'provision',
  suspend: 'account',
  ban: 'account',
  refer_law_enforcement: 'account',
};
const OUTCOME: Readonly<Record<string, ComplaintFact['outcome']>> = { upheld: 'UPHELD', reversed: 'REVERSED', partially_reversed: 'PARTIALLY_REVERSED' };

function referralKind(incidentType: string): string {
  if (/pornography/i.test(incidentType)) return 'CSAM';
  if (/enticement/i.test(incidentType)) return 'ENTICEMENT';
  if (/trafficking/i.test(incidentType)) return 'TRAFFICKING';
  if (/obscene/i.test(incidentType)) return 'OBSCENE_MATERIAL_TO_CHILD';
  return 'OTHER';
}

function detectionOf(kinds: readonly string[]): DetectionMethod {
  if (kinds.includes('hash-match')) return 'HASH_MATCH';
  return kinds.length > 0 ? 'CLASSIFIER' : 'HUMAN_PROACTIVE';
}

interface ReportRow {
  id: string;
  case_id: string;
  reporter_kind: string;
  reporter_is_child: number;
  reason_code: string;
  received_ms: number;
  order_member_state: string | null;
}
interface DecisionRow {
  id: string;
  case_id: string;
  subject_account_id: string;
  action: string;
  basis: string;
  decided_at: string;
  decided_ms: number;
  sor: string;
}
interface CaseAlertRow {
  alert_id: string;
  case_id: string;
  kind: string;
  hash_matches: string;
  received_ms: number;
}
type CaseFacts = Map<string, { involvesChild: boolean; openedAt: string }>;

interface FirstDecision {
  readonly at: string;
  readonly ms: number;
  readonly action: string;
  readonly basis: string;
}

export class StoreTransparencySource implements TransparencySource {
  readonly description: string;
  private engine: PolicyEngine | undefined;

  constructor(
    private readonly store: SafeguardStore,
    private readonly tenantId: string,
    options: { description?: string; now?: () => Date } = {},
  ) {
    this.description = options.description ?? tenantId;
    this.now = options.now ?? (() => new Date());
    this.cutoff = this.now().toISOString();
  }

  private readonly now: () => Date;
  /**
   * Rows stamped after the source was created are left out, so a report of the running period read
   * while the platform keeps writing still reconciles: streams and control totals see the same rows.
   */
  private readonly cutoff: string;

  /** The exclusive upper bound of every query: the period end, or the cutoff if earlier. */
  private end(period: ReportingPeriod): string {
    return period.end < this.cutoff ? period.end : this.cutoff;
  }

  private get db(): SafeguardStore['db'] {
    return this.store.db;
  }

  private async policy(): Promise<PolicyEngine> {
    if (!this.engine) {
      const tenant = await this.store.getTenant(this.tenantId);
      if (!tenant) throw new SafeguardError('not_found', 'No such tenant');
      this.engine = createPolicyEngine(tenant.policy);
    }
    return this.engine;
  }

  /** The instant accounts are resolved at: the end of the period, or now if it has not ended. */
  private asOf(period: ReportingPeriod): Date {
    return new Date(msOf(this.end(period)) - 1);
  }

  coverage(): Promise<Partial<Record<StreamName, StreamCoverage>>> {
    return Promise.resolve({
      outOfCourtDisputes: { collected: false, note: 'out-of-court disputes (DSA Art 21) are not recorded in Safeguard yet' },
      orders: { collected: true, note: 'Art 9 orders from authority reports; Art 10 information orders are not recorded' },
      hashMatches: { collected: true, note: 'every block or review match at upload raises an alert; matches suppressed by an allow-list are not counted' },
      moderationStaff: { collected: true, note: 'people who decided cases or appeals each month; languages are not recorded' },
      monthlyActiveRecipients: { collected: true, note: 'reported by the platform (PUT /v1/transparency/recipients)' },
    });
  }

  // ---- accounts and settings -------------------------------------------------------------------

  async *accounts(period: ReportingPeriod): AsyncGenerator<AccountFact[]> {
    const engine = await this.policy();
    const asOf = this.asOf(period);
    let after = '';
    for (;;) {
      const rows = await this.db
        .selectFrom('accounts')
        .select(['id', 'created_at'])
        .where('tenant_id', '=', this.tenantId)
        .where('created_at', '<', this.end(period))
        .where('id', '>', after)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) return;
      const records = await this.store.getAccountRecords(
        this.tenantId,
        rows.map((r) => r.id),
      );
      const page: AccountFact[] = [];
      for (const row of rows) {
        const record = records.get(row.id);
        if (!record) continue;
        const account = engine.resolveAccount(record, asOf);
        let changed = 0;
        if (account.child) {
          for (const [key, setting] of engine.compiled(account.jurisdiction).settings) {
            if (account.settings[key] !== setting.childDefault) changed += 1;
          }
        }
        page.push({
          band: account.band,
          assuranceMethod: record.assuranceMethod ?? null,
          highlyEffective: isHighlyEffective(record.assuranceMethod),
          treatedAsChild: account.child,
          jurisdiction: account.jurisdiction,
          createdAt: row.created_at,
          changedSettings: changed,
        });
      }
      yield page;
      after = rows[rows.length - 1]!.id;
      if (rows.length < PAGE) return;
    }
  }

  async *settingsChanges(period: ReportingPeriod): AsyncGenerator<SettingsChangeFact[]> {
    const engine = await this.policy();
    let after = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('audit_log')
        .select(['seq', 'at', 'target', 'details'])
        .where('tenant_id', '=', this.tenantId)
        .where('action', '=', 'settings.change')
        .where('at', '>=', period.start)
        .where('at', '<', this.end(period))
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) return;
      const records = await this.store.getAccountRecords(
        this.tenantId,
        rows.map((r) => r.target).filter((t): t is string => t !== null),
      );
      const page: SettingsChangeFact[] = [];
      for (const row of rows) {
        const d = JSON.parse(row.details) as { key?: string; from?: string | null; to?: string; changedBy?: string; ruleIds?: string[] };
        const record = row.target ? records.get(row.target) : undefined;
        // Erased accounts: child rules were cited only if the account was a child.
        const account = record ? engine.resolveAccount(record, new Date(row.at)) : null;
        const child = account ? account.child : (d.ruleIds?.length ?? 0) > 0;
        const def = d.key ? findSetting(d.key) : undefined;
        let direction: SettingsChangeFact['direction'] = 'unknown';
        if (def && d.to !== undefined && def.values.includes(d.to)) {
          const fromValue = d.from ?? (child ? (engine.compiled(account?.jurisdiction ?? 'other').settings.get(def.key)?.childDefault ?? def.childDefault) : def.adultDefault);
          const delta = looseness(def, d.to) - looseness(def, fromValue);
          direction = delta > 0 ? 'loosened' : delta < 0 ? 'tightened' : 'unchanged';
        }
        page.push({ at: row.at, key: d.key ?? 'unknown', direction, changedBy: d.changedBy === 'self' || d.changedBy === 'guardian' ? d.changedBy : 'other', child });
      }
      yield page;
      after = Number(rows[rows.length - 1]!.seq);
      if (rows.length < PAGE) return;
    }
  }

  async *decisionCounts(period: ReportingPeriod): AsyncGenerator<DecisionCountFact[]> {
    // A month of rows at a time: per day there are at most actions × outcomes × rules rows.
    for (const month of periodMonths(period)) {
      const from = `${month}-01` < period.from ? period.from : `${month}-01`;
      const to = `${month}-31` > period.to ? period.to : `${month}-31`;
      const rows = await this.db
        .selectFrom('decision_stats')
        .selectAll()
        .where('tenant_id', '=', this.tenantId)
        .where('day', '>=', from)
        .where('day', '<=', to)
        .execute();
      yield rows.map((r) => ({ day: r.day, action: r.action, outcome: r.outcome, ruleId: r.rule_id, count: Number(r.count) }));
    }
  }

  // ---- cases -----------------------------------------------------------------------------------

  /** The first decision of each case (not a decision replacing another after an appeal). */
  private async firstDecisions(caseIds: readonly string[]): Promise<Map<string, FirstDecision>> {
    const out = new Map<string, FirstDecision>();
    for (const part of chunks([...new Set(caseIds)])) {
      const rows = await this.db
        .selectFrom('case_decisions')
        .select(['case_id', 'decided_at', 'decided_ms', 'action', 'basis'])
        .where('tenant_id', '=', this.tenantId)
        .where('case_id', 'in', part)
        .where('origin_appeal_id', 'is', null)
        .orderBy('decided_ms')
        .orderBy('id')
        .execute();
      for (const r of rows) {
        if (!out.has(r.case_id)) out.set(r.case_id, { at: r.decided_at, ms: Number(r.decided_ms), action: r.action, basis: r.basis });
      }
    }
    return out;
  }

  private async caseFacts(caseIds: readonly string[]): Promise<CaseFacts> {
    const out = new Map<string, { involvesChild: boolean; openedAt: string }>();
    for (const part of chunks([...new Set(caseIds)])) {
      const rows = await this.db
        .selectFrom('cases')
        .select(['id', 'involves_child', 'opened_at'])
        .where('tenant_id', '=', this.tenantId)
        .where('id', 'in', part)
        .execute();
      for (const r of rows) out.set(r.id, { involvesChild: Boolean(r.involves_child), openedAt: r.opened_at });
    }
    return out;
  }

  private reportsQuery(period: ReportingPeriod, kinds: readonly string[]) {
    return this.db
      .selectFrom('case_reports')
      .where('tenant_id', '=', this.tenantId)
      .where('reporter_kind', 'in', [...kinds])
      .where('received_ms', '>=', msOf(period.start))
      .where('received_ms', '<', msOf(this.end(period)));
  }

  private async *reportPages(
    period: ReportingPeriod,
    kinds: readonly string[],
  ): AsyncGenerator<{ rows: ReportRow[]; decisions: Map<string, FirstDecision>; cases: CaseFacts }> {
    let after: { ms: number; id: string } | null = null;
    for (;;) {
      const cursor: { ms: number; id: string } | null = after;
      const rows: ReportRow[] = await this.reportsQuery(period, kinds)
        .select(['id', 'case_id', 'reporter_kind', 'reporter_is_child', 'reason_code', 'received_ms', 'order_member_state'])
        .where((eb) => (cursor ? eb.or([eb('received_ms', '>', cursor.ms), eb.and([eb('received_ms', '=', cursor.ms), eb('id', '>', cursor.id)])]) : eb.lit(true)))
        .orderBy('received_ms')
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) return;
      const caseIds = rows.map((r) => r.case_id);
      yield { rows, decisions: await this.firstDecisions(caseIds), cases: await this.caseFacts(caseIds) };
      const last = rows[rows.length - 1]!;
      after = { ms: Number(last.received_ms), id: last.id };
      if (rows.length < PAGE) return;
    }
  }

  async *notices(period: ReportingPeriod): AsyncGenerator<NoticeFact[]> {
    for await (const { rows, decisions, cases } of this.reportPages(period, ['user', 'trusted-flagger'])) {
      yield rows.map((r) => {
        const receivedMs = Number(r.received_ms);
        const d = decisions.get(r.case_id);
        const decided = d && d.ms >= receivedMs ? d : undefined;
        const reason = reasonOrOther(r.reason_code);
        return {
          id: r.id,
          receivedAt: isoOf(receivedMs),
          source: r.reporter_kind === 'trusted-flagger' ? 'TRUSTED_FLAGGER' : 'ART16_NOTICE',
          category: reason.code === 'other' ? null : reason.category,
          items: 1,
          concernsChild: Boolean(r.reporter_is_child) || (cases.get(r.case_id)?.involvesChild ?? false),
          automatedProcessing: false,
          decision: decided ? { at: decided.at, basis: decided.action === 'no_action' ? null : basisOf(decided.basis) } : null,
        } satisfies NoticeFact;
      });
    }
  }

  async *orders(period: ReportingPeriod): AsyncGenerator<OrderFact[]> {
    for await (const { rows, decisions } of this.reportPages(period, ['authority'])) {
      yield rows.map((r) => {
        const receivedMs = Number(r.received_ms);
        const d = decisions.get(r.case_id);
        const reason = reasonOrOther(r.reason_code);
        return {
          id: r.id,
          article: 9,
          memberState: r.order_member_state ?? 'unknown',
          category: reason.code === 'other' ? null : reason.category,
          items: 1,
          receivedAt: isoOf(receivedMs),
          acknowledgedAt: null,
          effectGivenAt: d && d.ms >= receivedMs && d.action !== 'no_action' ? d.at : null,
        } satisfies OrderFact;
      });
    }
  }

  private decisionsQuery(period: ReportingPeriod) {
    return this.db
      .selectFrom('case_decisions')
      .where('tenant_id', '=', this.tenantId)
      .where('sor_required', '=', 1)
      .where('decided_ms', '>=', msOf(period.start))
      .where('decided_ms', '<', msOf(this.end(period)));
  }

  private async *decisionRows(
    period: ReportingPeriod,
    extra?: (q: ReturnType<StoreTransparencySource['decisionsQuery']>) => ReturnType<StoreTransparencySource['decisionsQuery']>,
    skip = 0,
  ): AsyncGenerator<DecisionRow[]> {
    let after: { ms: number; id: string } | null = null;
    for (;;) {
      const cursor: { ms: number; id: string } | null = after;
      let query = this.decisionsQuery(period);
      if (extra) query = extra(query);
      const rows: DecisionRow[] = await query
        .select(['id', 'case_id', 'subject_account_id', 'action', 'basis', 'decided_at', 'decided_ms', 'sor'])
        .where((eb) => (cursor ? eb.or([eb('decided_ms', '>', cursor.ms), eb.and([eb('decided_ms', '=', cursor.ms), eb('id', '>', cursor.id)])]) : eb.lit(true)))
        .orderBy('decided_ms')
        .orderBy('id')
        .limit(PAGE)
        // The first page may start further in (the index skips rows without reading them); later
        // pages continue from the keyset cursor.
        .offset(cursor ? 0 : skip)
        .execute();
      if (rows.length === 0) return;
      yield rows;
      const last = rows[rows.length - 1]!;
      after = { ms: Number(last.decided_ms), id: last.id };
      if (rows.length < PAGE) return;
    }
  }

  async *moderationDecisions(period: ReportingPeriod): AsyncGenerator<ModerationDecisionFact[]> {
    for await (const rows of this.decisionRows(period)) {
      const caseIds = rows.map((r) => r.case_id);
      const cases = await this.caseFacts(caseIds);
      const alertKinds = new Map<string, string[]>();
      for (const part of chunks([...new Set(caseIds)])) {
        const alerts = await this.db.selectFrom('case_alerts').select(['case_id', 'kind']).where('tenant_id', '=', this.tenantId).where('case_id', 'in', part).execute();
        for (const a of alerts) alertKinds.set(a.case_id, [...(alertKinds.get(a.case_id) ?? []), a.kind]);
      }
      yield rows.map((r) => {
        const sor = JSON.parse(r.sor) as StatementOfReasons;
        const source = SOURCE_OF_SOR[sor.source_type] ?? 'OTHER_NOTIFICATION';
        const c = cases.get(r.case_id);
        return {
          id: r.id,
          decidedAt: r.decided_at,
          source,
          detection: source === 'OWN_INITIATIVE' ? detectionOf(alertKinds.get(r.case_id) ?? []) : source === 'AUTHORITY_ORDER' ? 'AUTHORITY' : 'USER_REPORT',
          automatedDetection: sor.automated_detection === 'Yes',
          automatedDecision: AUTOMATION_OF_SOR[sor.automated_decision] ?? 'NOT',
          basis: basisOf(r.basis),
          category: sor.category as SorCategory,
          restrictions: {
            visibility: (sor.decision_visibility ?? []) as ModerationDecisionFact['restrictions']['visibility'],
            monetary: (sor.decision_monetary ?? null) as ModerationDecisionFact['restrictions']['monetary'],
            provision: (sor.decision_provision ?? null) as ModerationDecisionFact['restrictions']['provision'],
            account: (sor.decision_account ?? null) as ModerationDecisionFact['restrictions']['account'],
          },
          concernsChild: c?.involvesChild ?? false,
          receivedAt: c?.openedAt ?? null,
        } satisfies ModerationDecisionFact;
      });
    }
  }

  /**
   * The statements of reasons of restrictions decided in the period, as stored with each decision,
   * in decision order; `skip` leaves out that many from the start (to serve one batch of many).
   */
  async *statementsOfReasons(period: ReportingPeriod, options: { readonly skip?: number } = {}): AsyncGenerator<StatementOfReasons> {
    for await (const rows of this.decisionRows(period, undefined, Math.max(0, Math.floor(options.skip ?? 0)))) {
      for (const r of rows) yield JSON.parse(r.sor) as StatementOfReasons;
    }
  }

  async *complaints(period: ReportingPeriod): AsyncGenerator<ComplaintFact[]> {
    let after: { ms: number; id: string } | null = null;
    for (;;) {
      const cursor: { ms: number; id: string } | null = after;
      const rows: {
        id: string;
        decision_id: string;
        case_id: string;
        original_action: string;
        appellant_role: string;
        appellant_is_child: number;
        lodged_ms: number;
        status: string;
        outcome: string | null;
        decided_by: string | null;
        decided_at: string | null;
        replacement_decision_id: string | null;
      }[] = await this.complaintsQuery(period)
        .select(['id', 'decision_id', 'case_id', 'original_action', 'appellant_role', 'appellant_is_child', 'lodged_ms', 'status', 'outcome', 'decided_by', 'decided_at', 'replacement_decision_id'])
        .where((eb) => (cursor ? eb.or([eb('lodged_ms', '>', cursor.ms), eb.and([eb('lodged_ms', '=', cursor.ms), eb('id', '>', cursor.id)])]) : eb.lit(true)))
        .orderBy('lodged_ms')
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) return;
      const bases = new Map<string, string>();
      for (const part of chunks(rows.map((r) => r.decision_id))) {
        const ds = await this.db.selectFrom('case_decisions').select(['id', 'basis']).where('tenant_id', '=', this.tenantId).where('id', 'in', part).execute();
        for (const d of ds) bases.set(d.id, d.basis);
      }
      const cases = await this.caseFacts(rows.map((r) => r.case_id));
      yield rows.map((r) => {
        const basis = bases.get(r.decision_id);
        const reporter = r.appellant_role === 'reporter';
        return {
          id: r.id,
          lodgedAt: isoOf(r.lodged_ms),
          kind: reporter || r.original_action === 'no_action' ? 'NOTICE_REJECTION' : r.original_action === 'remove_content' ? 'CONTENT_APPEAL' : 'ACCOUNT_APPEAL',
          basis: basis === undefined ? null : basisOf(basis),
          originalDecision: ORIGINAL_DECISION[r.original_action] ?? 'other',
          originalAutomated: false,
          decidedAt: r.status === 'decided' ? r.decided_at : null,
          outcome: r.status === 'decided' && r.outcome ? (OUTCOME[r.outcome] ?? null) : null,
          humanReviewed: r.decided_by !== null,
          // A reporter's appeal that overturned "no action" imposes a restriction for the first time.
          newRestrictionImposed: r.original_action === 'no_action' && r.replacement_decision_id !== null,
          concernsChild: Boolean(r.appellant_is_child) || (cases.get(r.case_id)?.involvesChild ?? false),
        } satisfies ComplaintFact;
      });
      const last = rows[rows.length - 1]!;
      after = { ms: Number(last.lodged_ms), id: last.id };
      if (rows.length < PAGE) return;
    }
  }

  private complaintsQuery(period: ReportingPeriod) {
    return this.db
      .selectFrom('case_appeals')
      .where('tenant_id', '=', this.tenantId)
      .where('lodged_ms', '>=', msOf(period.start))
      .where('lodged_ms', '<', msOf(this.end(period)));
  }

  // Out-of-court disputes (DSA Art 21) are not recorded anywhere yet: nothing to yield.
  // eslint-disable-next-line require-yield
  async *outOfCourtDisputes(_period: ReportingPeriod): AsyncGenerator<DisputeFact[]> {
    await Promise.resolve();
  }

  async *suspensions(period: ReportingPeriod): AsyncGenerator<SuspensionFact[]> {
    for await (const rows of this.decisionRows(period, (q) => q.where('action', '=', 'suspend').where('basis', '=', 'illegal'))) {
      const warned = new Set<string>();
      for (const part of chunks(rows.map((r) => r.subject_account_id))) {
        const strikes = await this.db
          .selectFrom('case_strikes')
          .select(['account_id', 'decision_id', 'at'])
          .where('tenant_id', '=', this.tenantId)
          .where('account_id', 'in', part)
          .execute();
        for (const r of rows) {
          if (strikes.some((s) => s.account_id === r.subject_account_id && s.decision_id !== r.id && s.at < r.decided_at)) warned.add(r.id);
        }
      }
      yield rows.map((r) => ({ id: r.id, at: r.decided_at, ground: 'MANIFESTLY_ILLEGAL_CONTENT', warned: warned.has(r.id) }));
    }
  }

  // ---- detection ---------------------------------------------------------------------------------

  private caseAlertsQuery(period: ReportingPeriod) {
    return this.db
      .selectFrom('case_alerts')
      .where('tenant_id', '=', this.tenantId)
      .where('received_ms', '>=', msOf(period.start))
      .where('received_ms', '<', msOf(this.end(period)));
  }

  private async *caseAlertPages(period: ReportingPeriod): AsyncGenerator<{ rows: CaseAlertRow[]; decisions: Map<string, FirstDecision>; cases: CaseFacts }> {
    let after: { ms: number; id: string } | null = null;
    for (;;) {
      const cursor: { ms: number; id: string } | null = after;
      const rows: CaseAlertRow[] = await this.caseAlertsQuery(period)
        .select(['alert_id', 'case_id', 'kind', 'hash_matches', 'received_ms'])
        .where((eb) => (cursor ? eb.or([eb('received_ms', '>', cursor.ms), eb.and([eb('received_ms', '=', cursor.ms), eb('alert_id', '>', cursor.id)])]) : eb.lit(true)))
        .orderBy('received_ms')
        .orderBy('alert_id')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) return;
      const caseIds = rows.map((r) => r.case_id);
      yield { rows, decisions: await this.firstDecisions(caseIds), cases: await this.caseFacts(caseIds) };
      const last = rows[rows.length - 1]!;
      after = { ms: Number(last.received_ms), id: last.alert_id };
      if (rows.length < PAGE) return;
    }
  }

  async *alerts(period: ReportingPeriod): AsyncGenerator<AlertFact[]> {
    for await (const { rows, decisions, cases } of this.caseAlertPages(period)) {
      yield rows.map((r) => {
        const ms = Number(r.received_ms);
        const d = decisions.get(r.case_id);
        const acted = d && d.ms >= ms ? d : undefined;
        return {
          id: r.alert_id,
          kind: r.kind,
          raisedAt: isoOf(ms),
          actionedAt: acted?.at ?? null,
          resolution: acted ? (acted.action === 'no_action' ? 'dismissed' : 'confirmed') : null,
          automated: true,
          concernsChild: cases.get(r.case_id)?.involvesChild ?? false,
        } satisfies AlertFact;
      });
    }
    yield* this.alertsWithoutCase(period);
  }

  /** Detection alerts that never reached a case (closed by detection itself, or still waiting). */
  async *alertsWithoutCase(period: ReportingPeriod): AsyncGenerator<AlertFact[]> {
    let after: { at: string; id: string } | null = null;
    for (;;) {
      const cursor: { at: string; id: string } | null = after;
      const rows: { id: string; kind: string; status: string; raised_at: string }[] = await this.detectionAlertsQuery(period)
        .select(['id', 'kind', 'status', 'raised_at'])
        .where((eb) => (cursor ? eb.or([eb('raised_at', '>', cursor.at), eb.and([eb('raised_at', '=', cursor.at), eb('id', '>', cursor.id)])]) : eb.lit(true)))
        .orderBy('raised_at')
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) return;
      yield rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        raisedAt: r.raised_at,
        actionedAt: null,
        resolution: r.status === 'closed' ? 'dismissed' : null,
        automated: true,
        concernsChild: false,
      }));
      const last = rows[rows.length - 1]!;
      after = { at: last.raised_at, id: last.id };
      if (rows.length < PAGE) return;
    }
  }

  private detectionAlertsQuery(period: ReportingPeriod) {
    return this.db
      .selectFrom('alerts')
      .where('tenant_id', '=', this.tenantId)
      .where('case_id', 'is', null)
      .where('raised_at', '>=', period.start)
      .where('raised_at', '<', this.end(period));
  }

  async *hashMatches(period: ReportingPeriod): AsyncGenerator<HashMatchFact[]> {
    for await (const { rows, decisions } of this.caseAlertPages(period)) {
      const referred = new Set<string>();
      for (const part of chunks([...new Set(rows.map((r) => r.case_id))])) {
        const refs = await this.db.selectFrom('case_referrals').select('case_id').where('tenant_id', '=', this.tenantId).where('case_id', 'in', part).execute();
        for (const ref of refs) referred.add(ref.case_id);
      }
      const page: HashMatchFact[] = [];
      for (const r of rows) {
        const matches = JSON.parse(r.hash_matches) as { bank?: string; signalType?: string | null }[];
        const d = decisions.get(r.case_id);
        const ms = Number(r.received_ms);
        for (const [i, m] of matches.entries()) {
          page.push({
            id: `${r.alert_id}#${i}`,
            at: isoOf(ms),
            hashType: m.signalType ?? 'unknown',
            list: m.bank ?? 'unknown',
            action: 'queued',
            confirmed: d && d.ms >= ms ? d.action !== 'no_action' : null,
            referred: referred.has(r.case_id),
          });
        }
      }
      yield page;
    }
    yield* this.hashMatchLog(period);
  }

  /**
   * Hash matches that raised no alert. Every block or review match at upload raises one (and so
   * reaches case_alerts), and allow-listed matches are not matches, so there are none today.
   */
  // eslint-disable-next-line require-yield
  async *hashMatchLog(_period: ReportingPeriod): AsyncGenerator<HashMatchFact[]> {
    await Promise.resolve();
  }

  async *referrals(period: ReportingPeriod): AsyncGenerator<ReferralFact[]> {
    let after: { ms: number; id: string } | null = null;
    for (;;) {
      const cursor: { ms: number; id: string } | null = after;
      const rows: { id: string; target: string; status: string; incident_type: string; detected_ms: number; created_at: string; created_ms: number }[] = await this.referralsQuery(period)
        .select(['id', 'target', 'status', 'incident_type', 'detected_ms', 'created_at', 'created_ms'])
        .where((eb) => (cursor ? eb.or([eb('created_ms', '>', cursor.ms), eb.and([eb('created_ms', '=', cursor.ms), eb('id', '>', cursor.id)])]) : eb.lit(true)))
        .orderBy('created_ms')
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) return;
      yield rows.map((r) => ({
        id: r.id,
        submittedAt: isoOf(r.created_ms),
        agency: r.target === 'nca' ? 'NCA' : 'NCMEC',
        kind: referralKind(r.incident_type),
        detectedAt: isoOf(r.detected_ms),
        status: r.status === 'submitted' ? 'submitted' : 'pending',
      }));
      const last = rows[rows.length - 1]!;
      after = { ms: Number(last.created_ms), id: last.id };
      if (rows.length < PAGE) return;
    }
  }

  private referralsQuery(period: ReportingPeriod) {
    return this.db
      .selectFrom('case_referrals')
      .where('tenant_id', '=', this.tenantId)
      .where('created_ms', '>=', msOf(period.start))
      .where('created_ms', '<', msOf(this.end(period)));
  }

  // ---- service facts -------------------------------------------------------------------------------

  async *moderationStaff(period: ReportingPeriod): AsyncGenerator<StaffFact[]> {
    const month = sql<string>`substr(decided_at, 1, 7)`;
    const deciders = new Map<string, Set<string>>();
    for (const table of ['case_decisions', 'case_appeals'] as const) {
      const rows = await this.db
        .selectFrom(table)
        .select([month.as('month'), 'decided_by'])
        .distinct()
        .where('tenant_id', '=', this.tenantId)
        .where('decided_at', '>=', period.start)
        .where('decided_at', '<', this.end(period))
        .where('decided_by', 'is not', null)
        .execute();
      for (const r of rows) {
        // Automated actors are not staff.
        if (!r.decided_by || /^(system|auto|detection)/i.test(r.decided_by)) continue;
        let set = deciders.get(r.month);
        if (!set) deciders.set(r.month, (set = new Set()));
        set.add(r.decided_by);
      }
    }
    yield [...deciders].map(([m, people]) => ({ month: m, language: 'ALL', headcount: people.size }));
  }

  async *monthlyActiveRecipients(period: ReportingPeriod): AsyncGenerator<RecipientsFact[]> {
    const rows = await this.db
      .selectFrom('transparency_recipients')
      .select(['month', 'scope', 'recipients'])
      .where('tenant_id', '=', this.tenantId)
      .where('month', '>=', period.from.slice(0, 7))
      .where('month', '<=', period.to.slice(0, 7))
      .orderBy('month')
      .orderBy('scope')
      .execute();
    yield rows.map((r) => ({ month: r.month, memberState: r.scope, recipients: Number(r.recipients) }));
  }

  /** Row counts per stream computed with SQL COUNT, independently of the paged reads. */
  async controlTotals(period: ReportingPeriod): Promise<Partial<Record<StreamName, number>>> {
    const count = async (query: { select: (s: never) => unknown }): Promise<number> => {
      const q = query as unknown as { select: (f: (eb: { fn: { countAll: () => { as: (n: string) => unknown } } }) => unknown) => { executeTakeFirstOrThrow: () => Promise<{ n: unknown }> } };
      const row = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const t = this.tenantId;
    return {
      accounts: await count(this.db.selectFrom('accounts').where('tenant_id', '=', t).where('created_at', '<', this.end(period))),
      settingsChanges: await count(
        this.db.selectFrom('audit_log').where('tenant_id', '=', t).where('action', '=', 'settings.change').where('at', '>=', period.start).where('at', '<', this.end(period)),
      ),
      decisionCounts: await count(this.db.selectFrom('decision_stats').where('tenant_id', '=', t).where('day', '>=', period.from).where('day', '<=', period.to)),
      notices: await count(this.reportsQuery(period, ['user', 'trusted-flagger'])),
      orders: await count(this.reportsQuery(period, ['authority'])),
      moderationDecisions: await count(this.decisionsQuery(period)),
      complaints: await count(this.complaintsQuery(period)),
      outOfCourtDisputes: 0,
      suspensions: await count(this.decisionsQuery(period).where('action', '=', 'suspend').where('basis', '=', 'illegal')),
      alerts: (await count(this.caseAlertsQuery(period))) + (await count(this.detectionAlertsQuery(period))),
      referrals: await count(this.referralsQuery(period)),
      monthlyActiveRecipients: await count(
        this.db.selectFrom('transparency_recipients').where('tenant_id', '=', t).where('month', '>=', period.from.slice(0, 7)).where('month', '<=', period.to.slice(0, 7)),
      ),
    };
  }
}

/**
 * Runs `work` on one consistent snapshot of the database, so the streamed records and the control
 * totals agree even while other nodes keep writing: a read-only REPEATABLE READ transaction on
 * PostgreSQL. On SQLite a transaction would hold the only connection for the whole report and stall
 * every other request, so the work runs directly; the source's cutoff (rows stamped after it was
 * created are left out) keeps streams and control totals in step there.
 */
export async function withReportingSnapshot<T>(store: SafeguardStore, work: (snapshot: SafeguardStore) => Promise<T>): Promise<T> {
  if (store.db.isTransaction || store.dialect !== 'postgres') return work(store);
  const { SafeguardStore: Store } = await import('./store.js');
  return store.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => work(new Store(trx, store.dialect)));
}

/** The band of an account on a day, for callers that hold a birth date (exported for tests). */
export function bandOn(engine: PolicyEngine, birthDate: string | null, declared: AgeBand | null, day: Date): AgeBand {
  const record = { id: 'x', birthDate: birthDate ? (parseIsoDate(birthDate) ?? null) : null, declaredBand: declared === 'unknown' ? null : declared };
  return engine.resolveAccount(record, day).band;
}

/**
 * Streaming aggregation of transparency facts into a report. Memory is bounded by the number of
 * distinct keys (categories, rules, actions, days, lists, languages) — never by the number of
 * facts: each fact updates counters and median sketches and is dropped. `computeTransparencyReport`
 * reads every stream of a source once, in order, reporting progress, then reconciles the totals and
 * fails (SafeguardError 'conflict') when they do not reconcile, unless told to return anyway.
 */
import { AGE_BANDS, SafeguardError, systemClock, type AgeBand, type Clock } from '@safeguard/core';
import { MedianSketch } from './median.js';
import { inPeriod, periodMonths, secondsBetween, type ReportingPeriod } from './period.js';
import {
  MEASURE_COLUMNS,
  REPORT_FORMAT,
  type AlertKindRow,
  type ComplaintBreakdown,
  type MeasureColumn,
  type MeasureRow,
  type MeasureTable,
  type NoticeCounts,
  type NoticeRow,
  type OrderSummary,
  type ReconciliationCheck,
  type StreamSummary,
  type TransparencyReport,
} from './report.js';
import {
  AUTOMATION_LEVELS,
  COMPLAINT_KINDS,
  DECISION_SOURCES,
  DETECTION_METHODS,
  NOTICE_SOURCES,
  ORIGINAL_DECISION_TYPES,
  REFERRAL_AGENCIES,
  REVIEW_OUTCOMES,
  STREAM_NAMES,
  SUSPENSION_GROUNDS,
  type AccountFact,
  type AlertFact,
  type ComplaintFact,
  type DecisionCountFact,
  type DisputeFact,
  type FactStream,
  type HashMatchFact,
  type ModerationDecisionFact,
  type NoticeFact,
  type OrderFact,
  type RecipientsFact,
  type ReferralFact,
  type ReviewOutcome,
  type SettingsChangeFact,
  type SorCategory,
  type StaffFact,
  type StreamName,
  type SuspensionFact,
  type TransparencySource,
} from './source.js';
import { STATEMENT_CATEGORIES } from './sor/sor-enums.generated.js';
import { ukItems } from './uk-items.js';

export const SOR_CATEGORIES = Object.keys(STATEMENT_CATEGORIES) as SorCategory[];
const NOT_SPECIFIED: SorCategory = 'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE';

const VISIBILITY_COLUMN: Readonly<Record<string, MeasureColumn>> = {
  DECISION_VISIBILITY_CONTENT_REMOVED: 'vis_removal',
  DECISION_VISIBILITY_CONTENT_DISABLED: 'vis_disable',
  DECISION_VISIBILITY_CONTENT_DEMOTED: 'vis_demoted',
  DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED: 'vis_age_restricted',
  DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED: 'vis_interaction_restricted',
  DECISION_VISIBILITY_CONTENT_LABELLED: 'vis_labelled',
  DECISION_VISIBILITY_OTHER: 'vis_other',
};
const MONETARY_COLUMN: Readonly<Record<string, MeasureColumn>> = {
  DECISION_MONETARY_SUSPENSION: 'mon_suspension',
  DECISION_MONETARY_TERMINATION: 'mon_termination',
  DECISION_MONETARY_OTHER: 'mon_other',
};
const PROVISION_COLUMN: Readonly<Record<string, MeasureColumn>> = {
  DECISION_PROVISION_PARTIAL_SUSPENSION: 'svc_suspension',
  DECISION_PROVISION_TOTAL_SUSPENSION: 'svc_suspension',
  DECISION_PROVISION_PARTIAL_TERMINATION: 'svc_termination',
  DECISION_PROVISION_TOTAL_TERMINATION: 'svc_termination',
};
const ACCOUNT_COLUMN: Readonly<Record<string, MeasureColumn>> = {
  DECISION_ACCOUNT_SUSPENDED: 'acc_suspension',
  DECISION_ACCOUNT_TERMINATED: 'acc_termination',
};

// ---- small mutable counters ------------------------------------------------------------------

type Counter<K extends string> = Record<K, number>;
const zeroes = <K extends string>(keys: readonly K[]): Counter<K> => Object.fromEntries(keys.map((k) => [k, 0])) as Counter<K>;
function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
/** A Map as a plain object with keys in sorted order (deterministic output). */
function sortedRecord<V>(map: ReadonlyMap<string, V>): Record<string, V> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
const share = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

class NoticeAcc {
  received = 0;
  items = 0;
  law = 0;
  terms = 0;
  noAction = 0;
  pending = 0;
  automated = 0;
  time = new MedianSketch();
  summary(): NoticeCounts {
    return {
      received: this.received,
      items: this.items,
      actionsBasisLaw: this.law,
      actionsBasisTerms: this.terms,
      noAction: this.noAction,
      pending: this.pending,
      processedByAutomatedMeans: this.automated,
      timeToAction: this.time.summary(),
    };
  }
}
class NoticeRowAcc {
  all = new NoticeAcc();
  tf = new NoticeAcc();
  summary(): NoticeRow {
    return { ...this.all.summary(), trustedFlaggers: this.tf.summary() };
  }
}

class MeasureAcc {
  total = 0;
  automated = 0;
  columns = zeroes(MEASURE_COLUMNS);
  summary(): MeasureRow {
    return { measures_total: this.total, measures_solely_automated: this.automated, ...this.columns };
  }
}
class MeasureTableAcc {
  total = new MeasureAcc();
  byCategory = new Map<SorCategory, MeasureAcc>();
  summary(): MeasureTable {
    return {
      total: this.total.summary(),
      byCategory: Object.fromEntries(SOR_CATEGORIES.map((c) => [c, (this.byCategory.get(c) ?? new MeasureAcc()).summary()])) as Record<SorCategory, MeasureRow>,
    };
  }
}

class OutcomeAcc {
  received = 0;
  pending = 0;
  outcomes = zeroes(REVIEW_OUTCOMES);
  summary(): ComplaintBreakdown {
    return {
      received: this.received,
      upheld: this.outcomes.UPHELD,
      reversed: this.outcomes.REVERSED,
      partiallyReversed: this.outcomes.PARTIALLY_REVERSED,
      omitted: this.outcomes.OMITTED,
      pending: this.pending,
    };
  }
}

class OrderAcc {
  received = 0;
  items = 0;
  inform = new MedianSketch();
  effect = new MedianSketch();
  byCategory = new Map<SorCategory, { received: number; items: number }>();
  summary(): OrderSummary {
    return {
      received: this.received,
      items: this.items,
      timeToInformReceipt: this.inform.summary(),
      timeToGiveEffect: this.effect.summary(),
      byCategory: Object.fromEntries(SOR_CATEGORIES.map((c) => [c, this.byCategory.get(c) ?? { received: 0, items: 0 }])) as OrderSummary['byCategory'],
    };
  }
}

class AlertAcc {
  raised = 0;
  children = 0;
  automated = 0;
  confirmed = 0;
  dismissed = 0;
  open = 0;
  time = new MedianSketch();
  summary(): AlertKindRow {
    return {
      raised: this.raised,
      concerningChildren: this.children,
      automated: this.automated,
      confirmed: this.confirmed,
      dismissed: this.dismissed,
      open: this.open,
      timeToAction: this.time.summary(),
    };
  }
}

const isOutcome = (v: unknown): v is ReviewOutcome => (REVIEW_OUTCOMES as readonly unknown[]).includes(v);
const isCategory = (v: unknown): v is SorCategory => typeof v === 'string' && Object.hasOwn(STATEMENT_CATEGORIES, v);

/**
 * Accumulates facts of every kind. Call the `add*` method for each fact (in any order, any number
 * of times), then `finish()` once.
 */
export class TransparencyAggregator {
  readonly records = zeroes(STREAM_NAMES);
  /** Facts whose primary timestamp lies outside the period: the source filtered wrongly. */
  readonly outOfPeriod = zeroes(STREAM_NAMES);
  /** Facts with a value outside its vocabulary, per stream. */
  readonly unrecognised = zeroes(STREAM_NAMES);

  // accounts & settings
  private accountsByBand = new Map<string, number>();
  private accountsByMethod = new Map<string, number>();
  private childBandMethod = new Map<string, Map<string, number>>();
  private treatedAsChild = 0;
  private createdInPeriod = 0;
  private heaaChildren = 0;
  private heaaAdults = 0;
  private kept = 0;
  private changed = 0;
  private settingChanges = 0;
  private loosened = 0;
  private tightened = 0;
  private byGuardian = 0;
  private changesByKey = new Map<string, { loosened: number; tightened: number; other: number }>();
  // decision counts
  private citations = 0;
  private citationsByOutcome = new Map<string, number>();
  private citationsByDay = 0;
  private citationsByAction = 0;
  private deniedByRule = new Map<string, number>();
  private deniedByAction = new Map<string, number>();
  private deniedByDay = new Map<string, number>();
  private warnedByRule = new Map<string, number>();
  private guardianByRule = new Map<string, number>();
  // notices, orders, decisions
  private notices = new NoticeRowAcc();
  private noticesByCategory = new Map<SorCategory, NoticeRowAcc>();
  private noticeSources = zeroes(NOTICE_SOURCES);
  private noticesChildren = 0;
  private art9 = new OrderAcc();
  private art10 = new OrderAcc();
  private ordersByState = new Map<string, { article9: number; article10: number }>();
  private decisionsTotal = 0;
  private decisionSources = zeroes(DECISION_SOURCES);
  private decisionTime = new MedianSketch();
  private ownIllegal = new MeasureTableAcc();
  private ownTerms = new MeasureTableAcc();
  private detection = zeroes(DETECTION_METHODS);
  private ownChildren = 0;
  private automation = zeroes(AUTOMATION_LEVELS);
  private solelyAutomated = 0;
  private automatedDetection = 0;
  private decisionsWithoutRestriction = 0;
  // complaints, disputes, suspensions
  private complaints = new OutcomeAcc();
  private complaintKinds = zeroes(COMPLAINT_KINDS);
  private complaintBasis = { law: 0, terms: 0, unspecified: 0 };
  private complaintByOriginal = new Map<string, OutcomeAcc>();
  private complaintTime = new MedianSketch();
  private newRestrictions = 0;
  private withoutHuman = 0;
  private complaintChildren = 0;
  private automatedReviewed = 0;
  private automatedReversed = 0;
  private disputes = new OutcomeAcc();
  private disputeTime = new MedianSketch();
  private disputeImplemented = 0;
  private disputeImplKnown = 0;
  private suspensionGrounds = zeroes(SUSPENSION_GROUNDS);
  private suspensionsTotal = 0;
  private suspensionsUnwarned = 0;
  // detection
  private alertsTotal = 0;
  private alertKinds = new Map<string, AlertAcc>();
  private hashTotal = 0;
  private hashReviewed = 0;
  private hashConfirmed = 0;
  private hashReferred = 0;
  private hashByList = new Map<string, number>();
  private hashByType = new Map<string, number>();
  private hashByAction = new Map<string, number>();
  private referralsTotal = 0;
  private referralAgencies = zeroes(REFERRAL_AGENCIES);
  private referralKinds = new Map<string, number>();
  private referralsFailed = 0;
  private referralsPending = 0;
  private referralTime = new MedianSketch();
  // service facts
  private staff = new Map<string, Map<string, number>>();
  private recipients = new Map<string, Map<string, number>>();

  constructor(readonly period: ReportingPeriod) {}

  private within(stream: StreamName, at: string): boolean {
    this.records[stream] += 1;
    if (inPeriod(this.period, at)) return true;
    this.outOfPeriod[stream] += 1;
    return false;
  }

  /** True when `at` is set and before the end of the period (so it had happened by then). */
  private byEnd(at: string | null): at is string {
    return at !== null && at < this.period.end;
  }

  addAccount(f: AccountFact): void {
    this.records.accounts += 1;
    if (f.createdAt >= this.period.end) {
      this.outOfPeriod.accounts += 1;
      return;
    }
    if (!(AGE_BANDS as readonly string[]).includes(f.band)) this.unrecognised.accounts += 1;
    if (f.createdAt >= this.period.start) this.createdInPeriod += 1;
    bump(this.accountsByBand, f.band);
    const method = f.assuranceMethod ?? 'none';
    bump(this.accountsByMethod, method);
    if (f.treatedAsChild) {
      this.treatedAsChild += 1;
      let row = this.childBandMethod.get(f.band);
      if (!row) this.childBandMethod.set(f.band, (row = new Map<string, number>()));
      bump(row, method);
      if (f.highlyEffective) this.heaaChildren += 1;
      if (f.changedSettings > 0) this.changed += 1;
      else this.kept += 1;
    } else if (f.highlyEffective) {
      this.heaaAdults += 1;
    }
  }

  addSettingsChange(f: SettingsChangeFact): void {
    if (!this.within('settingsChanges', f.at) || !f.child) return;
    this.settingChanges += 1;
    let row = this.changesByKey.get(f.key);
    if (!row) this.changesByKey.set(f.key, (row = { loosened: 0, tightened: 0, other: 0 }));
    if (f.direction === 'loosened') {
      this.loosened += 1;
      row.loosened += 1;
    } else if (f.direction === 'tightened') {
      this.tightened += 1;
      row.tightened += 1;
    } else row.other += 1;
    if (f.changedBy === 'guardian') this.byGuardian += 1;
  }

  addDecisionCount(f: DecisionCountFact): void {
    this.records.decisionCounts += 1;
    if (f.day < this.period.from || f.day > this.period.to) {
      this.outOfPeriod.decisionCounts += 1;
      return;
    }
    const n = f.count;
    this.citations += n;
    // Three independent tallies of the same rows; reconciliation compares them.
    this.citationsByDay += n;
    this.citationsByAction += n;
    bump(this.citationsByOutcome, f.outcome, n);
    switch (f.outcome) {
      case 'deny':
        bump(this.deniedByRule, f.ruleId, n);
        bump(this.deniedByAction, f.action, n);
        bump(this.deniedByDay, f.day, n);
        break;
      case 'allow_with_warning':
        bump(this.warnedByRule, f.ruleId, n);
        break;
      case 'require_guardian':
        bump(this.guardianByRule, f.ruleId, n);
        break;
      case 'allow':
        break;
      default:
        this.unrecognised.decisionCounts += 1;
    }
  }

  addNotice(f: NoticeFact): void {
    if (!this.within('notices', f.receivedAt)) return;
    const category = f.category ?? NOT_SPECIFIED;
    if (!isCategory(category) || !(NOTICE_SOURCES as readonly string[]).includes(f.source)) {
      this.unrecognised.notices += 1;
      return;
    }
    this.noticeSources[f.source] += 1;
    if (f.concernsChild) this.noticesChildren += 1;
    let row = this.noticesByCategory.get(category);
    if (!row) this.noticesByCategory.set(category, (row = new NoticeRowAcc()));
    const accs = f.source === 'TRUSTED_FLAGGER' ? [this.notices.all, this.notices.tf, row.all, row.tf] : [this.notices.all, row.all];
    const decided = this.byEnd(f.decision?.at ?? null) ? f.decision : null;
    const seconds = decided ? secondsBetween(f.receivedAt, decided.at) : 0;
    for (const acc of accs) {
      acc.received += 1;
      acc.items += f.items;
      if (f.automatedProcessing) acc.automated += 1;
      if (!decided) acc.pending += 1;
      else {
        if (decided.basis === 'LAW') acc.law += 1;
        else if (decided.basis === 'TERMS') acc.terms += 1;
        else acc.noAction += 1;
        acc.time.add(seconds);
      }
    }
  }

  addOrder(f: OrderFact): void {
    if (!this.within('orders', f.receivedAt)) return;
    const category = f.category ?? NOT_SPECIFIED;
    if ((f.article !== 9 && f.article !== 10) || !isCategory(category)) {
      this.unrecognised.orders += 1;
      return;
    }
    const acc = f.article === 9 ? this.art9 : this.art10;
    acc.received += 1;
    acc.items += f.items;
    const cat = acc.byCategory.get(category) ?? { received: 0, items: 0 };
    cat.received += 1;
    cat.items += f.items;
    acc.byCategory.set(category, cat);
    if (this.byEnd(f.acknowledgedAt)) acc.inform.add(secondsBetween(f.receivedAt, f.acknowledgedAt));
    if (this.byEnd(f.effectGivenAt)) acc.effect.add(secondsBetween(f.receivedAt, f.effectGivenAt));
    const state = this.ordersByState.get(f.memberState) ?? { article9: 0, article10: 0 };
    if (f.article === 9) state.article9 += 1;
    else state.article10 += 1;
    this.ordersByState.set(f.memberState, state);
  }

  addModerationDecision(f: ModerationDecisionFact): void {
    if (!this.within('moderationDecisions', f.decidedAt)) return;
    if (
      !(DECISION_SOURCES as readonly string[]).includes(f.source) ||
      !(AUTOMATION_LEVELS as readonly string[]).includes(f.automatedDecision) ||
      !(DETECTION_METHODS as readonly string[]).includes(f.detection) ||
      !isCategory(f.category) ||
      (f.basis !== 'LAW' && f.basis !== 'TERMS')
    ) {
      this.unrecognised.moderationDecisions += 1;
      return;
    }
    this.decisionsTotal += 1;
    this.decisionSources[f.source] += 1;
    this.automation[f.automatedDecision] += 1;
    if (f.automatedDecision === 'FULLY') this.solelyAutomated += 1;
    if (f.automatedDetection) this.automatedDetection += 1;
    if (f.receivedAt !== null) this.decisionTime.add(secondsBetween(f.receivedAt, f.decidedAt));
    const r = f.restrictions;
    const columns: MeasureColumn[] = [];
    for (const v of r.visibility) {
      const c = VISIBILITY_COLUMN[v];
      if (c) columns.push(c);
    }
    const extra = [r.monetary && MONETARY_COLUMN[r.monetary], r.provision && PROVISION_COLUMN[r.provision], r.account && ACCOUNT_COLUMN[r.account]];
    for (const c of extra) if (c) columns.push(c);
    if (columns.length === 0) this.decisionsWithoutRestriction += 1;
    if (f.source !== 'OWN_INITIATIVE') return;
    this.detection[f.detection] += 1;
    if (f.concernsChild) this.ownChildren += 1;
    const table = f.basis === 'LAW' ? this.ownIllegal : this.ownTerms;
    let row = table.byCategory.get(f.category);
    if (!row) table.byCategory.set(f.category, (row = new MeasureAcc()));
    for (const acc of [table.total, row]) {
      acc.total += 1;
      if (f.automatedDecision === 'FULLY') acc.automated += 1;
      for (const c of columns) acc.columns[c] += 1;
    }
  }

  addComplaint(f: ComplaintFact): void {
    if (!this.within('complaints', f.lodgedAt)) return;
    if (!(COMPLAINT_KINDS as readonly string[]).includes(f.kind) || !(ORIGINAL_DECISION_TYPES as readonly string[]).includes(f.originalDecision)) {
      this.unrecognised.complaints += 1;
      return;
    }
    this.complaintKinds[f.kind] += 1;
    if (f.basis === 'LAW') this.complaintBasis.law += 1;
    else if (f.basis === 'TERMS') this.complaintBasis.terms += 1;
    else this.complaintBasis.unspecified += 1;
    if (f.concernsChild) this.complaintChildren += 1;
    let byOriginal = this.complaintByOriginal.get(f.originalDecision);
    if (!byOriginal) this.complaintByOriginal.set(f.originalDecision, (byOriginal = new OutcomeAcc()));
    const decided = this.byEnd(f.decidedAt) && f.outcome !== null;
    for (const acc of [this.complaints, byOriginal]) {
      acc.received += 1;
      if (!decided) acc.pending += 1;
      else if (isOutcome(f.outcome)) acc.outcomes[f.outcome] += 1;
    }
    if (!decided) return;
    if (!isOutcome(f.outcome)) this.unrecognised.complaints += 1;
    this.complaintTime.add(secondsBetween(f.lodgedAt, f.decidedAt));
    if (f.newRestrictionImposed) this.newRestrictions += 1;
    if (!f.humanReviewed) this.withoutHuman += 1;
    if (f.originalAutomated) {
      this.automatedReviewed += 1;
      if (f.outcome === 'REVERSED' || f.outcome === 'PARTIALLY_REVERSED') this.automatedReversed += 1;
    }
  }

  addDispute(f: DisputeFact): void {
    if (!this.within('outOfCourtDisputes', f.submittedAt)) return;
    const closed = this.byEnd(f.closedAt) && f.outcome !== null;
    this.disputes.received += 1;
    if (!closed) {
      this.disputes.pending += 1;
      return;
    }
    if (isOutcome(f.outcome)) this.disputes.outcomes[f.outcome] += 1;
    else this.unrecognised.outOfCourtDisputes += 1;
    this.disputeTime.add(secondsBetween(f.submittedAt, f.closedAt));
    if (f.providerImplemented !== null) {
      this.disputeImplKnown += 1;
      if (f.providerImplemented) this.disputeImplemented += 1;
    }
  }

  addSuspension(f: SuspensionFact): void {
    if (!this.within('suspensions', f.at)) return;
    this.suspensionsTotal += 1;
    if ((SUSPENSION_GROUNDS as readonly string[]).includes(f.ground)) this.suspensionGrounds[f.ground] += 1;
    else this.unrecognised.suspensions += 1;
    if (!f.warned) this.suspensionsUnwarned += 1;
  }

  addAlert(f: AlertFact): void {
    if (!this.within('alerts', f.raisedAt)) return;
    this.alertsTotal += 1;
    let acc = this.alertKinds.get(f.kind);
    if (!acc) this.alertKinds.set(f.kind, (acc = new AlertAcc()));
    acc.raised += 1;
    if (f.concernsChild) acc.children += 1;
    if (f.automated) acc.automated += 1;
    const actioned = this.byEnd(f.actionedAt);
    if (actioned) acc.time.add(secondsBetween(f.raisedAt, f.actionedAt));
    if (actioned && f.resolution === 'confirmed') acc.confirmed += 1;
    else if (actioned && f.resolution === 'dismissed') acc.dismissed += 1;
    else acc.open += 1;
  }

  addHashMatch(f: HashMatchFact): void {
    if (!this.within('hashMatches', f.at)) return;
    this.hashTotal += 1;
    bump(this.hashByList, f.list);
    bump(this.hashByType, f.hashType);
    bump(this.hashByAction, f.action);
    if (f.confirmed !== null) {
      this.hashReviewed += 1;
      if (f.confirmed) this.hashConfirmed += 1;
    }
    if (f.referred) this.hashReferred += 1;
  }

  addReferral(f: ReferralFact): void {
    if (!this.within('referrals', f.submittedAt)) return;
    this.referralsTotal += 1;
    if ((REFERRAL_AGENCIES as readonly string[]).includes(f.agency)) this.referralAgencies[f.agency] += 1;
    else this.unrecognised.referrals += 1;
    bump(this.referralKinds, f.kind);
    if (f.status === 'failed') this.referralsFailed += 1;
    else if (f.status === 'pending') this.referralsPending += 1;
    if (f.detectedAt !== null) this.referralTime.add(secondsBetween(f.detectedAt, f.submittedAt));
  }

  private monthFact(stream: 'moderationStaff' | 'monthlyActiveRecipients', month: string): boolean {
    this.records[stream] += 1;
    if (month >= this.period.from.slice(0, 7) && month <= this.period.to.slice(0, 7)) return true;
    this.outOfPeriod[stream] += 1;
    return false;
  }

  addStaff(f: StaffFact): void {
    if (!this.monthFact('moderationStaff', f.month)) return;
    let month = this.staff.get(f.month);
    if (!month) this.staff.set(f.month, (month = new Map<string, number>()));
    month.set(f.language, f.headcount);
  }

  addRecipients(f: RecipientsFact): void {
    if (!this.monthFact('monthlyActiveRecipients', f.month)) return;
    let month = this.recipients.get(f.month);
    if (!month) this.recipients.set(f.month, (month = new Map<string, number>()));
    month.set(f.memberState, f.recipients);
  }

  /** Builds the report and its reconciliation (it does not throw on a mismatch: see `computeTransparencyReport`). */
  finish(options: {
    service: string;
    generatedAt: string;
    coverage?: Partial<Record<StreamName, { collected: boolean; note?: string }>>;
    controlTotals?: Partial<Record<StreamName, number>>;
  }): TransparencyReport {
    const coverage = Object.fromEntries(
      STREAM_NAMES.map((s): [StreamName, StreamSummary] => {
        const c = options.coverage?.[s];
        return [s, { collected: c?.collected ?? true, records: this.records[s] - this.outOfPeriod[s], note: c?.note ?? null }];
      }),
    ) as Record<StreamName, StreamSummary>;
    const empty = STREAM_NAMES.every((s) => s === 'accounts' || coverage[s].records === 0) && this.createdInPeriod === 0;

    // Moderation staff: the latest month with figures.
    const staffMonth = [...this.staff.keys()].sort().pop() ?? null;
    const staffRow = staffMonth ? (this.staff.get(staffMonth) ?? new Map<string, number>()) : new Map<string, number>();
    const staffByLanguage = new Map([...staffRow].filter(([lang]) => lang !== 'ALL'));
    const staffTotal = staffMonth === null ? null : (staffRow.get('ALL') ?? [...staffByLanguage.values()].reduce((a, b) => a + b, 0));
    // Recipients: average over the months with figures, per scope; the EU total from 'EU' rows or the sum of States.
    const months = periodMonths(this.period).filter((m) => this.recipients.has(m));
    const perScope = new Map<string, number[]>();
    const euMonthly: number[] = [];
    for (const m of months) {
      const row = this.recipients.get(m)!;
      let sum = 0;
      for (const [scope, n] of row) {
        if (scope === 'EU') continue;
        sum += n;
        perScope.set(scope, [...(perScope.get(scope) ?? []), n]);
      }
      euMonthly.push(row.get('EU') ?? sum);
    }
    const avg = (xs: number[]): number => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);

    const complaintsSummary = this.complaints.summary();
    const disputeSummary = this.disputes.summary();
    const noticeTotal = this.notices.summary();
    const eu: TransparencyReport['eu'] = {
      orders: {
        article9: this.art9.summary(),
        article10: this.art10.summary(),
        byMemberState: sortedRecord(this.ordersByState),
      },
      notices: {
        total: noticeTotal,
        concerningChildren: this.noticesChildren,
        bySource: { ...this.noticeSources },
        byCategory: Object.fromEntries(SOR_CATEGORIES.map((c) => [c, (this.noticesByCategory.get(c) ?? new NoticeRowAcc()).summary()])) as Record<SorCategory, NoticeRow>,
      },
      ownInitiative: {
        illegal: this.ownIllegal.summary(),
        termsAndConditions: this.ownTerms.summary(),
        byDetectionMethod: { ...this.detection },
        concerningChildren: this.ownChildren,
      },
      decisions: { total: this.decisionsTotal, bySource: { ...this.decisionSources }, timeToAction: this.decisionTime.summary() },
      complaints: {
        ...complaintsSummary,
        byKind: { ...this.complaintKinds },
        byBasis: { ...this.complaintBasis },
        byOriginalDecision: Object.fromEntries(
          ORIGINAL_DECISION_TYPES.map((t) => [t, (this.complaintByOriginal.get(t) ?? new OutcomeAcc()).summary()]),
        ) as TransparencyReport['eu']['complaints']['byOriginalDecision'],
        decisionTime: this.complaintTime.summary(),
        restrictionsNewlyImposed: this.newRestrictions,
        decidedWithoutHumanReview: this.withoutHuman,
        concerningChildren: this.complaintChildren,
      },
      outOfCourtDisputes: {
        submitted: disputeSummary.received,
        upheld: disputeSummary.upheld,
        reversed: disputeSummary.reversed,
        partiallyReversed: disputeSummary.partiallyReversed,
        omitted: disputeSummary.omitted,
        pending: disputeSummary.pending,
        timeToComplete: this.disputeTime.summary(),
        implemented: this.disputeImplemented,
        implementedShare: share(this.disputeImplemented, this.disputeImplKnown),
      },
      suspensions: { total: this.suspensionsTotal, byGround: { ...this.suspensionGrounds }, withoutPriorWarning: this.suspensionsUnwarned },
      automatedMeans: {
        decisionsByAutomation: { ...this.automation },
        measuresSolelyAutomated: this.solelyAutomated,
        automatedDetection: this.automatedDetection,
        noticesProcessedByAutomatedMeans: noticeTotal.processedByAutomatedMeans,
        automatedDecisionsReviewed: {
          decided: this.automatedReviewed,
          reversed: this.automatedReversed,
          errorRate: share(this.automatedReversed, this.automatedReviewed),
          accuracy: this.automatedReviewed > 0 ? share(this.automatedReviewed - this.automatedReversed, this.automatedReviewed) : null,
        },
        alertPrecision: sortedRecord(
          new Map(
            [...this.alertKinds].map(([kind, a]) => [
              kind,
              { reviewed: a.confirmed + a.dismissed, confirmed: a.confirmed, precision: share(a.confirmed, a.confirmed + a.dismissed) },
            ]),
          ),
        ),
        hashMatchPrecision: { reviewed: this.hashReviewed, confirmed: this.hashConfirmed, precision: share(this.hashConfirmed, this.hashReviewed) },
      },
      moderationStaff: { month: staffMonth, total: staffTotal, byLanguage: sortedRecord(staffByLanguage) },
      averageMonthlyRecipients: {
        monthsReported: months.length,
        eu: euMonthly.length > 0 ? avg(euMonthly) : null,
        byMemberState: sortedRecord(new Map([...perScope].map(([s, xs]) => [s, avg(xs)]))),
      },
    };

    const byBand = Object.fromEntries(AGE_BANDS.map((b) => [b, this.accountsByBand.get(b) ?? 0])) as Record<AgeBand, number>;
    const totalAccounts = [...this.accountsByBand.values()].reduce((a, b) => a + b, 0);
    const childSafety: TransparencyReport['childSafety'] = {
      accounts: {
        total: totalAccounts,
        treatedAsChild: this.treatedAsChild,
        createdInPeriod: this.createdInPeriod,
        byBand,
        byAssuranceMethod: sortedRecord(this.accountsByMethod),
        childrenByBandAndMethod: Object.fromEntries(
          AGE_BANDS.filter((b) => this.childBandMethod.has(b)).map((b) => [b, sortedRecord(this.childBandMethod.get(b)!)]),
        ),
        highlyEffectiveAssurance: { children: this.heaaChildren, adults: this.heaaAdults },
      },
      defaults: {
        childAccounts: this.treatedAsChild,
        kept: this.kept,
        changed: this.changed,
        keptShare: share(this.kept, this.treatedAsChild),
        changesInPeriod: {
          total: this.settingChanges,
          loosened: this.loosened,
          tightened: this.tightened,
          byGuardian: this.byGuardian,
          byKey: sortedRecord(this.changesByKey),
        },
      },
      interactions: {
        citations: this.citations,
        byOutcome: sortedRecord(this.citationsByOutcome),
        deniedByRule: sortedRecord(this.deniedByRule),
        deniedByAction: sortedRecord(this.deniedByAction),
        warnedByRule: sortedRecord(this.warnedByRule),
        guardianRequiredByRule: sortedRecord(this.guardianByRule),
        deniedByDay: sortedRecord(this.deniedByDay),
      },
      alerts: { total: this.alertsTotal, byKind: sortedRecord(new Map([...this.alertKinds].map(([k, a]) => [k, a.summary()]))) },
      hashMatches: {
        total: this.hashTotal,
        reviewed: this.hashReviewed,
        confirmed: this.hashConfirmed,
        referred: this.hashReferred,
        byList: sortedRecord(this.hashByList),
        byHashType: sortedRecord(this.hashByType),
        byAction: sortedRecord(this.hashByAction),
      },
      referrals: {
        total: this.referralsTotal,
        byAgency: { ...this.referralAgencies },
        byKind: sortedRecord(this.referralKinds),
        failed: this.referralsFailed,
        pending: this.referralsPending,
        timeFromDetection: this.referralTime.summary(),
      },
    };

    const checks = this.reconcile(eu, childSafety, options.controlTotals ?? {});
    const partial: Omit<TransparencyReport, 'uk'> = {
      format: REPORT_FORMAT,
      service: options.service,
      period: this.period,
      generatedAt: options.generatedAt,
      empty,
      coverage,
      eu,
      childSafety,
      reconciliation: { ok: checks.every((c) => c.ok), checks },
    };
    return { ...partial, uk: ukItems(partial) };
  }

  private reconcile(
    eu: TransparencyReport['eu'],
    cs: TransparencyReport['childSafety'],
    control: Partial<Record<StreamName, number>>,
  ): ReconciliationCheck[] {
    const checks: ReconciliationCheck[] = [];
    const check = (id: string, description: string, expected: number, actual: number): void => {
      checks.push({ id, description, expected, actual, ok: expected === actual });
    };
    const sum = (values: Iterable<number>): number => {
      let s = 0;
      for (const v of values) s += v;
      return s;
    };
    for (const s of STREAM_NAMES) {
      const expected = control[s];
      if (expected !== undefined) check(`stream.${s}.control-total`, `${s}: records streamed equal the independent count`, expected, this.records[s]);
      check(`stream.${s}.in-period`, `${s}: every record falls in the period`, 0, this.outOfPeriod[s]);
      check(`stream.${s}.recognised`, `${s}: every value is in its vocabulary`, 0, this.unrecognised[s]);
    }
    const a = cs.accounts;
    check('accounts.by-band', 'accounts: total equals the sum over age bands', a.total, sum(Object.values(a.byBand)));
    check('accounts.by-method', 'accounts: total equals the sum over assurance methods', a.total, sum(Object.values(a.byAssuranceMethod)));
    check(
      'accounts.children-by-band-and-method',
      'child accounts: count equals the band × method table',
      a.treatedAsChild,
      sum(Object.values(a.childrenByBandAndMethod).flatMap((row) => Object.values(row))),
    );
    check('defaults.kept-plus-changed', 'child accounts: kept defaults + changed defaults = child accounts', cs.defaults.childAccounts, cs.defaults.kept + cs.defaults.changed);
    const d = cs.interactions;
    check('decisions.by-day', 'decision counts: tally by day equals the total', d.citations, this.citationsByDay);
    check('decisions.by-action', 'decision counts: tally by action equals the total', d.citations, this.citationsByAction);
    check('decisions.by-outcome', 'decision counts: sum over outcomes equals the total', d.citations, sum(Object.values(d.byOutcome)));
    const denied = d.byOutcome.deny ?? 0;
    check('decisions.denied-by-rule', 'denials: sum over rules equals denials by outcome', denied, sum(Object.values(d.deniedByRule)));
    check('decisions.denied-by-action', 'denials: sum over actions equals denials by outcome', denied, sum(Object.values(d.deniedByAction)));
    check('decisions.denied-by-day', 'denials: sum over days equals denials by outcome', denied, sum(Object.values(d.deniedByDay)));
    const n = eu.notices.total;
    check('notices.outcomes', 'notices: received = actioned (law) + actioned (terms) + no action + pending', n.received, n.actionsBasisLaw + n.actionsBasisTerms + n.noAction + n.pending);
    check('notices.by-category', 'notices: received equals the sum over categories', n.received, sum(Object.values(eu.notices.byCategory).map((r) => r.received)));
    check('notices.by-source', 'notices: received equals the sum over sources', n.received, sum(Object.values(eu.notices.bySource)));
    check('notices.trusted-flaggers', 'notices: trusted-flagger column equals notices from trusted flaggers', eu.notices.bySource.TRUSTED_FLAGGER, n.trustedFlaggers.received);
    const o = eu.orders;
    check(
      'orders.by-member-state',
      'orders: Art 9 + Art 10 orders equal the sum over Member States',
      o.article9.received + o.article10.received,
      sum(Object.values(o.byMemberState).map((s) => s.article9 + s.article10)),
    );
    check('orders.by-category', 'orders: received equals the sum over categories', o.article9.received + o.article10.received, sum([...Object.values(o.article9.byCategory), ...Object.values(o.article10.byCategory)].map((r) => r.received)));
    check('decisions.by-source', 'moderation decisions: total equals the sum over sources', eu.decisions.total, sum(Object.values(eu.decisions.bySource)));
    check('decisions.by-automation', 'moderation decisions: total equals the sum over automation levels', eu.decisions.total, sum(Object.values(eu.automatedMeans.decisionsByAutomation)));
    check('decisions.restricted', 'moderation decisions: every decision restricts something (a statement of reasons needs one)', 0, this.decisionsWithoutRestriction);
    const own = eu.ownInitiative;
    check('own-initiative.total', 'own-initiative measures: illegal + terms = own-initiative decisions', eu.decisions.bySource.OWN_INITIATIVE, own.illegal.total.measures_total + own.termsAndConditions.total.measures_total);
    for (const [name, table] of [['illegal', own.illegal], ['terms', own.termsAndConditions]] as const) {
      check(`own-initiative.${name}.by-category`, `own-initiative (${name}): total equals the sum over categories`, table.total.measures_total, sum(Object.values(table.byCategory).map((r) => r.measures_total)));
      for (const column of MEASURE_COLUMNS) {
        const total = table.total[column];
        const parts = sum(Object.values(table.byCategory).map((r) => r[column]));
        if (total !== parts) check(`own-initiative.${name}.${column}`, `own-initiative (${name}): ${column} equals the sum over categories`, total, parts);
      }
    }
    check('own-initiative.by-detection', 'own-initiative measures: total equals the sum over detection methods', eu.decisions.bySource.OWN_INITIATIVE, sum(Object.values(own.byDetectionMethod)));
    const c = eu.complaints;
    check('complaints.outcomes', 'complaints: received = upheld + reversed + partially reversed + omitted + pending', c.received, c.upheld + c.reversed + c.partiallyReversed + c.omitted + c.pending);
    check('complaints.by-kind', 'complaints: received equals the sum over kinds', c.received, sum(Object.values(c.byKind)));
    check('complaints.by-original-decision', 'complaints: received equals the sum over original decision types', c.received, sum(Object.values(c.byOriginalDecision).map((r) => r.received)));
    check('complaints.by-basis', 'complaints: received equals the sum over bases', c.received, c.byBasis.law + c.byBasis.terms + c.byBasis.unspecified);
    const ods = eu.outOfCourtDisputes;
    check('disputes.outcomes', 'out-of-court disputes: submitted = outcomes + pending', ods.submitted, ods.upheld + ods.reversed + ods.partiallyReversed + ods.omitted + ods.pending);
    check('suspensions.by-ground', 'suspensions: total equals the sum over the three Art 23 grounds', eu.suspensions.total, sum(Object.values(eu.suspensions.byGround)));
    check('alerts.states', 'alerts: raised = confirmed + dismissed + open', cs.alerts.total, sum(Object.values(cs.alerts.byKind).map((k) => k.confirmed + k.dismissed + k.open)));
    check('hash-matches.by-list', 'hash matches: total equals the sum over lists', cs.hashMatches.total, sum(Object.values(cs.hashMatches.byList)));
    check('referrals.by-agency', 'referrals: total equals the sum over agencies', cs.referrals.total, sum(Object.values(cs.referrals.byAgency)));
    const invalid = [this.decisionTime, this.complaintTime, this.disputeTime, this.referralTime, this.art9.inform, this.art9.effect, this.art10.inform, this.art10.effect]
      .map((m) => m.invalid)
      .reduce((x, y) => x + y, 0);
    check('durations.non-negative', 'durations: no action precedes its cause', 0, invalid + [...this.alertKinds.values()].reduce((x, k) => x + k.time.invalid, 0) + this.notices.all.time.invalid);
    return checks;
  }
}

export interface ProgressEvent {
  readonly stream: StreamName;
  /** Records read from this stream so far. */
  readonly records: number;
  /** Records expected from this stream (from control totals), when known. */
  readonly expected: number | null;
  /** Records read across all streams so far. */
  readonly total: number;
  /** Sum of the expected counts of all streams, when every one is known. */
  readonly expectedTotal: number | null;
  readonly done: boolean;
}

export interface ComputeOptions {
  readonly clock?: Clock;
  /** Called every `progressEvery` records and at the end of each stream. */
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly progressEvery?: number;
  /** Return the report even when totals do not reconcile (default: throw). */
  readonly allowUnreconciled?: boolean;
}

async function drain<T>(stream: FactStream<T>, add: (fact: T) => void, tick: (n: number) => void): Promise<void> {
  for await (const item of stream as AsyncIterable<T | readonly T[]>) {
    if (Array.isArray(item)) {
      for (const fact of item as readonly T[]) add(fact);
      tick((item as readonly T[]).length);
    } else {
      add(item as T);
      tick(1);
    }
  }
}

/**
 * Computes the report for a period from a source, reading each stream once. Throws a
 * SafeguardError('conflict') listing the failed checks when the totals do not reconcile.
 */
export async function computeTransparencyReport(
  source: TransparencySource,
  period: ReportingPeriod,
  options: ComputeOptions = {},
): Promise<TransparencyReport> {
  const clock = options.clock ?? systemClock;
  const coverage = (await source.coverage?.()) ?? {};
  const control = (await source.controlTotals?.(period)) ?? {};
  const expectedTotal = STREAM_NAMES.every((s) => control[s] !== undefined) ? STREAM_NAMES.reduce((sum, s) => sum + (control[s] ?? 0), 0) : null;
  const agg = new TransparencyAggregator(period);
  const every = options.progressEvery ?? 100_000;
  let total = 0;
  const run = async <K extends StreamName>(stream: K, add: (fact: never) => void): Promise<void> => {
    let records = 0;
    let nextReport = every;
    const expected = control[stream] ?? null;
    const emit = (done: boolean): void => options.onProgress?.({ stream, records, expected, total, expectedTotal, done });
    await drain(source[stream](period), add as (fact: unknown) => void, (n) => {
      records += n;
      total += n;
      if (records >= nextReport) {
        nextReport = records + every;
        emit(false);
      }
    });
    emit(true);
  };
  await run('accounts', (f: AccountFact) => agg.addAccount(f));
  await run('settingsChanges', (f: SettingsChangeFact) => agg.addSettingsChange(f));
  await run('decisionCounts', (f: DecisionCountFact) => agg.addDecisionCount(f));
  await run('notices', (f: NoticeFact) => agg.addNotice(f));
  await run('orders', (f: OrderFact) => agg.addOrder(f));
  await run('moderationDecisions', (f: ModerationDecisionFact) => agg.addModerationDecision(f));
  await run('complaints', (f: ComplaintFact) => agg.addComplaint(f));
  await run('outOfCourtDisputes', (f: DisputeFact) => agg.addDispute(f));
  await run('suspensions', (f: SuspensionFact) => agg.addSuspension(f));
  await run('alerts', (f: AlertFact) => agg.addAlert(f));
  await run('hashMatches', (f: HashMatchFact) => agg.addHashMatch(f));
  await run('referrals', (f: ReferralFact) => agg.addReferral(f));
  await run('moderationStaff', (f: StaffFact) => agg.addStaff(f));
  await run('monthlyActiveRecipients', (f: RecipientsFact) => agg.addRecipients(f));
  const report = agg.finish({ service: source.description, generatedAt: clock.now().toISOString(), coverage, controlTotals: control });
  if (!report.reconciliation.ok && !options.allowUnreconciled) throw reconciliationError(report);
  return report;
}

/** The error a run fails with when its totals do not reconcile; details name every failed check. */
export function reconciliationError(report: TransparencyReport): SafeguardError {
  const failed = report.reconciliation.checks.filter((c) => !c.ok);
  const list = failed.map((c) => `${c.id} (expected ${c.expected}, got ${c.actual})`).join('; ');
  return new SafeguardError('conflict', `Totals do not reconcile for ${report.period.from}..${report.period.to}: ${list}`, {
    failed,
  });
}

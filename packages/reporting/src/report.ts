/**
 * The shape of a computed transparency report (format `safeguard-transparency/1`). Three parts:
 * the EU harmonised template sections (Implementing Regulation (EU) 2024/2835, DSA Arts 15, 24, 42),
 * the UK Ofcom transparency items (OSA s.77, Schedule 8) the data supports, and child-safety
 * metrics. Every figure is computed from facts; `coverage` says which streams had data at all, and
 * `reconciliation` lists the cross-checks the totals passed (or failed).
 */
import type { AgeBand } from '@safeguard/core';
import type { DurationSummary } from './median.js';
import type { ReportingPeriod } from './period.js';
import type {
  Automation,
  ComplaintKind,
  DecisionSource,
  DetectionMethod,
  NoticeSource,
  OriginalDecisionType,
  ReferralAgency,
  SorCategory,
  StreamName,
  SuspensionGround,
} from './source.js';

export const REPORT_FORMAT = 'safeguard-transparency/1';

export interface OrderCategoryRow {
  readonly received: number;
  readonly items: number;
}
export interface OrderSummary {
  readonly received: number;
  readonly items: number;
  /** Receipt of the order to informing the authority of receipt. */
  readonly timeToInformReceipt: DurationSummary;
  /** Receipt of the order to giving it effect. */
  readonly timeToGiveEffect: DurationSummary;
  readonly byCategory: Readonly<Record<SorCategory, OrderCategoryRow>>;
}

export interface NoticeCounts {
  readonly received: number;
  readonly items: number;
  readonly actionsBasisLaw: number;
  readonly actionsBasisTerms: number;
  readonly noAction: number;
  readonly pending: number;
  readonly processedByAutomatedMeans: number;
  readonly timeToAction: DurationSummary;
}
export interface NoticeRow extends NoticeCounts {
  /** The same counts for notices from trusted flaggers only (the template's `_tf` columns). */
  readonly trustedFlaggers: NoticeCounts;
}

/** Column names follow the template's canonical CSV headers (§5.1 of REGULATION.md). */
export const MEASURE_COLUMNS = [
  'vis_removal',
  'vis_disable',
  'vis_demoted',
  'vis_age_restricted',
  'vis_interaction_restricted',
  'vis_labelled',
  'vis_other',
  'mon_suspension',
  'mon_termination',
  'mon_other',
  'svc_suspension',
  'svc_termination',
  'acc_suspension',
  'acc_termination',
] as const;
export type MeasureColumn = (typeof MEASURE_COLUMNS)[number];
export type MeasureRow = { readonly measures_total: number; readonly measures_solely_automated: number } & Readonly<Record<MeasureColumn, number>>;
export interface MeasureTable {
  readonly total: MeasureRow;
  readonly byCategory: Readonly<Record<SorCategory, MeasureRow>>;
}

export interface OutcomeCounts {
  readonly upheld: number;
  readonly reversed: number;
  readonly partiallyReversed: number;
  readonly omitted: number;
}

export interface ComplaintBreakdown extends OutcomeCounts {
  readonly received: number;
  readonly pending: number;
}

export interface EuSections {
  /** Template part 03 (DSA Art 15(1)(a)). */
  readonly orders: {
    readonly article9: OrderSummary;
    readonly article10: OrderSummary;
    /** Orders by issuing Member State. */
    readonly byMemberState: Readonly<Record<string, { readonly article9: number; readonly article10: number }>>;
  };
  /** Template part 04 (Art 15(1)(b)). */
  readonly notices: {
    readonly total: NoticeRow;
    readonly concerningChildren: number;
    readonly bySource: Readonly<Record<NoticeSource, number>>;
    readonly byCategory: Readonly<Record<SorCategory, NoticeRow>>;
  };
  /** Template parts 05 (illegal content) and 06 (terms and conditions) (Art 15(1)(c)). */
  readonly ownInitiative: {
    readonly illegal: MeasureTable;
    readonly termsAndConditions: MeasureTable;
    readonly byDetectionMethod: Readonly<Record<DetectionMethod, number>>;
    readonly concerningChildren: number;
  };
  /** Every restricting decision in the period, by what prompted it. */
  readonly decisions: {
    readonly total: number;
    readonly bySource: Readonly<Record<DecisionSource, number>>;
    readonly timeToAction: DurationSummary;
  };
  /** Template part 07, internal complaints (Art 15(1)(d), Art 20). */
  readonly complaints: ComplaintBreakdown & {
    readonly byKind: Readonly<Record<ComplaintKind, number>>;
    readonly byBasis: { readonly law: number; readonly terms: number; readonly unspecified: number };
    readonly byOriginalDecision: Readonly<Record<OriginalDecisionType, ComplaintBreakdown>>;
    readonly decisionTime: DurationSummary;
    readonly restrictionsNewlyImposed: number;
    /** Decided without a person's review: Art 20(6) says this must be zero. */
    readonly decidedWithoutHumanReview: number;
    readonly concerningChildren: number;
  };
  /** Template part 07, out-of-court dispute settlement (Art 24(1)(a)). */
  readonly outOfCourtDisputes: OutcomeCounts & {
    readonly submitted: number;
    readonly pending: number;
    readonly timeToComplete: DurationSummary;
    readonly implemented: number;
    /** Implemented / closed with a known implementation status; null when none. */
    readonly implementedShare: number | null;
  };
  /** Template part 07, Art 23 suspensions (Art 24(1)(b)). */
  readonly suspensions: {
    readonly total: number;
    readonly byGround: Readonly<Record<SuspensionGround, number>>;
    /** Suspensions without a prior warning: Art 23(1) requires one. */
    readonly withoutPriorWarning: number;
  };
  /** Template part 08 (Art 15(1)(e), Art 42(2)(c)). */
  readonly automatedMeans: {
    readonly decisionsByAutomation: Readonly<Record<Automation, number>>;
    readonly measuresSolelyAutomated: number;
    readonly automatedDetection: number;
    readonly noticesProcessedByAutomatedMeans: number;
    /** Complaints about solely automated decisions: how many were decided and reversed (in full or part). */
    readonly automatedDecisionsReviewed: { readonly decided: number; readonly reversed: number; readonly errorRate: number | null; readonly accuracy: number | null };
    /** Precision of proactive alerts, by kind: confirmed / reviewed. */
    readonly alertPrecision: Readonly<Record<string, { readonly reviewed: number; readonly confirmed: number; readonly precision: number | null }>>;
    readonly hashMatchPrecision: { readonly reviewed: number; readonly confirmed: number; readonly precision: number | null };
  };
  /** Template part 09 (Art 42(2)(a)): the latest month reported in the period. */
  readonly moderationStaff: {
    readonly month: string | null;
    readonly total: number | null;
    readonly byLanguage: Readonly<Record<string, number>>;
  };
  /** Template part 10 (Art 24(2), 42(3)): average over the months reported in the period. */
  readonly averageMonthlyRecipients: {
    readonly monthsReported: number;
    readonly eu: number | null;
    readonly byMemberState: Readonly<Record<string, number>>;
  };
}

export interface UkItem {
  /** Stable id, e.g. 'sch8-para5'. */
  readonly id: string;
  /** Where the item comes from (OSA s.77 / Schedule 8 paragraph, or another section). */
  readonly basis: string;
  readonly title: string;
  /** Whether Safeguard's data can answer it; when not, `note` says why. */
  readonly supported: boolean;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly note: string;
}

export interface AlertKindRow {
  readonly raised: number;
  readonly concerningChildren: number;
  readonly automated: number;
  readonly confirmed: number;
  readonly dismissed: number;
  readonly open: number;
  readonly timeToAction: DurationSummary;
}

export interface ChildSafetyMetrics {
  readonly accounts: {
    readonly total: number;
    readonly treatedAsChild: number;
    readonly createdInPeriod: number;
    readonly byBand: Readonly<Record<AgeBand, number>>;
    /** Keys are assurance methods, or 'none'. */
    readonly byAssuranceMethod: Readonly<Record<string, number>>;
    /** Children (and unknown ages treated as children) by band and assurance method. */
    readonly childrenByBandAndMethod: Readonly<Record<string, Readonly<Record<string, number>>>>;
    readonly highlyEffectiveAssurance: { readonly children: number; readonly adults: number };
  };
  readonly defaults: {
    readonly childAccounts: number;
    /** Child accounts whose settings all equal their protective defaults at the end of the period. */
    readonly kept: number;
    readonly changed: number;
    readonly keptShare: number | null;
    readonly changesInPeriod: {
      readonly total: number;
      readonly loosened: number;
      readonly tightened: number;
      readonly byGuardian: number;
      readonly byKey: Readonly<Record<string, { readonly loosened: number; readonly tightened: number; readonly other: number }>>;
    };
  };
  readonly interactions: {
    /** Rule citations counted (a decision citing two rules counts under each). */
    readonly citations: number;
    readonly byOutcome: Readonly<Record<string, number>>;
    readonly deniedByRule: Readonly<Record<string, number>>;
    readonly deniedByAction: Readonly<Record<string, number>>;
    readonly warnedByRule: Readonly<Record<string, number>>;
    readonly guardianRequiredByRule: Readonly<Record<string, number>>;
    /** Denials per day (for charts). */
    readonly deniedByDay: Readonly<Record<string, number>>;
  };
  readonly alerts: {
    readonly total: number;
    readonly byKind: Readonly<Record<string, AlertKindRow>>;
  };
  readonly hashMatches: {
    readonly total: number;
    readonly reviewed: number;
    readonly confirmed: number;
    readonly referred: number;
    readonly byList: Readonly<Record<string, number>>;
    readonly byHashType: Readonly<Record<string, number>>;
    readonly byAction: Readonly<Record<string, number>>;
  };
  readonly referrals: {
    readonly total: number;
    readonly byAgency: Readonly<Record<ReferralAgency, number>>;
    readonly byKind: Readonly<Record<string, number>>;
    readonly failed: number;
    readonly pending: number;
    readonly timeFromDetection: DurationSummary;
  };
}

export interface ReconciliationCheck {
  readonly id: string;
  readonly description: string;
  readonly expected: number;
  readonly actual: number;
  readonly ok: boolean;
}

export interface Reconciliation {
  readonly ok: boolean;
  readonly checks: readonly ReconciliationCheck[];
}

export interface StreamSummary {
  readonly collected: boolean;
  readonly records: number;
  readonly note: string | null;
}

export interface TransparencyReport {
  readonly format: typeof REPORT_FORMAT;
  readonly service: string;
  readonly period: ReportingPeriod;
  readonly generatedAt: string;
  /** No fact of any kind fell in the period. */
  readonly empty: boolean;
  readonly coverage: Readonly<Record<StreamName, StreamSummary>>;
  readonly eu: EuSections;
  readonly uk: readonly UkItem[];
  readonly childSafety: ChildSafetyMetrics;
  readonly reconciliation: Reconciliation;
}

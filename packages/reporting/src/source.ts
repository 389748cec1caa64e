/**
 * What transparency reports are computed from: typed facts, streamed. A `TransparencySource` hands
 * the aggregator one async iterable per kind of fact, already limited to the period (by each fact's
 * primary timestamp, named below). Sources may yield facts one by one or in arrays (pages), which
 * keeps per-fact overhead low on large periods. Nothing here is typed in by hand: the store-backed
 * source reads accounts, audit entries, decision counts, cases and detections; tests and benchmarks
 * use in-memory sources.
 *
 * Facts carry no personal data beyond opaque ids needed to de-duplicate; reports never print ids.
 */
import type { AgeBand, AssuranceMethod } from '@safeguard/core';
import type { ReportingPeriod } from './period.js';
import type {
  DECISION_ACCOUNTS,
  DECISION_MONETARIES,
  DECISION_PROVISIONS,
  DECISION_VISIBILITIES,
  STATEMENT_CATEGORIES,
} from './sor/sor-enums.generated.js';

export type SorCategory = keyof typeof STATEMENT_CATEGORIES;
export type VisibilityRestriction = keyof typeof DECISION_VISIBILITIES;
export type MonetaryRestriction = keyof typeof DECISION_MONETARIES;
export type ProvisionRestriction = keyof typeof DECISION_PROVISIONS;
export type AccountRestriction = keyof typeof DECISION_ACCOUNTS;

/** Legal basis of a measure: the law (illegal content) or the provider's terms and conditions. */
export type Basis = 'LAW' | 'TERMS';
export const NOTICE_SOURCES = ['ART16_NOTICE', 'TRUSTED_FLAGGER', 'OTHER_NOTIFICATION'] as const;
export type NoticeSource = (typeof NOTICE_SOURCES)[number];
export const DECISION_SOURCES = [...NOTICE_SOURCES, 'AUTHORITY_ORDER', 'OWN_INITIATIVE'] as const;
export type DecisionSource = (typeof DECISION_SOURCES)[number];
export const DETECTION_METHODS = ['USER_REPORT', 'HASH_MATCH', 'CLASSIFIER', 'HUMAN_PROACTIVE', 'AUTHORITY', 'OTHER'] as const;
export type DetectionMethod = (typeof DETECTION_METHODS)[number];
export const AUTOMATION_LEVELS = ['FULLY', 'PARTIALLY', 'NOT'] as const;
export type Automation = (typeof AUTOMATION_LEVELS)[number];
/** Outcome of a complaint or an out-of-court dispute, as the DSA template counts them. */
export const REVIEW_OUTCOMES = ['UPHELD', 'REVERSED', 'PARTIALLY_REVERSED', 'OMITTED'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];
/** The six kinds of original decision the template breaks complaints down by. */
export const ORIGINAL_DECISION_TYPES = ['visibility', 'monetary', 'provision', 'account', 'no_action', 'other'] as const;
export type OriginalDecisionType = (typeof ORIGINAL_DECISION_TYPES)[number];
export const COMPLAINT_KINDS = ['CONTENT_APPEAL', 'ACCOUNT_APPEAL', 'AGE_ASSESSMENT_APPEAL', 'PROACTIVE_TECH', 'NOTICE_REJECTION', 'OTHER'] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];
/** DSA Art 24(1)(b): the three grounds of Art 23 suspensions. */
export const SUSPENSION_GROUNDS = ['MANIFESTLY_ILLEGAL_CONTENT', 'MANIFESTLY_UNFOUNDED_NOTICES', 'MANIFESTLY_UNFOUNDED_COMPLAINTS'] as const;
export type SuspensionGround = (typeof SUSPENSION_GROUNDS)[number];
export const REFERRAL_AGENCIES = ['NCMEC', 'NCA', 'POLICE', 'OTHER'] as const;
export type ReferralAgency = (typeof REFERRAL_AGENCIES)[number];

/** An account as it stood at the end of the period (primary timestamp: createdAt < period end). */
export interface AccountFact {
  readonly band: AgeBand;
  readonly assuranceMethod: AssuranceMethod | null;
  /** The assurance method counts as highly effective (Ofcom HEAA; rule AGE-02). */
  readonly highlyEffective: boolean;
  /** Receives the child protections: a child band, or unknown age where AGE-01 is in force. */
  readonly treatedAsChild: boolean;
  readonly jurisdiction: string | null;
  readonly createdAt: string;
  /** How many settings differ from the account's protective defaults at the end of the period. */
  readonly changedSettings: number;
}

/** A settings change that was applied (primary timestamp: at). */
export interface SettingsChangeFact {
  readonly at: string;
  readonly key: string;
  /** Relative to the setting's order of protection (most protective first). */
  readonly direction: 'loosened' | 'tightened' | 'unchanged' | 'unknown';
  readonly changedBy: 'self' | 'guardian' | 'other';
  /** The account was treated as a child when the change was made. */
  readonly child: boolean;
}

/** Decisions counted per day, action, outcome and rule (a decision citing two rules counts under each). */
export interface DecisionCountFact {
  readonly day: string;
  readonly action: string;
  readonly outcome: string;
  /** '-' when the decision cited no rule. */
  readonly ruleId: string;
  readonly count: number;
}

/** A notice (DSA Art 16) or other report about content or an account (primary timestamp: receivedAt). */
export interface NoticeFact {
  readonly id: string;
  readonly receivedAt: string;
  readonly source: NoticeSource;
  /** Category the notifier alleged; null = not specified by the notifier. */
  readonly category: SorCategory | null;
  /** Items of content the notice concerns (≥ 1). */
  readonly items: number;
  readonly concernsChild: boolean;
  /** Processed (triaged or decided) by automated means. */
  readonly automatedProcessing: boolean;
  /** The decision on it: null while pending; basis null when it was decided with no action. */
  readonly decision: { readonly at: string; readonly basis: Basis | null } | null;
}

/** An order from a Member-State authority, DSA Art 9 (act) or Art 10 (information) (primary timestamp: receivedAt). */
export interface OrderFact {
  readonly id: string;
  readonly article: 9 | 10;
  readonly memberState: string;
  readonly category: SorCategory | null;
  readonly items: number;
  readonly receivedAt: string;
  /** When the authority was told of receipt. */
  readonly acknowledgedAt: string | null;
  /** When the order was given effect. */
  readonly effectGivenAt: string | null;
}

export interface Restrictions {
  readonly visibility: readonly VisibilityRestriction[];
  readonly monetary: MonetaryRestriction | null;
  readonly provision: ProvisionRestriction | null;
  readonly account: AccountRestriction | null;
}

/** A moderation decision that restricted something (primary timestamp: decidedAt). Each one owes a statement of reasons. */
export interface ModerationDecisionFact {
  readonly id: string;
  readonly decidedAt: string;
  readonly source: DecisionSource;
  readonly detection: DetectionMethod;
  readonly automatedDetection: boolean;
  readonly automatedDecision: Automation;
  readonly basis: Basis;
  readonly category: SorCategory;
  readonly restrictions: Restrictions;
  readonly concernsChild: boolean;
  /** When the notice or signal that led to it arrived (for time to action); null when unknown. */
  readonly receivedAt: string | null;
}

/** An internal complaint (DSA Art 20) or appeal (primary timestamp: lodgedAt). */
export interface ComplaintFact {
  readonly id: string;
  readonly lodgedAt: string;
  readonly kind: ComplaintKind;
  readonly basis: Basis | null;
  readonly originalDecision: OriginalDecisionType;
  /** The decision complained about was taken solely by automated means. */
  readonly originalAutomated: boolean;
  /** Null while undecided; a decision after the period end counts as pending. */
  readonly decidedAt: string | null;
  readonly outcome: ReviewOutcome | null;
  /** Decided by a person (Art 20(6): never solely automated). */
  readonly humanReviewed: boolean;
  /** The complaint led to a new or harsher restriction. */
  readonly newRestrictionImposed: boolean;
  readonly concernsChild: boolean;
}

/** A dispute before a certified out-of-court body (DSA Art 21) (primary timestamp: submittedAt). */
export interface DisputeFact {
  readonly id: string;
  readonly submittedAt: string;
  readonly closedAt: string | null;
  readonly outcome: ReviewOutcome | null;
  /** Whether the provider implemented the body's decision (null: not applicable or unknown). */
  readonly providerImplemented: boolean | null;
}

/** A suspension under DSA Art 23 (primary timestamp: at). */
export interface SuspensionFact {
  readonly id: string;
  readonly at: string;
  readonly ground: SuspensionGround;
  /** A prior warning was given (Art 23 requires one). */
  readonly warned: boolean;
}

/** A grooming, contact-risk or other safety alert (primary timestamp: raisedAt). */
export interface AlertFact {
  readonly id: string;
  /** 'grooming', 'contact-risk', … */
  readonly kind: string;
  readonly raisedAt: string;
  /** When someone (or something) acted on it; null while open. */
  readonly actionedAt: string | null;
  /** Outcome of the review; null while open. */
  readonly resolution: 'confirmed' | 'dismissed' | null;
  /** Raised by proactive technology (not by a user report). */
  readonly automated: boolean;
  readonly concernsChild: boolean;
}

/** A match of uploaded media against a hash list (primary timestamp: at). */
export interface HashMatchFact {
  readonly id: string;
  readonly at: string;
  /** 'pdq', 'md5', 'sha256', … */
  readonly hashType: string;
  /** The hash list or bank that matched (e.g. 'ncmec', 'iwf', 'tenant'). */
  readonly list: string;
  readonly action: 'blocked' | 'queued' | 'allowed' | 'other';
  /** Human review confirmed the match (null: not reviewed). */
  readonly confirmed: boolean | null;
  /** Led to a referral to law enforcement or NCMEC. */
  readonly referred: boolean;
}

/** A report to law enforcement or a clearing house (primary timestamp: submittedAt). */
export interface ReferralFact {
  readonly id: string;
  readonly submittedAt: string;
  readonly agency: ReferralAgency;
  /** 'CSAM', 'ENTICEMENT', 'THREAT_TO_LIFE', … */
  readonly kind: string;
  /** When the matter was detected (for time from detection to report); null when unknown. */
  readonly detectedAt: string | null;
  readonly status: 'submitted' | 'failed' | 'pending';
}

/** People moderating content in a month, by language (ISO 639-1, upper case; 'ALL' for the total). */
export interface StaffFact {
  readonly month: string;
  readonly language: string;
  readonly headcount: number;
}

/** Monthly active recipients in a month, per Member State ('EU' for the Union total). */
export interface RecipientsFact {
  readonly month: string;
  readonly memberState: string;
  readonly recipients: number;
}

export interface FactTypes {
  accounts: AccountFact;
  settingsChanges: SettingsChangeFact;
  decisionCounts: DecisionCountFact;
  notices: NoticeFact;
  orders: OrderFact;
  moderationDecisions: ModerationDecisionFact;
  complaints: ComplaintFact;
  outOfCourtDisputes: DisputeFact;
  suspensions: SuspensionFact;
  alerts: AlertFact;
  hashMatches: HashMatchFact;
  referrals: ReferralFact;
  moderationStaff: StaffFact;
  monthlyActiveRecipients: RecipientsFact;
}
export type StreamName = keyof FactTypes;
export const STREAM_NAMES: readonly StreamName[] = [
  'accounts',
  'settingsChanges',
  'decisionCounts',
  'notices',
  'orders',
  'moderationDecisions',
  'complaints',
  'outOfCourtDisputes',
  'suspensions',
  'alerts',
  'hashMatches',
  'referrals',
  'moderationStaff',
  'monthlyActiveRecipients',
];

/** Facts one by one, or in arrays (a page at a time). */
export type FactStream<T> = AsyncIterable<T | readonly T[]> | Iterable<T | readonly T[]>;

/** Whether a stream is backed by data at all: "not collected" is reported as such, never as zero. */
export interface StreamCoverage {
  readonly collected: boolean;
  readonly note?: string;
}

export type TransparencySource = {
  /** Who the figures are about, e.g. the tenant name; shown in the report. */
  readonly description: string;
  /** Which streams are backed by data; a missing entry means collected. */
  coverage?(): Promise<Partial<Record<StreamName, StreamCoverage>>>;
  /**
   * Record counts per stream computed independently of the streams (e.g. SQL COUNT(*)). The
   * reconciliation requires the streamed counts to equal them, which catches paging bugs and
   * concurrent-write tears.
   */
  controlTotals?(period: ReportingPeriod): Promise<Partial<Record<StreamName, number>>>;
} & { readonly [K in StreamName]: (period: ReportingPeriod) => FactStream<FactTypes[K]> };

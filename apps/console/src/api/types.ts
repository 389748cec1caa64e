/**
 * The shapes the console reads from the Safeguard API. They mirror the server's zod views
 * (apps/server/src/routes/cases-views.ts and friends; /openapi.json documents them) and list only
 * the fields the console uses. The server stays the single source of truth: the console computes
 * nothing that the server already answers (SLA remaining time, signals at messages, statements of
 * reasons) and only presents it.
 */

export type Role = 'platform' | 'moderator' | 'admin' | 'regulator';

export interface Me {
  readonly tenant: { readonly id: string; readonly name: string };
  readonly keyId: string;
  readonly role: Role;
  readonly permissions: readonly string[];
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DECISION_ACTIONS = ['no_action', 'warn', 'remove_content', 'restrict', 'suspend', 'ban', 'refer_law_enforcement'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

export const APPEAL_OUTCOMES = ['upheld', 'reversed', 'partially_reversed'] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];

export interface Sla {
  readonly dueAt: string;
  /** Negative once breached; measured by the server at `now`. */
  readonly remainingMs: number;
  readonly breached: boolean;
}

export interface QueueItem {
  readonly id: string;
  readonly status: 'open' | 'decided';
  readonly severity: Severity;
  readonly subjectAccountId: string;
  readonly primaryReason: string;
  readonly reasonLabel: string;
  readonly reasons: readonly string[];
  readonly childSafetyTypes: readonly string[];
  readonly sources: readonly string[];
  readonly involvesChild: boolean;
  readonly reportCount: number;
  readonly alertCount: number;
  readonly openedAt: string;
  readonly sla: Sla;
  readonly assignment: { readonly assignee: string; readonly expiresAt: string; readonly mine: boolean } | null;
  readonly latestAction: DecisionAction | null;
  readonly decidedAt: string | null;
  readonly triageWhy: readonly string[];
}

export type Counts = Readonly<Record<Severity, { readonly open: number; readonly breached: number; readonly unassigned: number }>>;

export interface QueuePage {
  readonly now: string;
  readonly items: readonly QueueItem[];
  readonly nextCursor: string | null;
  readonly counts: Counts | null;
}

export interface EvidenceSignal {
  readonly type: string;
  readonly alertId: string;
  readonly participant: string | null;
  readonly detail: string | null;
}

export interface Evidence {
  readonly id: string;
  readonly kind: 'message' | 'item' | 'media';
  readonly conversationId: string | null;
  readonly index: number | null;
  readonly itemId: string | null;
  readonly from: string | null;
  readonly sentAt: string | null;
  readonly text: string | null;
  readonly media: { readonly count: number; readonly blurred: true } | null;
  readonly flagged: boolean;
  readonly signals: readonly EvidenceSignal[];
  readonly source: string;
}

export interface CaseAlert {
  readonly alertId: string;
  readonly kind: string;
  readonly reason: string;
  readonly score: number;
  readonly raisedAt: string;
  readonly conversationId: string | null;
  readonly signals: readonly { readonly type: string; readonly message: number; readonly participant: string | null; readonly detail: string | null }[];
  readonly hashMatches: readonly { readonly bank: string; readonly distance: number | string | null; readonly label: string | null; readonly signalType: string | null }[];
  readonly summary: string | null;
  readonly severity: Severity;
}

export interface CaseReport {
  readonly id: string;
  readonly reporterKind: string;
  readonly reporterId: string | null;
  readonly reporterName: string | null;
  readonly reporterIsChild: boolean;
  readonly reason: string;
  readonly reasonLabel: string;
  readonly reasonText: string | null;
  readonly reportedItem: { readonly id: string; readonly typeId: string; readonly kind: string };
  readonly order: { readonly authority: string; readonly reference: string; readonly memberState: string | null } | null;
  readonly receivedAt: string;
  readonly severity: Severity;
}

export interface Participant {
  readonly accountId: string;
  readonly roles: readonly string[];
  readonly registered: boolean;
  readonly ageBand: string;
  readonly child: boolean;
  readonly jurisdiction: string | null;
}

export type StatementOfReasons = Readonly<Record<string, unknown>>;

export interface Decision {
  readonly id: string;
  readonly caseId: string;
  readonly action: DecisionAction;
  readonly actionLabel: string;
  readonly reason: string;
  readonly basis: 'illegal' | 'terms';
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly endDate: string | null;
  readonly removeContent: boolean;
  readonly facts: string | null;
  readonly status: 'in_force' | 'reversed' | 'superseded';
  readonly statementRequired: boolean;
  readonly statementOfReasons: StatementOfReasons;
  readonly strikesAdded: number;
}

export interface Appeal {
  readonly id: string;
  readonly externalId: string;
  readonly decisionId: string;
  readonly caseId: string;
  readonly originalAction: DecisionAction;
  readonly appellantId: string;
  readonly appellantRole: 'reported-user' | 'reporter';
  readonly appellantIsChild: boolean;
  readonly reasonText: string | null;
  readonly lodgedAt: string;
  readonly status: 'pending' | 'decided';
  readonly outcome: AppealOutcome | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly handlingMs: number | null;
  readonly ageMs: number;
  readonly explanation: string | null;
}

export interface CaseEvent {
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly actor: string;
}

export interface CaseDetail {
  readonly now: string;
  readonly case: QueueItem;
  readonly why: { readonly triage: readonly string[]; readonly alerts: readonly CaseAlert[]; readonly reports: readonly CaseReport[] };
  readonly participants: readonly Participant[];
  readonly timeline: { readonly items: readonly Evidence[]; readonly nextCursor: string | null; readonly total: number };
  readonly hashMatches: readonly { readonly alertId: string; readonly bank: string; readonly label: string | null; readonly distance: number | string | null }[];
  readonly priorCases: readonly QueueItem[];
  readonly strikes: { readonly active: number };
  readonly suggestedAction: DecisionAction;
  readonly decisions: readonly Decision[];
  readonly appeals: readonly Appeal[];
  readonly events: readonly CaseEvent[];
}

export interface DecisionInput {
  readonly action: DecisionAction;
  readonly reasonCode?: string;
  readonly basis?: 'illegal' | 'terms';
  readonly facts?: string;
  readonly durationDays?: number;
  readonly removeContent?: boolean;
}

export interface DecisionPreview {
  readonly action: DecisionAction;
  readonly reason: string;
  readonly basis: 'illegal' | 'terms';
  readonly endDate: string | null;
  readonly removeContent: boolean;
  readonly statementOfReasons: StatementOfReasons;
  readonly statementRequired: boolean;
  readonly validation: { readonly valid: boolean; readonly errors: readonly { readonly path: string; readonly message: string }[] };
  readonly notifications: readonly { readonly recipient: string; readonly accountId: string | null; readonly message: string; readonly plainLanguage: boolean }[];
  readonly strikes: { readonly before: number; readonly added: number; readonly after: number };
  readonly suggestedAction: DecisionAction;
  readonly referrals: readonly { readonly target: string; readonly incidentType: string; readonly includeMedia: boolean }[];
}

export interface DecisionResult extends DecisionPreview {
  readonly decision: Decision;
  readonly referralIds: readonly string[];
  readonly webhookDeliveries: number;
}

export interface Reason {
  readonly code: string;
  readonly label: string;
  readonly severity: Severity;
  readonly childSafetyType: string | null;
  readonly categoryLabel: string;
  readonly basis: 'illegal' | 'terms';
}

export interface AppealsPage {
  readonly now: string;
  readonly items: readonly Appeal[];
  readonly nextCursor: string | null;
}

export interface AppealDetail {
  readonly appeal: Appeal;
  readonly decision: Decision;
  readonly case: QueueItem;
}

export interface AppealDecisionResult {
  readonly appeal: Appeal;
  readonly replacement: { readonly decision: Decision; readonly statementOfReasons: StatementOfReasons } | null;
  readonly webhookDeliveries: number;
}

export interface CaseStats {
  readonly from: string;
  readonly to: string;
  readonly now: string;
  readonly slaMinutes: Readonly<Record<string, number>>;
  readonly casesOpened: readonly { readonly day: string; readonly severity: Severity; readonly count: number }[];
  readonly reports: readonly { readonly day: string; readonly source: string; readonly count: number }[];
  readonly alerts: readonly { readonly day: string; readonly kind: string; readonly count: number }[];
  readonly decisions: readonly { readonly day: string; readonly action: string; readonly count: number }[];
  readonly handlingTimes: Readonly<Record<string, { readonly count: number; readonly medianMs: number | null; readonly p90Ms: number | null }>>;
  readonly slaBreaches: readonly { readonly day: string; readonly decided: number; readonly breached: number }[];
  readonly backlog: Counts;
  readonly appeals: { readonly lodged: number; readonly decided: number; readonly outcomes: Readonly<Record<string, number>>; readonly medianHandlingMs: number | null };
  readonly referrals: readonly { readonly target: string; readonly status: string; readonly count: number }[];
}

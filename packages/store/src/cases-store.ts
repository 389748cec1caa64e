/**
 * CaseStore: persistence for reports, complaints and moderation (issue 5). Reports and detection
 * alerts about the same account merge into one open case; cases are triaged by severity with SLA
 * deadlines, worked under exclusive expiring locks, decided with a statement of reasons, appealed,
 * referred to law enforcement, preserved under retention rules and legal holds; platforms hear
 * about decisions through a durable webhook outbox.
 *
 * Contract:
 * - every query filters on tenant_id; ids from another tenant behave exactly like unknown ids;
 * - each mutating method runs in one transaction (joining the caller's when there is one), and on
 *   PostgreSQL locks the case row first, so concurrent writers to one case serialise;
 * - reports are idempotent on their idempotency key, alerts on their alert id, appeals on the
 *   platform's appeal id: a retry returns what the first call stored;
 * - a case keeps its own copy of the evidence (messages, items, media references), so case pages
 *   never scan the message store;
 * - the rules (triage, locks, statements of reasons, strikes, appeals, retention, exports) are the
 *   pure functions of @safeguard/cases; this module applies them to rows.
 *
 * `openCaseFromAlert(store, tenantId, alert)` is the entry point detection calls when it raises an
 * alert (see docs/moderation.md).
 */
import { createHash } from 'node:crypto';
import { SafeguardError, type AgeBand, type Jurisdiction } from '@safeguard/core';
import { createPolicyEngine, type PolicyEngine } from '@safeguard/policy';
import {
  SEVERITIES,
  APPEAL_OUTCOMES,
  COOP_PENALTY,
  DECISION_ACTIONS,
  DEFAULT_EVIDENCE_RETENTION_DAYS,
  DEFAULT_SLA_MINUTES,
  DEFAULT_STRIKE_TTL_DAYS,
  EEA_TERRITORIAL_SCOPE,
  SEVERITY_RANK,
  STRIKE_WEIGHTS,
  WEBHOOK_EVENTS,
  ACTION_LABELS,
  appealEffect,
  appealMessage,
  buildCyberTiplineReport,
  buildNcaReport,
  buildStatementOfReasons,
  checkReplacement,
  contentTypesOf,
  isVideoSignal,
  lockHolder,
  lockMinutes,
  median,
  mergeUrgency,
  ncmecHashType,
  notificationsFor,
  percentile,
  preservationUntil,
  reasonFor,
  reasonForAlert,
  reasonOrOther,
  removesContent,
  restrictionEndDate,
  retentionUntil,
  severityOfRank,
  slaDeadline,
  suggestAction,
  triage,
  validateStatementOfReasons,
  type AlertHashMatch,
  type AlertKind,
  type AppealOutcome,
  type DecisionAction,
  type DecisionBasis,
  type IntakeSource,
  type NcmecReportAnnotation,
  type NormalizedItem,
  type NormalizedReport,
  type Notification,
  type ReferralContact,
  type ReferralFile,
  type ReferralInput,
  type ReportReason,
  type Severity,
  type SlaTargets,
  type SorValidationError,
  type StatementOfReasons,
  type TerritorialCode,
  type WebhookEvent,
} from '@safeguard/cases';
import { sql, type SqlBool, type Expression } from 'kysely';
import { randomId } from './keys.js';
import type { SafeguardStore } from './store.js';

// ---- tables ---------------------------------------------------------------------------------

export interface CaseSettingsTable {
  tenant_id: string;
  settings: string;
  updated_at: string;
}

export interface CasesTable {
  tenant_id: string;
  id: string;
  subject_account_id: string;
  subject_type_id: string;
  status: 'open' | 'decided';
  severity: string;
  severity_rank: number;
  sla_due_ms: number;
  primary_reason: string;
  /** JSON array of reason codes, in arrival order. */
  reasons: string;
  child_safety_types: string;
  sources: string;
  involves_child: number;
  report_count: number;
  alert_count: number;
  /** JSON array of triage explanations. */
  triage_why: string;
  opened_at: string;
  opened_ms: number;
  updated_at: string;
  assignee: string | null;
  lock_expires_ms: number | null;
  first_decision_ms: number | null;
  decided_at: string | null;
  latest_decision_id: string | null;
  latest_action: string | null;
}

export interface CaseParticipantsTable {
  tenant_id: string;
  case_id: string;
  account_id: string;
  role: 'subject' | 'counterpart' | 'reporter';
}

export interface CaseReportsTable {
  tenant_id: string;
  id: string;
  case_id: string;
  idempotency_key: string;
  body_digest: string;
  reporter_kind: string;
  reporter_id: string | null;
  reporter_type_id: string | null;
  reporter_name: string | null;
  reporter_is_child: number;
  reason_code: string;
  reason_text: string | null;
  csam_flag: number;
  source_type: string;
  subject_account_id: string;
  reported_item_id: string;
  reported_item_type: string;
  reported_item_kind: string;
  order_authority: string | null;
  order_reference: string | null;
  order_member_state: string | null;
  reported_at: string | null;
  received_at: string;
  received_ms: number;
  thread_size: number;
  severity: string;
  warnings: string;
}

export interface CaseAlertsTable {
  tenant_id: string;
  alert_id: string;
  case_id: string;
  kind: string;
  reason_code: string;
  account_id: string;
  other_account_ids: string;
  conversation_id: string | null;
  score: number;
  signals: string;
  hash_matches: string;
  summary: string | null;
  severity: string;
  raised_at: string;
  received_ms: number;
}

export interface CaseEventsTable {
  tenant_id: string;
  case_id: string;
  seq: number;
  at: string;
  type: string;
  actor: string;
  data: string;
}

export interface CaseEvidenceTable {
  tenant_id: string;
  id: string;
  case_id: string;
  key: string;
  kind: 'message' | 'item' | 'media';
  source: string;
  conversation_id: string | null;
  message_index: number | null;
  item_id: string | null;
  item_type: string | null;
  from_account: string | null;
  sent_at: string | null;
  sort_key: string;
  text: string | null;
  media: string | null;
  data: string | null;
  flagged: number;
  captured_at: string;
  retain_until_ms: number;
}

export interface CaseDecisionsTable {
  tenant_id: string;
  id: string;
  case_id: string;
  subject_account_id: string;
  action: string;
  reason_code: string;
  basis: string;
  category: string;
  source_type: string;
  automated_detection: number;
  decided_by: string;
  decided_at: string;
  decided_ms: number;
  end_date: string | null;
  remove_content: number;
  facts: string | null;
  sor: string;
  sor_required: number;
  strikes_added: number;
  status: 'in_force' | 'reversed' | 'superseded';
  status_changed_at: string | null;
  origin_appeal_id: string | null;
}

export interface CaseStrikesTable {
  tenant_id: string;
  id: string;
  account_id: string;
  case_id: string;
  decision_id: string;
  weight: number;
  at: string;
  expires_ms: number;
  revoked_at: string | null;
}

export interface CaseAppealsTable {
  tenant_id: string;
  id: string;
  external_id: string;
  decision_id: string;
  case_id: string;
  original_action: string;
  appellant_id: string;
  appellant_type_id: string;
  appellant_role: 'reported-user' | 'reporter';
  appellant_is_child: number;
  reason_text: string | null;
  lodged_at: string;
  lodged_ms: number;
  status: 'pending' | 'decided';
  outcome: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decided_ms: number | null;
  handling_ms: number | null;
  explanation: string | null;
  replacement_decision_id: string | null;
  assignee: string | null;
  lock_expires_ms: number | null;
}

export interface CaseLegalHoldsTable {
  tenant_id: string;
  id: string;
  case_id: string;
  reason: string;
  authority: string | null;
  reference: string | null;
  placed_by: string;
  placed_at: string;
  released_by: string | null;
  released_at: string | null;
}

export interface CaseReferralsTable {
  tenant_id: string;
  id: string;
  case_id: string;
  decision_id: string;
  target: 'ncmec' | 'nca';
  status: 'queued' | 'exported' | 'submitted';
  incident_type: string;
  include_media: number;
  /** ReferralInput (without the reporter contact, filled in at export) as JSON; null once purged. */
  input: string | null;
  detected_ms: number;
  created_at: string;
  created_ms: number;
  exported_at: string | null;
  exported_by: string | null;
  submitted_at: string | null;
  external_report_id: string | null;
  retain_until_ms: number;
}

export interface WebhookEndpointsTable {
  tenant_id: string;
  id: string;
  url: string;
  /** The HMAC secret, needed in the clear to sign (it authenticates Safeguard to the platform). */
  secret: string;
  events: string;
  active: number;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookOutboxTable {
  tenant_id: string;
  id: string;
  event_id: string;
  endpoint_id: string | null;
  event_type: string;
  case_id: string | null;
  /** The exact body bytes sent (and signed) on every attempt. */
  payload: string;
  /** held = no endpoint yet (delivered once one is configured); pending = to deliver; delivered = 2xx seen. */
  status: 'held' | 'pending' | 'delivered';
  attempts: number;
  next_attempt_ms: number;
  lease_until_ms: number | null;
  created_at: string;
  created_ms: number;
  delivered_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

/** Counts per UTC day, metric and key, kept as things happen so dashboards read a few rows. */
export interface CaseDailyCountsTable {
  tenant_id: string;
  day: string;
  /** 'opened' (key: severity), 'report' (key: reporter kind), 'alert' (key: kind), 'decision' (key: action). */
  metric: string;
  key: string;
  count: number;
}

declare module './schema.js' {
  interface Database {
    case_daily_counts: CaseDailyCountsTable;
    case_settings: CaseSettingsTable;
    cases: CasesTable;
    case_participants: CaseParticipantsTable;
    case_reports: CaseReportsTable;
    case_alerts: CaseAlertsTable;
    case_events: CaseEventsTable;
    case_evidence: CaseEvidenceTable;
    case_decisions: CaseDecisionsTable;
    case_strikes: CaseStrikesTable;
    case_appeals: CaseAppealsTable;
    case_legal_holds: CaseLegalHoldsTable;
    case_referrals: CaseReferralsTable;
    webhook_endpoints: WebhookEndpointsTable;
    webhook_outbox: WebhookOutboxTable;
  }
}

/** Every table this module owns (tests snapshot them for tenant isolation). */
export const CASE_TABLES = [
  'case_daily_counts',
  'case_settings',
  'cases',
  'case_participants',
  'case_reports',
  'case_alerts',
  'case_events',
  'case_evidence',
  'case_decisions',
  'case_strikes',
  'case_appeals',
  'case_legal_holds',
  'case_referrals',
  'webhook_endpoints',
  'webhook_outbox',
] as const;

// ---- settings -------------------------------------------------------------------------------

export type ReferralTarget = 'ncmec' | 'nca';

export interface CaseSettings {
  readonly slaMinutes: SlaTargets;
  readonly lockMinutes: number;
  readonly evidenceRetentionDays: number;
  readonly strikeTtlDays: number;
  /** The platform's own policy ids (e.g. its Coop policy ids) → Safeguard reason codes. */
  readonly reasonAliases: Readonly<Record<string, string>>;
  readonly sor: {
    readonly territorialScope: readonly TerritorialCode[];
    readonly termsUrl: string | null;
    readonly legalGrounds: Readonly<Record<string, string>>;
    readonly termsGrounds: Readonly<Record<string, string>>;
  };
  readonly referrals: {
    /** Always referred to (for confirmed child sexual exploitation). */
    readonly targets: readonly ReferralTarget[];
    /** Also refer to the UK NCA when the case is UK-linked (OSA s.70). */
    readonly ncaWhenUkLinked: boolean;
    /** Send media in referrals (off unless the tenant turns it on). */
    readonly includeMedia: boolean;
    readonly platform: string;
    readonly espService: string;
    readonly chatClient: string;
    readonly reporter: ReferralContact;
  };
  readonly appeals: {
    /** The person deciding an appeal must not be the one who took the decision. */
    readonly reviewerMustDiffer: boolean;
  };
}

export const DEFAULT_CASE_SETTINGS: CaseSettings = {
  slaMinutes: DEFAULT_SLA_MINUTES,
  lockMinutes: 15,
  evidenceRetentionDays: DEFAULT_EVIDENCE_RETENTION_DAYS,
  strikeTtlDays: DEFAULT_STRIKE_TTL_DAYS,
  reasonAliases: {},
  sor: { territorialScope: EEA_TERRITORIAL_SCOPE, termsUrl: null, legalGrounds: {}, termsGrounds: {} },
  referrals: {
    targets: ['ncmec'],
    ncaWhenUkLinked: true,
    includeMedia: false,
    platform: 'Online service',
    espService: 'Online service',
    chatClient: 'Direct messages',
    reporter: {},
  },
  appeals: { reviewerMustDiffer: true },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type CaseSettingsPatch = DeepPartial<CaseSettings>;

function mergeSettings(base: CaseSettings, patch: CaseSettingsPatch): CaseSettings {
  return {
    slaMinutes: { ...base.slaMinutes, ...(patch.slaMinutes ?? {}) },
    lockMinutes: patch.lockMinutes ?? base.lockMinutes,
    evidenceRetentionDays: patch.evidenceRetentionDays ?? base.evidenceRetentionDays,
    strikeTtlDays: patch.strikeTtlDays ?? base.strikeTtlDays,
    reasonAliases: (patch.reasonAliases as Record<string, string> | undefined) ?? base.reasonAliases,
    sor: { ...base.sor, ...(patch.sor ?? {}) } as CaseSettings['sor'],
    referrals: {
      ...base.referrals,
      ...(patch.referrals ?? {}),
      reporter: { ...base.referrals.reporter, ...(patch.referrals?.reporter ?? {}) },
    },
    appeals: { ...base.appeals, ...(patch.appeals ?? {}) },
  };
}

// ---- public records -------------------------------------------------------------------------

export type CaseStatus = 'open' | 'decided';

export interface CaseSummary {
  readonly id: string;
  readonly status: CaseStatus;
  readonly subjectAccountId: string;
  readonly subjectTypeId: string;
  readonly severity: Severity;
  readonly severityRank: number;
  readonly slaDueMs: number;
  readonly primaryReason: string;
  readonly reasons: readonly string[];
  readonly childSafetyTypes: readonly string[];
  readonly sources: readonly IntakeSource[];
  readonly involvesChild: boolean;
  readonly reportCount: number;
  readonly alertCount: number;
  readonly triageWhy: readonly string[];
  readonly openedAt: string;
  readonly openedMs: number;
  readonly updatedAt: string;
  readonly assignee: string | null;
  readonly lockExpiresMs: number | null;
  readonly firstDecisionMs: number | null;
  readonly decidedAt: string | null;
  readonly latestDecisionId: string | null;
  readonly latestAction: DecisionAction | null;
}

export interface CaseReport {
  readonly id: string;
  readonly caseId: string;
  readonly reporterKind: IntakeSource;
  readonly reporterId: string | null;
  readonly reporterTypeId: string | null;
  readonly reporterName: string | null;
  readonly reporterIsChild: boolean;
  readonly reasonCode: string;
  readonly reasonText: string | null;
  readonly csamFlag: boolean;
  readonly subjectAccountId: string;
  readonly reportedItem: { readonly id: string; readonly typeId: string; readonly kind: string };
  readonly order: { readonly authority: string; readonly reference: string; readonly memberState: string | null } | null;
  readonly reportedAt: string | null;
  readonly receivedAt: string;
  readonly receivedMs: number;
  readonly threadSize: number;
  readonly severity: Severity;
  readonly warnings: readonly string[];
}

export interface CaseAlertSignal {
  readonly type: string;
  readonly message: number;
  readonly participant: string | null;
  readonly detail?: string | undefined;
}

export interface CaseAlert {
  readonly alertId: string;
  readonly caseId: string;
  readonly kind: AlertKind;
  readonly reasonCode: string;
  readonly accountId: string;
  readonly otherAccountIds: readonly string[];
  readonly conversationId: string | null;
  readonly score: number;
  readonly signals: readonly CaseAlertSignal[];
  readonly hashMatches: readonly AlertHashMatch[];
  readonly summary: string | null;
  readonly severity: Severity;
  readonly raisedAt: string;
  readonly receivedMs: number;
}

export interface CaseEvent {
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly actor: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface CaseEvidence {
  readonly id: string;
  readonly caseId: string;
  readonly kind: 'message' | 'item' | 'media';
  readonly source: string;
  readonly conversationId: string | null;
  readonly messageIndex: number | null;
  readonly itemId: string | null;
  readonly itemType: string | null;
  readonly from: string | null;
  readonly sentAt: string | null;
  readonly text: string | null;
  /** References to media (URLs, or hash descriptions); never the bytes. */
  readonly media: readonly string[];
  readonly flagged: boolean;
  readonly capturedAt: string;
  readonly retainUntilMs: number;
}

export interface CaseDecision {
  readonly id: string;
  readonly caseId: string;
  readonly subjectAccountId: string;
  readonly action: DecisionAction;
  readonly reasonCode: string;
  readonly basis: DecisionBasis;
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly decidedMs: number;
  readonly endDate: string | null;
  readonly removeContent: boolean;
  readonly facts: string | null;
  readonly statementOfReasons: StatementOfReasons;
  /** A restriction: Art. 17 requires the statement, Art. 24(5) its submission to the EU database. */
  readonly statementRequired: boolean;
  readonly strikesAdded: number;
  readonly status: 'in_force' | 'reversed' | 'superseded';
  readonly statusChangedAt: string | null;
  readonly originAppealId: string | null;
  readonly automatedDetection: boolean;
  readonly sourceType: string;
}

export interface CaseAppeal {
  readonly id: string;
  readonly externalId: string;
  readonly decisionId: string;
  readonly caseId: string;
  readonly originalAction: DecisionAction;
  readonly appellantId: string;
  readonly appellantTypeId: string;
  readonly appellantRole: 'reported-user' | 'reporter';
  readonly appellantIsChild: boolean;
  readonly reasonText: string | null;
  readonly lodgedAt: string;
  readonly lodgedMs: number;
  readonly status: 'pending' | 'decided';
  readonly outcome: AppealOutcome | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly handlingMs: number | null;
  readonly explanation: string | null;
  readonly replacementDecisionId: string | null;
}

export interface LegalHold {
  readonly id: string;
  readonly caseId: string;
  readonly reason: string;
  readonly authority: string | null;
  readonly reference: string | null;
  readonly placedBy: string;
  readonly placedAt: string;
  readonly releasedBy: string | null;
  readonly releasedAt: string | null;
  readonly active: boolean;
}

export interface Referral {
  readonly id: string;
  readonly caseId: string;
  readonly decisionId: string;
  readonly target: ReferralTarget;
  readonly status: 'queued' | 'exported' | 'submitted';
  readonly incidentType: string;
  readonly includeMedia: boolean;
  readonly createdAt: string;
  readonly exportedAt: string | null;
  readonly exportedBy: string | null;
  readonly submittedAt: string | null;
  readonly externalReportId: string | null;
  readonly retainUntil: string;
  readonly purged: boolean;
}

export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEvent[];
  readonly active: boolean;
  readonly description: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface WebhookDelivery {
  readonly id: string;
  readonly eventId: string;
  readonly endpointId: string | null;
  readonly eventType: string;
  readonly caseId: string | null;
  readonly status: 'held' | 'pending' | 'delivered';
  readonly attempts: number;
  readonly nextAttemptMs: number;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
}

/** A due delivery claimed by the delivery service, with what it needs to send it. */
export interface ClaimedDelivery {
  readonly tenantId: string;
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly payload: string;
  readonly attempts: number;
  readonly url: string;
  readonly secret: string;
}

/** What detection passes when it raises an alert. */
export interface CaseAlertInput {
  readonly alertId: string;
  readonly kind: AlertKind;
  /** The suspect, or the uploader of matched media: the account the case is about. */
  readonly accountId: string;
  readonly otherAccountIds?: readonly string[] | undefined;
  readonly conversationId?: string | null | undefined;
  /** Detection score in [0, 1]. */
  readonly score: number;
  readonly signals: readonly CaseAlertSignal[];
  /** Messages to preserve as evidence (index = position in the conversation). */
  readonly timeline?: readonly {
    readonly index: number;
    readonly from: string | null;
    readonly ts?: string | null | undefined;
    readonly text?: string | null | undefined;
    readonly media?: readonly string[] | undefined;
  }[] | undefined;
  readonly hashMatches?: readonly AlertHashMatch[] | undefined;
  readonly raisedAt: string | Date;
  /** A reason code from the taxonomy when the detector knows better than its kind. */
  readonly reasonCode?: string | null | undefined;
  /** A short machine summary (e.g. 'adult_sent_nudity_to_child'); no message text. */
  readonly summary?: string | null | undefined;
}

export interface OpenCaseResult {
  readonly caseId: string;
  /** A new case was opened (false: merged into the account's open case). */
  readonly created: boolean;
  /** This alert id was seen before: nothing changed. */
  readonly duplicate: boolean;
  readonly severity: Severity;
  readonly slaDueAt: string;
}

export interface ParticipantFacts {
  readonly accountId: string;
  readonly registered: boolean;
  readonly ageBand: AgeBand | 'unregistered';
  readonly child: boolean;
  readonly age: number | null;
  readonly jurisdiction: Jurisdiction | null;
}

export interface DecisionRequest {
  readonly action: DecisionAction;
  readonly reasonCode?: string | null | undefined;
  readonly basis?: DecisionBasis | null | undefined;
  /** The moderator's explanation for the statement of reasons (no personal data). */
  readonly facts?: string | null | undefined;
  /** For suspend and restrict: days until it ends (defaults 7 and 30). */
  readonly durationDays?: number | null | undefined;
  /** Also remove the reported content. */
  readonly removeContent?: boolean | null | undefined;
}

export interface DecisionPlan {
  readonly decisionId: string;
  readonly action: DecisionAction;
  readonly reason: ReportReason;
  readonly basis: DecisionBasis;
  readonly endDate: string | null;
  readonly removeContent: boolean;
  readonly statementOfReasons: StatementOfReasons;
  readonly statementRequired: boolean;
  readonly validation: { readonly valid: boolean; readonly errors: readonly SorValidationError[] };
  readonly notifications: readonly Notification[];
  readonly strikes: { readonly before: number; readonly added: number; readonly after: number };
  readonly suggestedAction: DecisionAction;
  readonly referrals: readonly { readonly target: ReferralTarget; readonly incidentType: string; readonly includeMedia: boolean }[];
}

export interface DecisionResult extends DecisionPlan {
  readonly decision: CaseDecision;
  readonly referralIds: readonly string[];
  readonly webhookDeliveries: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

// ---- helpers --------------------------------------------------------------------------------

const iso = (ms: number): string => new Date(ms).toISOString();
const json = (value: unknown): string => JSON.stringify(value);
const parse = <T>(text: string | null, fallback: T): T => (text === null ? fallback : (JSON.parse(text) as T));
const newId = (prefix: string): string => `${prefix}_${randomId(16)}`;
const DAY_MS = 86_400_000;
const MAX_TIMELINE = 2000;
const MAX_SIGNALS = 1000;

export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, shape: readonly ('string' | 'number')[]): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === shape.length && values.every((v, i) => typeof v === shape[i])) {
      return values as (string | number)[];
    }
  } catch {
    // fall through
  }
  throw new SafeguardError('validation_failed', 'Invalid cursor: pass back the nextCursor of the previous page unchanged', { field: 'cursor' });
}

/** Row-value comparison `(a, b, c) > (x, y, z)`, which both SQLite and PostgreSQL index. */
function after(columns: readonly string[], values: readonly (string | number)[]): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.join(columns.map((c) => sql.ref(c)))}) > (${sql.join(values.map((v) => sql`${v}`))})`;
}

const policyEngines = new Map<string, PolicyEngine>();
function engineFor(policyJson: string, policy: Parameters<typeof createPolicyEngine>[0]): PolicyEngine {
  let engine = policyEngines.get(policyJson);
  if (!engine) {
    if (policyEngines.size > 256) policyEngines.clear();
    engine = createPolicyEngine(policy);
    policyEngines.set(policyJson, engine);
  }
  return engine;
}

function toCase(row: CasesTable): CaseSummary {
  return {
    id: row.id,
    status: row.status,
    subjectAccountId: row.subject_account_id,
    subjectTypeId: row.subject_type_id,
    severity: row.severity as Severity,
    severityRank: Number(row.severity_rank),
    slaDueMs: Number(row.sla_due_ms),
    primaryReason: row.primary_reason,
    reasons: parse<string[]>(row.reasons, []),
    childSafetyTypes: parse<string[]>(row.child_safety_types, []),
    sources: parse<IntakeSource[]>(row.sources, []),
    involvesChild: Number(row.involves_child) === 1,
    reportCount: Number(row.report_count),
    alertCount: Number(row.alert_count),
    triageWhy: parse<string[]>(row.triage_why, []),
    openedAt: row.opened_at,
    openedMs: Number(row.opened_ms),
    updatedAt: row.updated_at,
    assignee: row.assignee,
    lockExpiresMs: row.lock_expires_ms === null ? null : Number(row.lock_expires_ms),
    firstDecisionMs: row.first_decision_ms === null ? null : Number(row.first_decision_ms),
    decidedAt: row.decided_at,
    latestDecisionId: row.latest_decision_id,
    latestAction: row.latest_action as DecisionAction | null,
  };
}

function toReport(row: CaseReportsTable): CaseReport {
  return {
    id: row.id,
    caseId: row.case_id,
    reporterKind: row.reporter_kind as IntakeSource,
    reporterId: row.reporter_id,
    reporterTypeId: row.reporter_type_id,
    reporterName: row.reporter_name,
    reporterIsChild: Number(row.reporter_is_child) === 1,
    reasonCode: row.reason_code,
    reasonText: row.reason_text,
    csamFlag: Number(row.csam_flag) === 1,
    subjectAccountId: row.subject_account_id,
    reportedItem: { id: row.reported_item_id, typeId: row.reported_item_type, kind: row.reported_item_kind },
    order:
      row.order_authority !== null
        ? { authority: row.order_authority, reference: row.order_reference ?? '', memberState: row.order_member_state }
        : null,
    reportedAt: row.reported_at,
    receivedAt: row.received_at,
    receivedMs: Number(row.received_ms),
    threadSize: Number(row.thread_size),
    severity: row.severity as Severity,
    warnings: parse<string[]>(row.warnings, []),
  };
}

function toAlert(row: CaseAlertsTable): CaseAlert {
  return {
    alertId: row.alert_id,
    caseId: row.case_id,
    kind: row.kind as AlertKind,
    reasonCode: row.reason_code,
    accountId: row.account_id,
    otherAccountIds: parse<string[]>(row.other_account_ids, []),
    conversationId: row.conversation_id,
    score: Number(row.score),
    signals: parse<CaseAlertSignal[]>(row.signals, []),
    hashMatches: parse<AlertHashMatch[]>(row.hash_matches, []),
    summary: row.summary,
    severity: row.severity as Severity,
    raisedAt: row.raised_at,
    receivedMs: Number(row.received_ms),
  };
}

function toEvidence(row: CaseEvidenceTable): CaseEvidence {
  return {
    id: row.id,
    caseId: row.case_id,
    kind: row.kind,
    source: row.source,
    conversationId: row.conversation_id,
    messageIndex: row.message_index === null ? null : Number(row.message_index),
    itemId: row.item_id,
    itemType: row.item_type,
    from: row.from_account,
    sentAt: row.sent_at,
    text: row.text,
    media: parse<string[]>(row.media, []),
    flagged: Number(row.flagged) === 1,
    capturedAt: row.captured_at,
    retainUntilMs: Number(row.retain_until_ms),
  };
}

function toDecision(row: CaseDecisionsTable): CaseDecision {
  return {
    id: row.id,
    caseId: row.case_id,
    subjectAccountId: row.subject_account_id,
    action: row.action as DecisionAction,
    reasonCode: row.reason_code,
    basis: row.basis as DecisionBasis,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decidedMs: Number(row.decided_ms),
    endDate: row.end_date,
    removeContent: Number(row.remove_content) === 1,
    facts: row.facts,
    statementOfReasons: JSON.parse(row.sor) as StatementOfReasons,
    statementRequired: Number(row.sor_required) === 1,
    strikesAdded: Number(row.strikes_added),
    status: row.status,
    statusChangedAt: row.status_changed_at,
    originAppealId: row.origin_appeal_id,
    automatedDetection: Number(row.automated_detection) === 1,
    sourceType: row.source_type,
  };
}

function toAppeal(row: CaseAppealsTable): CaseAppeal {
  return {
    id: row.id,
    externalId: row.external_id,
    decisionId: row.decision_id,
    caseId: row.case_id,
    originalAction: row.original_action as DecisionAction,
    appellantId: row.appellant_id,
    appellantTypeId: row.appellant_type_id,
    appellantRole: row.appellant_role,
    appellantIsChild: Number(row.appellant_is_child) === 1,
    reasonText: row.reason_text,
    lodgedAt: row.lodged_at,
    lodgedMs: Number(row.lodged_ms),
    status: row.status,
    outcome: row.outcome as AppealOutcome | null,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    handlingMs: row.handling_ms === null ? null : Number(row.handling_ms),
    explanation: row.explanation,
    replacementDecisionId: row.replacement_decision_id,
  };
}

function toHold(row: CaseLegalHoldsTable): LegalHold {
  return {
    id: row.id,
    caseId: row.case_id,
    reason: row.reason,
    authority: row.authority,
    reference: row.reference,
    placedBy: row.placed_by,
    placedAt: row.placed_at,
    releasedBy: row.released_by,
    releasedAt: row.released_at,
    active: row.released_at === null,
  };
}

function toReferral(row: CaseReferralsTable): Referral {
  return {
    id: row.id,
    caseId: row.case_id,
    decisionId: row.decision_id,
    target: row.target,
    status: row.status,
    incidentType: row.incident_type,
    includeMedia: Number(row.include_media) === 1,
    createdAt: row.created_at,
    exportedAt: row.exported_at,
    exportedBy: row.exported_by,
    submittedAt: row.submitted_at,
    externalReportId: row.external_report_id,
    retainUntil: iso(Number(row.retain_until_ms)),
    purged: row.input === null,
  };
}

function toEndpoint(row: WebhookEndpointsTable): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: parse<WebhookEvent[]>(row.events, []),
    active: Number(row.active) === 1,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDelivery(row: WebhookOutboxTable): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    endpointId: row.endpoint_id,
    eventType: row.event_type,
    caseId: row.case_id,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptMs: Number(row.next_attempt_ms),
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
  };
}

const SOURCE_PRIORITY: readonly IntakeSource[] = ['authority', 'trusted-flagger', 'user', 'detection'];

function sourceTypeOf(kind: IntakeSource): string {
  return kind === 'user'
    ? 'SOURCE_ARTICLE_16'
    : kind === 'trusted-flagger'
      ? 'SOURCE_TRUSTED_FLAGGER'
      : kind === 'authority'
        ? 'SOURCE_TYPE_OTHER_NOTIFICATION'
        : 'SOURCE_VOLUNTARY';
}

/** A stable digest of a JSON value (object keys sorted), for idempotency conflict checks. */
export function canonicalDigest(value: unknown): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canon(value))).digest('hex');
}

// ---- the store module -----------------------------------------------------------------------

interface Arrival {
  readonly subject: string;
  readonly subjectTypeId: string;
  readonly reason: ReportReason;
  readonly source: IntakeSource;
  readonly arrivalMs: number;
  readonly reporterIsChild: boolean;
  readonly score?: number | undefined;
  readonly participants: readonly { readonly accountId: string; readonly role: CaseParticipantsTable['role'] }[];
  readonly actor: string;
  readonly event: { readonly type: string; readonly data: Record<string, unknown> };
}

export class CaseStore {
  constructor(private readonly store: SafeguardStore) {}

  private get db() {
    return this.store.db;
  }

  private tx<T>(work: (cases: CaseStore, store: SafeguardStore) => Promise<T>): Promise<T> {
    return this.store.transaction((store) => work(new CaseStore(store), store));
  }

  // ---- settings -----------------------------------------------------------------------------

  async getSettings(tenantId: string): Promise<CaseSettings> {
    const row = await this.db.selectFrom('case_settings').select('settings').where('tenant_id', '=', tenantId).executeTakeFirst();
    return row ? mergeSettings(DEFAULT_CASE_SETTINGS, JSON.parse(row.settings) as CaseSettingsPatch) : DEFAULT_CASE_SETTINGS;
  }

  /** Merges `patch` into the tenant's settings and returns the result. */
  async updateSettings(tenantId: string, patch: CaseSettingsPatch, now = new Date()): Promise<CaseSettings> {
    return this.tx(async (cases) => {
      const merged = mergeSettings(await cases.getSettings(tenantId), patch);
      for (const code of Object.values(merged.reasonAliases)) {
        if (!reasonFor(code)) throw new SafeguardError('validation_failed', `reasonAliases maps to unknown reason "${code}"`, { field: 'reasonAliases' });
      }
      await cases.db
        .insertInto('case_settings')
        .values({ tenant_id: tenantId, settings: json(merged), updated_at: now.toISOString() })
        .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ settings: json(merged), updated_at: now.toISOString() }))
        .execute();
      return merged;
    });
  }

  // ---- participants ---------------------------------------------------------------------------

  /** Age band and child status of accounts today (unregistered accounts say so). */
  async participantFacts(tenantId: string, ids: readonly string[], now = new Date()): Promise<Map<string, ParticipantFacts>> {
    const unique = [...new Set(ids)];
    const out = new Map<string, ParticipantFacts>();
    if (unique.length === 0) return out;
    const tenant = await this.store.getTenant(tenantId);
    if (!tenant) throw new SafeguardError('not_found', 'Unknown tenant');
    const engine = engineFor(JSON.stringify(tenant.policy), tenant.policy);
    const records = await this.store.getAccountRecords(tenantId, unique);
    for (const id of unique) {
      const record = records.get(id);
      if (!record) {
        out.set(id, { accountId: id, registered: false, ageBand: 'unregistered', child: false, age: null, jurisdiction: null });
        continue;
      }
      const resolved = engine.resolveAccount(record, now);
      out.set(id, { accountId: id, registered: true, ageBand: resolved.band, child: resolved.child, age: resolved.age, jurisdiction: resolved.jurisdiction });
    }
    return out;
  }

  // ---- intake -------------------------------------------------------------------------------

  private async lockCase(tenantId: string, caseId: string): Promise<CasesTable | undefined> {
    let query = this.db.selectFrom('cases').selectAll().where('tenant_id', '=', tenantId).where('id', '=', caseId);
    if (this.store.dialect === 'postgres') query = query.forUpdate();
    return query.executeTakeFirst();
  }

  private async openCaseOf(tenantId: string, subject: string): Promise<CasesTable | undefined> {
    let query = this.db
      .selectFrom('cases')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subject_account_id', '=', subject)
      .where('status', '=', 'open');
    if (this.store.dialect === 'postgres') query = query.forUpdate();
    return query.executeTakeFirst();
  }

  async appendEvent(tenantId: string, caseId: string, type: string, actor: string, data: Record<string, unknown>, now = new Date()): Promise<void> {
    // One statement: the next sequence number and the row (writers to one case hold its row lock).
    await sql`insert into case_events (tenant_id, case_id, seq, at, type, actor, data)
      select ${tenantId}, ${caseId}, coalesce(max(seq), 0) + 1, ${now.toISOString()}, ${type}, ${actor}, ${json(data)}
      from case_events where tenant_id = ${tenantId} and case_id = ${caseId}`.execute(this.db);
  }

  private async bump(tenantId: string, day: string, metric: 'opened' | 'report' | 'alert' | 'decision', key: string, delta = 1): Promise<void> {
    await this.db
      .insertInto('case_daily_counts')
      .values({ tenant_id: tenantId, day: day.slice(0, 10), metric, key, count: delta })
      .onConflict((oc) => oc.columns(['tenant_id', 'day', 'metric', 'key']).doUpdateSet((eb) => ({ count: eb('case_daily_counts.count', '+', eb.ref('excluded.count')) })))
      .execute();
  }

  /** Recomputes a tenant's daily counts from the case tables (repair, or after a bulk import). */
  async rebuildDailyCounts(tenantId: string): Promise<void> {
    await this.tx(async (cases) => {
      const db = cases.db;
      await db.deleteFrom('case_daily_counts').where('tenant_id', '=', tenantId).execute();
      // One count per (day, key) of each source table; the same rows the live counters would hold.
      const sources = [
        { table: 'cases', at: 'opened_at', metric: 'opened', key: 'severity' },
        { table: 'case_reports', at: 'received_at', metric: 'report', key: 'reporter_kind' },
        { table: 'case_alerts', at: 'raised_at', metric: 'alert', key: 'kind' },
        { table: 'case_decisions', at: 'decided_at', metric: 'decision', key: 'action' },
      ] as const;
      for (const source of sources) {
        const day = sql`substr(${sql.ref(source.at)}, 1, 10)`;
        await sql`insert into case_daily_counts (tenant_id, day, metric, ${sql.ref('key')}, count)
          select tenant_id, ${day}, ${source.metric}, ${sql.ref(source.key)}, count(*) from ${sql.table(source.table)}
          where tenant_id = ${tenantId} group by tenant_id, ${day}, ${sql.ref(source.key)}`.execute(db);
      }
    });
  }

  /** Finds the subject's open case and merges the arrival into it, or opens a case. */
  private async attach(tenantId: string, arrival: Arrival, settings: CaseSettings, facts: Map<string, ParticipantFacts>, now: Date): Promise<{ row: CasesTable; created: boolean; severity: Severity }> {
    const involvesChild = [...facts.values()].some((f) => f.child) || arrival.reporterIsChild;
    const t = triage({
      reason: arrival.reason,
      source: arrival.source,
      involvesChild,
      reporterIsChild: arrival.reporterIsChild,
      ...(arrival.score === undefined ? {} : { score: arrival.score }),
    });
    const urgency = { rank: t.rank, slaDueMs: slaDeadline(arrival.arrivalMs, t.severity, settings.slaMinutes) };
    const at = now.toISOString();
    let existing = await this.openCaseOf(tenantId, arrival.subject);
    let created = false;
    if (!existing) {
      const id = newId('cs');
      const row: CasesTable = {
        tenant_id: tenantId,
        id,
        subject_account_id: arrival.subject,
        subject_type_id: arrival.subjectTypeId,
        status: 'open',
        severity: t.severity,
        severity_rank: t.rank,
        sla_due_ms: urgency.slaDueMs,
        primary_reason: arrival.reason.code,
        reasons: json([arrival.reason.code]),
        child_safety_types: json(arrival.reason.childSafetyType ? [arrival.reason.childSafetyType] : []),
        sources: json([arrival.source]),
        involves_child: involvesChild ? 1 : 0,
        report_count: 0,
        alert_count: 0,
        triage_why: json(t.why),
        opened_at: iso(arrival.arrivalMs),
        opened_ms: arrival.arrivalMs,
        updated_at: at,
        assignee: null,
        lock_expires_ms: null,
        first_decision_ms: null,
        decided_at: null,
        latest_decision_id: null,
        latest_action: null,
      };
      // The partial unique index keeps one open case per account even under concurrent intake.
      const inserted = await this.db.insertInto('cases').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
        existing = row;
        created = true;
        await this.bump(tenantId, row.opened_at, 'opened', t.severity);
        await this.appendEvent(tenantId, id, 'case.opened', arrival.actor, { severity: t.severity, reason: arrival.reason.code, source: arrival.source }, now);
      } else {
        existing = await this.openCaseOf(tenantId, arrival.subject);
        if (!existing) throw new SafeguardError('conflict', 'The case changed while the report was filed; retry');
      }
    }
    if (!created) {
      const merged = mergeUrgency({ rank: Number(existing.severity_rank), slaDueMs: Number(existing.sla_due_ms) }, urgency);
      const reasons = parse<string[]>(existing.reasons, []);
      const types = parse<string[]>(existing.child_safety_types, []);
      const sources = parse<IntakeSource[]>(existing.sources, []);
      if (!reasons.includes(arrival.reason.code)) reasons.push(arrival.reason.code);
      if (arrival.reason.childSafetyType && !types.includes(arrival.reason.childSafetyType)) types.push(arrival.reason.childSafetyType);
      if (!sources.includes(arrival.source)) sources.push(arrival.source);
      const escalated = merged.rank < Number(existing.severity_rank);
      // The primary reason is the most severe one seen.
      const primary = escalated ? arrival.reason.code : existing.primary_reason;
      const why = escalated ? t.why : parse<string[]>(existing.triage_why, []);
      const update = {
        severity: severityOfRank(merged.rank),
        severity_rank: merged.rank,
        sla_due_ms: merged.slaDueMs,
        primary_reason: primary,
        reasons: json(reasons),
        child_safety_types: json(types),
        sources: json(sources),
        involves_child: Number(existing.involves_child) === 1 || involvesChild ? 1 : 0,
        triage_why: json(why),
        updated_at: at,
      };
      await this.db.updateTable('cases').set(update).where('tenant_id', '=', tenantId).where('id', '=', existing.id).execute();
      const previousSeverity = existing.severity;
      existing = { ...existing, ...update };
      if (escalated) {
        // The day's opened count follows the case to its new severity.
        await this.bump(tenantId, existing.opened_at, 'opened', previousSeverity, -1);
        await this.bump(tenantId, existing.opened_at, 'opened', update.severity, 1);
        await this.appendEvent(tenantId, existing.id, 'case.escalated', arrival.actor, { severity: update.severity, reason: arrival.reason.code }, now);
      }
    }
    const participants = [{ accountId: arrival.subject, role: 'subject' as const }, ...arrival.participants];
    for (let i = 0; i < participants.length; i += 200) {
      await this.db
        .insertInto('case_participants')
        .values(participants.slice(i, i + 200).map((p) => ({ tenant_id: tenantId, case_id: existing.id, account_id: p.accountId, role: p.role })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await this.appendEvent(tenantId, existing.id, arrival.event.type, arrival.actor, { ...arrival.event.data, severity: t.severity }, now);
    return { row: existing, created, severity: t.severity };
  }

  private async addEvidence(
    tenantId: string,
    caseId: string,
    rows: readonly Omit<CaseEvidenceTable, 'tenant_id' | 'case_id' | 'id' | 'captured_at' | 'retain_until_ms'>[],
    now: Date,
    retentionDays: number,
  ): Promise<number> {
    const retainUntilMs = retentionUntil(now.getTime(), retentionDays);
    const capturedAt = now.toISOString();
    return this.store.insertRows(
      'case_evidence',
      rows.map((r) => ({ ...r, tenant_id: tenantId, case_id: caseId, id: newId('ev'), captured_at: capturedAt, retain_until_ms: retainUntilMs })),
      { onConflict: 'ignore' },
    );
  }

  /**
   * Files a normalised report. Idempotent on `idempotencyKey`: the same key with the same body
   * returns the stored report (`created: false`); with a different body it is a conflict.
   * The reported account must be registered with Safeguard (unknown_account otherwise).
   */
  async submitReport(
    tenantId: string,
    input: { readonly report: NormalizedReport; readonly idempotencyKey: string; readonly bodyDigest: string; readonly actor: string },
    now = new Date(),
  ): Promise<{ report: CaseReport; case: CaseSummary; created: boolean; caseCreated: boolean }> {
    return this.tx(async (cases) => {
      const existing = await cases.findReportByKey(tenantId, input.idempotencyKey);
      if (existing) return cases.replayReport(tenantId, existing, input.bodyDigest);
      const r = input.report;
      const subject = await cases.store.getAccount(tenantId, r.subjectAccountId);
      if (!subject) {
        throw new SafeguardError('unknown_account', `Unknown account "${r.subjectAccountId}": register it with PUT /v1/accounts/{id} before reporting it`, {
          accounts: [r.subjectAccountId],
          field: r.reportedItem.kind === 'USER' ? 'reportedItem.id' : 'reportedItem.data.creatorId',
        });
      }
      const settings = await cases.getSettings(tenantId);
      const threadAuthors = r.thread.map((m) => m.creatorId).filter((x): x is string => x !== null && x !== r.subjectAccountId);
      const counterparts = [...new Set(threadAuthors)].slice(0, 50);
      const factIds = [r.subjectAccountId, ...counterparts, ...(r.reporter.kind === 'user' && r.reporter.id ? [r.reporter.id] : [])];
      const facts = await cases.participantFacts(tenantId, factIds, now);
      const reporterIsChild = r.reporter.kind === 'user' && r.reporter.id !== null && facts.get(r.reporter.id)?.child === true;
      const reportId = newId('rp');
      const nowMs = now.getTime();
      // Claim the idempotency key first, so a concurrent duplicate waits and then finds it.
      const placeholder: CaseReportsTable = {
        tenant_id: tenantId,
        id: reportId,
        case_id: '',
        idempotency_key: input.idempotencyKey,
        body_digest: input.bodyDigest,
        reporter_kind: r.reporter.kind,
        reporter_id: r.reporter.id,
        reporter_type_id: r.reporter.typeId,
        reporter_name: r.reporter.name,
        reporter_is_child: reporterIsChild ? 1 : 0,
        reason_code: r.reason.code,
        reason_text: r.reasonText,
        csam_flag: r.csamFlag ? 1 : 0,
        source_type: sourceTypeOf(r.reporter.kind),
        subject_account_id: r.subjectAccountId,
        reported_item_id: r.reportedItem.id,
        reported_item_type: r.reportedItem.typeId,
        reported_item_kind: r.reportedItem.kind,
        order_authority: r.reporter.order?.authority ?? null,
        order_reference: r.reporter.order?.reference ?? null,
        order_member_state: r.reporter.order?.memberState ?? null,
        reported_at: r.reportedAt,
        received_at: now.toISOString(),
        received_ms: nowMs,
        thread_size: r.thread.length,
        severity: 'low',
        warnings: json(r.warnings),
      };
      const claimed = await cases.db.insertInto('case_reports').values(placeholder).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) {
        const winner = await cases.findReportByKey(tenantId, input.idempotencyKey);
        if (!winner) throw new SafeguardError('conflict', 'Report id collision; retry');
        return cases.replayReport(tenantId, winner, input.bodyDigest);
      }
      const participants = [
        ...counterparts.map((accountId) => ({ accountId, role: 'counterpart' as const })),
        ...(r.reporter.kind === 'user' && r.reporter.id && r.reporter.id !== r.subjectAccountId ? [{ accountId: r.reporter.id, role: 'reporter' as const }] : []),
      ];
      const attached = await cases.attach(
        tenantId,
        {
          subject: r.subjectAccountId,
          subjectTypeId: r.reportedItem.kind === 'USER' ? r.reportedItem.typeId || 'user' : 'user',
          reason: r.reason,
          source: r.reporter.kind,
          arrivalMs: nowMs,
          reporterIsChild,
          participants,
          actor: input.actor,
          event: { type: 'report.added', data: { reportId, reason: r.reason.code, source: r.reporter.kind, reporterIsChild } },
        },
        settings,
        facts,
        now,
      );
      await cases.db
        .updateTable('case_reports')
        .set({ case_id: attached.row.id, severity: attached.severity })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', reportId)
        .execute();
      await cases.bump(tenantId, placeholder.received_at, 'report', r.reporter.kind);
      await cases.db
        .updateTable('cases')
        .set((eb) => ({ report_count: eb('report_count', '+', 1) }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', attached.row.id)
        .execute();
      const items: NormalizedItem[] = [r.reportedItem, ...r.thread.filter((m) => m.id !== r.reportedItem.id), ...r.additional];
      await cases.addEvidence(tenantId, attached.row.id, items.map((item) => evidenceFromItem(item, reportId)), now, settings.evidenceRetentionDays);
      const report = await cases.getReport(tenantId, reportId);
      const summary = await cases.getCase(tenantId, attached.row.id);
      if (!report || !summary) throw new SafeguardError('internal', 'report vanished');
      return { report, case: summary, created: true, caseCreated: attached.created };
    });
  }

  private async findReportByKey(tenantId: string, key: string): Promise<CaseReportsTable | undefined> {
    return this.db.selectFrom('case_reports').selectAll().where('tenant_id', '=', tenantId).where('idempotency_key', '=', key).executeTakeFirst();
  }

  private async replayReport(tenantId: string, row: CaseReportsTable, digest: string): Promise<{ report: CaseReport; case: CaseSummary; created: boolean; caseCreated: boolean }> {
    if (row.body_digest !== digest) {
      throw new SafeguardError('conflict', 'This idempotency key was already used for a different report; use a new key for a new report', {
        field: 'Idempotency-Key',
        reportId: row.id,
      });
    }
    const summary = await this.getCase(tenantId, row.case_id);
    if (!summary) throw new SafeguardError('internal', 'case of a stored report is missing');
    return { report: toReport(row), case: summary, created: false, caseCreated: false };
  }

  async getReport(tenantId: string, id: string): Promise<CaseReport | undefined> {
    const row = await this.db.selectFrom('case_reports').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toReport(row);
  }

  /** Opens (or joins) a case for a detection alert. Idempotent per alert id. */
  async openCaseFromAlert(tenantId: string, alert: CaseAlertInput, now = new Date()): Promise<OpenCaseResult> {
    if (!alert.alertId || !alert.accountId) throw new SafeguardError('validation_failed', 'An alert needs alertId and accountId', { field: 'alertId' });
    if (!Number.isFinite(alert.score) || alert.score < 0 || alert.score > 1) {
      throw new SafeguardError('validation_failed', 'Alert score must be a number in [0, 1]', { field: 'score' });
    }
    const raisedMs = new Date(alert.raisedAt).getTime();
    if (Number.isNaN(raisedMs)) throw new SafeguardError('validation_failed', 'Alert raisedAt is not a date', { field: 'raisedAt' });
    // Bounded, never refused: detection calls this inside its own transaction, so an overlong
    // conversation keeps its most recent messages and signals rather than failing the ingest.
    if ((alert.timeline?.length ?? 0) > MAX_TIMELINE || alert.signals.length > MAX_SIGNALS) {
      alert = { ...alert, timeline: alert.timeline?.slice(-MAX_TIMELINE), signals: alert.signals.slice(-MAX_SIGNALS) };
    }
    return this.tx(async (cases) => {
      const seen = await cases.db
        .selectFrom('case_alerts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('alert_id', '=', alert.alertId)
        .executeTakeFirst();
      if (seen) {
        const summary = await cases.getCase(tenantId, seen.case_id);
        if (!summary) throw new SafeguardError('internal', 'case of a stored alert is missing');
        return { caseId: seen.case_id, created: false, duplicate: true, severity: summary.severity, slaDueAt: iso(summary.slaDueMs) };
      }
      const settings = await cases.getSettings(tenantId);
      const others = [...new Set((alert.otherAccountIds ?? []).filter((id) => id !== alert.accountId))].slice(0, 200);
      const facts = await cases.participantFacts(tenantId, [alert.accountId, ...others], now);
      const reason = reasonForAlert(alert.kind, { reasonCode: alert.reasonCode, hashMatches: alert.hashMatches });
      const nowMs = now.getTime();
      // The SLA clock starts when the alert was raised, but never in the future.
      const arrivalMs = Math.min(raisedMs, nowMs);
      const placeholder: CaseAlertsTable = {
        tenant_id: tenantId,
        alert_id: alert.alertId,
        case_id: '',
        kind: alert.kind,
        reason_code: reason.code,
        account_id: alert.accountId,
        other_account_ids: json(others),
        conversation_id: alert.conversationId ?? null,
        score: alert.score,
        signals: json(alert.signals.map((s) => ({ type: s.type, message: s.message, participant: s.participant, ...(s.detail ? { detail: s.detail } : {}) }))),
        hash_matches: json(alert.hashMatches ?? []),
        summary: alert.summary ?? null,
        severity: 'low',
        raised_at: iso(raisedMs),
        received_ms: nowMs,
      };
      const claimed = await cases.db.insertInto('case_alerts').values(placeholder).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) {
        const winner = await cases.db.selectFrom('case_alerts').selectAll().where('tenant_id', '=', tenantId).where('alert_id', '=', alert.alertId).executeTakeFirstOrThrow();
        const summary = await cases.getCase(tenantId, winner.case_id);
        return { caseId: winner.case_id, created: false, duplicate: true, severity: summary?.severity ?? 'low', slaDueAt: iso(summary?.slaDueMs ?? nowMs) };
      }
      const attached = await cases.attach(
        tenantId,
        {
          subject: alert.accountId,
          subjectTypeId: 'user',
          reason,
          source: 'detection',
          arrivalMs,
          reporterIsChild: false,
          score: alert.score,
          participants: others.map((accountId) => ({ accountId, role: 'counterpart' as const })),
          actor: 'detection',
          event: { type: 'alert.added', data: { alertId: alert.alertId, kind: alert.kind, reason: reason.code, score: alert.score } },
        },
        settings,
        facts,
        now,
      );
      await cases.db
        .updateTable('case_alerts')
        .set({ case_id: attached.row.id, severity: attached.severity })
        .where('tenant_id', '=', tenantId)
        .where('alert_id', '=', alert.alertId)
        .execute();
      await cases.bump(tenantId, placeholder.raised_at, 'alert', alert.kind);
      await cases.db
        .updateTable('cases')
        .set((eb) => ({ alert_count: eb('alert_count', '+', 1) }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', attached.row.id)
        .execute();
      const conversation = alert.conversationId ?? `alert:${alert.alertId}`;
      const signalled = new Set(alert.signals.map((s) => s.message));
      await cases.addEvidence(
        tenantId,
        attached.row.id,
        (alert.timeline ?? []).map((m) => ({
          key: `msg:${conversation}:${m.index}`,
          kind: m.media && m.media.length > 0 ? 'media' : 'message',
          source: `alert:${alert.alertId}`,
          conversation_id: conversation,
          message_index: m.index,
          item_id: null,
          item_type: null,
          from_account: m.from,
          sent_at: m.ts ? (asIso(m.ts) ?? null) : null,
          sort_key: sortKey(m.ts ? (asIso(m.ts) ?? null) : null, conversation, m.index),
          text: m.text ?? null,
          media: m.media && m.media.length > 0 ? json(m.media) : null,
          data: null,
          flagged: signalled.has(m.index) ? 1 : 0,
        })),
        now,
        settings.evidenceRetentionDays,
      );
      const summary = await cases.getCase(tenantId, attached.row.id);
      return {
        caseId: attached.row.id,
        created: attached.created,
        duplicate: false,
        severity: summary?.severity ?? attached.severity,
        slaDueAt: iso(summary?.slaDueMs ?? nowMs),
      };
    });
  }

  /**
   * Messages that arrive in conversations after their alerts opened cases: preserved with those
   * cases (same evidence keys as an alert's timeline, so a message is never stored twice). One call
   * per ingest batch. Returns how many were added; alerts without a case add nothing.
   */
  async appendAlertEvidence(
    tenantId: string,
    followUps: readonly {
      readonly alertId: string;
      readonly conversationId: string;
      readonly messages: readonly { readonly index: number; readonly from: string | null; readonly ts?: string | null; readonly text?: string | null; readonly flagged: boolean }[];
    }[],
    now = new Date(),
  ): Promise<number> {
    const wanted = followUps.filter((f) => f.messages.length > 0);
    if (wanted.length === 0) return 0;
    const caseOf = new Map<string, string>();
    const ids = [...new Set(wanted.map((f) => f.alertId))];
    for (let i = 0; i < ids.length; i += 400) {
      const rows = await this.db
        .selectFrom('case_alerts')
        .select(['alert_id', 'case_id'])
        .where('tenant_id', '=', tenantId)
        .where('alert_id', 'in', ids.slice(i, i + 400))
        .execute();
      for (const r of rows) if (r.case_id) caseOf.set(r.alert_id, r.case_id);
    }
    if (caseOf.size === 0) return 0;
    const settings = await this.getSettings(tenantId);
    let added = 0;
    const byCase = new Map<string, Omit<CaseEvidenceTable, 'tenant_id' | 'case_id' | 'id' | 'captured_at' | 'retain_until_ms'>[]>();
    for (const f of wanted) {
      const caseId = caseOf.get(f.alertId);
      if (!caseId) continue;
      const rows = byCase.get(caseId) ?? [];
      for (const m of f.messages) {
        const sentAt = m.ts ? (asIso(m.ts) ?? null) : null;
        rows.push({
          key: `msg:${f.conversationId}:${m.index}`,
          kind: 'message',
          source: `alert:${f.alertId}`,
          conversation_id: f.conversationId,
          message_index: m.index,
          item_id: null,
          item_type: null,
          from_account: m.from,
          sent_at: sentAt,
          sort_key: sortKey(sentAt, f.conversationId, m.index),
          text: m.text ?? null,
          media: null,
          data: null,
          flagged: m.flagged ? 1 : 0,
        });
      }
      byCase.set(caseId, rows);
    }
    for (const [caseId, rows] of byCase) added += await this.addEvidence(tenantId, caseId, rows, now, settings.evidenceRetentionDays);
    return added;
  }

  // ---- queue --------------------------------------------------------------------------------

  async getCase(tenantId: string, id: string): Promise<CaseSummary | undefined> {
    const row = await this.db.selectFrom('cases').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toCase(row);
  }

  /**
   * A page of the queue: most severe first, then the earliest SLA deadline, then id (keyset
   * pagination: pass back `nextCursor`).
   */
  async listQueue(
    tenantId: string,
    options: {
      readonly status?: CaseStatus;
      readonly severity?: Severity | undefined;
      readonly assignee?: { readonly kind: 'unassigned' } | { readonly kind: 'holder'; readonly who: string } | undefined;
      readonly subject?: string | undefined;
      readonly cursor?: string | null | undefined;
      readonly limit?: number;
    },
    nowMs: number,
  ): Promise<Page<CaseSummary>> {
    const limit = Math.max(1, Math.min(200, options.limit ?? 50));
    let query = this.db
      .selectFrom('cases')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('status', '=', options.status ?? 'open');
    if (options.severity) query = query.where('severity_rank', '=', SEVERITY_RANK[options.severity]);
    if (options.subject) query = query.where('subject_account_id', '=', options.subject);
    if (options.assignee?.kind === 'unassigned') {
      query = query.where((eb) => eb.or([eb('assignee', 'is', null), eb('lock_expires_ms', '<=', nowMs)]));
    } else if (options.assignee?.kind === 'holder') {
      query = query.where('assignee', '=', options.assignee.who).where('lock_expires_ms', '>', nowMs);
    }
    const cursor = decodeCursor(options.cursor, ['number', 'number', 'string']);
    if (cursor) query = query.where(after(['severity_rank', 'sla_due_ms', 'id'], cursor));
    const rows = await query.orderBy('severity_rank').orderBy('sla_due_ms').orderBy('id').limit(limit + 1).execute();
    const page = rows.slice(0, limit).map(toCase);
    const last = page.at(-1);
    return { items: page, nextCursor: rows.length > limit && last ? encodeCursor([last.severityRank, last.slaDueMs, last.id]) : null };
  }

  /** Open cases per severity: total, past their SLA deadline, and without a live lock. */
  async queueCounts(tenantId: string, nowMs: number): Promise<Record<Severity, { open: number; breached: number; unassigned: number }>> {
    // One index range per severity on (tenant_id, status, severity_rank, sla_due_ms): index-only, and
    // on PostgreSQL cheaper than the parallel sequential scan a single GROUP BY gets planned as.
    const [perRank, locked] = await Promise.all([
      Promise.all(
        SEVERITIES.map((severity) =>
          this.db
            .selectFrom('cases')
            .select((eb) => [eb.fn.countAll<number>().as('open'), eb.fn.sum<number>(eb.case().when('sla_due_ms', '<', nowMs).then(1).else(0).end()).as('breached')])
            .where('tenant_id', '=', tenantId)
            .where('status', '=', 'open')
            .where('severity_rank', '=', SEVERITY_RANK[severity])
            .executeTakeFirstOrThrow()
            .then((r) => ({ severity_rank: SEVERITY_RANK[severity], open: r.open, breached: r.breached })),
        ),
      ),
      this.db
        .selectFrom('cases')
        .select((eb) => ['severity_rank', eb.fn.countAll<number>().as('n')])
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'open')
        .where('lock_expires_ms', '>', nowMs)
        .where('assignee', 'is not', null)
        .groupBy('severity_rank')
        .execute(),
    ]);
    const rows = perRank.filter((r) => Number(r.open) > 0);
    const lockedBy = new Map(locked.map((r) => [Number(r.severity_rank), Number(r.n)]));
    const out = { critical: { open: 0, breached: 0, unassigned: 0 }, high: { open: 0, breached: 0, unassigned: 0 }, medium: { open: 0, breached: 0, unassigned: 0 }, low: { open: 0, breached: 0, unassigned: 0 } };
    for (const r of rows) {
      const rank = Number(r.severity_rank);
      const open = Number(r.open);
      out[severityOfRank(rank)] = { open, breached: Number(r.breached ?? 0), unassigned: open - (lockedBy.get(rank) ?? 0) };
    }
    return out;
  }

  // ---- assignment ---------------------------------------------------------------------------

  /**
   * Takes (or renews) the exclusive lock on an open case. One conditional UPDATE: it succeeds only
   * when the case is free, its lock expired, or `who` already holds it.
   */
  async assign(tenantId: string, caseId: string, who: string, now = new Date(), minutes?: number): Promise<{ assignee: string; expiresAtMs: number }> {
    return this.tx(async (cases) => {
      const row = await cases.lockCase(tenantId, caseId);
      if (!row) throw new SafeguardError('not_found', `Unknown case "${caseId}"`, { caseId });
      if (row.status !== 'open') throw new SafeguardError('conflict', 'This case is already decided; appeals have their own queue', { caseId, status: row.status });
      const nowMs = now.getTime();
      const settings = await cases.getSettings(tenantId);
      const expiresAtMs = nowMs + lockMinutes(minutes ?? settings.lockMinutes) * 60_000;
      const result = await cases.db
        .updateTable('cases')
        .set({ assignee: who, lock_expires_ms: expiresAtMs, updated_at: now.toISOString() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', caseId)
        .where('status', '=', 'open')
        .where((eb) => eb.or([eb('assignee', 'is', null), eb('lock_expires_ms', '<=', nowMs), eb('assignee', '=', who)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) {
        const holder = lockHolder({ assignee: row.assignee, expiresAtMs: row.lock_expires_ms === null ? null : Number(row.lock_expires_ms) }, nowMs);
        throw new SafeguardError('conflict', 'Another moderator is working on this case', {
          caseId,
          assignee: holder,
          lockExpiresAt: row.lock_expires_ms === null ? null : iso(Number(row.lock_expires_ms)),
        });
      }
      if (lockHolder({ assignee: row.assignee, expiresAtMs: row.lock_expires_ms === null ? null : Number(row.lock_expires_ms) }, nowMs) !== who) {
        await cases.appendEvent(tenantId, caseId, 'case.assigned', who, { expiresAt: iso(expiresAtMs) }, now);
      }
      return { assignee: who, expiresAtMs };
    });
  }

  /** Releases the lock; only its holder may (or anyone with `force`, e.g. an admin). */
  async release(tenantId: string, caseId: string, who: string, options: { force?: boolean } = {}, now = new Date()): Promise<boolean> {
    return this.tx(async (cases) => {
      const row = await cases.lockCase(tenantId, caseId);
      if (!row) throw new SafeguardError('not_found', `Unknown case "${caseId}"`, { caseId });
      const holder = lockHolder({ assignee: row.assignee, expiresAtMs: row.lock_expires_ms === null ? null : Number(row.lock_expires_ms) }, now.getTime());
      if (holder === null) return false;
      if (holder !== who && !options.force) {
        throw new SafeguardError('forbidden', 'Only the moderator holding this case (or an admin) can release it', { caseId, assignee: holder });
      }
      await cases.db
        .updateTable('cases')
        .set({ assignee: null, lock_expires_ms: null, updated_at: now.toISOString() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', caseId)
        .execute();
      await cases.appendEvent(tenantId, caseId, 'case.released', who, { forced: holder !== who }, now);
      return true;
    });
  }

  /** Takes the most urgent open case nobody holds, or returns undefined when there is none. */
  async claimNext(tenantId: string, who: string, options: { severity?: Severity | undefined } = {}, now = new Date()): Promise<CaseSummary | undefined> {
    const nowMs = now.getTime();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const page = await this.listQueue(tenantId, { severity: options.severity, assignee: { kind: 'unassigned' }, limit: 5 }, nowMs);
      if (page.items.length === 0) return undefined;
      for (const candidate of page.items) {
        try {
          await this.assign(tenantId, candidate.id, who, now);
          return this.getCase(tenantId, candidate.id);
        } catch (error) {
          if (!(error instanceof SafeguardError) || error.code !== 'conflict') throw error;
        }
      }
    }
    return undefined;
  }

  // ---- case detail --------------------------------------------------------------------------

  async caseDetail(tenantId: string, caseId: string, nowMs = Date.now()): Promise<
    | {
        case: CaseSummary;
        reports: CaseReport[];
        alerts: CaseAlert[];
        participants: { accountId: string; roles: string[] }[];
        events: CaseEvent[];
        decisions: CaseDecision[];
        appeals: CaseAppeal[];
        holds: LegalHold[];
        referrals: Referral[];
        priorCases: CaseSummary[];
        activeStrikes: number;
        evidenceCount: number;
      }
    | undefined
  > {
    const summary = await this.getCase(tenantId, caseId);
    if (!summary) return undefined;
    const [reports, alerts, participants, events, decisions, appeals, holds, referrals, prior, strikes, evidence] = await Promise.all([
      this.db.selectFrom('case_reports').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId).orderBy('received_ms').limit(500).execute(),
      this.db.selectFrom('case_alerts').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId).orderBy('received_ms').limit(500).execute(),
      this.db.selectFrom('case_participants').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId).limit(1000).execute(),
      this.db.selectFrom('case_events').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId).orderBy('seq').limit(1000).execute(),
      this.db.selectFrom('case_decisions').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId).orderBy('decided_ms').execute(),
      this.db.selectFrom('case_appeals').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId).orderBy('lodged_ms').execute(),
      this.db.selectFrom('case_legal_holds').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId).orderBy('placed_at').execute(),
      this.db.selectFrom('case_referrals').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId).orderBy('created_ms').execute(),
      this.db
        .selectFrom('cases')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('subject_account_id', '=', summary.subjectAccountId)
        .where('id', '!=', caseId)
        .orderBy('opened_ms', 'desc')
        .limit(20)
        .execute(),
      this.activeStrikes(tenantId, summary.subjectAccountId, nowMs),
      this.db
        .selectFrom('case_evidence')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('case_id', '=', caseId)
        .executeTakeFirstOrThrow(),
    ]);
    const roles = new Map<string, string[]>();
    for (const p of participants) roles.set(p.account_id, [...(roles.get(p.account_id) ?? []), p.role]);
    return {
      case: summary,
      reports: reports.map(toReport),
      alerts: alerts.map(toAlert),
      participants: [...roles].map(([accountId, r]) => ({ accountId, roles: r.sort() })),
      events: events.map((e) => ({ seq: Number(e.seq), at: e.at, type: e.type, actor: e.actor, data: JSON.parse(e.data) as Record<string, unknown> })),
      decisions: decisions.map(toDecision),
      appeals: appeals.map(toAppeal),
      holds: holds.map(toHold),
      referrals: referrals.map(toReferral),
      priorCases: prior.map(toCase),
      activeStrikes: strikes,
      evidenceCount: Number(evidence.n),
    };
  }

  async alertsOf(tenantId: string, caseId: string): Promise<CaseAlert[]> {
    const rows = await this.db.selectFrom('case_alerts').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId).orderBy('received_ms').limit(500).execute();
    return rows.map(toAlert);
  }

  /** A page of a case's evidence in time order (keyset by sort key and id). */
  async listEvidence(tenantId: string, caseId: string, options: { cursor?: string | null | undefined; limit?: number } = {}): Promise<Page<CaseEvidence>> {
    const limit = Math.max(1, Math.min(500, options.limit ?? 200));
    let query = this.db.selectFrom('case_evidence').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId);
    const cursor = decodeCursor(options.cursor, ['string', 'string']);
    if (cursor) query = query.where(after(['sort_key', 'id'], cursor));
    const rows = await query.orderBy('sort_key').orderBy('id').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toEvidence), nextCursor: rows.length > limit && last ? encodeCursor([last.sort_key, last.id]) : null };
  }

  async getEvidence(tenantId: string, caseId: string, evidenceId: string): Promise<CaseEvidence | undefined> {
    const row = await this.db
      .selectFrom('case_evidence')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('case_id', '=', caseId)
      .where('id', '=', evidenceId)
      .executeTakeFirst();
    return row && toEvidence(row);
  }

  async activeStrikes(tenantId: string, accountId: string, nowMs: number): Promise<number> {
    const row = await this.db
      .selectFrom('case_strikes')
      .select((eb) => eb.fn.sum<number>('weight').as('n'))
      .where('tenant_id', '=', tenantId)
      .where('account_id', '=', accountId)
      .where('expires_ms', '>', nowMs)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  // ---- decisions ----------------------------------------------------------------------------

  /** Everything a decision would do, without doing it (the console's preview). */
  async previewDecision(tenantId: string, caseId: string, who: string, request: DecisionRequest, now = new Date()): Promise<DecisionPlan> {
    const row = await this.getCaseRow(tenantId, caseId);
    return (await this.plan(tenantId, row, who, request, now, 'preview')).plan;
  }

  private async getCaseRow(tenantId: string, caseId: string): Promise<CasesTable> {
    const row = await this.db.selectFrom('cases').selectAll().where('tenant_id', '=', tenantId).where('id', '=', caseId).executeTakeFirst();
    if (!row) throw new SafeguardError('not_found', `Unknown case "${caseId}"`, { caseId });
    return row;
  }

  private async plan(
    tenantId: string,
    row: CasesTable,
    who: string,
    request: DecisionRequest,
    now: Date,
    decisionId: string,
  ): Promise<{ plan: DecisionPlan; ctx: PlanContext }> {
    if (!DECISION_ACTIONS.includes(request.action)) throw new SafeguardError('validation_failed', `Unknown action "${String(request.action)}"`, { field: 'action' });
    const reason = request.reasonCode ? reasonFor(request.reasonCode) : reasonOrOther(row.primary_reason);
    if (!reason) throw new SafeguardError('validation_failed', `Unknown reason "${request.reasonCode ?? ''}"; GET /v1/report-reasons lists them`, { field: 'reasonCode' });
    if (request.action === 'refer_law_enforcement' && !reason.ncmec) {
      throw new SafeguardError(
        'validation_failed',
        `Referral to law enforcement is for child sexual exploitation (reasons: csam, csam-generated, grooming, sextortion, child-trafficking, obscene-to-child), not "${reason.code}"; ban instead and contact the police directly where there is a threat to life`,
        { field: 'action' },
      );
    }
    const settings = await this.getSettings(tenantId);
    const nowMs = now.getTime();
    const [reports, alerts, evidenceStats, participants] = await Promise.all([
      this.db.selectFrom('case_reports').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', row.id).execute(),
      this.db.selectFrom('case_alerts').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', row.id).execute(),
      this.db
        .selectFrom('case_evidence')
        .select((eb) => [
          eb.fn.min('sent_at').as('first_sent'),
          eb.fn.sum<number>(eb.case().when('text', 'is not', null).then(1).else(0).end()).as('texts'),
          eb.fn.sum<number>(eb.case().when('media', 'is not', null).then(1).else(0).end()).as('media'),
        ])
        .where('tenant_id', '=', tenantId)
        .where('case_id', '=', row.id)
        .executeTakeFirst(),
      this.db.selectFrom('case_participants').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', row.id).execute(),
    ]);
    const facts = await this.participantFacts(tenantId, participants.map((p) => p.account_id), now);
    const sources = parse<IntakeSource[]>(row.sources, []);
    const source = SOURCE_PRIORITY.find((s) => sources.includes(s)) ?? 'detection';
    const sourceReport = reports.find((r) => r.reporter_kind === source);
    const sourceIdentity = source === 'authority' ? (sourceReport?.order_authority ?? sourceReport?.reporter_name) : source === 'trusted-flagger' ? sourceReport?.reporter_name : null;
    const hashMatches = alerts.flatMap((a) => parse<AlertHashMatch[]>(a.hash_matches, []));
    const contentTypes = contentTypesOf({
      hasText: Number(evidenceStats?.texts ?? 0) > 0,
      hasImage: Number(evidenceStats?.media ?? 0) > 0 || hashMatches.some((m) => !isVideoSignal(m.signalType)),
      hasVideo: hashMatches.some((m) => isVideoSignal(m.signalType)),
    });
    const firstSent = evidenceStats?.first_sent ? String(evidenceStats.first_sent) : null;
    const contentDate = (firstSent ?? row.opened_at).slice(0, 10);
    const basis = request.basis ?? reason.basis;
    const endDate = restrictionEndDate(request.action, now, request.durationDays);
    const removeContent = removesContent(request.action, request.removeContent ?? undefined);
    const built = buildStatementOfReasons({
      puid: decisionId === 'preview' ? 'preview' : decisionId,
      action: request.action,
      reason,
      basis,
      facts: request.facts ?? null,
      decidedAt: now,
      contentDate,
      contentTypes,
      source,
      sourceIdentity: sourceIdentity ?? null,
      automatedDetection: alerts.length > 0,
      endDate,
      removeContent,
      settings: { territorialScope: settings.sor.territorialScope, termsUrl: settings.sor.termsUrl, legalGrounds: settings.sor.legalGrounds, termsGrounds: settings.sor.termsGrounds },
    });
    const validation = validateStatementOfReasons(built.statement);
    const before = await this.activeStrikes(tenantId, row.subject_account_id, nowMs);
    const added = STRIKE_WEIGHTS[request.action];
    const subjectFacts = facts.get(row.subject_account_id);
    const notifications = notificationsFor({
      action: request.action,
      reason,
      subjectAccountId: row.subject_account_id,
      subjectIsChild: subjectFacts?.child === true,
      endDate,
      reporters: reports.map((r) => ({ accountId: r.reporter_id, reportId: r.id, isChild: Number(r.reporter_is_child) === 1, kind: r.reporter_kind as IntakeSource })),
    });
    const ukLinked = [...facts.values()].some((f) => f.jurisdiction === 'UK');
    const targets: ReferralTarget[] =
      request.action === 'refer_law_enforcement'
        ? [...new Set<ReferralTarget>([...settings.referrals.targets, ...(settings.referrals.ncaWhenUkLinked && ukLinked ? (['nca'] as const) : [])])]
        : [];
    const plan: DecisionPlan = {
      decisionId,
      action: request.action,
      reason,
      basis: request.action === 'no_action' ? 'terms' : basis,
      endDate,
      removeContent,
      statementOfReasons: built.statement,
      statementRequired: built.required,
      validation,
      notifications,
      strikes: { before, added, after: before + added },
      suggestedAction: suggestAction(reason, before),
      referrals: targets.map((target) => ({ target, incidentType: reason.ncmec?.incidentType ?? '', includeMedia: settings.referrals.includeMedia })),
    };
    return { plan, ctx: { settings, reports, alerts, facts, source, who, hashMatches, ukLinked } };
  }

  /**
   * Decides an open case: stores the decision and its statement of reasons, adds strikes, queues
   * referrals and the platform webhook, and releases the lock — all in one transaction. The case
   * must be open, and not locked by someone else.
   */
  async decide(tenantId: string, caseId: string, who: string, request: DecisionRequest, now = new Date()): Promise<DecisionResult> {
    return this.tx(async (cases) => {
      const row = await cases.lockCase(tenantId, caseId);
      if (!row) throw new SafeguardError('not_found', `Unknown case "${caseId}"`, { caseId });
      if (row.status !== 'open') {
        throw new SafeguardError('conflict', 'This case is already decided; to change the decision, decide an appeal against it', {
          caseId,
          decisionId: row.latest_decision_id,
        });
      }
      const nowMs = now.getTime();
      const holder = lockHolder({ assignee: row.assignee, expiresAtMs: row.lock_expires_ms === null ? null : Number(row.lock_expires_ms) }, nowMs);
      if (holder !== null && holder !== who) {
        throw new SafeguardError('conflict', 'Another moderator holds this case', { caseId, assignee: holder });
      }
      const decisionId = newId('dc');
      const { plan, ctx } = await cases.plan(tenantId, row, who, request, now, decisionId);
      if (!plan.validation.valid) {
        throw new SafeguardError('internal', 'The statement of reasons for this decision does not validate', { errors: plan.validation.errors });
      }
      const decisionRow = await cases.insertDecision(tenantId, row, plan, who, request, ctx, now, null);
      await cases.db
        .updateTable('cases')
        .set({
          status: 'decided',
          first_decision_ms: row.first_decision_ms ?? nowMs,
          decided_at: row.decided_at ?? now.toISOString(),
          latest_decision_id: decisionId,
          latest_action: plan.action,
          assignee: null,
          lock_expires_ms: null,
          updated_at: now.toISOString(),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', caseId)
        .execute();
      await cases.appendEvent(tenantId, caseId, 'decision.made', who, { decisionId, action: plan.action, reason: plan.reason.code, strikesAdded: plan.strikes.added }, now);
      const referralIds = await cases.queueReferrals(tenantId, row, plan, ctx, now);
      const deliveries = await cases.enqueueEvent(
        tenantId,
        'case.decided',
        caseId,
        decidedPayload(row, plan, decisionRow, ctx),
        now,
      );
      return { ...plan, decision: toDecision(decisionRow), referralIds, webhookDeliveries: deliveries };
    });
  }

  private async insertDecision(
    tenantId: string,
    row: CasesTable,
    plan: DecisionPlan,
    who: string,
    request: DecisionRequest,
    ctx: PlanContext,
    now: Date,
    originAppealId: string | null,
  ): Promise<CaseDecisionsTable> {
    const nowMs = now.getTime();
    const decisionRow: CaseDecisionsTable = {
      tenant_id: tenantId,
      id: plan.decisionId,
      case_id: row.id,
      subject_account_id: row.subject_account_id,
      action: plan.action,
      reason_code: plan.reason.code,
      basis: plan.basis,
      category: plan.statementOfReasons.category,
      source_type: plan.statementOfReasons.source_type,
      automated_detection: ctx.alerts.length > 0 ? 1 : 0,
      decided_by: who,
      decided_at: now.toISOString(),
      decided_ms: nowMs,
      end_date: plan.endDate,
      remove_content: plan.removeContent ? 1 : 0,
      facts: request.facts ?? null,
      sor: json(plan.statementOfReasons),
      sor_required: plan.statementRequired ? 1 : 0,
      strikes_added: plan.strikes.added,
      status: 'in_force',
      status_changed_at: null,
      origin_appeal_id: originAppealId,
    };
    await this.db.insertInto('case_decisions').values(decisionRow).execute();
    await this.bump(tenantId, decisionRow.decided_at, 'decision', plan.action);
    if (plan.strikes.added > 0) {
      await this.db
        .insertInto('case_strikes')
        .values({
          tenant_id: tenantId,
          id: newId('sk'),
          account_id: row.subject_account_id,
          case_id: row.id,
          decision_id: plan.decisionId,
          weight: plan.strikes.added,
          at: now.toISOString(),
          expires_ms: nowMs + ctx.settings.strikeTtlDays * DAY_MS,
          revoked_at: null,
        })
        .execute();
    }
    return decisionRow;
  }

  private async queueReferrals(tenantId: string, row: CasesTable, plan: DecisionPlan, ctx: PlanContext, now: Date): Promise<string[]> {
    if (plan.referrals.length === 0) return [];
    const nowMs = now.getTime();
    const evidence = await this.db
      .selectFrom('case_evidence')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('case_id', '=', row.id)
      .orderBy('sort_key')
      .orderBy('id')
      .limit(5000)
      .execute();
    const messages = evidence
      .filter((e) => e.kind !== 'item' || e.text !== null)
      .map((e, i) => ({ index: e.message_index ?? i, from: e.from_account, ts: e.sent_at, text: e.text }));
    const signals = ctx.alerts.flatMap((a) => parse<CaseAlertSignal[]>(a.signals, []));
    const signalTypes = new Set(signals.map((s) => s.type));
    const annotations = new Set<NcmecReportAnnotation>(plan.reason.ncmec?.annotations ?? []);
    if (signalTypes.has('media-request')) annotations.add('csamSolicitation');
    const subject = ctx.facts.get(row.subject_account_id);
    const victims = [...ctx.facts.values()].filter((f) => f.child && f.accountId !== row.subject_account_id);
    if (subject?.child && victims.length > 0) annotations.add('minorToMinorInteraction');
    const escalate = signalTypes.has('meeting')
      ? 'Detection found proposals to meet a child in person.'
      : signalTypes.has('threat')
        ? 'Detection found threats against a child.'
        : null;
    const firstEvidence = evidence.find((e) => e.sent_at !== null)?.sent_at ?? null;
    const detectedMs = Math.min(Number(row.opened_ms), ...ctx.alerts.map((a) => Number(a.received_ms)), ...ctx.reports.map((r) => Number(r.received_ms)));
    const prior = await this.db
      .selectFrom('case_referrals as r')
      .innerJoin('cases as c', (j) => j.onRef('c.tenant_id', '=', 'r.tenant_id').onRef('c.id', '=', 'r.case_id'))
      .select('r.external_report_id')
      .where('r.tenant_id', '=', tenantId)
      .where('c.subject_account_id', '=', row.subject_account_id)
      .where('r.external_report_id', 'is not', null)
      .execute();
    const retainUntilMs = preservationUntil(nowMs);
    const files: ReferralFile[] = ctx.settings.referrals.includeMedia
      ? [
          ...evidence
            .filter((e) => e.media !== null)
            .map((e) => ({
              evidenceId: e.id,
              locationOfFile: parse<string[]>(e.media, [])[0] ?? null,
              fileViewedByEsp: false,
              relevance: 'Reported' as const,
              hashes: [],
            })),
          ...ctx.hashMatches
            .filter((m) => m.hash)
            .map((m, i) => ({
              evidenceId: `hash-${i}`,
              fileViewedByEsp: false,
              relevance: 'Reported' as const,
              classification: /^[AB][12]$/.test(m.label ?? '') ? (m.label as 'A1') : null,
              hashes: [{ hashType: ncmecHashType(m.signalType ?? 'pdq'), value: m.hash as string }],
            })),
        ]
      : [];
    const hashInfo = ctx.hashMatches.length > 0 ? `Matched hash lists: ${ctx.hashMatches.map((m) => `${m.bank}${m.label ? ` (${m.label})` : ''}`).join(', ')}.` : null;
    const person = (f: ParticipantFacts | undefined, id: string) => ({
      espIdentifier: id,
      age: f?.age ?? null,
      ageBand: f?.ageBand ?? 'unregistered',
      jurisdiction: f?.jurisdiction ?? null,
    });
    const ukLink: ('suspect-in-uk' | 'victim-in-uk')[] = [];
    if (subject?.jurisdiction === 'UK') ukLink.push('suspect-in-uk');
    if (victims.some((v) => v.jurisdiction === 'UK')) ukLink.push('victim-in-uk');
    const input: Omit<ReferralInput, 'reporter' | 'now' | 'incidentAt'> & { incidentAt: string } = {
      referralId: '',
      caseId: row.id,
      decisionId: plan.decisionId,
      incidentType: plan.reason.ncmec?.incidentType ?? 'Online Enticement of Children for Sexual Acts',
      annotations: [...annotations],
      escalateToHighPriority: escalate,
      platform: ctx.settings.referrals.platform,
      espService: ctx.settings.referrals.espService,
      incidentAt: firstEvidence ?? row.opened_at,
      incidentDescription: `${plan.reason.label}. Found by ${ctx.alerts.length > 0 ? 'automated detection' : 'user report'}; confirmed by a human moderator on ${now.toISOString().slice(0, 10)}.`,
      chat: messages.length > 0 ? { chatClient: ctx.settings.referrals.chatClient, chatRoomName: evidence[0]?.conversation_id ?? null, messages } : null,
      suspect: { ...person(subject, row.subject_account_id), priorCTReports: prior.map((p) => p.external_report_id as string) },
      victims: victims.map((v) => person(v, v.accountId)),
      additionalInfo: hashInfo,
      files,
      includeMedia: ctx.settings.referrals.includeMedia,
      retainUntil: iso(retainUntilMs),
      ukLink,
      detectedAt: iso(detectedMs),
      detectedBy: [
        ...(ctx.alerts.length > 0 ? (['automated-detection'] as const) : []),
        ...(ctx.reports.some((r) => r.reporter_kind === 'user') ? (['user-report'] as const) : []),
        ...(ctx.reports.some((r) => r.reporter_kind === 'trusted-flagger') ? (['trusted-flagger'] as const) : []),
        ...(ctx.reports.some((r) => r.reporter_kind === 'authority') ? (['authority'] as const) : []),
      ],
    };
    const ids: string[] = [];
    for (const target of plan.referrals) {
      const id = newId('rf');
      ids.push(id);
      await this.db
        .insertInto('case_referrals')
        .values({
          tenant_id: tenantId,
          id,
          case_id: row.id,
          decision_id: plan.decisionId,
          target: target.target,
          status: 'queued',
          incident_type: target.incidentType,
          include_media: target.includeMedia ? 1 : 0,
          input: json({ ...input, referralId: id }),
          detected_ms: detectedMs,
          created_at: now.toISOString(),
          created_ms: nowMs,
          exported_at: null,
          exported_by: null,
          submitted_at: null,
          external_report_id: null,
          retain_until_ms: retainUntilMs,
        })
        .execute();
      await this.appendEvent(tenantId, row.id, 'referral.queued', ctx.who, { referralId: id, target: target.target }, now);
    }
    // Preserve the evidence at least a year from now (18 U.S.C. §2258A(h)).
    await this.extendRetention(tenantId, row.id, retainUntilMs);
    return ids;
  }

  private async extendRetention(tenantId: string, caseId: string, untilMs: number): Promise<void> {
    await this.db
      .updateTable('case_evidence')
      .set({ retain_until_ms: untilMs })
      .where('tenant_id', '=', tenantId)
      .where('case_id', '=', caseId)
      .where('retain_until_ms', '<', untilMs)
      .execute();
  }

  // ---- statements of reasons ----------------------------------------------------------------

  async getDecision(tenantId: string, id: string): Promise<CaseDecision | undefined> {
    const row = await this.db.selectFrom('case_decisions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toDecision(row);
  }

  /** Decisions in time order (keyset), e.g. for Transparency Database batches. */
  async listDecisions(
    tenantId: string,
    options: { fromMs?: number | undefined; toMs?: number | undefined; requiredOnly?: boolean | undefined; cursor?: string | null | undefined; limit?: number },
  ): Promise<Page<CaseDecision>> {
    const limit = Math.max(1, Math.min(500, options.limit ?? 100));
    let query = this.db.selectFrom('case_decisions').selectAll().where('tenant_id', '=', tenantId);
    if (options.fromMs !== undefined) query = query.where('decided_ms', '>=', options.fromMs);
    if (options.toMs !== undefined) query = query.where('decided_ms', '<', options.toMs);
    if (options.requiredOnly) query = query.where('sor_required', '=', 1);
    const cursor = decodeCursor(options.cursor, ['number', 'string']);
    if (cursor) query = query.where(after(['decided_ms', 'id'], cursor));
    const rows = await query.orderBy('decided_ms').orderBy('id').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toDecision), nextCursor: rows.length > limit && last ? encodeCursor([Number(last.decided_ms), last.id]) : null };
  }

  /** The latest decision in force about an account, optionally one of `actions` (Coop appeals name actions, not decisions). */
  async findDecisionInForce(tenantId: string, subjectAccountId: string, actions?: readonly string[]): Promise<CaseDecision | undefined> {
    let query = this.db
      .selectFrom('case_decisions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subject_account_id', '=', subjectAccountId)
      .where('status', '=', 'in_force');
    if (actions && actions.length > 0) query = query.where('action', 'in', [...actions]);
    const row = await query.orderBy('decided_ms', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row && toDecision(row);
  }

  // ---- appeals ------------------------------------------------------------------------------

  /**
   * Lodges an appeal against a decision by the reported user or a reporter. Idempotent on the
   * platform's appeal id.
   */
  async lodgeAppeal(
    tenantId: string,
    input: { externalId: string; decisionId: string; appellantId: string; appellantTypeId: string; reasonText?: string | null | undefined; actor: string },
    now = new Date(),
  ): Promise<{ appeal: CaseAppeal; created: boolean }> {
    return this.tx(async (cases) => {
      const existing = await cases.db
        .selectFrom('case_appeals')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('external_id', '=', input.externalId)
        .executeTakeFirst();
      if (existing) {
        if (existing.decision_id !== input.decisionId || existing.appellant_id !== input.appellantId) {
          throw new SafeguardError('conflict', `Appeal id "${input.externalId}" was already used for another appeal`, { field: 'appealId' });
        }
        return { appeal: toAppeal(existing), created: false };
      }
      const decision = await cases.db.selectFrom('case_decisions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', input.decisionId).executeTakeFirst();
      if (!decision) throw new SafeguardError('not_found', `Unknown decision "${input.decisionId}"`, { field: 'actionsTaken' });
      if (decision.status !== 'in_force') {
        throw new SafeguardError('conflict', `Decision "${input.decisionId}" is no longer in force (${decision.status})`, { decisionId: input.decisionId });
      }
      await cases.lockCase(tenantId, decision.case_id);
      let role: CaseAppealsTable['appellant_role'];
      if (input.appellantId === decision.subject_account_id) role = 'reported-user';
      else {
        const reporter = await cases.db
          .selectFrom('case_reports')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('case_id', '=', decision.case_id)
          .where('reporter_id', '=', input.appellantId)
          .executeTakeFirst();
        if (!reporter) {
          throw new SafeguardError('forbidden', 'Only the reported user or someone who reported it can appeal this decision', { field: 'appealedBy.id' });
        }
        role = 'reporter';
      }
      const pending = await cases.db
        .selectFrom('case_appeals')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('decision_id', '=', input.decisionId)
        .where('appellant_id', '=', input.appellantId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (pending) throw new SafeguardError('conflict', 'An appeal by this account against this decision is already pending', { appealId: pending.id });
      const facts = await cases.participantFacts(tenantId, [input.appellantId], now);
      const row: CaseAppealsTable = {
        tenant_id: tenantId,
        id: newId('ap'),
        external_id: input.externalId,
        decision_id: input.decisionId,
        case_id: decision.case_id,
        original_action: decision.action,
        appellant_id: input.appellantId,
        appellant_type_id: input.appellantTypeId,
        appellant_role: role,
        appellant_is_child: facts.get(input.appellantId)?.child ? 1 : 0,
        reason_text: input.reasonText ?? null,
        lodged_at: now.toISOString(),
        lodged_ms: now.getTime(),
        status: 'pending',
        outcome: null,
        decided_by: null,
        decided_at: null,
        decided_ms: null,
        handling_ms: null,
        explanation: null,
        replacement_decision_id: null,
        assignee: null,
        lock_expires_ms: null,
      };
      await cases.db.insertInto('case_appeals').values(row).execute();
      await cases.appendEvent(tenantId, decision.case_id, 'appeal.lodged', input.actor, { appealId: row.id, decisionId: input.decisionId, role }, now);
      return { appeal: toAppeal(row), created: true };
    });
  }

  async getAppeal(tenantId: string, id: string): Promise<CaseAppeal | undefined> {
    const row = await this.db.selectFrom('case_appeals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toAppeal(row);
  }

  /** The appeals queue: oldest first (keyset by lodged time and id). */
  async listAppeals(tenantId: string, options: { status?: 'pending' | 'decided'; cursor?: string | null | undefined; limit?: number }): Promise<Page<CaseAppeal>> {
    const limit = Math.max(1, Math.min(200, options.limit ?? 50));
    let query = this.db.selectFrom('case_appeals').selectAll().where('tenant_id', '=', tenantId).where('status', '=', options.status ?? 'pending');
    const cursor = decodeCursor(options.cursor, ['number', 'string']);
    if (cursor) query = query.where(after(['lodged_ms', 'id'], cursor));
    const rows = await query.orderBy('lodged_ms').orderBy('id').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toAppeal), nextCursor: rows.length > limit && last ? encodeCursor([Number(last.lodged_ms), last.id]) : null };
  }

  /**
   * Decides an appeal: upheld (the decision stands), reversed (restored, strikes revoked) or
   * partially reversed (replaced by a lighter decision with its own statement of reasons). The
   * platform hears through an `appeal.decided` webhook shaped like Coop's appeal callback.
   */
  async decideAppeal(
    tenantId: string,
    appealId: string,
    who: string,
    input: { outcome: AppealOutcome; explanation?: string | null | undefined; replacementAction?: DecisionAction | null | undefined; durationDays?: number | null | undefined },
    now = new Date(),
  ): Promise<{ appeal: CaseAppeal; replacement: DecisionResult | null; webhookDeliveries: number }> {
    if (!APPEAL_OUTCOMES.includes(input.outcome)) throw new SafeguardError('validation_failed', `Unknown outcome "${String(input.outcome)}"`, { field: 'outcome' });
    return this.tx(async (cases) => {
      const appeal = await cases.db.selectFrom('case_appeals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', appealId).executeTakeFirst();
      if (!appeal) throw new SafeguardError('not_found', `Unknown appeal "${appealId}"`, { appealId });
      const caseRow = await cases.lockCase(tenantId, appeal.case_id);
      if (!caseRow) throw new SafeguardError('internal', 'case of an appeal is missing');
      if (appeal.status !== 'pending') throw new SafeguardError('conflict', 'This appeal is already decided', { appealId, outcome: appeal.outcome });
      const decision = await cases.db.selectFrom('case_decisions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', appeal.decision_id).executeTakeFirstOrThrow();
      const settings = await cases.getSettings(tenantId);
      if (settings.appeals.reviewerMustDiffer && decision.decided_by === who) {
        throw new SafeguardError('conflict', 'An appeal must be decided by someone other than the moderator who took the decision', { appealId });
      }
      checkReplacement(input.outcome, decision.action as DecisionAction, input.replacementAction);
      const effect = appealEffect(input.outcome);
      const nowMs = now.getTime();
      const at = now.toISOString();
      let replacement: DecisionResult | null = null;
      if (!effect.decisionStands) {
        await cases.db
          .updateTable('case_decisions')
          .set({ status: effect.replacement ? 'superseded' : 'reversed', status_changed_at: at })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', decision.id)
          .execute();
        if (effect.revokeStrikes) {
          await cases.db
            .updateTable('case_strikes')
            .set({ revoked_at: at })
            .where('tenant_id', '=', tenantId)
            .where('decision_id', '=', decision.id)
            .where('revoked_at', 'is', null)
            .execute();
        }
      }
      if (effect.replacement && input.replacementAction) {
        const replacementId = newId('dc');
        const { plan, ctx } = await cases.plan(
          tenantId,
          caseRow,
          who,
          { action: input.replacementAction, reasonCode: decision.reason_code, basis: decision.basis as DecisionBasis, facts: input.explanation ?? null, durationDays: input.durationDays ?? null },
          now,
          replacementId,
        );
        if (!plan.validation.valid) throw new SafeguardError('internal', 'The replacement statement of reasons does not validate', { errors: plan.validation.errors });
        const row = await cases.insertDecision(tenantId, caseRow, plan, who, { action: input.replacementAction, facts: input.explanation ?? null }, ctx, now, appeal.id);
        await cases.db
          .updateTable('cases')
          .set({ latest_decision_id: replacementId, latest_action: plan.action, updated_at: at })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', caseRow.id)
          .execute();
        replacement = { ...plan, decision: toDecision(row), referralIds: [], webhookDeliveries: 0 };
      } else if (!effect.decisionStands) {
        await cases.db
          .updateTable('cases')
          .set({ latest_action: 'no_action', updated_at: at })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', caseRow.id)
          .execute();
      }
      const handlingMs = nowMs - Number(appeal.lodged_ms);
      await cases.db
        .updateTable('case_appeals')
        .set({
          status: 'decided',
          outcome: input.outcome,
          decided_by: who,
          decided_at: at,
          decided_ms: nowMs,
          handling_ms: handlingMs,
          explanation: input.explanation ?? null,
          replacement_decision_id: replacement?.decisionId ?? null,
          assignee: null,
          lock_expires_ms: null,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', appealId)
        .execute();
      await cases.appendEvent(tenantId, caseRow.id, 'appeal.decided', who, { appealId, outcome: input.outcome, handlingMs, replacementDecisionId: replacement?.decisionId ?? null }, now);
      const updated = toAppeal({ ...appeal, status: 'decided', outcome: input.outcome, decided_by: who, decided_at: at, decided_ms: nowMs, handling_ms: handlingMs, explanation: input.explanation ?? null, replacement_decision_id: replacement?.decisionId ?? null });
      const payload = {
        appealId: appeal.external_id,
        safeguardAppealId: appeal.id,
        caseId: caseRow.id,
        decisionId: decision.id,
        item: { id: caseRow.subject_account_id, typeId: caseRow.subject_type_id },
        appealedBy: { id: appeal.appellant_id, typeId: appeal.appellant_type_id },
        appealDecision: effect.coopDecision,
        outcome: input.outcome,
        handlingMs,
        restore: effect.restore ? { account: decision.action !== 'remove_content' && decision.action !== 'warn', content: Number(decision.remove_content) === 1 } : null,
        replacement: replacement
          ? { decisionId: replacement.decisionId, action: replacement.action, endDate: replacement.endDate, statementOfReasons: replacement.statementOfReasons }
          : null,
        notifications: [
          {
            recipient: 'appellant',
            accountId: appeal.appellant_id,
            message: appealMessage(input.outcome, Number(appeal.appellant_is_child) === 1),
            plainLanguage: Number(appeal.appellant_is_child) === 1,
          },
        ],
      };
      const deliveries = await cases.enqueueEvent(tenantId, 'appeal.decided', caseRow.id, payload, now);
      return { appeal: updated, replacement, webhookDeliveries: deliveries };
    });
  }

  // ---- legal holds and retention ------------------------------------------------------------

  async placeHold(
    tenantId: string,
    caseId: string,
    who: string,
    input: { reason: string; authority?: string | null | undefined; reference?: string | null | undefined },
    now = new Date(),
  ): Promise<LegalHold> {
    return this.tx(async (cases) => {
      const row = await cases.lockCase(tenantId, caseId);
      if (!row) throw new SafeguardError('not_found', `Unknown case "${caseId}"`, { caseId });
      const hold: CaseLegalHoldsTable = {
        tenant_id: tenantId,
        id: newId('lh'),
        case_id: caseId,
        reason: input.reason,
        authority: input.authority ?? null,
        reference: input.reference ?? null,
        placed_by: who,
        placed_at: now.toISOString(),
        released_by: null,
        released_at: null,
      };
      await cases.db.insertInto('case_legal_holds').values(hold).execute();
      await cases.appendEvent(tenantId, caseId, 'legal-hold.placed', who, { holdId: hold.id }, now);
      return toHold(hold);
    });
  }

  async releaseHold(tenantId: string, holdId: string, who: string, now = new Date()): Promise<LegalHold> {
    return this.tx(async (cases) => {
      const hold = await cases.db.selectFrom('case_legal_holds').selectAll().where('tenant_id', '=', tenantId).where('id', '=', holdId).executeTakeFirst();
      if (!hold) throw new SafeguardError('not_found', `Unknown legal hold "${holdId}"`, { holdId });
      if (hold.released_at !== null) return toHold(hold);
      await cases.db
        .updateTable('case_legal_holds')
        .set({ released_by: who, released_at: now.toISOString() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', holdId)
        .execute();
      await cases.appendEvent(tenantId, hold.case_id, 'legal-hold.released', who, { holdId }, now);
      return toHold({ ...hold, released_by: who, released_at: now.toISOString() });
    });
  }

  async listHolds(tenantId: string, options: { active?: boolean; cursor?: string | null | undefined; limit?: number } = {}): Promise<Page<LegalHold>> {
    const limit = Math.max(1, Math.min(200, options.limit ?? 100));
    let query = this.db.selectFrom('case_legal_holds').selectAll().where('tenant_id', '=', tenantId);
    if (options.active === true) query = query.where('released_at', 'is', null);
    if (options.active === false) query = query.where('released_at', 'is not', null);
    const cursor = decodeCursor(options.cursor, ['string', 'string']);
    if (cursor) query = query.where(after(['placed_at', 'id'], cursor));
    const rows = await query.orderBy('placed_at').orderBy('id').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toHold), nextCursor: rows.length > limit && last ? encodeCursor([last.placed_at, last.id]) : null };
  }

  /**
   * Deletes evidence past its retention date, except for open cases and cases under a legal hold;
   * clears reporters' free text and referral snapshots the same way. For one tenant or all.
   */
  async sweepRetention(now = new Date(), tenantId?: string): Promise<{ evidenceDeleted: number; keptUnderHold: number; referralsPurged: number }> {
    const nowMs = now.getTime();
    const tenants = tenantId ? [tenantId] : (await this.store.listTenants()).map((t) => t.id);
    let evidenceDeleted = 0;
    let keptUnderHold = 0;
    let referralsPurged = 0;
    for (const tenant of tenants) {
      const due = await this.db
        .selectFrom('case_evidence as e')
        .innerJoin('cases as c', (j) => j.onRef('c.tenant_id', '=', 'e.tenant_id').onRef('c.id', '=', 'e.case_id'))
        .select(['e.case_id', 'c.status'])
        .distinct()
        .where('e.tenant_id', '=', tenant)
        .where('e.retain_until_ms', '<=', nowMs)
        .limit(10_000)
        .execute();
      for (const { case_id: caseId, status } of due) {
        if (status === 'open') continue;
        await this.tx(async (cases) => {
          const held = await cases.db
            .selectFrom('case_legal_holds')
            .select('id')
            .where('tenant_id', '=', tenant)
            .where('case_id', '=', caseId)
            .where('released_at', 'is', null)
            .executeTakeFirst();
          if (held) {
            keptUnderHold += 1;
            return;
          }
          const result = await cases.db
            .deleteFrom('case_evidence')
            .where('tenant_id', '=', tenant)
            .where('case_id', '=', caseId)
            .where('retain_until_ms', '<=', nowMs)
            .executeTakeFirst();
          const n = Number(result.numDeletedRows);
          const remaining = await cases.db
            .selectFrom('case_evidence')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('tenant_id', '=', tenant)
            .where('case_id', '=', caseId)
            .executeTakeFirstOrThrow();
          if (Number(remaining.n) === 0) {
            await cases.db.updateTable('case_reports').set({ reason_text: null }).where('tenant_id', '=', tenant).where('case_id', '=', caseId).execute();
            await cases.db.updateTable('case_appeals').set({ reason_text: null }).where('tenant_id', '=', tenant).where('case_id', '=', caseId).execute();
          }
          evidenceDeleted += n;
          if (n > 0) await cases.appendEvent(tenant, caseId, 'evidence.deleted', 'retention', { items: n }, now);
        });
      }
      const purged = await this.db
        .updateTable('case_referrals')
        .set({ input: null })
        .where('tenant_id', '=', tenant)
        .where('status', '=', 'submitted')
        .where('retain_until_ms', '<=', nowMs)
        .where('input', 'is not', null)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('case_legal_holds as h')
                .select('h.id')
                .whereRef('h.tenant_id', '=', 'case_referrals.tenant_id')
                .whereRef('h.case_id', '=', 'case_referrals.case_id')
                .where('h.released_at', 'is', null),
            ),
          ),
        )
        .executeTakeFirst();
      referralsPurged += Number(purged.numUpdatedRows);
    }
    return { evidenceDeleted, keptUnderHold, referralsPurged };
  }

  // ---- referrals ----------------------------------------------------------------------------

  async getReferral(tenantId: string, id: string): Promise<Referral | undefined> {
    const row = await this.db.selectFrom('case_referrals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toReferral(row);
  }

  async listReferrals(tenantId: string, options: { status?: Referral['status'] | undefined; cursor?: string | null | undefined; limit?: number }): Promise<Page<Referral>> {
    const limit = Math.max(1, Math.min(200, options.limit ?? 50));
    let query = this.db.selectFrom('case_referrals').selectAll().where('tenant_id', '=', tenantId);
    if (options.status) query = query.where('status', '=', options.status);
    const cursor = decodeCursor(options.cursor, ['number', 'string']);
    if (cursor) query = query.where(after(['created_ms', 'id'], cursor));
    const rows = await query.orderBy('created_ms').orderBy('id').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toReferral), nextCursor: rows.length > limit && last ? encodeCursor([Number(last.created_ms), last.id]) : null };
  }

  /**
   * The submission package of a referral: CyberTipline XML (+ fileDetails when media is enabled)
   * or the NCA JSON, built with the tenant's current reporter contact. Marks it exported.
   */
  async exportReferral(
    tenantId: string,
    id: string,
    who: string,
    now = new Date(),
  ): Promise<{ referral: Referral; format: 'cybertipline-xml' | 'nca-json'; content: string; fileDetails: readonly { evidenceId: string; xml: string }[]; missing: readonly string[] }> {
    return this.tx(async (cases) => {
      const row = await cases.db.selectFrom('case_referrals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      if (!row) throw new SafeguardError('not_found', `Unknown referral "${id}"`, { referralId: id });
      if (row.input === null) throw new SafeguardError('conflict', 'This referral was purged after its preservation period', { referralId: id });
      const settings = await cases.getSettings(tenantId);
      const stored = JSON.parse(row.input) as Omit<ReferralInput, 'reporter' | 'now' | 'incidentAt'> & { incidentAt: string };
      const input: ReferralInput = { ...stored, incidentAt: new Date(stored.incidentAt), now, reporter: settings.referrals.reporter };
      let format: 'cybertipline-xml' | 'nca-json';
      let content: string;
      let fileDetails: readonly { evidenceId: string; xml: string }[] = [];
      let missing: readonly string[] = [];
      if (row.target === 'ncmec') {
        const built = buildCyberTiplineReport(input);
        format = 'cybertipline-xml';
        content = built.xml;
        fileDetails = built.fileDetails;
        missing = built.missing;
      } else {
        format = 'nca-json';
        content = JSON.stringify(buildNcaReport(input), null, 2);
        missing = settings.referrals.reporter.email ? [] : ['reporter.email (a contact at the provider)'];
      }
      const at = now.toISOString();
      if (row.status === 'queued') {
        await cases.db
          .updateTable('case_referrals')
          .set({ status: 'exported', exported_at: at, exported_by: who })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .execute();
      }
      await cases.appendEvent(tenantId, row.case_id, 'referral.exported', who, { referralId: id, format }, now);
      const referral = toReferral(row.status === 'queued' ? { ...row, status: 'exported', exported_at: at, exported_by: who } : row);
      return { referral, format, content, fileDetails, missing };
    });
  }

  /** Records that a referral was submitted (NCMEC report id); preservation runs a year from now. */
  async markReferralSubmitted(tenantId: string, id: string, who: string, externalReportId: string, now = new Date()): Promise<Referral> {
    return this.tx(async (cases) => {
      const row = await cases.db.selectFrom('case_referrals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      if (!row) throw new SafeguardError('not_found', `Unknown referral "${id}"`, { referralId: id });
      if (row.status === 'submitted') {
        if (row.external_report_id === externalReportId) return toReferral(row);
        throw new SafeguardError('conflict', 'This referral was already recorded as submitted with another report id', { referralId: id });
      }
      const retainUntilMs = Math.max(Number(row.retain_until_ms), preservationUntil(now.getTime()));
      const update = { status: 'submitted' as const, submitted_at: now.toISOString(), external_report_id: externalReportId, retain_until_ms: retainUntilMs };
      await cases.db.updateTable('case_referrals').set(update).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
      await cases.extendRetention(tenantId, row.case_id, retainUntilMs);
      await cases.appendEvent(tenantId, row.case_id, 'referral.submitted', who, { referralId: id }, now);
      return toReferral({ ...row, ...update });
    });
  }

  // ---- webhooks -----------------------------------------------------------------------------

  async createEndpoint(
    tenantId: string,
    input: { url: string; secret: string; events?: readonly WebhookEvent[] | undefined; description?: string | null | undefined; active?: boolean | undefined },
    now = new Date(),
  ): Promise<WebhookEndpoint> {
    return this.tx(async (cases) => {
      const at = now.toISOString();
      const row: WebhookEndpointsTable = {
        tenant_id: tenantId,
        id: newId('wh'),
        url: input.url,
        secret: input.secret,
        events: json(input.events && input.events.length > 0 ? [...new Set(input.events)] : [...WEBHOOK_EVENTS]),
        active: input.active === false ? 0 : 1,
        description: input.description ?? null,
        created_at: at,
        updated_at: at,
      };
      await cases.db.insertInto('webhook_endpoints').values(row).execute();
      // Events that waited for an endpoint go to this one now: nothing is lost.
      const held = await cases.db
        .selectFrom('webhook_outbox')
        .select(['id', 'event_type'])
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'held')
        .execute();
      const wanted = held.filter((h) => parse<string[]>(row.events, []).includes(h.event_type)).map((h) => h.id);
      for (let i = 0; i < wanted.length; i += 400) {
        await cases.db
          .updateTable('webhook_outbox')
          .set({ endpoint_id: row.id, status: 'pending', next_attempt_ms: now.getTime() })
          .where('tenant_id', '=', tenantId)
          .where('id', 'in', wanted.slice(i, i + 400))
          .execute();
      }
      return toEndpoint(row);
    });
  }

  async listEndpoints(tenantId: string): Promise<WebhookEndpoint[]> {
    const rows = await this.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toEndpoint);
  }

  async getEndpoint(tenantId: string, id: string): Promise<WebhookEndpoint | undefined> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toEndpoint(row);
  }

  async updateEndpoint(
    tenantId: string,
    id: string,
    patch: { url?: string | undefined; events?: readonly WebhookEvent[] | undefined; description?: string | null | undefined; active?: boolean | undefined; secret?: string | undefined },
    now = new Date(),
  ): Promise<WebhookEndpoint> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new SafeguardError('not_found', `Unknown webhook endpoint "${id}"`, { endpointId: id });
    const update = {
      url: patch.url ?? row.url,
      events: patch.events ? json([...new Set(patch.events)]) : row.events,
      description: patch.description === undefined ? row.description : patch.description,
      active: patch.active === undefined ? row.active : patch.active ? 1 : 0,
      secret: patch.secret ?? row.secret,
      updated_at: now.toISOString(),
    };
    await this.db.updateTable('webhook_endpoints').set(update).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    return toEndpoint({ ...row, ...update });
  }

  /** Deletes an endpoint; its undelivered events are held until another endpoint is configured. */
  async deleteEndpoint(tenantId: string, id: string): Promise<boolean> {
    return this.tx(async (cases) => {
      const result = await cases.db.deleteFrom('webhook_endpoints').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await cases.db
        .updateTable('webhook_outbox')
        .set({ endpoint_id: null, status: 'held', lease_until_ms: null })
        .where('tenant_id', '=', tenantId)
        .where('endpoint_id', '=', id)
        .where('status', '=', 'pending')
        .execute();
      return true;
    });
  }

  /**
   * Queues an event for every active endpoint subscribed to it (or holds it when the tenant has
   * none yet). Returns the number of deliveries queued or held.
   */
  async enqueueEvent(tenantId: string, type: WebhookEvent, caseId: string | null, data: unknown, now = new Date(), onlyEndpointId?: string): Promise<number> {
    const eventId = newId('evt');
    const payload = json({ id: eventId, type, createdAt: now.toISOString(), data });
    const endpoints = (await this.listEndpoints(tenantId)).filter((e) => e.events.includes(type) && (onlyEndpointId === undefined || e.id === onlyEndpointId));
    const nowMs = now.getTime();
    const base = { tenant_id: tenantId, event_id: eventId, event_type: type, case_id: caseId, payload, attempts: 0, next_attempt_ms: nowMs, lease_until_ms: null, created_at: now.toISOString(), created_ms: nowMs, delivered_at: null, last_status: null, last_error: null };
    if (endpoints.length === 0) {
      await this.db.insertInto('webhook_outbox').values({ ...base, id: newId('dl'), endpoint_id: null, status: 'held' }).execute();
      return 1;
    }
    await this.db
      .insertInto('webhook_outbox')
      .values(endpoints.map((e) => ({ ...base, id: newId('dl'), endpoint_id: e.id, status: 'pending' as const })))
      .execute();
    return endpoints.length;
  }

  /**
   * Claims up to `limit` due deliveries across all tenants for `leaseMs` (another node or a
   * restarted process picks them up again once the lease runs out).
   */
  async claimDueDeliveries(nowMs: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const candidates = await this.db
      .selectFrom('webhook_outbox as o')
      .innerJoin('webhook_endpoints as e', (j) => j.onRef('e.tenant_id', '=', 'o.tenant_id').onRef('e.id', '=', 'o.endpoint_id'))
      .select(['o.tenant_id', 'o.id', 'o.event_id', 'o.event_type', 'o.payload', 'o.attempts', 'e.url', 'e.secret'])
      .where('o.status', '=', 'pending')
      .where('o.next_attempt_ms', '<=', nowMs)
      .where((eb) => eb.or([eb('o.lease_until_ms', 'is', null), eb('o.lease_until_ms', '<=', nowMs)]))
      .where('e.active', '=', 1)
      .orderBy('o.next_attempt_ms')
      .limit(limit)
      .execute();
    const claimed: ClaimedDelivery[] = [];
    for (const c of candidates) {
      const result = await this.db
        .updateTable('webhook_outbox')
        .set({ lease_until_ms: nowMs + leaseMs })
        .where('tenant_id', '=', c.tenant_id)
        .where('id', '=', c.id)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('lease_until_ms', 'is', null), eb('lease_until_ms', '<=', nowMs)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) {
        claimed.push({
          tenantId: c.tenant_id,
          id: c.id,
          eventId: c.event_id,
          eventType: c.event_type,
          payload: c.payload,
          attempts: Number(c.attempts),
          url: c.url,
          secret: c.secret,
        });
      }
    }
    return claimed;
  }

  async markDelivered(tenantId: string, id: string, status: number, now = new Date()): Promise<void> {
    await this.db
      .updateTable('webhook_outbox')
      .set((eb) => ({ status: 'delivered', delivered_at: now.toISOString(), last_status: status, last_error: null, lease_until_ms: null, attempts: eb('attempts', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async markFailed(tenantId: string, id: string, failure: { status: number | null; error: string }, nextAttemptMs: number): Promise<void> {
    await this.db
      .updateTable('webhook_outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_status: failure.status,
        last_error: failure.error.slice(0, 500),
        next_attempt_ms: nextAttemptMs,
        lease_until_ms: null,
      }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }

  async listDeliveries(tenantId: string, options: { status?: WebhookDelivery['status'] | undefined; cursor?: string | null | undefined; limit?: number }): Promise<Page<WebhookDelivery>> {
    const limit = Math.max(1, Math.min(200, options.limit ?? 50));
    let query = this.db.selectFrom('webhook_outbox').selectAll().where('tenant_id', '=', tenantId);
    if (options.status) query = query.where('status', '=', options.status);
    const cursor = decodeCursor(options.cursor, ['number', 'string']);
    if (cursor) query = query.where(after(['created_ms', 'id'], cursor));
    const rows = await query.orderBy('created_ms').orderBy('id').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toDelivery), nextCursor: rows.length > limit && last ? encodeCursor([Number(last.created_ms), last.id]) : null };
  }

  /** Makes a pending delivery due now (after the platform fixed its endpoint). */
  async retryDelivery(tenantId: string, id: string, now = new Date()): Promise<WebhookDelivery> {
    const row = await this.db.selectFrom('webhook_outbox').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new SafeguardError('not_found', `Unknown delivery "${id}"`, { deliveryId: id });
    if (row.status !== 'pending') throw new SafeguardError('conflict', `Delivery is ${row.status}, not pending`, { deliveryId: id });
    await this.db.updateTable('webhook_outbox').set({ next_attempt_ms: now.getTime() }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    return toDelivery({ ...row, next_attempt_ms: now.getTime() });
  }

  // ---- dashboard ----------------------------------------------------------------------------

  /** Volumes, handling times and SLA breaches over [fromMs, toMs), plus the backlog now. */
  async stats(tenantId: string, fromMs: number, toMs: number, nowMs: number): Promise<CaseStats> {
    // Per-day volumes come from the daily counts (whole UTC days overlapping [from, to)).
    const fromDay = iso(fromMs).slice(0, 10);
    const toDay = iso(toMs - 1).slice(0, 10);
    const [daily, decided, appealsLodged, appealsDecided, referrals, backlog] = await Promise.all([
      this.db
        .selectFrom('case_daily_counts')
        .select(['day', 'metric', 'key', 'count'])
        .where('tenant_id', '=', tenantId)
        .where('day', '>=', fromDay)
        .where('day', '<=', toDay)
        .orderBy('day')
        .orderBy('metric')
        .orderBy('key')
        .execute(),
      this.db
        .selectFrom('cases')
        .select(['severity', 'opened_ms', 'first_decision_ms', 'sla_due_ms', 'decided_at'])
        .where('tenant_id', '=', tenantId)
        .where('first_decision_ms', '>=', fromMs)
        .where('first_decision_ms', '<', toMs)
        .execute(),
      this.db
        .selectFrom('case_appeals')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('lodged_ms', '>=', fromMs)
        .where('lodged_ms', '<', toMs)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('case_appeals')
        .select(['outcome', 'handling_ms'])
        .where('tenant_id', '=', tenantId)
        .where('decided_ms', '>=', fromMs)
        .where('decided_ms', '<', toMs)
        .execute(),
      this.db
        .selectFrom('case_referrals')
        .select((eb) => ['target', 'status', eb.fn.countAll<number>().as('n')])
        .where('tenant_id', '=', tenantId)
        .where('created_ms', '>=', fromMs)
        .where('created_ms', '<', toMs)
        .groupBy(['target', 'status'])
        .execute(),
      this.queueCounts(tenantId, nowMs),
    ]);
    const of = (metric: string) => daily.filter((r) => r.metric === metric && Number(r.count) !== 0).map((r) => ({ day: r.day, key: r.key, count: Number(r.count) }));
    const handling: Record<string, number[]> = { all: [] };
    const breachesByDay = new Map<string, { decided: number; breached: number }>();
    for (const c of decided) {
      const ms = Number(c.first_decision_ms) - Number(c.opened_ms);
      handling.all?.push(ms);
      (handling[c.severity] ??= []).push(ms);
      const d = (c.decided_at ?? '').slice(0, 10);
      const entry = breachesByDay.get(d) ?? { decided: 0, breached: 0 };
      entry.decided += 1;
      if (Number(c.first_decision_ms) > Number(c.sla_due_ms)) entry.breached += 1;
      breachesByDay.set(d, entry);
    }
    const appealTimes = appealsDecided.map((a) => Number(a.handling_ms ?? 0));
    const outcomes: Record<string, number> = { upheld: 0, reversed: 0, partially_reversed: 0 };
    for (const a of appealsDecided) outcomes[a.outcome ?? 'upheld'] = (outcomes[a.outcome ?? 'upheld'] ?? 0) + 1;
    return {
      from: iso(fromMs),
      to: iso(toMs),
      now: iso(nowMs),
      casesOpened: of('opened').map((r) => ({ day: r.day, severity: r.key as Severity, count: r.count })),
      reports: of('report').map((r) => ({ day: r.day, source: r.key as IntakeSource, count: r.count })),
      alerts: of('alert').map((r) => ({ day: r.day, kind: r.key, count: r.count })),
      decisions: of('decision').map((r) => ({ day: r.day, action: r.key as DecisionAction, count: r.count })),
      handlingTimes: Object.fromEntries(
        Object.entries(handling).map(([k, v]) => [k, { count: v.length, medianMs: median(v), p90Ms: percentile(v, 90) }]),
      ),
      slaBreaches: [...breachesByDay].sort(([a], [b]) => a.localeCompare(b)).map(([d, v]) => ({ day: d, decided: v.decided, breached: v.breached })),
      backlog,
      appeals: { lodged: Number(appealsLodged.n), decided: appealsDecided.length, outcomes, medianHandlingMs: median(appealTimes) },
      referrals: referrals.map((r) => ({ target: r.target, status: r.status, count: Number(r.n) })),
    };
  }
}

export interface CaseStats {
  from: string;
  to: string;
  now: string;
  casesOpened: { day: string; severity: Severity; count: number }[];
  reports: { day: string; source: IntakeSource; count: number }[];
  alerts: { day: string; kind: string; count: number }[];
  decisions: { day: string; action: DecisionAction; count: number }[];
  handlingTimes: Readonly<Record<string, { count: number; medianMs: number | null; p90Ms: number | null }>>;
  slaBreaches: { day: string; decided: number; breached: number }[];
  backlog: Readonly<Record<Severity, { open: number; breached: number; unassigned: number }>>;
  appeals: { lodged: number; decided: number; outcomes: Record<string, number>; medianHandlingMs: number | null };
  referrals: { target: string; status: string; count: number }[];
}

interface PlanContext {
  readonly settings: CaseSettings;
  readonly reports: readonly CaseReportsTable[];
  readonly alerts: readonly CaseAlertsTable[];
  readonly facts: Map<string, ParticipantFacts>;
  readonly source: IntakeSource;
  readonly who: string;
  readonly hashMatches: readonly AlertHashMatch[];
  readonly ukLinked: boolean;
}

function asIso(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Evidence order: by time where known, then conversation position. */
function sortKey(sentAt: string | null, conversation: string, index: number | null): string {
  return `${sentAt ?? '~'}|${conversation}|${String(index ?? 0).padStart(8, '0')}`;
}

function evidenceFromItem(item: NormalizedItem, reportId: string): Omit<CaseEvidenceTable, 'tenant_id' | 'case_id' | 'id' | 'captured_at' | 'retain_until_ms'> {
  const conversation = item.threadId ?? `report:${reportId}`;
  const data = JSON.stringify(item.data);
  return {
    key: `item:${item.typeId}:${item.id}`,
    kind: item.media.length > 0 ? 'media' : item.kind === 'CONTENT' ? 'message' : 'item',
    source: `report:${reportId}`,
    conversation_id: item.index === null ? null : conversation,
    message_index: item.index,
    item_id: item.id,
    item_type: item.typeId,
    from_account: item.creatorId,
    sent_at: item.createdAt,
    sort_key: sortKey(item.createdAt, conversation, item.index),
    text: item.text,
    media: item.media.length > 0 ? json(item.media) : null,
    // Raw item data is kept (bounded) so nothing the platform sent is lost.
    data: data.length <= 64 * 1024 ? data : null,
    flagged: item.flagged ? 1 : 0,
  };
}

function decidedPayload(row: CasesTable, plan: DecisionPlan, decision: CaseDecisionsTable, ctx: PlanContext): Record<string, unknown> {
  const contentItems = ctx.reports
    .filter((r) => r.reported_item_kind === 'CONTENT')
    .map((r) => ({ id: r.reported_item_id, typeId: r.reported_item_type }));
  return {
    caseId: row.id,
    decisionId: decision.id,
    // Coop action-webhook fields, so a platform that integrated Coop can reuse its handler.
    item: { id: row.subject_account_id, typeId: row.subject_type_id },
    action: { id: plan.action, name: ACTION_LABELS[plan.action] },
    policies: [{ id: plan.reason.code, name: plan.reason.label, penalty: COOP_PENALTY[plan.reason.severity] }],
    rules: [],
    custom: {},
    creator: { id: row.subject_account_id, typeId: row.subject_type_id },
    ...(decision.facts ? { decisionReason: decision.facts } : {}),
    userStrikeCount: plan.strikes.after,
    restriction: {
      account:
        plan.action === 'ban' || plan.action === 'refer_law_enforcement'
          ? 'terminated'
          : plan.action === 'suspend'
            ? 'suspended'
            : plan.action === 'restrict'
              ? 'restricted'
              : null,
      until: plan.endDate,
      contentRemoved: plan.removeContent,
      contentItems: plan.removeContent ? [...new Map(contentItems.map((i) => [`${i.typeId}:${i.id}`, i])).values()] : [],
    },
    statementOfReasons: plan.statementOfReasons,
    statementRequired: plan.statementRequired,
    notifications: plan.notifications,
    appealable: plan.action !== 'no_action',
  };
}

/**
 * The entry point detection calls when it raises an alert: opens a case about `alert.accountId`
 * or merges into that account's open case; idempotent per `alert.alertId`. Joins the caller's
 * transaction when called inside one.
 */
export function openCaseFromAlert(store: SafeguardStore, tenantId: string, alert: CaseAlertInput, options: { now?: Date } = {}): Promise<OpenCaseResult> {
  return new CaseStore(store).openCaseFromAlert(tenantId, alert, options.now ?? new Date());
}

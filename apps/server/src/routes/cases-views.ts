/**
 * What the moderation API shows: zod schemas (validation, serialisation and OpenAPI from one
 * source) and the presenters that turn case-store records into them. Views are built for the
 * moderator console: SLA countdowns are computed on the server (`now`, `remainingMs`), detection
 * signals are attached to the evidence rows they point at, media is never inlined (a reveal call,
 * audited, returns the references), and participants carry age bands, never birth dates.
 */
import { z } from 'zod';
import {
  ACTION_LABELS,
  APPEAL_OUTCOMES,
  DECISION_ACTIONS,
  REPORT_REASONS,
  SEVERITIES,
  SOR_ENUMS,
  WEBHOOK_EVENTS,
  reasonOrOther,
  slaStatus,
} from '@safeguard/cases';
import type {
  CaseAlert,
  CaseAppeal,
  CaseDecision,
  CaseEvent,
  CaseEvidence,
  CaseReport,
  CaseSummary,
  LegalHold,
  ParticipantFacts,
  Referral,
  WebhookDelivery,
  WebhookEndpoint,
} from '@safeguard/store';

export const CaseId = z.string().regex(/^cs_[a-z0-9]{16}$/, 'case ids look like cs_ followed by 16 letters or digits');
export const Severity = z.enum(SEVERITIES);
export const DecisionAction = z.enum(DECISION_ACTIONS);
export const AppealOutcome = z.enum(APPEAL_OUTCOMES);
export const WebhookEventName = z.enum(WEBHOOK_EVENTS);
export const Cursor = z.string().min(1).max(512).describe('nextCursor from the previous page, unchanged');
export const Limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

export const SlaView = z.object({
  dueAt: z.string(),
  remainingMs: z.number().describe('Negative once breached; for decided cases, measured at the first decision'),
  breached: z.boolean(),
});

export const QueueItem = z.object({
  id: z.string(),
  status: z.enum(['open', 'decided']),
  severity: Severity,
  subjectAccountId: z.string().describe('The account the case is about'),
  primaryReason: z.string(),
  reasonLabel: z.string(),
  reasons: z.array(z.string()),
  childSafetyTypes: z.array(z.string()),
  sources: z.array(z.string()),
  involvesChild: z.boolean(),
  reportCount: z.number(),
  alertCount: z.number(),
  openedAt: z.string(),
  sla: SlaView,
  assignment: z.object({ assignee: z.string(), expiresAt: z.string(), mine: z.boolean() }).nullable(),
  latestAction: DecisionAction.nullable(),
  decidedAt: z.string().nullable(),
  triageWhy: z.array(z.string()),
});
export type QueueItemView = z.infer<typeof QueueItem>;

export function presentCase(c: CaseSummary, nowMs: number, me: string): QueueItemView {
  const live = c.assignee !== null && c.lockExpiresMs !== null && c.lockExpiresMs > nowMs;
  return {
    id: c.id,
    status: c.status,
    severity: c.severity,
    subjectAccountId: c.subjectAccountId,
    primaryReason: c.primaryReason,
    reasonLabel: reasonOrOther(c.primaryReason).label,
    reasons: [...c.reasons],
    childSafetyTypes: [...c.childSafetyTypes],
    sources: [...c.sources],
    involvesChild: c.involvesChild,
    reportCount: c.reportCount,
    alertCount: c.alertCount,
    openedAt: c.openedAt,
    sla: slaStatus(c.slaDueMs, nowMs, c.firstDecisionMs),
    assignment: live ? { assignee: c.assignee, expiresAt: new Date(c.lockExpiresMs).toISOString(), mine: c.assignee === me } : null,
    latestAction: c.latestAction,
    decidedAt: c.decidedAt,
    triageWhy: [...c.triageWhy],
  };
}

export const Counts = z.record(Severity, z.object({ open: z.number(), breached: z.number(), unassigned: z.number() }));

export const EvidenceView = z.object({
  id: z.string(),
  kind: z.enum(['message', 'item', 'media']),
  conversationId: z.string().nullable(),
  index: z.number().nullable().describe('Position in the conversation'),
  itemId: z.string().nullable(),
  from: z.string().nullable(),
  sentAt: z.string().nullable(),
  text: z.string().nullable(),
  media: z.object({ count: z.number(), blurred: z.literal(true) }).nullable().describe('Media is shown blurred; POST …/reveal (audited) returns the references'),
  flagged: z.boolean().describe('Reported by the reporter, or where a detection signal fired'),
  signals: z.array(z.object({ type: z.string(), alertId: z.string(), participant: z.string().nullable(), detail: z.string().nullable() })),
  source: z.string(),
  retainUntil: z.string(),
});
export type EvidenceViewType = z.infer<typeof EvidenceView>;

/** Evidence rows with the detection signals that point at them (same conversation and index). */
export function presentEvidence(items: readonly CaseEvidence[], alerts: readonly CaseAlert[]): EvidenceViewType[] {
  const signalsAt = new Map<string, EvidenceViewType['signals']>();
  for (const a of alerts) {
    const conversation = a.conversationId ?? `alert:${a.alertId}`;
    for (const s of a.signals) {
      const key = `${conversation}#${s.message}`;
      const list = signalsAt.get(key) ?? [];
      list.push({ type: s.type, alertId: a.alertId, participant: s.participant, detail: s.detail ?? null });
      signalsAt.set(key, list);
    }
  }
  return items.map((e) => ({
    id: e.id,
    kind: e.kind,
    conversationId: e.conversationId,
    index: e.messageIndex,
    itemId: e.itemId,
    from: e.from,
    sentAt: e.sentAt,
    text: e.text,
    media: e.media.length > 0 ? { count: e.media.length, blurred: true as const } : null,
    flagged: e.flagged,
    signals: e.conversationId !== null && e.messageIndex !== null ? (signalsAt.get(`${e.conversationId}#${e.messageIndex}`) ?? []) : [],
    source: e.source,
    retainUntil: new Date(e.retainUntilMs).toISOString(),
  }));
}

export const AlertView = z.object({
  alertId: z.string(),
  kind: z.string(),
  reason: z.string(),
  score: z.number(),
  raisedAt: z.string(),
  conversationId: z.string().nullable(),
  signals: z.array(z.object({ type: z.string(), message: z.number(), participant: z.string().nullable(), detail: z.string().nullable() })),
  hashMatches: z.array(z.object({ bank: z.string(), distance: z.union([z.number(), z.string()]).nullable(), label: z.string().nullable(), signalType: z.string().nullable() })),
  summary: z.string().nullable(),
  severity: Severity,
});

export function presentAlert(a: CaseAlert): z.infer<typeof AlertView> {
  return {
    alertId: a.alertId,
    kind: a.kind,
    reason: a.reasonCode,
    score: a.score,
    raisedAt: a.raisedAt,
    conversationId: a.conversationId,
    signals: a.signals.map((s) => ({ type: s.type, message: s.message, participant: s.participant, detail: s.detail ?? null })),
    hashMatches: a.hashMatches.map((m) => ({ bank: m.bank, distance: m.distance ?? null, label: m.label ?? null, signalType: m.signalType ?? null })),
    summary: a.summary,
    severity: a.severity,
  };
}

export const ReportView = z.object({
  id: z.string(),
  reporterKind: z.string(),
  reporterId: z.string().nullable(),
  reporterName: z.string().nullable(),
  reporterIsChild: z.boolean(),
  reason: z.string(),
  reasonLabel: z.string(),
  reasonText: z.string().nullable().describe("The reporter's own words (null once deleted after retention)"),
  reportedItem: z.object({ id: z.string(), typeId: z.string(), kind: z.string() }),
  order: z.object({ authority: z.string(), reference: z.string(), memberState: z.string().nullable() }).nullable(),
  reportedAt: z.string().nullable(),
  receivedAt: z.string(),
  severity: Severity,
  warnings: z.array(z.string()),
});

export function presentReport(r: CaseReport): z.infer<typeof ReportView> {
  return {
    id: r.id,
    reporterKind: r.reporterKind,
    reporterId: r.reporterId,
    reporterName: r.reporterName,
    reporterIsChild: r.reporterIsChild,
    reason: r.reasonCode,
    reasonLabel: reasonOrOther(r.reasonCode).label,
    reasonText: r.reasonText,
    reportedItem: { ...r.reportedItem },
    order: r.order,
    reportedAt: r.reportedAt,
    receivedAt: r.receivedAt,
    severity: r.severity,
    warnings: [...r.warnings],
  };
}

export const StatementOfReasonsView = z.record(z.string(), z.unknown()).describe('EU Transparency Database statement of reasons (sor.schema.json)');

export const DecisionView = z.object({
  id: z.string(),
  caseId: z.string(),
  action: DecisionAction,
  actionLabel: z.string(),
  reason: z.string(),
  basis: z.enum(['illegal', 'terms']),
  decidedBy: z.string(),
  decidedAt: z.string(),
  endDate: z.string().nullable(),
  removeContent: z.boolean(),
  facts: z.string().nullable(),
  status: z.enum(['in_force', 'reversed', 'superseded']),
  statementRequired: z.boolean().describe('A restriction: the statement must be sent to the EU Transparency Database'),
  statementOfReasons: StatementOfReasonsView,
  strikesAdded: z.number(),
  originAppealId: z.string().nullable(),
});

export function presentDecision(d: CaseDecision): z.infer<typeof DecisionView> {
  return {
    id: d.id,
    caseId: d.caseId,
    action: d.action,
    actionLabel: ACTION_LABELS[d.action],
    reason: d.reasonCode,
    basis: d.basis,
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt,
    endDate: d.endDate,
    removeContent: d.removeContent,
    facts: d.facts,
    status: d.status,
    statementRequired: d.statementRequired,
    statementOfReasons: d.statementOfReasons as unknown as Record<string, unknown>,
    strikesAdded: d.strikesAdded,
    originAppealId: d.originAppealId,
  };
}

export const AppealView = z.object({
  id: z.string(),
  externalId: z.string(),
  decisionId: z.string(),
  caseId: z.string(),
  originalAction: DecisionAction,
  appellantId: z.string(),
  appellantRole: z.enum(['reported-user', 'reporter']),
  appellantIsChild: z.boolean(),
  reasonText: z.string().nullable(),
  lodgedAt: z.string(),
  status: z.enum(['pending', 'decided']),
  outcome: AppealOutcome.nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  handlingMs: z.number().nullable(),
  ageMs: z.number().describe('Time since lodged (pending) or handling time (decided)'),
  explanation: z.string().nullable(),
  replacementDecisionId: z.string().nullable(),
});

export function presentAppeal(a: CaseAppeal, nowMs: number): z.infer<typeof AppealView> {
  return {
    id: a.id,
    externalId: a.externalId,
    decisionId: a.decisionId,
    caseId: a.caseId,
    originalAction: a.originalAction,
    appellantId: a.appellantId,
    appellantRole: a.appellantRole,
    appellantIsChild: a.appellantIsChild,
    reasonText: a.reasonText,
    lodgedAt: a.lodgedAt,
    status: a.status,
    outcome: a.outcome,
    decidedBy: a.decidedBy,
    decidedAt: a.decidedAt,
    handlingMs: a.handlingMs,
    ageMs: a.handlingMs ?? nowMs - a.lodgedMs,
    explanation: a.explanation,
    replacementDecisionId: a.replacementDecisionId,
  };
}

export const HoldView = z.object({
  id: z.string(),
  caseId: z.string(),
  reason: z.string(),
  authority: z.string().nullable(),
  reference: z.string().nullable(),
  placedBy: z.string(),
  placedAt: z.string(),
  releasedBy: z.string().nullable(),
  releasedAt: z.string().nullable(),
  active: z.boolean(),
});
export const presentHold = (h: LegalHold): z.infer<typeof HoldView> => ({ ...h });

export const ReferralView = z.object({
  id: z.string(),
  caseId: z.string(),
  decisionId: z.string(),
  target: z.enum(['ncmec', 'nca']),
  status: z.enum(['queued', 'exported', 'submitted']),
  incidentType: z.string(),
  includeMedia: z.boolean(),
  createdAt: z.string(),
  exportedAt: z.string().nullable(),
  exportedBy: z.string().nullable(),
  submittedAt: z.string().nullable(),
  externalReportId: z.string().nullable(),
  retainUntil: z.string(),
  purged: z.boolean(),
});
export const presentReferral = (r: Referral): z.infer<typeof ReferralView> => ({ ...r });

export const ParticipantView = z.object({
  accountId: z.string(),
  roles: z.array(z.string()),
  registered: z.boolean(),
  ageBand: z.string().describe('under13, 13-15, 16-17, adult, unknown, or unregistered'),
  child: z.boolean(),
  jurisdiction: z.string().nullable(),
});

export function presentParticipants(list: readonly { accountId: string; roles: string[] }[], facts: Map<string, ParticipantFacts>): z.infer<typeof ParticipantView>[] {
  return list.map((p) => {
    const f = facts.get(p.accountId);
    return {
      accountId: p.accountId,
      roles: p.roles,
      registered: f?.registered ?? false,
      ageBand: f?.ageBand ?? 'unregistered',
      child: f?.child ?? false,
      jurisdiction: f?.jurisdiction ?? null,
    };
  });
}

export const EventView = z.object({ seq: z.number(), at: z.string(), type: z.string(), actor: z.string(), data: z.record(z.string(), z.unknown()) });
export const presentEvent = (e: CaseEvent): z.infer<typeof EventView> => ({ ...e, data: { ...e.data } });

export const EndpointView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventName),
  active: z.boolean(),
  description: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const presentEndpoint = (e: WebhookEndpoint): z.infer<typeof EndpointView> => ({ ...e, events: [...e.events] });

export const DeliveryView = z.object({
  id: z.string(),
  eventId: z.string(),
  endpointId: z.string().nullable(),
  eventType: z.string(),
  caseId: z.string().nullable(),
  status: z.enum(['held', 'pending', 'delivered']),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
});
export function presentDelivery(d: WebhookDelivery): z.infer<typeof DeliveryView> {
  const { nextAttemptMs, ...rest } = d;
  return { ...rest, nextAttemptAt: new Date(nextAttemptMs).toISOString() };
}

export const ReasonView = z.object({
  code: z.string(),
  label: z.string(),
  childLabel: z.string().nullable(),
  description: z.string(),
  severity: Severity,
  childSafetyType: z.string().nullable(),
  category: z.string(),
  categoryLabel: z.string(),
  keywords: z.array(z.string()),
  basis: z.enum(['illegal', 'terms']),
  referable: z.boolean().describe('Confirmed cases are reported to NCMEC / the NCA'),
});

export function presentReasons(): z.infer<typeof ReasonView>[] {
  return REPORT_REASONS.map((r) => ({
    code: r.code,
    label: r.label,
    childLabel: r.childLabel ?? null,
    description: r.description,
    severity: r.severity,
    childSafetyType: r.childSafetyType,
    category: r.category,
    categoryLabel: SOR_ENUMS.STATEMENT_CATEGORIES[r.category],
    keywords: [...r.keywords],
    basis: r.basis,
    referable: r.ncmec !== undefined,
  }));
}

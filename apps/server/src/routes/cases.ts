/**
 * Reports, detection alerts and moderation (issue 5).
 *
 * Intake: `POST /v1/reports` takes the body of ROOST Coop's Report API (`reporter`, `reportedAt`,
 * `reportedForReason`, `reportedItem`, `reportedItemThread`, …; INTEROP.md §1.3) — extra keys
 * ignored, `null` members tolerated, `X-API-KEY` accepted — plus Safeguard's reporter kinds
 * (trusted flaggers, authority orders). `POST /api/v1/report` is the same route at Coop's path,
 * answering as Coop does. Reports are idempotent (Idempotency-Key header, or a key derived from
 * reporter, item, time and reason); malformed reports and unknown accounts get a clear 4xx and
 * are not stored; an accepted report is stored before the answer.
 *
 * Moderation: the queue (severity, then SLA deadline), the case view (why it was raised, the
 * conversation with signals at their messages, participants' age bands, prior cases, hash
 * matches), exclusive expiring assignment, decision preview and decision. Every view of a case
 * (children's data) is audited; media references are revealed only by an audited call.
 *
 * Appeals, referrals, legal holds, webhooks, settings and statistics: cases-appeals.ts and
 * cases-admin.ts, registered from here.
 */
import { z } from 'zod';
import { SafeguardError } from '@safeguard/core';
import { ALERT_KINDS, MAX_THREAD_ITEMS, childReasons, normalizeReport, reasonOrOther, suggestAction } from '@safeguard/cases';
import { CaseStore, canonicalDigest, type DecisionPlan } from '@safeguard/store';
import { principalOf } from '../app.js';
import { audit } from '../services/audit-service.js';
import { errorResponses } from '../schemas.js';
import { caseAdminRoutes } from './cases-admin.js';
import { caseAppealRoutes } from './cases-appeals.js';
import {
  AlertView,
  CaseId,
  Counts,
  Cursor,
  DecisionAction,
  DecisionView,
  EvidenceView,
  EventView,
  HoldView,
  Limit,
  ParticipantView,
  QueueItem,
  ReasonView,
  ReferralView,
  ReportView,
  Severity,
  StatementOfReasonsView,
  AppealView,
  presentAlert,
  presentAppeal,
  presentCase,
  presentDecision,
  presentEvent,
  presentEvidence,
  presentHold,
  presentParticipants,
  presentReasons,
  presentReferral,
  presentReport,
} from './cases-views.js';
import type { ZodApp } from './types.js';

// ---- Coop-shaped bodies (loose: unknown keys are ignored, as Coop does) ------------------------

const ItemId = z.string().min(1).max(256);
const CoopItem = z
  .looseObject({
    id: ItemId,
    typeId: z.string().min(1).max(256).nullish(),
    type: z.looseObject({ id: z.string().min(1).max(256), version: z.string().max(64).nullish(), schemaVariant: z.string().max(32).nullish() }).nullish(),
    kind: z.enum(['USER', 'CONTENT', 'THREAD']).nullish().describe('Safeguard extension: the item kind when its type id does not say'),
    data: z.record(z.string(), z.unknown()),
  })
  .refine((item) => Boolean(item.typeId) || Boolean(item.type), { message: 'an item needs typeId (or type.id)' });

export const ReportBody = z.looseObject({
  reporter: z.looseObject({
    kind: z.enum(['user', 'trusted-flagger', 'authority']).nullish().describe('"user" when absent (Coop sends only users)'),
    typeId: z.string().max(256).nullish(),
    id: z.string().min(1).max(256).nullish().describe('The reporting account (required for users)'),
    name: z.string().min(1).max(200).nullish().describe('Trusted flagger or authority (an organisation)'),
    order: z
      .strictObject({
        authority: z.string().min(1).max(200),
        reference: z.string().min(1).max(200),
        memberState: z.string().regex(/^[A-Z]{2}$/).nullish(),
        article: z.number().int().min(1).max(100).nullish(),
      })
      .nullish()
      .describe('For reporter.kind "authority": the order'),
  }),
  reportedAt: z.string().max(64).nullish(),
  reportedForReason: z
    .looseObject({
      policyId: z.string().max(128).nullish().describe('A Safeguard reason code (GET /v1/report-reasons) or an alias configured in case settings'),
      reason: z.string().max(5000).nullish().describe("The reporter's own words"),
      csam: z.boolean().nullish(),
    })
    .nullish(),
  reportedItem: CoopItem,
  reportedItemThread: z
    .array(CoopItem)
    .max(MAX_THREAD_ITEMS, `reportedItemThread is limited to ${MAX_THREAD_ITEMS} items: send the ${MAX_THREAD_ITEMS} messages nearest the reported item`)
    .nullish(),
  reportedItemsInThread: z.array(z.looseObject({ id: ItemId, typeId: z.string().max(256).nullish() })).max(MAX_THREAD_ITEMS).nullish(),
  additionalItems: z.array(CoopItem).max(50, 'additionalItems is limited to 50 items').nullish(),
  idempotencyKey: z.string().min(1).max(128).optional().describe('Or send the Idempotency-Key header'),
});

const ReportReceipt = z.object({
  reportId: z.string(),
  caseId: z.string(),
  status: z.literal('received'),
  duplicate: z.boolean().describe('This idempotency key was seen before: nothing new was stored'),
  acknowledgement: z.string().describe('Plain words to show the reporter (simplest wording when the reporter is a child)'),
  warnings: z.array(z.string()),
});

const IdempotencyHeaders = z.looseObject({ 'idempotency-key': z.string().min(1).max(128).optional() });

const AlertBody = z.strictObject({
  alertId: z.string().min(1).max(128),
  kind: z.enum(ALERT_KINDS),
  accountId: z.string().min(1).max(128).describe('The suspect or uploader: the account the case is about'),
  otherAccountIds: z.array(z.string().min(1).max(128)).max(200).optional(),
  conversationId: z.string().min(1).max(256).nullish(),
  score: z.number().min(0).max(1),
  signals: z.array(z.strictObject({ type: z.string().min(1).max(64), message: z.number().int().min(0), participant: z.string().max(128).nullable(), detail: z.string().max(200).optional() })).max(1000),
  timeline: z
    .array(
      z.strictObject({
        index: z.number().int().min(0),
        from: z.string().max(128).nullable(),
        ts: z.string().max(64).nullish(),
        text: z.string().max(20_000).nullish(),
        media: z.array(z.string().max(2083)).max(20).optional(),
      }),
    )
    .max(2000)
    .optional(),
  hashMatches: z
    .array(z.strictObject({ bank: z.string().min(1).max(128), distance: z.union([z.number(), z.string().max(32)]).nullish(), label: z.string().max(128).nullish(), signalType: z.string().max(32).nullish(), hash: z.string().max(512).nullish() }))
    .max(100)
    .optional(),
  raisedAt: z.iso.datetime({ offset: true }),
  reasonCode: z.string().max(64).nullish(),
  summary: z.string().max(200).nullish(),
});

const OpenCaseView = z.object({ caseId: z.string(), created: z.boolean(), duplicate: z.boolean(), severity: Severity, slaDueAt: z.string() });

export const DecisionBody = z.strictObject({
  action: DecisionAction,
  reasonCode: z.string().min(1).max(64).optional().describe("Defaults to the case's primary reason"),
  basis: z.enum(['illegal', 'terms']).optional().describe('Illegal content, or incompatible with the terms; defaults from the reason'),
  facts: z.string().max(2000).optional().describe('Your explanation for the statement of reasons: what was found, without names, ids or message text'),
  durationDays: z.number().int().min(1).max(3650).optional().describe('For suspend (default 7) and restrict (default 30)'),
  removeContent: z.boolean().optional(),
});

const PreviewView = z.object({
  action: DecisionAction,
  reason: z.string(),
  basis: z.enum(['illegal', 'terms']),
  endDate: z.string().nullable(),
  removeContent: z.boolean(),
  statementOfReasons: StatementOfReasonsView,
  statementRequired: z.boolean(),
  validation: z.object({ valid: z.boolean(), errors: z.array(z.object({ path: z.string(), message: z.string() })) }),
  notifications: z.array(z.object({ recipient: z.string(), accountId: z.string().nullable(), reportId: z.string().optional(), message: z.string(), plainLanguage: z.boolean() })),
  strikes: z.object({ before: z.number(), added: z.number(), after: z.number() }),
  suggestedAction: DecisionAction,
  referrals: z.array(z.object({ target: z.string(), incidentType: z.string(), includeMedia: z.boolean() })),
});

function presentPlan(plan: DecisionPlan): z.infer<typeof PreviewView> {
  return {
    action: plan.action,
    reason: plan.reason.code,
    basis: plan.basis,
    endDate: plan.endDate,
    removeContent: plan.removeContent,
    statementOfReasons: plan.statementOfReasons as unknown as Record<string, unknown>,
    statementRequired: plan.statementRequired,
    validation: { valid: plan.validation.valid, errors: plan.validation.errors.map((e) => ({ ...e })) },
    notifications: plan.notifications.map((n) => ({ ...n })),
    strikes: { ...plan.strikes },
    suggestedAction: plan.suggestedAction,
    referrals: plan.referrals.map((r) => ({ ...r })),
  };
}

const CaseParams = z.strictObject({ caseId: CaseId });
const EvidenceParams = z.strictObject({ caseId: CaseId, evidenceId: z.string().regex(/^ev_[a-z0-9]{16}$/) });

const CaseView = z.object({
  now: z.string(),
  case: QueueItem,
  why: z.object({ triage: z.array(z.string()), alerts: z.array(AlertView), reports: z.array(ReportView) }),
  participants: z.array(ParticipantView),
  timeline: z.object({ items: z.array(EvidenceView), nextCursor: z.string().nullable(), total: z.number() }),
  hashMatches: z.array(z.object({ alertId: z.string(), bank: z.string(), label: z.string().nullable(), distance: z.union([z.number(), z.string()]).nullable() })),
  priorCases: z.array(QueueItem),
  strikes: z.object({ active: z.number() }),
  suggestedAction: DecisionAction,
  decisions: z.array(DecisionView),
  appeals: z.array(AppealView),
  legalHolds: z.array(HoldView),
  referrals: z.array(ReferralView),
  events: z.array(EventView),
});

function acknowledgement(isChild: boolean): string {
  return isChild
    ? 'Thank you for telling us. We will look at this soon. If you feel unsafe right now, talk to an adult you trust.'
    : 'We received your report and will review it. We will let you know what we decide.';
}

export function caseRoutes(app: ZodApp): void {
  const { store, clock } = app.services;
  const cases = new CaseStore(store);
  const nowOf = (): Date => clock.now();

  async function fileReport(
    request: { principal: Parameters<typeof principalOf>[0]['principal']; body: z.infer<typeof ReportBody>; headers: { 'idempotency-key'?: string | undefined } },
  ) {
    const principal = principalOf(request);
    const body = request.body;
    const settings = await cases.getSettings(principal.tenantId);
    const normalized = normalizeReport(body, settings.reasonAliases);
    const { idempotencyKey: bodyKey, ...content } = body;
    const digest = canonicalDigest(content);
    // Without a key, the same reporter reporting the same item at the same time for the same reason
    // is the same report (a platform retrying a Coop-shaped call that has no idempotency key).
    const key =
      request.headers['idempotency-key'] ??
      bodyKey ??
      `auto:${canonicalDigest([normalized.reporter.kind, normalized.reporter.id, normalized.reporter.name, normalized.reportedItem.typeId, normalized.reportedItem.id, body.reportedAt ?? null, normalized.reason.code])}`;
    return store.transaction(async (tx) => {
      const result = await new CaseStore(tx).submitReport(principal.tenantId, { report: normalized, idempotencyKey: key, bodyDigest: digest, actor: `key:${principal.keyId}` }, nowOf());
      if (result.created) {
        // No personal data in the audit details: ids of our own records only.
        await audit(tx, principal, { action: 'report.create', target: result.report.id, details: { caseId: result.case.id, reason: result.report.reasonCode, source: result.report.reporterKind } });
      }
      return result;
    });
  }

  app.post(
    '/v1/reports',
    {
      config: { permission: 'reports:create' },
      schema: {
        tags: ['reports'],
        summary: 'Report an account or content (Coop Report API shape)',
        description:
          'Users (children included), trusted flaggers and authorities report an account or content with the surrounding thread. Reports about the same account merge into one case. Idempotent: send an Idempotency-Key header (or idempotencyKey); a retry answers 200 with duplicate=true. The reported account must be registered (PUT /v1/accounts/{id}); otherwise 404 unknown_account and nothing is stored.',
        headers: IdempotencyHeaders,
        body: ReportBody,
        response: { 200: ReportReceipt, 201: ReportReceipt, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await fileReport(request);
      return reply.status(result.created ? 201 : 200).send({
        reportId: result.report.id,
        caseId: result.case.id,
        status: 'received' as const,
        duplicate: !result.created,
        acknowledgement: acknowledgement(result.report.reporterIsChild),
        warnings: [...result.report.warnings],
      });
    },
  );

  app.post(
    '/api/v1/report',
    {
      config: { permission: 'reports:create' },
      schema: {
        tags: ['reports'],
        summary: 'Coop-compatible alias of POST /v1/reports',
        description: "ROOST Coop's path and answer (201 with reportId), for platforms switching from Coop. Accepts X-API-KEY.",
        headers: IdempotencyHeaders,
        body: ReportBody,
        response: { 201: z.object({ reportId: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await fileReport(request);
      return reply.status(201).send({ reportId: result.report.id });
    },
  );

  app.get(
    '/v1/report-reasons',
    {
      config: { permission: 'policy:read' },
      schema: {
        tags: ['reports'],
        summary: 'The report reason taxonomy',
        description: 'Each reason with its EU statement-of-reasons category and keywords, child-safety type and default severity; `child` is the short list in plain words for child reporters.',
        response: { 200: z.object({ reasons: z.array(ReasonView), child: z.array(z.object({ code: z.string(), label: z.string() })) }), ...errorResponses },
      },
    },
    () => Promise.resolve({ reasons: presentReasons(), child: childReasons() }),
  );

  app.post(
    '/v1/alerts',
    {
      config: { permission: 'alerts:create' },
      schema: {
        tags: ['cases'],
        summary: 'Open a case from a detection alert (HTTP form of openCaseFromAlert)',
        description: "Merges into the account's open case; idempotent per alertId (200 with duplicate=true).",
        body: AlertBody,
        response: { 200: OpenCaseView, 201: OpenCaseView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      const result = await store.transaction(async (tx) => {
        const opened = await new CaseStore(tx).openCaseFromAlert(principal.tenantId, body, nowOf());
        if (!opened.duplicate) await audit(tx, principal, { action: 'alert.case', target: opened.caseId, details: { alertId: body.alertId, kind: body.kind } });
        return opened;
      });
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  );

  app.get(
    '/v1/cases',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['cases'],
        summary: 'The moderation queue',
        description:
          'Most severe first, then the earliest SLA deadline. Keyset pagination: pass nextCursor back as cursor. The first page also carries the open-case counts per severity (total, breached, unassigned).',
        querystring: z.strictObject({
          status: z.enum(['open', 'decided']).default('open'),
          severity: Severity.optional(),
          assigned: z.enum(['any', 'me', 'unassigned']).default('any'),
          subject: z.string().min(1).max(256).optional().describe('Only cases about this account'),
          cursor: Cursor.optional(),
          limit: Limit(200, 50),
        }),
        response: { 200: z.object({ now: z.string(), items: z.array(QueueItem), nextCursor: z.string().nullable(), counts: Counts.nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const q = request.query;
      const nowMs = nowOf().getTime();
      const page = await cases.listQueue(
        principal.tenantId,
        {
          status: q.status,
          severity: q.severity,
          subject: q.subject,
          assignee: q.assigned === 'me' ? { kind: 'holder', who: principal.keyId } : q.assigned === 'unassigned' ? { kind: 'unassigned' } : undefined,
          cursor: q.cursor,
          limit: q.limit,
        },
        nowMs,
      );
      const counts = q.cursor ? null : await cases.queueCounts(principal.tenantId, nowMs);
      return { now: new Date(nowMs).toISOString(), items: page.items.map((c) => presentCase(c, nowMs, principal.keyId)), nextCursor: page.nextCursor, counts };
    },
  );

  app.post(
    '/v1/cases/next',
    {
      config: { permission: 'cases:assign' },
      schema: {
        tags: ['cases'],
        summary: 'Take the most urgent unassigned case',
        body: z.strictObject({ severity: Severity.optional() }).optional(),
        response: { 200: z.object({ case: QueueItem.nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const now = nowOf();
      const taken = await cases.claimNext(principal.tenantId, principal.keyId, { severity: request.body?.severity }, now);
      return { case: taken ? presentCase(taken, now.getTime(), principal.keyId) : null };
    },
  );

  app.get(
    '/v1/cases/:caseId',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['cases'],
        summary: 'A case: why it was raised, the conversation, participants, history',
        description:
          'Audited (case.view). The timeline holds the first page of evidence in time order with detection signals at their messages; GET …/evidence pages on. Media is summarised (blurred), never inlined.',
        params: CaseParams,
        response: { 200: CaseView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const now = nowOf();
      const nowMs = now.getTime();
      const detail = await cases.caseDetail(principal.tenantId, request.params.caseId, nowMs);
      if (!detail) throw new SafeguardError('not_found', `Unknown case "${request.params.caseId}"`, { caseId: request.params.caseId });
      const [evidence, facts] = await Promise.all([
        cases.listEvidence(principal.tenantId, detail.case.id, { limit: 200 }),
        cases.participantFacts(principal.tenantId, detail.participants.map((p) => p.accountId), now),
      ]);
      await audit(store, principal, {
        action: 'case.view',
        target: detail.case.id,
        details: { childData: detail.case.involvesChild || [...facts.values()].some((f) => f.child), evidenceItems: evidence.items.length },
      });
      return {
        now: now.toISOString(),
        case: presentCase(detail.case, nowMs, principal.keyId),
        why: { triage: [...detail.case.triageWhy], alerts: detail.alerts.map(presentAlert), reports: detail.reports.map(presentReport) },
        participants: presentParticipants(detail.participants, facts),
        timeline: { items: presentEvidence(evidence.items, detail.alerts), nextCursor: evidence.nextCursor, total: detail.evidenceCount },
        hashMatches: detail.alerts.flatMap((a) => a.hashMatches.map((m) => ({ alertId: a.alertId, bank: m.bank, label: m.label ?? null, distance: m.distance ?? null }))),
        priorCases: detail.priorCases.map((c) => presentCase(c, nowMs, principal.keyId)),
        strikes: { active: detail.activeStrikes },
        suggestedAction: suggestAction(reasonOrOther(detail.case.primaryReason), detail.activeStrikes),
        decisions: detail.decisions.map(presentDecision),
        appeals: detail.appeals.map((a) => presentAppeal(a, nowMs)),
        legalHolds: detail.holds.map(presentHold),
        referrals: detail.referrals.map(presentReferral),
        events: detail.events.map(presentEvent),
      };
    },
  );

  app.get(
    '/v1/cases/:caseId/evidence',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['cases'],
        summary: "A page of a case's evidence (audited)",
        params: CaseParams,
        querystring: z.strictObject({ cursor: Cursor.optional(), limit: Limit(500, 200) }),
        response: { 200: z.object({ items: z.array(EvidenceView), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const detail = await cases.getCase(principal.tenantId, request.params.caseId);
      if (!detail) throw new SafeguardError('not_found', `Unknown case "${request.params.caseId}"`, { caseId: request.params.caseId });
      const [page, alerts] = await Promise.all([
        cases.listEvidence(principal.tenantId, detail.id, { cursor: request.query.cursor, limit: request.query.limit }),
        cases.alertsOf(principal.tenantId, detail.id),
      ]);
      await audit(store, principal, { action: 'case.evidence.view', target: detail.id, details: { items: page.items.length, childData: detail.involvesChild } });
      return { items: presentEvidence(page.items, alerts), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/cases/:caseId/evidence/:evidenceId/reveal',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['cases'],
        summary: 'Reveal the media references of an evidence item (audited)',
        description: 'The console shows media blurred and greyscale until a moderator clicks; this call records who revealed what.',
        params: EvidenceParams,
        response: { 200: z.object({ evidenceId: z.string(), media: z.array(z.string()) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { caseId, evidenceId } = request.params;
      const item = await cases.getEvidence(principal.tenantId, caseId, evidenceId);
      if (!item) throw new SafeguardError('not_found', `Unknown evidence "${evidenceId}" in case "${caseId}"`, { caseId, evidenceId });
      await audit(store, principal, { action: 'case.media.reveal', target: caseId, details: { evidenceId, items: item.media.length } });
      return { evidenceId, media: [...item.media] };
    },
  );

  const LockView = z.object({ caseId: z.string(), assignee: z.string(), expiresAt: z.string(), mine: z.literal(true) });

  app.post(
    '/v1/cases/:caseId/assign',
    {
      config: { permission: 'cases:assign' },
      schema: {
        tags: ['cases'],
        summary: 'Take (or renew) the exclusive lock on a case',
        description: '409 when another moderator holds it (details say who and until when). Locks expire (default 15 minutes): renew by calling again.',
        params: CaseParams,
        body: z.strictObject({ minutes: z.number().int().min(1).max(120).optional() }).optional(),
        response: { 200: LockView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const lock = await cases.assign(principal.tenantId, request.params.caseId, principal.keyId, nowOf(), request.body?.minutes);
      return { caseId: request.params.caseId, assignee: lock.assignee, expiresAt: new Date(lock.expiresAtMs).toISOString(), mine: true as const };
    },
  );

  app.post(
    '/v1/cases/:caseId/release',
    {
      config: { permission: 'cases:assign' },
      schema: {
        tags: ['cases'],
        summary: 'Release the lock on a case (admins may force)',
        params: CaseParams,
        body: z.strictObject({ force: z.boolean().optional() }).optional(),
        response: { 200: z.object({ released: z.boolean() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const force = request.body?.force === true;
      if (force && principal.role !== 'admin') throw new SafeguardError('forbidden', 'Only an admin can release a case someone else holds', { field: 'force' });
      const released = await cases.release(principal.tenantId, request.params.caseId, principal.keyId, { force }, nowOf());
      return { released };
    },
  );

  app.post(
    '/v1/cases/:caseId/decision-preview',
    {
      config: { permission: 'cases:decide' },
      schema: {
        tags: ['cases'],
        summary: 'What a decision would do: the statement of reasons, notifications, strikes, referrals',
        description: 'Nothing is stored. The statement is validated against the EU schema (validation.valid).',
        params: CaseParams,
        body: DecisionBody,
        response: { 200: PreviewView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const plan = await cases.previewDecision(principal.tenantId, request.params.caseId, principal.keyId, request.body, nowOf());
      return presentPlan(plan);
    },
  );

  app.post(
    '/v1/cases/:caseId/decisions',
    {
      config: { permission: 'cases:decide' },
      schema: {
        tags: ['cases'],
        summary: 'Decide an open case',
        description:
          'Stores the decision and its statement of reasons, adds strikes, queues referrals (refer_law_enforcement) and the signed case.decided webhook to the platform, and releases the lock. 409 when someone else holds the case or it is already decided.',
        params: CaseParams,
        body: DecisionBody,
        response: {
          201: PreviewView.extend({ decision: DecisionView, referralIds: z.array(z.string()), webhookDeliveries: z.number() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const caseId = request.params.caseId;
      const result = await store.transaction(async (tx) => {
        const decided = await new CaseStore(tx).decide(principal.tenantId, caseId, principal.keyId, request.body, nowOf());
        await audit(tx, principal, {
          action: 'case.decide',
          target: caseId,
          details: { decisionId: decided.decision.id, action: decided.action, reason: decided.reason.code, referrals: decided.referralIds.length },
        });
        return decided;
      });
      app.services.webhooks.poke();
      return reply.status(201).send({
        ...presentPlan(result),
        decision: presentDecision(result.decision),
        referralIds: [...result.referralIds],
        webhookDeliveries: result.webhookDeliveries,
      });
    },
  );

  caseAppealRoutes(app, cases);
  caseAdminRoutes(app, cases);
}

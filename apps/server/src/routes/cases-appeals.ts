/**
 * Appeals (DSA Art. 20 internal complaints; ICU/PCU D8–D10) and the statements of reasons.
 *
 * `POST /v1/appeals` takes Coop's appeal body (`appealId`, `appealedBy`, `appealedAt`,
 * `actionedItem`, `actionsTaken`, `appealReason`, …; INTEROP.md §1.4). `actionsTaken` may hold
 * Safeguard decision ids (from the case.decided webhook) or action names, in which case the
 * latest decision in force about the actioned account with one of those actions is appealed.
 * `POST /api/v1/report/appeal` is the same at Coop's path (204, as Coop answers).
 */
import { z } from 'zod';
import { SafeguardError } from '@safeguard/core';
import { CaseStore } from '@safeguard/store';
import { principalOf } from '../app.js';
import { audit } from '../services/audit-service.js';
import { errorResponses } from '../schemas.js';
import { AppealOutcome, AppealView, Cursor, DecisionAction, DecisionView, Limit, QueueItem, StatementOfReasonsView, presentAppeal, presentCase, presentDecision } from './cases-views.js';
import type { ZodApp } from './types.js';

const ItemRef = z.looseObject({ id: z.string().min(1).max(256), typeId: z.string().max(256).nullish() });

const AppealBody = z.looseObject({
  appealId: z.string().min(1).max(128).describe("The platform's appeal id (idempotency key; echoed in the appeal.decided webhook)"),
  appealedBy: ItemRef.describe('The appealing account: the reported user, or a reporter'),
  appealedAt: z.string().max(64),
  actionedItem: z.looseObject({ id: z.string().min(1).max(256), typeId: z.string().max(256).nullish(), type: z.looseObject({ id: z.string() }).nullish(), data: z.record(z.string(), z.unknown()).optional() }),
  actionsTaken: z.array(z.string().min(1).max(128)).min(1).max(20).describe('Decision ids from the case.decided webhook, or action names'),
  appealReason: z.string().max(5000).nullish(),
  decisionId: z.string().max(64).optional().describe('Safeguard extension: the decision appealed, when known'),
});

const AppealParams = z.strictObject({ appealId: z.string().regex(/^ap_[a-z0-9]{16}$/) });

export function caseAppealRoutes(app: ZodApp, cases: CaseStore): void {
  const { store, clock } = app.services;

  async function lodge(request: { principal: Parameters<typeof principalOf>[0]['principal']; body: z.infer<typeof AppealBody> }) {
    const principal = principalOf(request);
    const body = request.body;
    if (Number.isNaN(Date.parse(body.appealedAt))) {
      throw new SafeguardError('validation_failed', 'Invalid appealedAt time: expected an ISO 8601 date-time', { field: 'appealedAt' });
    }
    const ids = [body.decisionId, ...body.actionsTaken].filter((x): x is string => typeof x === 'string' && /^dc_[a-z0-9]{16}$/.test(x));
    let decisionId = ids[0];
    if (!decisionId) {
      const found = await cases.findDecisionInForce(principal.tenantId, body.actionedItem.id, body.actionsTaken);
      if (!found) {
        throw new SafeguardError('not_found', `No decision in force about "${body.actionedItem.id}" with actions ${body.actionsTaken.join(', ')}`, { field: 'actionsTaken' });
      }
      decisionId = found.id;
    }
    const decision = await cases.getDecision(principal.tenantId, decisionId);
    if (!decision) throw new SafeguardError('not_found', `Unknown decision "${decisionId}"`, { field: 'actionsTaken' });
    if (decision.subjectAccountId !== body.actionedItem.id) {
      throw new SafeguardError('validation_failed', `actionedItem.id "${body.actionedItem.id}" is not the account decision ${decisionId} was about`, { field: 'actionedItem.id' });
    }
    return store.transaction(async (tx) => {
      const result = await new CaseStore(tx).lodgeAppeal(
        principal.tenantId,
        { externalId: body.appealId, decisionId, appellantId: body.appealedBy.id, appellantTypeId: body.appealedBy.typeId ?? 'user', reasonText: body.appealReason ?? null, actor: `key:${principal.keyId}` },
        clock.now(),
      );
      if (result.created) await audit(tx, principal, { action: 'appeal.create', target: result.appeal.id, details: { decisionId, caseId: result.appeal.caseId } });
      return result;
    });
  }

  const Receipt = z.object({ appealId: z.string(), externalId: z.string(), decisionId: z.string(), status: z.enum(['pending', 'decided']), duplicate: z.boolean() });

  app.post(
    '/v1/appeals',
    {
      config: { permission: 'appeals:create' },
      schema: {
        tags: ['appeals'],
        summary: 'Appeal a decision (Coop appeal shape)',
        description: 'By the reported user or a reporter; idempotent on appealId (200 with duplicate=true on a retry).',
        body: AppealBody,
        response: { 200: Receipt, 201: Receipt, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { appeal, created } = await lodge(request);
      return reply
        .status(created ? 201 : 200)
        .send({ appealId: appeal.id, externalId: appeal.externalId, decisionId: appeal.decisionId, status: appeal.status, duplicate: !created });
    },
  );

  app.post(
    '/api/v1/report/appeal',
    {
      config: { permission: 'appeals:create' },
      schema: { tags: ['appeals'], summary: 'Coop-compatible alias of POST /v1/appeals (204)', body: AppealBody, response: { 204: z.null(), ...errorResponses } },
    },
    async (request, reply) => {
      await lodge(request);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/appeals',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['appeals'],
        summary: 'The appeals queue (oldest first)',
        querystring: z.strictObject({ status: z.enum(['pending', 'decided']).default('pending'), cursor: Cursor.optional(), limit: Limit(200, 50) }),
        response: { 200: z.object({ now: z.string(), items: z.array(AppealView), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const nowMs = clock.now().getTime();
      const page = await cases.listAppeals(principal.tenantId, { status: request.query.status, cursor: request.query.cursor, limit: request.query.limit });
      // The list carries appellants' own words: a page showing a child's is a view of a child's data.
      const children = page.items.filter((a) => a.appellantIsChild).length;
      if (children > 0) await audit(store, principal, { action: 'appeals.list.view', target: null, details: { childData: true, appeals: page.items.length, childAppellants: children } });
      return { now: new Date(nowMs).toISOString(), items: page.items.map((a) => presentAppeal(a, nowMs)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/appeals/:appealId',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['appeals'],
        summary: 'An appeal with the decision appealed and its case (audited)',
        params: AppealParams,
        response: { 200: z.object({ appeal: AppealView, decision: DecisionView, case: QueueItem }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const appeal = await cases.getAppeal(principal.tenantId, request.params.appealId);
      if (!appeal) throw new SafeguardError('not_found', `Unknown appeal "${request.params.appealId}"`, { appealId: request.params.appealId });
      const [decision, summary] = await Promise.all([cases.getDecision(principal.tenantId, appeal.decisionId), cases.getCase(principal.tenantId, appeal.caseId)]);
      if (!decision || !summary) throw new SafeguardError('internal', 'appeal without its decision or case');
      await audit(store, principal, { action: 'appeal.view', target: appeal.id, details: { caseId: appeal.caseId, childData: summary.involvesChild || appeal.appellantIsChild } });
      const nowMs = clock.now().getTime();
      return { appeal: presentAppeal(appeal, nowMs), decision: presentDecision(decision), case: presentCase(summary, nowMs, principal.keyId) };
    },
  );

  app.post(
    '/v1/appeals/:appealId/decision',
    {
      config: { permission: 'appeals:decide' },
      schema: {
        tags: ['appeals'],
        summary: 'Decide an appeal: upheld, reversed or partially reversed',
        description:
          'Decided by someone other than the original moderator (409 otherwise). Reversed lifts the restriction and revokes its strikes; partially reversed needs replacementAction (lighter), which gets its own statement of reasons. The platform is told by a signed appeal.decided webhook (Coop appealDecision ACCEPT/REJECT).',
        params: AppealParams,
        body: z.strictObject({
          outcome: AppealOutcome,
          explanation: z.string().max(2000).optional(),
          replacementAction: DecisionAction.optional(),
          durationDays: z.number().int().min(1).max(3650).optional(),
        }),
        response: {
          200: z.object({
            appeal: AppealView,
            replacement: z.object({ decision: DecisionView, statementOfReasons: StatementOfReasonsView }).nullable(),
            webhookDeliveries: z.number(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const body = request.body;
      const result = await store.transaction(async (tx) => {
          const decided = await new CaseStore(tx).decideAppeal(principal.tenantId, request.params.appealId, principal.keyId, body, clock.now());
        await audit(tx, principal, {
          action: 'appeal.decide',
          target: request.params.appealId,
          details: { outcome: body.outcome, replacementDecisionId: decided.replacement?.decisionId ?? null, handlingMs: decided.appeal.handlingMs },
        });
        return decided;
      });
      app.services.webhooks.poke();
      const nowMs = clock.now().getTime();
      return {
        appeal: presentAppeal(result.appeal, nowMs),
        replacement: result.replacement
          ? { decision: presentDecision(result.replacement.decision), statementOfReasons: result.replacement.statementOfReasons as unknown as Record<string, unknown> }
          : null,
        webhookDeliveries: result.webhookDeliveries,
      };
    },
  );

  app.get(
    '/v1/statements-of-reasons',
    {
      config: { permission: 'sor:read' },
      schema: {
        tags: ['appeals'],
        summary: 'Statements of reasons in decision order (no personal data)',
        description:
          'For Transparency Database submission (batches of ≤ 100) and regulators. required=true lists only restrictions (DSA Art. 17), which must be submitted; no-action and warning records are kept for the transparency report.',
        querystring: z.strictObject({
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          required: z.enum(['true', 'false']).optional(),
          cursor: Cursor.optional(),
          limit: Limit(500, 100),
        }),
        response: {
          200: z.object({
            items: z.array(z.object({ decisionId: z.string(), decidedAt: z.string(), status: z.string(), required: z.boolean(), statement: StatementOfReasonsView })),
            nextCursor: z.string().nullable(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const q = request.query;
      const page = await cases.listDecisions(principal.tenantId, {
        fromMs: q.from ? Date.parse(q.from) : undefined,
        toMs: q.to ? Date.parse(q.to) : undefined,
        requiredOnly: q.required === 'true',
        cursor: q.cursor,
        limit: q.limit,
      });
      return {
        items: page.items.map((d) => ({ decisionId: d.id, decidedAt: d.decidedAt, status: d.status, required: d.statementRequired, statement: d.statementOfReasons as unknown as Record<string, unknown> })),
        nextCursor: page.nextCursor,
      };
    },
  );
}

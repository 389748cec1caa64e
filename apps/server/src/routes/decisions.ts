/**
 * POST /v1/decisions — may this interaction happen? One decision or a batch of up to 1,000, each
 * with the rule ids that decided it and a plain explanation. The whole batch is validated first;
 * an unknown action or account is a 4xx naming the items, never an "allow".
 */
import { z } from 'zod';
import { ACTION_NAMES, CONTENT_CATEGORIES } from '@safeguard/policy';
import { principalOf } from '../app.js';
import { AccountId, Decision, errorResponses } from '../schemas.js';
import type { ZodApp } from './types.js';

export const MAX_DECISION_BATCH = 1000;

const DecisionItem = z.strictObject({
  action: z.string().min(1).max(64).describe(`One of: ${ACTION_NAMES.join(', ')}`),
  actor: AccountId,
  target: AccountId.optional(),
  context: z
    .strictObject({
      category: z.string().max(64).optional().describe(`content.view: one of ${CONTENT_CATEGORIES.join(', ')}`),
      kind: z
        .enum(['comment', 'tag', 'mention', 'share', 'reaction', 'gift', 'record'])
        .optional()
        .describe('content.interact or livestream.comment: what kind of interaction'),
      invitationAccepted: z.boolean().optional().describe('group.add: the target accepted an invitation'),
    })
    .optional(),
});

const DecisionBody = z.union([
  DecisionItem,
  z.strictObject({ items: z.array(DecisionItem).min(1).max(MAX_DECISION_BATCH) }),
]);

export function decisionRoutes(app: ZodApp): void {
  const { policy, metrics } = app.services;

  app.post(
    '/v1/decisions',
    {
      config: { permission: 'decisions:create' },
      // Hot path: the handler builds the answer from typed decisions, so skip re-validating it on
      // the way out (the response schema still documents it).
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['decisions'],
        summary: 'Decide interactions (one, or a batch of up to 1,000)',
        description:
          'Send `{action, actor, target?, context?}` for one decision or `{items: [...]}` for a batch (answers in the same order). Outcomes: allow, deny, allow_with_warning (show the child a safety prompt, ICU F2 / DEF-13), require_guardian.',
        body: DecisionBody,
        response: { 200: z.union([Decision, z.object({ results: z.array(Decision) })]), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const body = request.body;
      const items = 'items' in body ? body.items : [body];
      const decisions = await policy.decide(principal.tenantId, items);
      let allow = 0;
      let deny = 0;
      let warn = 0;
      let guardian = 0;
      for (const d of decisions) {
        if (d.outcome === 'allow') allow += 1;
        else if (d.outcome === 'deny') deny += 1;
        else if (d.outcome === 'allow_with_warning') warn += 1;
        else guardian += 1;
      }
      if (allow) metrics.decisions.labels('allow').inc(allow);
      if (deny) metrics.decisions.labels('deny').inc(deny);
      if (warn) metrics.decisions.labels('allow_with_warning').inc(warn);
      if (guardian) metrics.decisions.labels('require_guardian').inc(guardian);
      // Decisions are immutable {outcome, ruleIds, explanation} values: serialised as they are.
      if ('items' in body) return { results: decisions };
      const [only] = decisions;
      if (!only) throw new Error('no decision');
      return only;
    },
  );
}

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
      for (const d of decisions) metrics.decisions.labels(d.outcome).inc();
      const present = (d: (typeof decisions)[number]): z.infer<typeof Decision> => ({
        outcome: d.outcome,
        ruleIds: [...d.ruleIds],
        explanation: d.explanation,
      });
      if ('items' in body) return { results: decisions.map(present) };
      const [only] = decisions;
      if (!only) throw new Error('no decision');
      return present(only);
    },
  );
}

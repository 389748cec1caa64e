/**
 * The connection graph: requests, acceptances, removals, blocks and mutes, and connection lists as
 * other users may see them. Creating a connection is itself a decision (connection.request), so a
 * request the policy refuses is never stored. Every graph action is kept as an event for
 * contact-pattern risk analysis.
 */
import { z } from 'zod';
import { SafeguardError, type Decision as DecisionValue } from '@safeguard/core';
import { appearsInConnectionList } from '@safeguard/policy';
import { principalOf } from '../app.js';
import { AccountId, Decision, errorResponses } from '../schemas.js';
import type { ZodApp } from './types.js';

const CONNECTION_ACTIONS = ['request', 'accept', 'decline', 'remove', 'block', 'unblock', 'mute', 'unmute'] as const;

const ConnectionBody = z.strictObject({
  actor: AccountId.describe('The account doing it'),
  target: AccountId.describe('The other account (for accept and decline: who asked)'),
  approvedByGuardian: AccountId.optional().describe("A linked guardian of the actor who approved it (when the policy requires one)"),
});

const ConnectionResult = z.object({
  action: z.enum(CONNECTION_ACTIONS),
  state: z.enum(['accepted', 'pending-out', 'pending-in', 'none', 'blocked', 'muted', 'unmuted', 'unblocked']),
  decision: Decision.nullable(),
});

function policyDenied(decision: DecisionValue): SafeguardError {
  return new SafeguardError('policy_denied', decision.explanation, { decision });
}

export function connectionRoutes(app: ZodApp): void {
  const { store, policy } = app.services;

  app.post(
    '/v1/connections/:action',
    {
      config: { permission: 'connections:write' },
      schema: {
        tags: ['connections'],
        summary: 'Request, accept, decline or remove a connection; block, unblock, mute or unmute',
        description:
          'A request is decided first (action connection.request); a refused request answers 403 policy_denied with the decision. Blocking removes any connection or pending request.',
        params: z.strictObject({ action: z.enum(CONNECTION_ACTIONS) }),
        body: ConnectionBody,
        response: { 200: ConnectionResult, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const tenantId = principal.tenantId;
      const { action } = request.params;
      const { actor, target, approvedByGuardian } = request.body;
      if (actor === target) throw new SafeguardError('validation_failed', 'actor and target must be different accounts');
      const accounts = await policy.resolveAccounts(tenantId, [actor, target]);
      const unknown = [actor, target].filter((a) => !accounts.has(a));
      if (unknown.length > 0) throw new SafeguardError('unknown_account', `Unknown account "${unknown[0] ?? ''}"`, { accounts: unknown });

      // Contact-pattern risk: the adult side of any graph event with a child is re-assessed.
      const assessContactRisk = async (): Promise<void> => {
        const a = accounts.get(actor);
        const b = accounts.get(target);
        if (a && b && a.child !== b.child) await app.services.contactRisk.assess(store, tenantId, a.child ? target : actor);
      };

      const guardianApproved = async (): Promise<boolean> =>
        approvedByGuardian !== undefined && (await policy.relationshipOf(tenantId, approvedByGuardian, actor)).actorIsGuardian;

      let decision: DecisionValue | null = null;
      let state: z.infer<typeof ConnectionResult>['state'];
      switch (action) {
        case 'request':
        case 'accept': {
          const [decided] = await policy.decide(tenantId, [{ action: 'connection.request', actor, target }]);
          decision = decided ?? null;
          if (!decision) throw new SafeguardError('internal', 'no decision');
          const refused =
            decision.outcome === 'deny' &&
            // Accepting a request that was allowed when made: only blocks stop it now.
            (action === 'request' || decision.ruleIds.includes('SG-02'));
          const blockedByGuardianRule = decision.outcome === 'require_guardian' && !(await guardianApproved());
          if (refused || blockedByGuardianRule) {
            if (action === 'request') {
              // The attempt is itself a signal for contact-pattern risk, even though nothing is created.
              await store.recordConnectionEvent(tenantId, actor, target, 'request');
              await assessContactRisk();
            }
            throw policyDenied(decision);
          }
          if (action === 'request') state = await store.requestConnection(tenantId, actor, target);
          else {
            await store.acceptConnection(tenantId, actor, target);
            state = 'accepted';
          }
          break;
        }
        case 'decline':
          await store.declineConnection(tenantId, actor, target);
          state = 'none';
          break;
        case 'remove':
          if (!(await store.removeConnection(tenantId, actor, target))) {
            throw new SafeguardError('not_found', `No connection or pending request between "${actor}" and "${target}"`);
          }
          state = 'none';
          break;
        case 'block':
          await store.block(tenantId, actor, target);
          state = 'blocked';
          break;
        case 'unblock':
          if (!(await store.unblock(tenantId, actor, target))) throw new SafeguardError('not_found', `"${actor}" has not blocked "${target}"`);
          state = 'unblocked';
          break;
        case 'mute':
          await store.mute(tenantId, actor, target);
          state = 'muted';
          break;
        case 'unmute':
          if (!(await store.unmute(tenantId, actor, target))) throw new SafeguardError('not_found', `"${actor}" has not muted "${target}"`);
          state = 'unmuted';
          break;
      }
      policy.invalidateAccounts(tenantId, actor, target);
      await assessContactRisk();
      return { action, state, decision };
    },
  );

  app.get(
    '/v1/accounts/:id/connections',
    {
      config: { permission: 'connections:read' },
      schema: {
        tags: ['connections'],
        summary: "An account's connection list as `viewer` may see it",
        description:
          'Without viewer, the owner\'s own view (pending requests included). With another viewer, the list is decided (connections.view) and accounts that must not appear in others\' lists (children, DEF-03) are left out.',
        params: z.strictObject({ id: AccountId }),
        querystring: z.strictObject({
          viewer: AccountId.optional(),
          after: AccountId.optional().describe('Cursor: the last accountId of the previous page'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            accountId: z.string(),
            viewer: z.string(),
            decision: Decision.nullable(),
            connections: z.array(z.object({ accountId: z.string(), state: z.string(), since: z.string() })),
            nextCursor: z.string().nullable(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const tenantId = principal.tenantId;
      const { id } = request.params;
      const viewer = request.query.viewer ?? id;
      const { limit, after } = request.query;
      let decision: DecisionValue | null = null;
      if (viewer !== id) {
        const [decided] = await policy.decide(tenantId, [{ action: 'connections.view', actor: viewer, target: id }]);
        decision = decided ?? null;
        if (!decision || decision.outcome === 'deny') throw policyDenied(decision ?? { outcome: 'deny', ruleIds: [], explanation: 'denied' });
      } else {
        await policy.resolveAccount(tenantId, id);
      }
      const page = await store.listConnections(tenantId, id, {
        limit,
        ...(after ? { after } : {}),
        ...(viewer === id ? {} : { state: 'accepted' as const }),
      });
      let visible = page;
      if (viewer !== id) {
        const peers = await policy.resolveAccounts(tenantId, page.map((c) => c.peerId));
        visible = page.filter((c) => {
          const peer = peers.get(c.peerId);
          return peer !== undefined && appearsInConnectionList(peer, viewer);
        });
      }
      return {
        accountId: id,
        viewer,
        decision,
        connections: visible.map((c) => ({ accountId: c.peerId, state: c.state, since: c.since })),
        nextCursor: page.length === limit ? (page[page.length - 1]?.peerId ?? null) : null,
      };
    },
  );
}

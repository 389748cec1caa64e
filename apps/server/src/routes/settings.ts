/**
 * Settings, sessions and guardian approvals. Each account's effective settings are its
 * jurisdiction's defaults for its band plus the changes it is allowed to make. A child's change is
 * checked against the rule catalogue: some it may make alone (after a supportive prompt, DEF-13),
 * some need a guardian (a pending request the guardian approves), some no one may make for a child.
 */
import { z } from 'zod';
import { SafeguardError } from '@safeguard/core';
import { SETTINGS, findSetting, type SettingAuthor } from '@safeguard/policy';
import { principalOf } from '../app.js';
import { audit } from '../services/audit-service.js';
import { AccountId, AgeBand, Decision, Jurisdiction, SessionId, errorResponses } from '../schemas.js';
import type { ZodApp } from './types.js';

/** A child's session-only setting also lapses after this long if the session is never ended. */
export const SESSION_SETTING_MAX_MS = 12 * 60 * 60 * 1000;

const SettingView = z.object({
  key: z.string(),
  value: z.string(),
  default: z.string(),
  values: z.array(z.string()).describe('Most protective first'),
  source: z.enum(['default', 'self', 'guardian']),
  ruleIds: z.array(z.string()),
  sessionId: z.string().nullable(),
  expiresAt: z.string().nullable(),
});

const SettingsView = z.object({
  accountId: z.string(),
  ageBand: AgeBand,
  child: z.boolean(),
  jurisdiction: Jurisdiction,
  settings: z.array(SettingView),
});

const ChangeResult = Decision.extend({
  key: z.string(),
  value: z.string(),
  applied: z.boolean(),
  sessionScoped: z.boolean(),
  guardianRequestId: z.string().nullable(),
});

const GuardianRequestView = z.object({
  id: z.string(),
  childId: z.string(),
  key: z.string(),
  value: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
});

const IdParams = z.strictObject({ id: AccountId });

export function settingsRoutes(app: ZodApp): void {
  const { store, policy } = app.services;

  async function settingsView(tenantId: string, id: string): Promise<z.infer<typeof SettingsView>> {
    const account = await policy.resolveAccount(tenantId, id);
    const engine = await policy.engine(tenantId);
    const compiled = engine.compiled(account.jurisdiction);
    const overrides = new Map((await store.listSettingOverrides(tenantId, id)).map((o) => [o.key, o]));
    return {
      accountId: id,
      ageBand: account.band,
      child: account.child,
      jurisdiction: account.jurisdiction,
      settings: SETTINGS.map((def) => {
        const value = account.settings[def.key] ?? def.childDefault;
        const override = overrides.get(def.key);
        const active = override !== undefined && override.value === value;
        const defaultValue = account.child ? (compiled.settings.get(def.key)?.childDefault ?? def.childDefault) : def.adultDefault;
        return {
          key: def.key,
          value,
          default: defaultValue,
          values: [...def.values],
          source: active ? override.setBy : 'default',
          ruleIds: def.ruleIds.filter((r) => account.rules.has(r)),
          sessionId: active ? (override.sessionId ?? null) : null,
          expiresAt: active && override.expiresAt != null ? new Date(override.expiresAt).toISOString() : null,
        };
      }),
    };
  }

  app.get(
    '/v1/accounts/:id/settings',
    {
      config: { permission: 'settings:read' },
      schema: {
        tags: ['settings'],
        summary: "An account's effective settings, with where each value comes from",
        params: IdParams,
        response: { 200: SettingsView, ...errorResponses },
      },
    },
    async (request) => settingsView(principalOf(request).tenantId, request.params.id),
  );

  app.patch(
    '/v1/accounts/:id/settings',
    {
      config: { permission: 'settings:write' },
      schema: {
        tags: ['settings'],
        summary: 'Change settings on behalf of the account holder or a linked guardian',
        description:
          'Each change is decided separately. `allow_with_warning` means the child must first see a supportive prompt (DEF-13): resubmit with acknowledgedWarning=true. `require_guardian` creates a guardian request. Session-only settings (a child switching on location) need sessionId and revert when the session ends.',
        params: IdParams,
        body: z.strictObject({
          changedBy: AccountId.describe('The account holder, or a linked guardian of a child'),
          sessionId: SessionId.optional(),
          acknowledgedWarning: z.boolean().optional(),
          changes: z
            .record(z.string().max(64), z.string().max(64))
            .refine((c) => Object.keys(c).length >= 1 && Object.keys(c).length <= SETTINGS.length, {
              message: `between 1 and ${SETTINGS.length} changes`,
            }),
        }),
        response: { 200: z.object({ results: z.array(ChangeResult), settings: SettingsView }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const tenantId = principal.tenantId;
      const { id } = request.params;
      const body = request.body;
      for (const [key, value] of Object.entries(body.changes)) {
        const def = findSetting(key);
        if (!def) throw new SafeguardError('validation_failed', `Unknown setting "${key}"`, { key, known: SETTINGS.map((s) => s.key) });
        if (!def.values.includes(value)) {
          throw new SafeguardError('validation_failed', `Setting "${key}" takes one of: ${def.values.join(', ')}`, { key, value });
        }
      }
      const account = await policy.resolveAccount(tenantId, id);
      let author: SettingAuthor;
      if (body.changedBy === id) author = 'self';
      else {
        const rel = await policy.relationshipOf(tenantId, body.changedBy, id);
        if (!rel.actorIsGuardian) {
          throw new SafeguardError('forbidden', `"${body.changedBy}" is neither this account nor a linked guardian of it`);
        }
        author = 'guardian';
      }
      const engine = await policy.engine(tenantId);
      const now = policy.now().getTime();
      const results: z.infer<typeof ChangeResult>[] = [];
      await store.transaction(async (tx) => {
        for (const [key, value] of Object.entries(body.changes)) {
          const decision = engine.evaluateSettingChange({
            account,
            key,
            value,
            changedBy: author,
            acknowledgedWarning: body.acknowledgedWarning,
          });
          let guardianRequestId: string | null = null;
          let applied = false;
          if (decision.apply) {
            if (decision.sessionScoped && !body.sessionId) {
              throw new SafeguardError(
                'validation_failed',
                `Switching "${key}" to "${value}" for a child lasts one session: send sessionId`,
                { key },
              );
            }
            const from = account.settings[key] ?? null;
            await tx.setSetting(tenantId, id, {
              key,
              value,
              setBy: author,
              sessionId: decision.sessionScoped ? (body.sessionId ?? null) : null,
              expiresAt: decision.sessionScoped ? now + SESSION_SETTING_MAX_MS : null,
            });
            await audit(tx, principal, {
              action: 'settings.change',
              target: id,
              details: { key, from, to: value, changedBy: author, ruleIds: decision.ruleIds, sessionScoped: decision.sessionScoped },
            });
            applied = true;
          } else if (decision.outcome === 'require_guardian') {
            const pending = await tx.createGuardianRequest(tenantId, { childId: id, key, value, sessionId: body.sessionId ?? null });
            guardianRequestId = pending.id;
            await audit(tx, principal, { action: 'guardian-request.create', target: id, details: { requestId: pending.id, key, value } });
          } else if (decision.outcome === 'deny') {
            await audit(tx, principal, { action: 'settings.change-refused', target: id, details: { key, to: value, ruleIds: decision.ruleIds } });
          }
          results.push({ ...decision, ruleIds: [...decision.ruleIds], key, value, applied, sessionScoped: decision.sessionScoped, guardianRequestId });
        }
      });
      policy.invalidateAccounts(tenantId, id);
      return { results, settings: await settingsView(tenantId, id) };
    },
  );

  app.post(
    '/v1/accounts/:id/sessions/:sessionId/end',
    {
      config: { permission: 'settings:write' },
      schema: {
        tags: ['settings'],
        summary: 'End a session: settings a child switched on for it revert (DEF-06)',
        params: z.strictObject({ id: AccountId, sessionId: SessionId }),
        response: { 200: z.object({ reverted: z.array(z.string()) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { id, sessionId } = request.params;
      await policy.resolveAccount(principal.tenantId, id);
      const reverted = await store.transaction(async (tx) => {
        const keys = await tx.endSession(principal.tenantId, id, sessionId);
        if (keys.length > 0) await audit(tx, principal, { action: 'session.end', target: id, details: { reverted: keys } });
        return keys;
      });
      policy.invalidateAccounts(principal.tenantId, id);
      return { reverted };
    },
  );

  app.get(
    '/v1/accounts/:id/guardian-requests',
    {
      config: { permission: 'settings:read' },
      schema: {
        tags: ['settings'],
        summary: "A child's requests for guardian approval",
        params: IdParams,
        querystring: z.strictObject({ status: z.enum(['pending', 'approved', 'declined']).optional() }),
        response: { 200: z.object({ requests: z.array(GuardianRequestView) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await policy.resolveAccount(principal.tenantId, request.params.id);
      const requests = await store.listGuardianRequests(principal.tenantId, request.params.id, request.query.status);
      return { requests: requests.map(({ sessionId: _s, ...r }) => r) };
    },
  );

  app.post(
    '/v1/guardian-requests/:requestId/:verdict',
    {
      config: { permission: 'settings:write' },
      schema: {
        tags: ['settings'],
        summary: "A guardian approves or declines a child's request",
        params: z.strictObject({ requestId: z.string().min(1).max(64), verdict: z.enum(['approve', 'decline']) }),
        body: z.strictObject({ guardianId: AccountId }),
        response: { 200: z.object({ request: GuardianRequestView, result: ChangeResult.nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const tenantId = principal.tenantId;
      const { requestId, verdict } = request.params;
      const pending = await store.getGuardianRequest(tenantId, requestId);
      if (!pending) throw new SafeguardError('not_found', `No guardian request "${requestId}"`);
      if (pending.status !== 'pending') throw new SafeguardError('conflict', `Guardian request is already ${pending.status}`);
      const rel = await policy.relationshipOf(tenantId, request.body.guardianId, pending.childId);
      if (!rel.actorIsGuardian) {
        throw new SafeguardError('forbidden', `"${request.body.guardianId}" is not a linked guardian of "${pending.childId}"`);
      }
      const account = await policy.resolveAccount(tenantId, pending.childId);
      const engine = await policy.engine(tenantId);
      let result: z.infer<typeof ChangeResult> | null = null;
      await store.transaction(async (tx) => {
        const settled = await tx.decideGuardianRequest(tenantId, requestId, verdict === 'approve' ? 'approved' : 'declined', request.body.guardianId);
        if (!settled) throw new SafeguardError('conflict', 'Guardian request was settled concurrently');
        await audit(tx, principal, {
          action: `guardian-request.${verdict}`,
          target: pending.childId,
          details: { requestId, key: pending.key, value: pending.value, guardianId: request.body.guardianId },
        });
        if (verdict === 'decline') return;
        // Re-decide at approval time: the child's band or the policy may have changed since.
        const decision = engine.evaluateSettingChange({ account, key: pending.key, value: pending.value, changedBy: 'guardian' });
        if (decision.apply) {
          if (decision.sessionScoped && !pending.sessionId) {
            throw new SafeguardError('validation_failed', 'This session-only setting was requested without a session');
          }
          await tx.setSetting(tenantId, pending.childId, {
            key: pending.key,
            value: pending.value,
            setBy: 'guardian',
            sessionId: decision.sessionScoped ? pending.sessionId : null,
            expiresAt: decision.sessionScoped ? policy.now().getTime() + SESSION_SETTING_MAX_MS : null,
          });
          await audit(tx, principal, {
            action: 'settings.change',
            target: pending.childId,
            details: { key: pending.key, from: account.settings[pending.key] ?? null, to: pending.value, changedBy: 'guardian', ruleIds: decision.ruleIds },
          });
        }
        result = {
          ...decision,
          ruleIds: [...decision.ruleIds],
          key: pending.key,
          value: pending.value,
          applied: decision.apply,
          sessionScoped: decision.sessionScoped,
          guardianRequestId: requestId,
        };
      });
      policy.invalidateAccounts(tenantId, pending.childId);
      const updated = await store.getGuardianRequest(tenantId, requestId);
      if (!updated) throw new SafeguardError('internal', 'guardian request vanished');
      const { sessionId: _s, ...view } = updated;
      return { request: view, result };
    },
  );
}

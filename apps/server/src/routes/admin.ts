/**
 * Tenant administration: the effective policy and its exemptions, API keys, and the audit log.
 * Every change here is audited in the tenant's hash chain.
 */
import { z } from 'zod';
import { SafeguardError, type Jurisdiction as JurisdictionId } from '@safeguard/core';
import { POLICY_RULE_IDS, describePolicy } from '@safeguard/policy';
import { principalOf } from '../app.js';
import { audit } from '../services/audit-service.js';
import { Jurisdiction, Role, errorResponses } from '../schemas.js';
import type { ZodApp } from './types.js';

const EffectivePolicyView = z.object({
  catalogueVersion: z.string(),
  defaultJurisdiction: Jurisdiction,
  profiles: z.array(
    z.object({
      jurisdiction: Jurisdiction,
      name: z.string(),
      summary: z.string(),
      unknownAgeTreatedAsChild: z.boolean(),
      rules: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          sources: z.array(z.string()),
          version: z.number(),
          status: z.enum(['required', 'recommended']),
          inForce: z.boolean(),
          exemption: z.object({ reason: z.string() }).nullable(),
        }),
      ),
      settings: z.array(
        z.object({
          key: z.string(),
          description: z.string(),
          values: z.array(z.string()),
          childDefault: z.string(),
          adultDefault: z.string(),
          ruleIds: z.array(z.string()),
          loosen: z.record(z.string(), z.record(z.string(), z.enum(['child', 'guardian', 'nobody']))),
          sessionScoped: z.array(z.string()),
          note: z.string().nullable(),
        }),
      ),
    }),
  ),
});

const KeyView = z.object({
  id: z.string(),
  role: Role,
  label: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

const AuditEntryView = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export function adminRoutes(app: ZodApp): void {
  const { store, policy, keys } = app.services;

  const present = async (tenantId: string, jurisdiction?: JurisdictionId) => {
    const view = describePolicy(await policy.engine(tenantId), jurisdiction);
    return JSON.parse(JSON.stringify(view)) as z.infer<typeof EffectivePolicyView>;
  };

  app.get(
    '/v1/policy',
    {
      config: { permission: 'policy:read' },
      schema: {
        tags: ['policy'],
        summary: 'The effective policy: rules in force with sources, exemptions, settings and who may change them',
        querystring: z.strictObject({ jurisdiction: Jurisdiction.optional() }),
        response: { 200: EffectivePolicyView, ...errorResponses },
      },
    },
    async (request) => present(principalOf(request).tenantId, request.query.jurisdiction),
  );

  app.put(
    '/v1/policy',
    {
      config: { permission: 'policy:write' },
      schema: {
        tags: ['policy'],
        summary: "Set the tenant's default jurisdiction and rule exemptions",
        description:
          'An exemption switches a rule off (children then get the adult behaviour it governed). It needs a documented reason, is audited, and shows in GET /v1/policy and in conformance results.',
        body: z.strictObject({
          defaultJurisdiction: Jurisdiction,
          exemptions: z
            .array(
              z.strictObject({
                ruleId: z.string(),
                reason: z.string().min(10).max(2000),
                jurisdictions: z.array(Jurisdiction).min(1).optional(),
              }),
            )
            .max(POLICY_RULE_IDS.length),
        }),
        response: { 200: EffectivePolicyView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const body = request.body;
      const unknown = body.exemptions.filter((e) => !POLICY_RULE_IDS.includes(e.ruleId)).map((e) => e.ruleId);
      if (unknown.length > 0) {
        throw new SafeguardError('validation_failed', `Not a policy rule: ${unknown.join(', ')}`, { unknown, known: POLICY_RULE_IDS });
      }
      const before = (await store.getTenant(principal.tenantId))?.policy;
      await store.transaction(async (tx) => {
        await tx.setTenantPolicy(principal.tenantId, body);
        await audit(tx, principal, {
          action: 'policy.update',
          target: principal.tenantId,
          details: { before: before ?? null, after: body },
        });
      });
      policy.invalidatePolicy(principal.tenantId);
      return present(principal.tenantId);
    },
  );

  app.get(
    '/v1/keys',
    {
      config: { permission: 'keys:manage' },
      schema: { tags: ['keys'], summary: "The tenant's API keys (never their secrets)", response: { 200: z.object({ keys: z.array(KeyView) }), ...errorResponses } },
    },
    async (request) => ({ keys: (await store.listApiKeys(principalOf(request).tenantId)).map(({ tenantId: _t, ...k }) => k) }),
  );

  app.post(
    '/v1/keys',
    {
      config: { permission: 'keys:manage' },
      schema: {
        tags: ['keys'],
        summary: 'Create an API key; its secret is returned once',
        body: z.strictObject({ role: Role, label: z.string().min(1).max(200) }),
        response: { 201: KeyView.extend({ key: z.string().describe('Shown once; store it now') }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const created = await store.transaction(async (tx) => {
        const key = await tx.createApiKey(principal.tenantId, request.body.role, request.body.label);
        await audit(tx, principal, { action: 'key.create', target: key.id, details: { role: key.role, label: key.label } });
        return key;
      });
      const { tenantId: _t, ...view } = created;
      return reply.status(201).send(view);
    },
  );

  app.delete(
    '/v1/keys/:keyId',
    {
      config: { permission: 'keys:manage' },
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key',
        params: z.strictObject({ keyId: z.string().min(1).max(64) }),
        response: { 200: z.object({ revoked: z.literal(true) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { keyId } = request.params;
      const revoked = await store.transaction(async (tx) => {
        const ok = await tx.revokeApiKey(principal.tenantId, keyId);
        if (ok) await audit(tx, principal, { action: 'key.revoke', target: keyId });
        return ok;
      });
      if (!revoked) throw new SafeguardError('not_found', 'No active key with that id in this tenant');
      keys.forgetKey(keyId);
      return { revoked: true as const };
    },
  );

  app.get(
    '/v1/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: "The tenant's audit log, oldest first",
        querystring: z.strictObject({
          after: z.coerce.number().int().min(0).default(0).describe('Sequence number to continue after'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          action: z.string().max(64).optional(),
        }),
        response: { 200: z.object({ entries: z.array(AuditEntryView), nextAfter: z.number().nullable() }), ...errorResponses },
      },
    },
    async (request) => {
      const { after, limit, action } = request.query;
      const entries = await store.listAudit(principalOf(request).tenantId, { afterSeq: after, limit, ...(action ? { action } : {}) });
      return {
        entries: entries.map(({ content: _c, ...e }) => ({ ...e, details: { ...e.details } })),
        nextAfter: entries.length === limit ? (entries[entries.length - 1]?.seq ?? null) : null,
      };
    },
  );

  app.get(
    '/v1/audit/verify',
    {
      config: { permission: 'audit:verify' },
      schema: {
        tags: ['audit'],
        summary: "Verify the tenant's hash-chained audit log",
        response: {
          200: z.object({
            ok: z.boolean(),
            entries: z.number(),
            headHash: z.string(),
            problems: z.array(z.object({ kind: z.string(), seq: z.number(), message: z.string() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const result = await store.verifyAudit(principalOf(request).tenantId);
      return { ok: result.ok, entries: result.entries, headHash: result.headHash, problems: [...result.problems] };
    },
  );
}

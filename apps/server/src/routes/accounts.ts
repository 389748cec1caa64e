/**
 * Accounts and guardians. The platform tells Safeguard what it knows about each account's age and
 * jurisdiction; Safeguard derives the band on the day of every decision. Responses carry the band,
 * never the birth date (data minimisation: DATA-01, AGE-04).
 */
import { z } from 'zod';
import { SafeguardError } from '@safeguard/core';
import { dayNumberOf, isHighlyEffective, parseIsoDate, type ResolvedAccount } from '@safeguard/policy';
import type { Account } from '@safeguard/store';
import { principalOf } from '../app.js';
import { audit } from '../services/audit-service.js';
import {
  AccountId,
  AgeBand,
  AssuranceMethod,
  DeclarableAgeBand,
  IsoDate,
  IsoDateTime,
  Jurisdiction,
  errorResponses,
} from '../schemas.js';
import type { ZodApp } from './types.js';

const AccountBody = z.strictObject({
  birthDate: IsoDate.optional().describe('Date of birth; the band is derived from it on the day of each decision'),
  ageBand: DeclarableAgeBand.optional().describe('Used only when there is no birth date'),
  ageAssurance: z
    .strictObject({
      method: AssuranceMethod,
      checkedAt: IsoDateTime.optional(),
    })
    .optional(),
  jurisdiction: Jurisdiction.optional().describe("Where the user is; the tenant's default jurisdiction when absent"),
});

export const AccountView = z.object({
  id: z.string(),
  ageBand: AgeBand.describe('Derived today; `unknown` when there is no age evidence'),
  child: z.boolean().describe('Treated as a child for every protective purpose (unknown age counts where AGE-01 is in force)'),
  ageAssurance: z
    .object({ method: AssuranceMethod, checkedAt: z.string().nullable(), highlyEffective: z.boolean() })
    .nullable(),
  jurisdiction: Jurisdiction,
  jurisdictionDeclared: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function presentAccount(account: Account, resolved: ResolvedAccount): z.infer<typeof AccountView> {
  return {
    id: account.id,
    ageBand: resolved.band,
    child: resolved.child,
    ageAssurance: account.assuranceMethod
      ? {
          method: account.assuranceMethod,
          checkedAt: account.assuranceCheckedAt,
          highlyEffective: isHighlyEffective(account.assuranceMethod),
        }
      : null,
    jurisdiction: resolved.jurisdiction,
    jurisdictionDeclared: account.jurisdiction !== null,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

const IdParams = z.strictObject({ id: AccountId });
const GuardianParams = z.strictObject({ id: AccountId, guardianId: AccountId });

export function accountRoutes(app: ZodApp): void {
  const { store, policy } = app.services;

  async function loadView(tenantId: string, id: string): Promise<z.infer<typeof AccountView>> {
    const account = await store.getAccount(tenantId, id);
    if (!account) throw new SafeguardError('unknown_account', `Unknown account "${id}"`, { accounts: [id] });
    return presentAccount(account, await policy.resolveAccount(tenantId, id));
  }

  app.put(
    '/v1/accounts/:id',
    {
      config: { permission: 'accounts:write' },
      schema: {
        tags: ['accounts'],
        summary: 'Create or update an account',
        description:
          'Fields left out keep their stored value. An account with no age evidence is treated as a child where the jurisdiction profile says so (rule AGE-01).',
        params: IdParams,
        body: AccountBody,
        response: { 200: AccountView, 201: AccountView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { id } = request.params;
      const body = request.body;
      if (body.birthDate !== undefined) {
        const day = parseIsoDate(body.birthDate);
        const today = dayNumberOf(policy.now());
        if (day === undefined) throw new SafeguardError('validation_failed', 'birthDate is not a real calendar date', { field: 'birthDate' });
        if (day > today) throw new SafeguardError('validation_failed', 'birthDate is in the future', { field: 'birthDate' });
        if (day < 19000101) throw new SafeguardError('validation_failed', 'birthDate is before 1900', { field: 'birthDate' });
      }
      const result = await store.transaction(async (tx) => {
        const upserted = await tx.upsertAccount(principal.tenantId, {
          id,
          birthDate: body.birthDate,
          declaredBand: body.ageBand,
          assuranceMethod: body.ageAssurance?.method,
          assuranceCheckedAt: body.ageAssurance ? (body.ageAssurance.checkedAt ?? null) : undefined,
          jurisdiction: body.jurisdiction,
        });
        await audit(tx, principal, {
          action: upserted.created ? 'account.create' : 'account.update',
          target: id,
          // Which fields were sent, never their values (birth dates are personal data).
          details: { fields: Object.keys(body).sort() },
        });
        return upserted;
      });
      policy.invalidateAccounts(principal.tenantId, id);
      const view = presentAccount(result.account, await policy.resolveAccount(principal.tenantId, id));
      return reply.status(result.created ? 201 : 200).send(view);
    },
  );

  app.get(
    '/v1/accounts/:id',
    {
      config: { permission: 'accounts:read' },
      schema: { tags: ['accounts'], summary: 'An account as Safeguard sees it today', params: IdParams, response: { 200: AccountView, ...errorResponses } },
    },
    async (request) => loadView(principalOf(request).tenantId, request.params.id),
  );

  app.delete(
    '/v1/accounts/:id',
    {
      config: { permission: 'accounts:delete' },
      schema: {
        tags: ['accounts'],
        summary: 'Erase an account and its connections, guardians and settings',
        params: IdParams,
        response: { 200: z.object({ deleted: z.literal(true) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { id } = request.params;
      const deleted = await store.transaction(async (tx) => {
        const ok = await tx.deleteAccount(principal.tenantId, id);
        if (ok) await audit(tx, principal, { action: 'account.delete', target: id });
        return ok;
      });
      if (!deleted) throw new SafeguardError('unknown_account', `Unknown account "${id}"`, { accounts: [id] });
      policy.invalidateAccounts(principal.tenantId, id);
      return { deleted: true as const };
    },
  );

  app.get(
    '/v1/accounts/:id/guardians',
    {
      config: { permission: 'guardians:read' },
      schema: {
        tags: ['guardians'],
        summary: "A child's linked guardians",
        params: IdParams,
        response: { 200: z.object({ guardians: z.array(z.object({ guardianId: z.string(), since: z.string() })) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await policy.resolveAccount(principal.tenantId, request.params.id);
      return { guardians: await store.listGuardians(principal.tenantId, request.params.id) };
    },
  );

  app.put(
    '/v1/accounts/:id/guardians/:guardianId',
    {
      config: { permission: 'guardians:write' },
      schema: {
        tags: ['guardians'],
        summary: 'Link a guardian (parent or carer) to a child',
        description: 'The guardian must be an adult account; the child must be a child account.',
        params: GuardianParams,
        response: { 200: z.object({ linked: z.boolean(), created: z.boolean() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { id, guardianId } = request.params;
      const accounts = await policy.resolveAccounts(principal.tenantId, [id, guardianId]);
      const child = accounts.get(id);
      const guardian = accounts.get(guardianId);
      const unknown = [id, guardianId].filter((a) => !accounts.has(a));
      if (!child || !guardian) throw new SafeguardError('unknown_account', `Unknown account "${unknown[0] ?? ''}"`, { accounts: unknown });
      if (id === guardianId) throw new SafeguardError('validation_failed', 'An account cannot be its own guardian');
      if (!child.child) throw new SafeguardError('validation_failed', `Account "${id}" is not a child account`, { ageBand: child.band });
      if (guardian.band !== 'adult') {
        throw new SafeguardError('validation_failed', `Guardian "${guardianId}" must be an adult account with age evidence`, {
          ageBand: guardian.band,
        });
      }
      const created = await store.transaction(async (tx) => {
        const linked = await tx.linkGuardian(principal.tenantId, guardianId, id);
        if (linked) await audit(tx, principal, { action: 'guardian.link', target: id, details: { guardianId } });
        return linked;
      });
      policy.invalidateAccounts(principal.tenantId, id, guardianId);
      return { linked: true, created };
    },
  );

  app.delete(
    '/v1/accounts/:id/guardians/:guardianId',
    {
      config: { permission: 'guardians:write' },
      schema: {
        tags: ['guardians'],
        summary: 'Unlink a guardian from a child',
        params: GuardianParams,
        response: { 200: z.object({ linked: z.literal(false) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { id, guardianId } = request.params;
      const removed = await store.transaction(async (tx) => {
        const ok = await tx.unlinkGuardian(principal.tenantId, guardianId, id);
        if (ok) await audit(tx, principal, { action: 'guardian.unlink', target: id, details: { guardianId } });
        return ok;
      });
      if (!removed) throw new SafeguardError('not_found', `"${guardianId}" is not a linked guardian of "${id}"`);
      policy.invalidateAccounts(principal.tenantId, id, guardianId);
      return { linked: false as const };
    },
  );
}

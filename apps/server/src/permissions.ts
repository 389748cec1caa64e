/**
 * Roles and what they may do (least privilege). Every route declares one permission; the console
 * reads the same table (GET /v1/me) to know which controls to show.
 */
import type { Role } from '@safeguard/core';

export const PERMISSIONS = [
  'accounts:read',
  'accounts:write',
  'accounts:delete',
  'connections:read',
  'connections:write',
  'guardians:read',
  'guardians:write',
  'settings:read',
  'settings:write',
  'decisions:create',
  'policy:read',
  'policy:write',
  'keys:manage',
  'audit:read',
  'audit:verify',
  'messages:create',
  'alerts:read',
  'conversations:read',
  'media:create',
  'media:read',
  'media:evidence',
  'banks:read',
  'banks:manage',
  'reports:create',
  'alerts:create',
  'appeals:create',
  'cases:read',
  'cases:assign',
  'cases:decide',
  'cases:stats',
  'cases:configure',
  'appeals:decide',
  'referrals:export',
  'legal-holds:manage',
  'webhooks:manage',
  'sor:read',
  'transparency:read',
  'transparency:write',
  'disclosures:read',
  'disclosures:manage',
  'breaches:read',
  'breaches:write',
  'penalties:calculate',
  'bundles:create',
  'bundles:read',
  'conformance:read',
  'conformance:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const PLATFORM: readonly Permission[] = [
  'accounts:read',
  'accounts:write',
  'accounts:delete',
  'connections:read',
  'connections:write',
  'guardians:read',
  'guardians:write',
  'settings:read',
  'settings:write',
  'decisions:create',
  'policy:read',
  'messages:create',
  'alerts:read',
  'media:create',
  'media:read',
  'reports:create',
  'alerts:create',
  'appeals:create',
  'transparency:write',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  /** The platform's backend: manages accounts and asks for decisions; cannot manage keys, policy or audit. */
  platform: new Set(PLATFORM),
  /** Human moderators: read what they need to judge a case; change nothing here. */
  moderator: new Set<Permission>([
    'accounts:read',
    'connections:read',
    'guardians:read',
    'settings:read',
    'policy:read',
    'alerts:read',
    'conversations:read',
    'media:read',
    'media:evidence',
    'banks:read',
    'cases:read',
    'cases:assign',
    'cases:decide',
    'cases:stats',
    'appeals:decide',
    'sor:read',
  ]),
  /** The tenant's administrators: everything in their tenant. */
  admin: new Set<Permission>(PERMISSIONS),
  /** A regulator: read-only policy and audit (and, later, reports) of tenants that disclosed to them. */
  regulator: new Set<Permission>([
    'policy:read',
    // The chain's integrity, not its entries: audit entries reach a regulator in disclosed bundles.
    'audit:verify',
    'cases:stats',
    'sor:read',
    // Scoped by the routes to what the tenant disclosed (transparency periods, bundles, runs, breaches).
    'transparency:read',
    'disclosures:read',
    'breaches:read',
    'penalties:calculate',
    'bundles:read',
    'conformance:read',
  ]),
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

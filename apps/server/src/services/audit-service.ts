/**
 * Audit helpers for routes: who did it (the API key, never the key itself), what, to what, and
 * which fields changed — never values that are personal data (birth dates, message text).
 */
import type { AuditInput, SafeguardStore } from '@safeguard/store';
import type { Principal } from '../auth.js';

export function actorOf(principal: Principal): string {
  return `key:${principal.keyId}:${principal.role}`;
}

export async function audit(
  store: SafeguardStore,
  principal: Principal,
  entry: Omit<AuditInput, 'actor'>,
): Promise<void> {
  await store.appendAudit(principal.tenantId, { ...entry, actor: actorOf(principal) });
}

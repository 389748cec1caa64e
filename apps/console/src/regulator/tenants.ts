/** The tenants a regulator compares: the signed-in key's tenant and the regulator keys added. */
import type { ApiClient } from '../api/client';
import { useSession } from '../session';

export interface TenantView {
  readonly tenantId: string;
  readonly name: string;
  readonly api: ApiClient;
  readonly primary: boolean;
}

export function useTenants(): TenantView[] {
  const { session, extraKeys } = useSession();
  if (!session) return [];
  return [
    { tenantId: session.me.tenant.id, name: session.me.tenant.name || session.me.tenant.id, api: session.api, primary: true },
    ...extraKeys.map((k) => ({ tenantId: k.me.tenant.id, name: k.me.tenant.name || k.me.tenant.id, api: k.api, primary: false })),
  ];
}

/** Settles one request per tenant: a tenant that has not disclosed something is an answer, not a failure. */
export async function perTenant<T>(tenants: readonly TenantView[], load: (t: TenantView) => Promise<T>): Promise<{ tenant: TenantView; value: T | null; error: Error | null }[]> {
  const settled = await Promise.allSettled(tenants.map((t) => load(t)));
  return settled.map((s, i) => ({
    tenant: tenants[i] as TenantView,
    value: s.status === 'fulfilled' ? s.value : null,
    error: s.status === 'rejected' ? (s.reason instanceof Error ? s.reason : new Error(String(s.reason))) : null,
  }));
}


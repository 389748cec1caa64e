/**
 * The signed-in session. A moderator (or admin, or regulator) signs in with an API key; the key is
 * checked against GET /v1/me and kept in sessionStorage only — it lives as long as the browser tab
 * and is never written to localStorage or a cookie. Platform keys are refused: the console is for
 * people, and the platform backend's key can create accounts and messages a person should not.
 * Regulators may add the regulator keys other tenants gave them, to compare tenants side by side;
 * those keys are kept the same way.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiClient, ApiError, type FetchLike } from './api/client';
import type { Me } from './api/types';

export const KEY_STORAGE = 'safeguard.console.key';
export const EXTRA_KEYS_STORAGE = 'safeguard.console.regulatorKeys';

export interface SignedIn {
  readonly key: string;
  readonly me: Me;
  readonly api: ApiClient;
}

export interface TenantKey {
  readonly key: string;
  readonly me: Me;
  readonly api: ApiClient;
}

export interface SessionValue {
  readonly session: SignedIn | null;
  /** True while a stored key is being re-checked after a reload. */
  readonly restoring: boolean;
  /** True after an explicit sign-out (until the next sign-in): nothing should return to the old page. */
  readonly signedOut: boolean;
  readonly signIn: (key: string) => Promise<SignedIn>;
  readonly signOut: () => void;
  /** Regulators: other tenants' regulator keys (for side-by-side views). */
  readonly extraKeys: readonly TenantKey[];
  readonly addTenantKey: (key: string) => Promise<TenantKey>;
  readonly removeTenantKey: (tenantId: string) => void;
  readonly can: (permission: string) => boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionProvider>');
  return value;
}

/** The signed-in session; pages under the signed-in layout can rely on it. */
export function useSignedIn(): SignedIn {
  const { session } = useSession();
  if (!session) throw new Error('useSignedIn without a session');
  return session;
}

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** Checks a key with GET /v1/me and refuses keys the console must not hold. */
export async function checkKey(key: string, fetchImpl?: FetchLike, base = ''): Promise<{ me: Me; api: ApiClient }> {
  const trimmed = key.trim();
  if (!/^sgk_\S+$/.test(trimmed)) throw new ApiError(400, 'invalid_key', 'API keys start with sgk_ — paste the whole key.');
  const api = new ApiClient(trimmed, base, fetchImpl);
  let me: Me;
  try {
    me = await api.get<Me>('/v1/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw new ApiError(401, 'unauthorized', 'That key was not accepted: it is unknown or has been revoked.');
    throw error;
  }
  if (me.role === 'platform') {
    throw new ApiError(403, 'wrong_role', "This is a platform key (for the platform's backend). Sign in with a moderator, admin or regulator key.");
  }
  return { me, api };
}

export function SessionProvider(props: { children?: ReactNode; fetchImpl?: FetchLike; base?: string }): ReactNode {
  const { fetchImpl, base } = props;
  const [session, setSession] = useState<SignedIn | null>(null);
  const [extraKeys, setExtraKeys] = useState<readonly TenantKey[]>([]);
  const [restoring, setRestoring] = useState<boolean>(() => Boolean(storage()?.getItem(KEY_STORAGE)));
  const [signedOut, setSignedOut] = useState(false);

  const persistExtra = (list: readonly TenantKey[]): void => {
    storage()?.setItem(EXTRA_KEYS_STORAGE, JSON.stringify(list.map((k) => k.key)));
  };

  useEffect(() => {
    const store = storage();
    const saved = store?.getItem(KEY_STORAGE);
    if (!saved) return;
    let cancelled = false;
    void (async () => {
      try {
        const { me, api } = await checkKey(saved, fetchImpl, base);
        const extras: TenantKey[] = [];
        const savedExtra = JSON.parse(store?.getItem(EXTRA_KEYS_STORAGE) ?? '[]') as unknown;
        for (const k of Array.isArray(savedExtra) ? savedExtra : []) {
          if (typeof k !== 'string') continue;
          try {
            extras.push({ key: k, ...(await checkKey(k, fetchImpl, base)) });
          } catch {
            // A revoked extra key is simply dropped.
          }
        }
        if (!cancelled) {
          setSession({ key: saved, me, api });
          setExtraKeys(extras);
        }
      } catch {
        store?.removeItem(KEY_STORAGE);
        store?.removeItem(EXTRA_KEYS_STORAGE);
      } finally {
        if (!cancelled) setRestoring(false);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [fetchImpl, base]);

  const signIn = useCallback(
    async (key: string): Promise<SignedIn> => {
      const { me, api } = await checkKey(key, fetchImpl, base);
      const signed = { key: key.trim(), me, api };
      storage()?.setItem(KEY_STORAGE, signed.key);
      setSession(signed);
      setSignedOut(false);
      return signed;
    },
    [fetchImpl, base],
  );

  const signOut = useCallback(() => {
    storage()?.removeItem(KEY_STORAGE);
    storage()?.removeItem(EXTRA_KEYS_STORAGE);
    setSession(null);
    setExtraKeys([]);
    setSignedOut(true);
  }, []);

  const addTenantKey = useCallback(
    async (key: string): Promise<TenantKey> => {
      const checked = await checkKey(key, fetchImpl, base);
      if (checked.me.role !== 'regulator') throw new ApiError(403, 'wrong_role', `That is a ${checked.me.role} key: add the regulator key the tenant issued to you.`);
      if (session && checked.me.tenant.id === session.me.tenant.id) throw new ApiError(409, 'duplicate', 'You are already signed in to that tenant.');
      const added = { key: key.trim(), ...checked };
      setExtraKeys((list) => {
        const next = [...list.filter((k) => k.me.tenant.id !== added.me.tenant.id), added];
        persistExtra(next);
        return next;
      });
      return added;
    },
    [fetchImpl, base, session],
  );

  const removeTenantKey = useCallback((tenantId: string) => {
    setExtraKeys((list) => {
      const next = list.filter((k) => k.me.tenant.id !== tenantId);
      persistExtra(next);
      return next;
    });
  }, []);

  const value = useMemo<SessionValue>(
    () => ({
      session,
      restoring,
      signedOut,
      signIn,
      signOut,
      extraKeys,
      addTenantKey,
      removeTenantKey,
      can: (permission: string) => session?.me.permissions.includes(permission) ?? false,
    }),
    [session, restoring, signedOut, signIn, signOut, extraKeys, addTenantKey, removeTenantKey],
  );
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}

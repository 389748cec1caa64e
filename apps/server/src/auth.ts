/**
 * Bearer-key authentication and per-route authorisation.
 *
 * Keys are verified with scrypt, which is deliberately slow; a verified key is remembered (by the
 * SHA-256 of the whole key, in memory only) for a short time so that thousands of requests per
 * second do not each pay for scrypt. Revoking a key through the API forgets it at once on this node;
 * other nodes forget it within the cache lifetime. Unknown or wrong keys are also remembered briefly,
 * and concurrent scrypt verifications are capped, so guessing cannot exhaust the CPU.
 */
import { createHash } from 'node:crypto';
import { SafeguardError, type Role } from '@safeguard/core';
import { parseApiKey, verifySecret, type SafeguardStore } from '@safeguard/store';
import type { Permission } from './permissions.js';
import { roleHas } from './permissions.js';

export interface Principal {
  readonly tenantId: string;
  readonly keyId: string;
  readonly role: Role;
}

interface CacheEntry {
  readonly principal: Principal | null;
  readonly expiresAt: number;
}

export interface KeyAuthenticatorOptions {
  readonly positiveTtlMs?: number;
  readonly negativeTtlMs?: number;
  readonly maxConcurrentVerifications?: number;
  readonly maxEntries?: number;
}

export class KeyAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();
  /** Verifications under way, by key digest: concurrent requests with the same key share one. */
  private readonly pending = new Map<string, Promise<Principal | null>>();
  private inFlight = 0;
  private readonly positiveTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxConcurrent: number;
  private readonly maxEntries: number;

  constructor(
    private readonly store: SafeguardStore,
    options: KeyAuthenticatorOptions = {},
  ) {
    this.positiveTtlMs = options.positiveTtlMs ?? 60_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 30_000;
    this.maxConcurrent = options.maxConcurrentVerifications ?? 8;
    this.maxEntries = options.maxEntries ?? 50_000;
  }

  /** The principal for an Authorization header value, or an 'unauthorized' error. */
  async authenticate(header: string | undefined): Promise<Principal> {
    if (!header) throw new SafeguardError('unauthorized', 'Missing Authorization header: send "Authorization: Bearer <API key>"');
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    const key = match?.[1];
    if (!key) throw new SafeguardError('unauthorized', 'Authorization header must be "Bearer <API key>"');
    const digest = createHash('sha256').update(key).digest('hex');
    const now = Date.now();
    const cached = this.cache.get(digest);
    if (cached && cached.expiresAt > now) {
      if (cached.principal) return cached.principal;
      throw new SafeguardError('unauthorized', 'Invalid API key');
    }
    // Single flight: when a cached key expires under load, one scrypt verification serves every
    // request that arrives meanwhile (otherwise they would all verify at once and be refused).
    let verification = this.pending.get(digest);
    if (!verification) {
      verification = this.verify(key).then(
        (principal) => {
          this.remember(digest, principal, Date.now());
          return principal;
        },
      ).finally(() => this.pending.delete(digest));
      this.pending.set(digest, verification);
    }
    const principal = await verification;
    if (!principal) throw new SafeguardError('unauthorized', 'Invalid API key');
    return principal;
  }

  /** Forgets every cached verification of a key (after revocation). */
  forgetKey(keyId: string): void {
    for (const [digest, entry] of this.cache) {
      if (entry.principal?.keyId === keyId) this.cache.delete(digest);
    }
  }

  private async verify(key: string): Promise<Principal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const row = await this.store.getApiKeyForAuth(parsed.keyId);
    if (!row || row.revokedAt !== null) return null;
    if (this.inFlight >= this.maxConcurrent) {
      throw new SafeguardError('rate_limited', 'Too many key verifications in progress; retry shortly');
    }
    this.inFlight += 1;
    try {
      const ok = await verifySecret(parsed.secret, row.salt, row.hash);
      return ok ? { tenantId: row.tenantId, keyId: row.id, role: row.role } : null;
    } finally {
      this.inFlight -= 1;
    }
  }

  private remember(digest: string, principal: Principal | null, now: number): void {
    if (this.cache.size >= this.maxEntries) {
      // Drop the oldest entries (Map keeps insertion order).
      let drop = Math.ceil(this.maxEntries / 10);
      for (const k of this.cache.keys()) {
        this.cache.delete(k);
        if (--drop <= 0) break;
      }
    }
    this.cache.set(digest, { principal, expiresAt: now + (principal ? this.positiveTtlMs : this.negativeTtlMs) });
  }
}

export function authorize(principal: Principal, permission: Permission): void {
  if (!roleHas(principal.role, permission)) {
    throw new SafeguardError('forbidden', `The ${principal.role} role may not ${permission.replace(':', ' ')}`, {
      role: principal.role,
      permission,
    });
  }
}

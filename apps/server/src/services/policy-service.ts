/**
 * Decisions for a tenant over stored facts. Loads what the pure policy engine needs (accounts,
 * settings, the pair's relationship) with batched queries, caches it per account, and answers.
 *
 * Caching: resolved accounts are kept until the end of their day (bands change on birthdays) or
 * their cache lifetime, and account neighbourhoods (connections, blocks, guardians) for their cache
 * lifetime. Every write through this node invalidates the accounts it touched at once; writes on
 * other nodes show here within the lifetime (short by default with PostgreSQL, see config).
 */
import { SafeguardError, systemClock, type Clock, type Decision } from '@safeguard/core';
import {
  ACTIONS,
  ACTION_NAMES,
  createPolicyEngine,
  dayNumberOf,
  formatDayNumber,
  type AccountRecord,
  type DecisionContext,
  type PolicyEngine,
  type Relationship,
  type ResolvedAccount,
  type TenantPolicyConfig,
} from '@safeguard/policy';
import type { Adjacency, SafeguardStore } from '@safeguard/store';
import type { DecisionStatsRecorder } from './decision-stats.js';
import { TtlCache } from './ttl-cache.js';

export interface DecisionRequest {
  readonly action: string;
  readonly actor: string;
  readonly target?: string | undefined;
  readonly context?: DecisionContext | undefined;
}

export interface PolicyServiceOptions {
  readonly cacheTtlMs?: number;
  readonly maxCachedAccounts?: number;
  readonly clock?: Clock;
  readonly stats?: DecisionStatsRecorder;
}

const key = (tenantId: string, id: string): string => `${tenantId}\u0000${id}`;

export class PolicyService {
  private readonly engines = new TtlCache<string, PolicyEngine>(10_000, 30_000);
  private readonly resolved: TtlCache<string, { account: ResolvedAccount; engine: PolicyEngine }>;
  private readonly adjacency: TtlCache<string, Adjacency>;
  private readonly clock: Clock;
  private readonly stats: DecisionStatsRecorder | undefined;
  private readonly ttl: number;

  constructor(
    private readonly store: SafeguardStore,
    options: PolicyServiceOptions = {},
  ) {
    this.ttl = options.cacheTtlMs ?? 60_000;
    this.adjacency = new TtlCache(options.maxCachedAccounts ?? 200_000, this.ttl);
    this.resolved = new TtlCache(options.maxCachedAccounts ?? 200_000, this.ttl);
    this.clock = options.clock ?? systemClock;
    this.stats = options.stats;
  }

  async engine(tenantId: string): Promise<PolicyEngine> {
    const cached = this.engines.get(tenantId);
    if (cached) return cached;
    const tenant = await this.store.getTenant(tenantId);
    if (!tenant) throw new SafeguardError('not_found', 'Tenant not found');
    const engine = createPolicyEngine(tenant.policy);
    this.engines.set(tenantId, engine);
    return engine;
  }

  /** After a policy change: drop the compiled engine and every account resolved with it. */
  invalidatePolicy(tenantId: string): void {
    this.engines.delete(tenantId);
    this.resolved.clear();
  }

  invalidateAccounts(tenantId: string, ...ids: string[]): void {
    for (const id of ids) {
      this.resolved.delete(key(tenantId, id));
      this.adjacency.delete(key(tenantId, id));
    }
  }

  now(): Date {
    return this.clock.now();
  }

  /** Resolves accounts by id; ids that do not exist are absent from the result. */
  async resolveAccounts(tenantId: string, ids: readonly string[]): Promise<Map<string, ResolvedAccount>> {
    const engine = await this.engine(tenantId);
    const now = this.clock.now();
    const nowMs = now.getTime();
    const out = new Map<string, ResolvedAccount>();
    const missing: string[] = [];
    for (const id of ids) {
      if (out.has(id)) continue;
      const cached = this.resolved.get(key(tenantId, id), nowMs);
      if (cached && cached.engine === engine && cached.account.validUntil > nowMs) out.set(id, cached.account);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const records = await this.store.getAccountRecords(tenantId, missing);
      for (const [id, record] of records) {
        const account = engine.resolveAccount(record, now);
        this.resolved.set(key(tenantId, id), { account, engine }, nowMs, account.validUntil);
        out.set(id, account);
      }
    }
    return out;
  }

  async resolveAccount(tenantId: string, id: string): Promise<ResolvedAccount> {
    const account = (await this.resolveAccounts(tenantId, [id])).get(id);
    if (!account) throw new SafeguardError('unknown_account', `Unknown account "${id}"`, { accounts: [id] });
    return account;
  }

  /** Resolves an account from a record in hand (for previews), bypassing the cache. */
  async resolveRecord(tenantId: string, record: AccountRecord): Promise<ResolvedAccount> {
    return (await this.engine(tenantId)).resolveAccount(record, this.clock.now());
  }

  async adjacencyOf(tenantId: string, ids: readonly string[]): Promise<Map<string, Adjacency>> {
    const nowMs = this.clock.now().getTime();
    const out = new Map<string, Adjacency>();
    const missing: string[] = [];
    for (const id of ids) {
      if (out.has(id)) continue;
      const cached = this.adjacency.get(key(tenantId, id), nowMs);
      if (cached) out.set(id, cached);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const loaded = await this.store.loadAdjacency(tenantId, missing);
      for (const [id, adj] of loaded) {
        this.adjacency.set(key(tenantId, id), adj, nowMs);
        out.set(id, adj);
      }
    }
    return out;
  }

  static relationship(actor: string, target: string, actorAdj: Adjacency, targetAdj?: Adjacency): Relationship {
    let mutual = 0;
    if (targetAdj) {
      const [small, large] =
        actorAdj.peers.size <= targetAdj.peers.size ? [actorAdj.peers, targetAdj.peers] : [targetAdj.peers, actorAdj.peers];
      for (const peer of small) if (large.has(peer)) mutual += 1;
    }
    return {
      connected: actorAdj.peers.has(target),
      blocked: actorAdj.blocked.has(target),
      actorIsGuardian: actorAdj.children.has(target),
      targetIsGuardian: actorAdj.guardians.has(target),
      mutualConnections: mutual,
    };
  }

  async relationshipOf(tenantId: string, actor: string, target: string, withMutual = false): Promise<Relationship> {
    const adj = await this.adjacencyOf(tenantId, withMutual ? [actor, target] : [actor]);
    const actorAdj = adj.get(actor);
    if (!actorAdj) throw new SafeguardError('internal', 'adjacency not loaded');
    return PolicyService.relationship(actor, target, actorAdj, withMutual ? adj.get(target) : undefined);
  }

  /**
   * Decides a batch. The whole batch is checked first: an unknown action, a missing target or an
   * unknown account fails it with a 4xx naming the items, so nothing is ever silently allowed.
   */
  async decide(tenantId: string, requests: readonly DecisionRequest[]): Promise<Decision[]> {
    const badActions: { item: number; action: string }[] = [];
    const missingTargets: number[] = [];
    const ids: string[] = [];
    requests.forEach((r, item) => {
      if (!Object.hasOwn(ACTIONS, r.action)) badActions.push({ item, action: r.action });
      else if (ACTIONS[r.action as keyof typeof ACTIONS].needsTarget && r.target === undefined) missingTargets.push(item);
      ids.push(r.actor);
      if (r.target !== undefined) ids.push(r.target);
    });
    if (badActions.length > 0) {
      throw new SafeguardError(
        'unknown_action',
        `Unknown action "${badActions[0]?.action ?? ''}"${badActions.length > 1 ? ` (and ${badActions.length - 1} more)` : ''}. Known actions: ${ACTION_NAMES.join(', ')}`,
        { items: badActions },
      );
    }
    if (missingTargets.length > 0) {
      throw new SafeguardError('validation_failed', 'These items need a target account', { items: missingTargets });
    }
    const accounts = await this.resolveAccounts(tenantId, ids);
    const unknown = [...new Set(ids.filter((id) => !accounts.has(id)))];
    if (unknown.length > 0) {
      throw new SafeguardError(
        'unknown_account',
        `Unknown account${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).map((u) => `"${u}"`).join(', ')}${unknown.length > 5 ? ', …' : ''}. Create accounts with PUT /v1/accounts/{id} first.`,
        { accounts: unknown.slice(0, 100) },
      );
    }
    const needsMutual = (r: DecisionRequest): boolean => r.action === 'connection.request';
    const adjIds: string[] = [];
    for (const r of requests) {
      if (r.target === undefined) continue;
      adjIds.push(r.actor);
      if (needsMutual(r)) adjIds.push(r.target);
    }
    const adjacency = adjIds.length > 0 ? await this.adjacencyOf(tenantId, adjIds) : new Map<string, Adjacency>();
    const engine = await this.engine(tenantId);
    const day = formatDayNumber(dayNumberOf(this.clock.now()));
    const results: Decision[] = [];
    for (const r of requests) {
      const actor = accounts.get(r.actor) as ResolvedAccount;
      const target = r.target === undefined ? undefined : accounts.get(r.target);
      const actorAdj = adjacency.get(r.actor);
      const relationship =
        target && actorAdj
          ? PolicyService.relationship(r.actor, r.target ?? '', actorAdj, needsMutual(r) ? adjacency.get(r.target ?? '') : undefined)
          : undefined;
      const decision = engine.decide({ action: r.action, actor, target, relationship, context: r.context });
      this.stats?.record(tenantId, day, r.action, decision);
      results.push(decision);
    }
    return results;
  }

  async updatePolicy(tenantId: string, policy: TenantPolicyConfig): Promise<void> {
    await this.store.setTenantPolicy(tenantId, policy);
    this.invalidatePolicy(tenantId);
  }
}

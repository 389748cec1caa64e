/**
 * SafeguardStore: every read and write Safeguard makes, over one Kysely schema that runs on SQLite
 * and PostgreSQL alike (one contract test suite checks both). Every tenant-owned query filters on
 * tenant_id: the store is where tenant isolation is enforced.
 *
 * State changes and their audit entries commit together: wrap them in `transaction()`.
 */
import { randomUUID } from 'node:crypto';
import {
  GENESIS_HASH,
  SafeguardError,
  hashChainEntry,
  verifyHashChain,
  type ChainVerification,
  type AssuranceMethod,
  type ChainedEntry,
  type DeclarableAgeBand,
  type Jurisdiction,
  type Role,
} from '@safeguard/core';
import {
  DEFAULT_TENANT_POLICY,
  parseIsoDate,
  type AccountRecord,
  type Relationship,
  type SettingOverride,
  type TenantPolicyConfig,
} from '@safeguard/policy';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseHandle, Dialect, SqliteStatements } from './connect.js';
import { generateApiKey, randomId } from './keys.js';
import type { ApiKeysTable, Database } from './schema.js';

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly policy: TenantPolicyConfig;
  readonly createdAt: string;
}

export interface ApiKeyInfo {
  readonly id: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly label: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface AccountInput {
  readonly id: string;
  readonly birthDate?: string | null | undefined;
  readonly declaredBand?: DeclarableAgeBand | null | undefined;
  readonly assuranceMethod?: AssuranceMethod | null | undefined;
  readonly assuranceCheckedAt?: string | null | undefined;
  readonly jurisdiction?: Jurisdiction | null | undefined;
}

export interface Account {
  readonly id: string;
  readonly birthDate: string | null;
  readonly declaredBand: DeclarableAgeBand | null;
  readonly assuranceMethod: AssuranceMethod | null;
  readonly assuranceCheckedAt: string | null;
  readonly jurisdiction: Jurisdiction | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ConnectionState = 'accepted' | 'pending-out' | 'pending-in';

/** An account's immediate neighbourhood in the connection graph. */
export interface Adjacency {
  readonly peers: Set<string>;
  /** Accounts this one blocked or was blocked by. */
  readonly blocked: Set<string>;
  /** Children this account is a linked guardian of. */
  readonly children: Set<string>;
  /** This account's linked guardians. */
  readonly guardians: Set<string>;
}

export interface ConnectionEntry {
  readonly peerId: string;
  readonly state: ConnectionState;
  readonly since: string;
}

export interface AuditInput {
  readonly actor: string;
  readonly action: string;
  readonly target?: string | null | undefined;
  /** Never message text, birth dates or keys: what changed, not the values. */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

export interface AuditEntry extends ChainedEntry {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface GuardianRequest {
  readonly id: string;
  readonly childId: string;
  readonly key: string;
  readonly value: string;
  readonly sessionId: string | null;
  readonly status: 'pending' | 'approved' | 'declined';
  readonly createdAt: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
}

export interface DecisionStat {
  readonly day: string;
  readonly action: string;
  readonly outcome: string;
  readonly ruleId: string;
  readonly count: number;
}

export type Executor = Kysely<Database> | Transaction<Database>;

/** A column value in storage form. */
export type RowValue = string | number | null;

export interface InsertRowsOptions {
  /** Rows per statement when a multi-row insert is built (default: about 900 bound values). */
  readonly chunk?: number;
  /** On a duplicate key: skip the row (`ignore`), or update these columns from the new row. */
  readonly onConflict?: 'ignore' | { readonly columns: readonly string[]; readonly update: readonly string[] };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** The ON CONFLICT clause, identical in SQLite and PostgreSQL. Column names are code, not input. */
function conflictClause(options: InsertRowsOptions): string {
  const c = options.onConflict;
  if (c === undefined) return '';
  if (c === 'ignore') return ' on conflict do nothing';
  for (const name of [...c.columns, ...c.update]) if (!IDENTIFIER.test(name)) throw new Error(`invalid column name "${name}"`);
  const set = c.update.map((name) => `"${name}" = excluded."${name}"`).join(', ');
  return ` on conflict (${c.columns.map((name) => `"${name}"`).join(', ')}) do update set ${set}`;
}

const nowIso = (): string => new Date().toISOString();

/** SQLite caps bound parameters per statement; keep IN lists well under it. */
const IN_CHUNK = 400;
function* chunks<T>(items: readonly T[], size = IN_CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function toAccount(row: Database['accounts']): Account {
  return {
    id: row.id,
    birthDate: row.birth_date,
    declaredBand: row.declared_band as DeclarableAgeBand | null,
    assuranceMethod: row.assurance_method as AssuranceMethod | null,
    assuranceCheckedAt: row.assurance_checked_at,
    jurisdiction: row.jurisdiction as Jurisdiction | null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toKeyInfo(row: ApiKeysTable): ApiKeyInfo {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    role: row.role as Role,
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function toGuardianRequest(row: Database['guardian_requests']): GuardianRequest {
  return {
    id: row.id,
    childId: row.child_id,
    key: row.key,
    value: row.value,
    sessionId: row.session_id,
    status: row.status,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
  };
}

function parsePolicy(json: string): TenantPolicyConfig {
  const parsed = JSON.parse(json) as Partial<TenantPolicyConfig>;
  return {
    defaultJurisdiction: parsed.defaultJurisdiction ?? DEFAULT_TENANT_POLICY.defaultJurisdiction,
    exemptions: parsed.exemptions ?? [],
  };
}

export class SafeguardStore {
  constructor(
    /** The query executor (the database, or the current transaction). Store modules for other
     * domains (cases, media, detection) build their queries on it and use `transaction()`. */
    readonly db: Executor,
    readonly dialect: Dialect,
    private readonly handle?: DatabaseHandle,
    private readonly sqlite: SqliteStatements | undefined = handle?.sqlite,
  ) {}

  static fromHandle(handle: DatabaseHandle): SafeguardStore {
    return new SafeguardStore(handle.db, handle.dialect, handle);
  }

  /** Runs `work` in one transaction; nested calls join the outer one. */
  async transaction<T>(work: (store: SafeguardStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((trx) => work(new SafeguardStore(trx, this.dialect, undefined, this.sqlite)));
  }

  /**
   * Inserts rows into one table (every row with the same columns, values already in storage form:
   * strings, numbers, null) and returns how many rows were inserted or updated. The hot ingest
   * paths write thousands of rows per batch: inside a transaction on SQLite this runs one cached
   * prepared single-row statement per row, which costs a fraction of building a multi-row query;
   * elsewhere it builds multi-row inserts of `chunk` rows.
   */
  async insertRows(table: Extract<keyof Database, string>, rows: readonly Readonly<Record<string, RowValue>>[], options: InsertRowsOptions = {}): Promise<number> {
    const first = rows[0];
    if (!first) return 0;
    const columns = Object.keys(first);
    for (const name of columns) if (!IDENTIFIER.test(name)) throw new Error(`invalid column name "${name}"`);
    const onConflict = conflictClause(options);
    // Only inside a transaction: this connection is then ours alone, so a statement run directly on
    // it belongs to our transaction and to nobody else's.
    if (this.sqlite && this.db.isTransaction) {
      const list = columns.map((c) => `"${c}"`).join(', ');
      const statement = this.sqlite.prepare(`insert into "${table}" (${list}) values (${columns.map(() => '?').join(', ')})${onConflict}`);
      let changed = 0;
      for (const row of rows) changed += statement.run(columns.map((c) => row[c] ?? null)).changes;
      return changed;
    }
    let changed = 0;
    const chunk = Math.max(1, Math.floor(options.chunk ?? 900 / columns.length));
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      const values = sql.join(part.map((row) => sql`(${sql.join(columns.map((c) => row[c] ?? null))})`));
      const result = await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${values}${sql.raw(onConflict)}`.execute(this.db);
      changed += Number(result.numAffectedRows ?? 0n);
    }
    return changed;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }

  // ---- tenants ------------------------------------------------------------------------------

  async createTenant(name: string, policy: TenantPolicyConfig = DEFAULT_TENANT_POLICY): Promise<Tenant> {
    const existing = await this.findTenantByName(name);
    if (existing) throw new SafeguardError('conflict', `A tenant named "${name}" already exists`, { name });
    const tenant: Tenant = { id: `tn_${randomId(12)}`, name, policy, createdAt: nowIso() };
    await this.db
      .insertInto('tenants')
      .values({
        id: tenant.id,
        name,
        policy: JSON.stringify(policy),
        created_at: tenant.createdAt,
        updated_at: tenant.createdAt,
      })
      .execute();
    return tenant;
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { id: row.id, name: row.name, policy: parsePolicy(row.policy), createdAt: row.created_at };
  }

  async findTenantByName(name: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
    return row && { id: row.id, name: row.name, policy: parsePolicy(row.policy), createdAt: row.created_at };
  }

  async listTenants(): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('created_at').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, policy: parsePolicy(row.policy), createdAt: row.created_at }));
  }

  async setTenantPolicy(tenantId: string, policy: TenantPolicyConfig): Promise<void> {
    await this.db
      .updateTable('tenants')
      .set({ policy: JSON.stringify(policy), updated_at: nowIso() })
      .where('id', '=', tenantId)
      .execute();
  }

  // ---- API keys -----------------------------------------------------------------------------

  /** Creates a key; the returned `key` is the only time the secret exists outside its hash. */
  async createApiKey(tenantId: string, role: Role, label: string): Promise<ApiKeyInfo & { key: string }> {
    const material = await generateApiKey();
    const row: ApiKeysTable = {
      id: material.keyId,
      tenant_id: tenantId,
      role,
      label,
      salt: material.salt,
      hash: material.hash,
      created_at: nowIso(),
      revoked_at: null,
    };
    await this.db.insertInto('api_keys').values(row).execute();
    return { ...toKeyInfo(row), key: material.key };
  }

  /** The stored key row by key id, hash included (for authentication only). */
  async getApiKeyForAuth(keyId: string): Promise<(ApiKeyInfo & { salt: string; hash: string }) | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
    return row && { ...toKeyInfo(row), salt: row.salt, hash: row.hash };
  }

  async listApiKeys(tenantId: string): Promise<ApiKeyInfo[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .execute();
    return rows.map(toKeyInfo);
  }

  async revokeApiKey(tenantId: string, keyId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: nowIso() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // ---- accounts -----------------------------------------------------------------------------

  /** Creates or updates an account. Fields left undefined keep their value; null clears them. */
  async upsertAccount(tenantId: string, input: AccountInput): Promise<{ account: Account; created: boolean }> {
    const at = nowIso();
    const existing = await this.getAccount(tenantId, input.id);
    const pick = <K extends keyof AccountInput>(key: K, current: AccountInput[K] | null): AccountInput[K] | null =>
      input[key] === undefined ? current : input[key];
    const values = {
      birth_date: pick('birthDate', existing?.birthDate ?? null) ?? null,
      declared_band: pick('declaredBand', existing?.declaredBand ?? null) ?? null,
      assurance_method: pick('assuranceMethod', existing?.assuranceMethod ?? null) ?? null,
      assurance_checked_at: pick('assuranceCheckedAt', existing?.assuranceCheckedAt ?? null) ?? null,
      jurisdiction: pick('jurisdiction', existing?.jurisdiction ?? null) ?? null,
      updated_at: at,
    };
    if (existing) {
      await this.db
        .updateTable('accounts')
        .set(values)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', input.id)
        .execute();
    } else {
      await this.db
        .insertInto('accounts')
        .values({ tenant_id: tenantId, id: input.id, created_at: at, ...values })
        .execute();
    }
    const account = await this.getAccount(tenantId, input.id);
    if (!account) throw new SafeguardError('internal', 'account vanished during upsert');
    return { account, created: !existing };
  }

  async getAccount(tenantId: string, id: string): Promise<Account | undefined> {
    const row = await this.db
      .selectFrom('accounts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toAccount(row);
  }

  async countAccounts(tenantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Everything the policy engine needs about these accounts, keyed by id; missing ids are absent. */
  async getAccountRecords(tenantId: string, ids: readonly string[]): Promise<Map<string, AccountRecord>> {
    const unique = [...new Set(ids)];
    const records = new Map<string, AccountRecord & { settings: SettingOverride[] }>();
    for (const part of chunks(unique)) {
      const rows = await this.db
        .selectFrom('accounts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', part)
        .execute();
      for (const row of rows) {
        records.set(row.id, {
          id: row.id,
          birthDate: row.birth_date ? (parseIsoDate(row.birth_date) ?? null) : null,
          declaredBand: row.declared_band as DeclarableAgeBand | null,
          assuranceMethod: row.assurance_method as AssuranceMethod | null,
          jurisdiction: row.jurisdiction as Jurisdiction | null,
          settings: [],
        });
      }
      const settings = await this.db
        .selectFrom('settings')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('account_id', 'in', part)
        .execute();
      for (const s of settings) {
        records.get(s.account_id)?.settings.push({
          key: s.key,
          value: s.value,
          setBy: s.set_by,
          sessionId: s.session_id,
          expiresAt: s.expires_at === null ? null : Number(s.expires_at),
        });
      }
    }
    return records;
  }

  /** Erases an account and everything attached to it (data-subject erasure). Audit entries remain. */
  async deleteAccount(tenantId: string, id: string): Promise<boolean> {
    return this.transaction(async (store) => {
      const t = store.db;
      await t.deleteFrom('settings').where('tenant_id', '=', tenantId).where('account_id', '=', id).execute();
      await t.deleteFrom('guardian_requests').where('tenant_id', '=', tenantId).where('child_id', '=', id).execute();
      await t
        .deleteFrom('guardians')
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('guardian_id', '=', id), eb('child_id', '=', id)]))
        .execute();
      await t
        .deleteFrom('connections')
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('account_id', '=', id), eb('peer_id', '=', id)]))
        .execute();
      await t
        .deleteFrom('blocks')
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('blocker_id', '=', id), eb('blocked_id', '=', id)]))
        .execute();
      await t
        .deleteFrom('mutes')
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('muter_id', '=', id), eb('muted_id', '=', id)]))
        .execute();
      const result = await t.deleteFrom('accounts').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  // ---- connections --------------------------------------------------------------------------

  /** Records a graph event; refused attempts are recorded too (contact-pattern risk needs them). */
  async recordConnectionEvent(tenantId: string, actorId: string, targetId: string, type: string): Promise<void> {
    await this.db
      .insertInto('connection_events')
      .values({ tenant_id: tenantId, id: randomUUID(), actor_id: actorId, target_id: targetId, type, at: nowIso() })
      .execute();
  }

  async getConnectionState(tenantId: string, accountId: string, peerId: string): Promise<ConnectionState | undefined> {
    const row = await this.db
      .selectFrom('connections')
      .select('state')
      .where('tenant_id', '=', tenantId)
      .where('account_id', '=', accountId)
      .where('peer_id', '=', peerId)
      .executeTakeFirst();
    return row?.state;
  }

  private async setPair(tenantId: string, a: string, b: string, stateA: ConnectionState, stateB: ConnectionState): Promise<void> {
    const at = nowIso();
    for (const [account, peer, state] of [
      [a, b, stateA],
      [b, a, stateB],
    ] as const) {
      await this.db
        .insertInto('connections')
        .values({ tenant_id: tenantId, account_id: account, peer_id: peer, state, created_at: at, updated_at: at })
        .onConflict((oc) => oc.columns(['tenant_id', 'account_id', 'peer_id']).doUpdateSet({ state, updated_at: at }))
        .execute();
    }
  }

  private async deletePair(tenantId: string, a: string, b: string): Promise<number> {
    const result = await this.db
      .deleteFrom('connections')
      .where('tenant_id', '=', tenantId)
      .where((eb) =>
        eb.or([
          eb.and([eb('account_id', '=', a), eb('peer_id', '=', b)]),
          eb.and([eb('account_id', '=', b), eb('peer_id', '=', a)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Records a connection request. If the target had already asked the requester, the two are
   * connected at once. Returns the resulting state from the requester's side.
   */
  async requestConnection(tenantId: string, from: string, to: string): Promise<ConnectionState> {
    return this.transaction(async (store) => {
      const current = await store.getConnectionState(tenantId, from, to);
      await store.recordConnectionEvent(tenantId, from, to, 'request');
      if (current === 'accepted' || current === 'pending-out') return current;
      if (current === 'pending-in') {
        await store.setPair(tenantId, from, to, 'accepted', 'accepted');
        await store.recordConnectionEvent(tenantId, from, to, 'accept');
        return 'accepted';
      }
      await store.setPair(tenantId, from, to, 'pending-out', 'pending-in');
      return 'pending-out';
    });
  }

  async acceptConnection(tenantId: string, accepter: string, requester: string): Promise<void> {
    await this.transaction(async (store) => {
      const current = await store.getConnectionState(tenantId, accepter, requester);
      if (current === 'accepted') return;
      if (current !== 'pending-in') {
        throw new SafeguardError('not_found', `No pending connection request from "${requester}" to "${accepter}"`);
      }
      await store.setPair(tenantId, accepter, requester, 'accepted', 'accepted');
      await store.recordConnectionEvent(tenantId, accepter, requester, 'accept');
    });
  }

  async declineConnection(tenantId: string, decliner: string, requester: string): Promise<void> {
    await this.transaction(async (store) => {
      const current = await store.getConnectionState(tenantId, decliner, requester);
      if (current !== 'pending-in') {
        throw new SafeguardError('not_found', `No pending connection request from "${requester}" to "${decliner}"`);
      }
      await store.deletePair(tenantId, decliner, requester);
      await store.recordConnectionEvent(tenantId, decliner, requester, 'decline');
    });
  }

  /** Removes a connection or withdraws a pending request. Returns false when there was none. */
  async removeConnection(tenantId: string, actor: string, peer: string): Promise<boolean> {
    return this.transaction(async (store) => {
      const removed = await store.deletePair(tenantId, actor, peer);
      if (removed > 0) await store.recordConnectionEvent(tenantId, actor, peer, 'remove');
      return removed > 0;
    });
  }

  /** Blocks `blocked`; any connection or pending request between the two is removed. */
  async block(tenantId: string, blocker: string, blocked: string): Promise<void> {
    await this.transaction(async (store) => {
      await store.deletePair(tenantId, blocker, blocked);
      await store.db
        .insertInto('blocks')
        .values({ tenant_id: tenantId, blocker_id: blocker, blocked_id: blocked, created_at: nowIso() })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await store.recordConnectionEvent(tenantId, blocker, blocked, 'block');
    });
  }

  async unblock(tenantId: string, blocker: string, blocked: string): Promise<boolean> {
    return this.transaction(async (store) => {
      const result = await store.db
        .deleteFrom('blocks')
        .where('tenant_id', '=', tenantId)
        .where('blocker_id', '=', blocker)
        .where('blocked_id', '=', blocked)
        .executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) await store.recordConnectionEvent(tenantId, blocker, blocked, 'unblock');
      return removed;
    });
  }

  async mute(tenantId: string, muter: string, muted: string): Promise<void> {
    await this.transaction(async (store) => {
      await store.db
        .insertInto('mutes')
        .values({ tenant_id: tenantId, muter_id: muter, muted_id: muted, created_at: nowIso() })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await store.recordConnectionEvent(tenantId, muter, muted, 'mute');
    });
  }

  async unmute(tenantId: string, muter: string, muted: string): Promise<boolean> {
    return this.transaction(async (store) => {
      const result = await store.db
        .deleteFrom('mutes')
        .where('tenant_id', '=', tenantId)
        .where('muter_id', '=', muter)
        .where('muted_id', '=', muted)
        .executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) await store.recordConnectionEvent(tenantId, muter, muted, 'unmute');
      return removed;
    });
  }

  async isMuted(tenantId: string, muter: string, muted: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('mutes')
      .select('muter_id')
      .where('tenant_id', '=', tenantId)
      .where('muter_id', '=', muter)
      .where('muted_id', '=', muted)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** One page of an account's connections, ordered by peer id. */
  async listConnections(
    tenantId: string,
    accountId: string,
    options: { state?: ConnectionState; after?: string; limit?: number } = {},
  ): Promise<ConnectionEntry[]> {
    let query = this.db
      .selectFrom('connections')
      .select(['peer_id', 'state', 'updated_at'])
      .where('tenant_id', '=', tenantId)
      .where('account_id', '=', accountId);
    if (options.state) query = query.where('state', '=', options.state);
    if (options.after) query = query.where('peer_id', '>', options.after);
    const rows = await query.orderBy('peer_id').limit(options.limit ?? 100).execute();
    return rows.map((r) => ({ peerId: r.peer_id, state: r.state, since: r.updated_at }));
  }

  async listConnectionEvents(
    tenantId: string,
    options: { accountId?: string; since?: string; limit?: number } = {},
  ): Promise<{ actorId: string; targetId: string; type: string; at: string }[]> {
    let query = this.db
      .selectFrom('connection_events')
      .select(['actor_id', 'target_id', 'type', 'at'])
      .where('tenant_id', '=', tenantId);
    if (options.accountId) {
      const id = options.accountId;
      query = query.where((eb) => eb.or([eb('actor_id', '=', id), eb('target_id', '=', id)]));
    }
    if (options.since) query = query.where('at', '>=', options.since);
    const rows = await query.orderBy('at').limit(options.limit ?? 1000).execute();
    return rows.map((r) => ({ actorId: r.actor_id, targetId: r.target_id, type: r.type, at: r.at }));
  }

  /**
   * Relationship facts for each (actor, target) pair, in input order. Mutual connections are
   * counted only when asked for (connection requests need them; most decisions do not).
   */
  async relationships(
    tenantId: string,
    pairs: readonly (readonly [string, string])[],
    options: { mutual?: boolean } = {},
  ): Promise<Relationship[]> {
    const ids = [...new Set(pairs.flat())];
    const connected = new Set<string>();
    const blocked = new Set<string>();
    const guardianOf = new Set<string>();
    const key = (a: string, b: string): string => `${a}\u0000${b}`;
    for (const part of chunks(ids)) {
      const conns = await this.db
        .selectFrom('connections')
        .select(['account_id', 'peer_id'])
        .where('tenant_id', '=', tenantId)
        .where('state', '=', 'accepted')
        .where('account_id', 'in', part)
        .where('peer_id', 'in', ids.length <= IN_CHUNK ? ids : part)
        .execute();
      for (const c of conns) connected.add(key(c.account_id, c.peer_id));
      const blocks = await this.db
        .selectFrom('blocks')
        .select(['blocker_id', 'blocked_id'])
        .where('tenant_id', '=', tenantId)
        .where('blocker_id', 'in', part)
        .execute();
      for (const b of blocks) blocked.add(key(b.blocker_id, b.blocked_id));
      const guardians = await this.db
        .selectFrom('guardians')
        .select(['guardian_id', 'child_id'])
        .where('tenant_id', '=', tenantId)
        .where('guardian_id', 'in', part)
        .execute();
      for (const g of guardians) guardianOf.add(key(g.guardian_id, g.child_id));
    }
    // With more ids than one IN list holds, the peer filter above was partial: check pairs directly.
    if (ids.length > IN_CHUNK) {
      for (const [a, b] of pairs) {
        if (!connected.has(key(a, b)) && (await this.getConnectionState(tenantId, a, b)) === 'accepted') {
          connected.add(key(a, b));
        }
      }
    }
    const results: Relationship[] = [];
    for (const [actor, target] of pairs) {
      results.push({
        connected: connected.has(key(actor, target)),
        blocked: blocked.has(key(actor, target)) || blocked.has(key(target, actor)),
        actorIsGuardian: guardianOf.has(key(actor, target)),
        targetIsGuardian: guardianOf.has(key(target, actor)),
        mutualConnections: options.mutual ? await this.countMutualConnections(tenantId, actor, target) : 0,
      });
    }
    return results;
  }

  /**
   * Each account's neighbourhood: accepted connections, accounts blocked in either direction,
   * children it guards and guardians it has. Decisions for these accounts then need no query.
   */
  async loadAdjacency(tenantId: string, ids: readonly string[]): Promise<Map<string, Adjacency>> {
    const result = new Map<string, Adjacency>();
    const unique = [...new Set(ids)];
    for (const id of unique) result.set(id, { peers: new Set(), blocked: new Set(), children: new Set(), guardians: new Set() });
    for (const part of chunks(unique)) {
      const conns = await this.db
        .selectFrom('connections')
        .select(['account_id', 'peer_id'])
        .where('tenant_id', '=', tenantId)
        .where('account_id', 'in', part)
        .where('state', '=', 'accepted')
        .execute();
      for (const c of conns) result.get(c.account_id)?.peers.add(c.peer_id);
      const blocks = await this.db
        .selectFrom('blocks')
        .select(['blocker_id', 'blocked_id'])
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('blocker_id', 'in', part), eb('blocked_id', 'in', part)]))
        .execute();
      for (const b of blocks) {
        result.get(b.blocker_id)?.blocked.add(b.blocked_id);
        result.get(b.blocked_id)?.blocked.add(b.blocker_id);
      }
      const links = await this.db
        .selectFrom('guardians')
        .select(['guardian_id', 'child_id'])
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('guardian_id', 'in', part), eb('child_id', 'in', part)]))
        .execute();
      for (const g of links) {
        result.get(g.guardian_id)?.children.add(g.child_id);
        result.get(g.child_id)?.guardians.add(g.guardian_id);
      }
    }
    return result;
  }

  async countMutualConnections(tenantId: string, a: string, b: string): Promise<number> {
    const row = await this.db
      .selectFrom('connections as ca')
      .innerJoin('connections as cb', (join) =>
        join.onRef('ca.peer_id', '=', 'cb.peer_id').onRef('ca.tenant_id', '=', 'cb.tenant_id'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ca.tenant_id', '=', tenantId)
      .where('ca.account_id', '=', a)
      .where('cb.account_id', '=', b)
      .where('ca.state', '=', 'accepted')
      .where('cb.state', '=', 'accepted')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // ---- guardians ----------------------------------------------------------------------------

  async linkGuardian(tenantId: string, guardianId: string, childId: string): Promise<boolean> {
    const result = await this.db
      .insertInto('guardians')
      .values({ tenant_id: tenantId, guardian_id: guardianId, child_id: childId, created_at: nowIso() })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async unlinkGuardian(tenantId: string, guardianId: string, childId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('guardians')
      .where('tenant_id', '=', tenantId)
      .where('guardian_id', '=', guardianId)
      .where('child_id', '=', childId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async isGuardian(tenantId: string, guardianId: string, childId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('guardians')
      .select('child_id')
      .where('tenant_id', '=', tenantId)
      .where('guardian_id', '=', guardianId)
      .where('child_id', '=', childId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async listGuardians(tenantId: string, childId: string): Promise<{ guardianId: string; since: string }[]> {
    const rows = await this.db
      .selectFrom('guardians')
      .select(['guardian_id', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('child_id', '=', childId)
      .orderBy('guardian_id')
      .execute();
    return rows.map((r) => ({ guardianId: r.guardian_id, since: r.created_at }));
  }

  // ---- settings -----------------------------------------------------------------------------

  async setSetting(tenantId: string, accountId: string, override: SettingOverride): Promise<void> {
    const row = {
      value: override.value,
      set_by: override.setBy,
      session_id: override.sessionId ?? null,
      expires_at: override.expiresAt ?? null,
      changed_at: nowIso(),
    };
    await this.db
      .insertInto('settings')
      .values({ tenant_id: tenantId, account_id: accountId, key: override.key, ...row })
      .onConflict((oc) => oc.columns(['tenant_id', 'account_id', 'key']).doUpdateSet(row))
      .execute();
  }

  async listSettingOverrides(tenantId: string, accountId: string): Promise<(SettingOverride & { changedAt: string })[]> {
    const rows = await this.db
      .selectFrom('settings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('account_id', '=', accountId)
      .orderBy('key')
      .execute();
    return rows.map((r) => ({
      key: r.key,
      value: r.value,
      setBy: r.set_by,
      sessionId: r.session_id,
      expiresAt: r.expires_at === null ? null : Number(r.expires_at),
      changedAt: r.changed_at,
    }));
  }

  /** Ends a session: every setting switched on for that session only reverts. Returns the keys. */
  async endSession(tenantId: string, accountId: string, sessionId: string): Promise<string[]> {
    return this.transaction(async (store) => {
      const rows = await store.db
        .selectFrom('settings')
        .select('key')
        .where('tenant_id', '=', tenantId)
        .where('account_id', '=', accountId)
        .where('session_id', '=', sessionId)
        .execute();
      await store.db
        .deleteFrom('settings')
        .where('tenant_id', '=', tenantId)
        .where('account_id', '=', accountId)
        .where('session_id', '=', sessionId)
        .execute();
      return rows.map((r) => r.key);
    });
  }

  async createGuardianRequest(
    tenantId: string,
    input: { childId: string; key: string; value: string; sessionId?: string | null },
  ): Promise<GuardianRequest> {
    const row = {
      tenant_id: tenantId,
      id: `gr_${randomId(16)}`,
      child_id: input.childId,
      key: input.key,
      value: input.value,
      session_id: input.sessionId ?? null,
      status: 'pending' as const,
      created_at: nowIso(),
      decided_at: null,
      decided_by: null,
    };
    await this.db.insertInto('guardian_requests').values(row).execute();
    return toGuardianRequest(row);
  }

  async getGuardianRequest(tenantId: string, id: string): Promise<GuardianRequest | undefined> {
    const row = await this.db
      .selectFrom('guardian_requests')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toGuardianRequest(row);
  }

  async listGuardianRequests(tenantId: string, childId: string, status?: GuardianRequest['status']): Promise<GuardianRequest[]> {
    let query = this.db
      .selectFrom('guardian_requests')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('child_id', '=', childId);
    if (status) query = query.where('status', '=', status);
    const rows = await query.orderBy('created_at').execute();
    return rows.map(toGuardianRequest);
  }

  /** Settles a pending request; false when it was not pending (already settled). */
  async decideGuardianRequest(
    tenantId: string,
    id: string,
    status: 'approved' | 'declined',
    guardianId: string,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('guardian_requests')
      .set({ status, decided_at: nowIso(), decided_by: guardianId })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // ---- audit --------------------------------------------------------------------------------

  /**
   * Appends to the tenant's hash chain. The head row is locked (PostgreSQL) or the write lock held
   * (SQLite) for the duration, so concurrent appends from several nodes still form one chain.
   */
  async appendAudit(tenantId: string, input: AuditInput): Promise<AuditEntry> {
    return this.transaction(async (store) => {
      const t = store.db;
      await t
        .insertInto('audit_heads')
        .values({ tenant_id: tenantId, seq: 0, hash: GENESIS_HASH })
        .onConflict((oc) => oc.column('tenant_id').doNothing())
        .execute();
      let headQuery = t.selectFrom('audit_heads').select(['seq', 'hash']).where('tenant_id', '=', tenantId);
      if (store.dialect === 'postgres') headQuery = headQuery.forUpdate();
      const head = await headQuery.executeTakeFirstOrThrow();
      const seq = Number(head.seq) + 1;
      const at = nowIso();
      const content = auditContent(at, input.actor, input.action, input.target ?? null, input.details ?? {});
      const hash = hashChainEntry(seq, head.hash, content);
      await t
        .insertInto('audit_log')
        .values({
          tenant_id: tenantId,
          seq,
          at,
          actor: input.actor,
          action: input.action,
          target: input.target ?? null,
          details: JSON.stringify(input.details ?? {}),
          prev_hash: head.hash,
          hash,
        })
        .execute();
      await t.updateTable('audit_heads').set({ seq, hash }).where('tenant_id', '=', tenantId).execute();
      return {
        seq,
        prevHash: head.hash,
        hash,
        content,
        at,
        actor: input.actor,
        action: input.action,
        target: input.target ?? null,
        details: input.details ?? {},
      };
    });
  }

  async listAudit(
    tenantId: string,
    options: { afterSeq?: number; limit?: number; action?: string } = {},
  ): Promise<AuditEntry[]> {
    let query = this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seq', '>', options.afterSeq ?? 0);
    if (options.action) query = query.where('action', '=', options.action);
    const rows = await query.orderBy('seq').limit(options.limit ?? 100).execute();
    return rows.map(toAuditEntry);
  }

  async auditHead(tenantId: string): Promise<{ seq: number; hash: string }> {
    const row = await this.db
      .selectFrom('audit_heads')
      .select(['seq', 'hash'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** The whole chain in sequence order, read in pages (for verification and export). */
  async *readAuditChain(tenantId: string, pageSize = 5000): AsyncGenerator<AuditEntry> {
    let after = 0;
    for (;;) {
      const page = await this.db
        .selectFrom('audit_log')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      for (const row of page) yield toAuditEntry(row);
      if (page.length < pageSize) return;
      after = Number(page[page.length - 1]?.seq ?? after);
    }
  }

  /** Verifies the tenant's whole chain against the recorded head: names any altered entry. */
  async verifyAudit(tenantId: string): Promise<ChainVerification> {
    const entries: AuditEntry[] = [];
    for await (const entry of this.readAuditChain(tenantId)) entries.push(entry);
    return verifyHashChain(entries, await this.auditHead(tenantId));
  }

  // ---- decision statistics ------------------------------------------------------------------

  async addDecisionStats(tenantId: string, stats: readonly DecisionStat[]): Promise<void> {
    if (stats.length === 0) return;
    await this.transaction(async (store) => {
      for (const part of chunks(stats, 100)) {
        await store.db
          .insertInto('decision_stats')
          .values(
            part.map((s) => ({
              tenant_id: tenantId,
              day: s.day,
              action: s.action,
              outcome: s.outcome,
              rule_id: s.ruleId,
              count: s.count,
            })),
          )
          .onConflict((oc) =>
            oc
              .columns(['tenant_id', 'day', 'action', 'outcome', 'rule_id'])
              .doUpdateSet((eb) => ({ count: eb('decision_stats.count', '+', eb.ref('excluded.count')) })),
          )
          .execute();
      }
    });
  }

  async listDecisionStats(tenantId: string, fromDay: string, toDay: string): Promise<DecisionStat[]> {
    const rows = await this.db
      .selectFrom('decision_stats')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .orderBy('day')
      .orderBy('action')
      .orderBy('outcome')
      .orderBy('rule_id')
      .execute();
    return rows.map((r) => ({ day: r.day, action: r.action, outcome: r.outcome, ruleId: r.rule_id, count: Number(r.count) }));
  }
}

/** The part of an audit entry its hash covers, besides seq and prevHash. */
export function auditContent(
  at: string,
  actor: string,
  action: string,
  target: string | null,
  details: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return { at, actor, action, target, details };
}

function toAuditEntry(row: Database['audit_log']): AuditEntry {
  const details = JSON.parse(row.details) as Record<string, unknown>;
  return {
    seq: Number(row.seq),
    prevHash: row.prev_hash,
    hash: row.hash,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    details,
    content: auditContent(row.at, row.actor, row.action, row.target, details),
  };
}

/**
 * The relational schema, as Kysely types. Timestamps are ISO-8601 UTC text (sortable, identical on
 * SQLite and PostgreSQL); instants used in arithmetic are epoch milliseconds in bigint columns.
 * Every tenant-owned table leads with tenant_id, and every query filters on it.
 */
export interface TenantsTable {
  id: string;
  name: string;
  /** TenantPolicyConfig as JSON. */
  policy: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  role: string;
  label: string;
  salt: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface AccountsTable {
  tenant_id: string;
  id: string;
  birth_date: string | null;
  declared_band: string | null;
  assurance_method: string | null;
  assurance_checked_at: string | null;
  jurisdiction: string | null;
  created_at: string;
  updated_at: string;
}

/** Directed rows: a request from A to B is (A,B,'pending-out') and (B,A,'pending-in'); accepted is both 'accepted'. */
export interface ConnectionsTable {
  tenant_id: string;
  account_id: string;
  peer_id: string;
  state: 'accepted' | 'pending-out' | 'pending-in';
  created_at: string;
  updated_at: string;
}

export interface BlocksTable {
  tenant_id: string;
  blocker_id: string;
  blocked_id: string;
  created_at: string;
}

export interface MutesTable {
  tenant_id: string;
  muter_id: string;
  muted_id: string;
  created_at: string;
}

/** Every connection-graph action, kept for contact-risk analysis (request, decline, block rates). */
export interface ConnectionEventsTable {
  tenant_id: string;
  id: string;
  actor_id: string;
  target_id: string;
  type: string;
  at: string;
}

export interface GuardiansTable {
  tenant_id: string;
  guardian_id: string;
  child_id: string;
  created_at: string;
}

export interface SettingsTable {
  tenant_id: string;
  account_id: string;
  key: string;
  value: string;
  set_by: 'self' | 'guardian';
  session_id: string | null;
  expires_at: number | null;
  changed_at: string;
}

export interface GuardianRequestsTable {
  tenant_id: string;
  id: string;
  child_id: string;
  key: string;
  value: string;
  session_id: string | null;
  status: 'pending' | 'approved' | 'declined';
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface AuditLogTable {
  tenant_id: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  tenant_id: string;
  seq: number;
  hash: string;
}

/** Decision counts per day, action, outcome and rule: what transparency reports are computed from. */
export interface DecisionStatsTable {
  tenant_id: string;
  day: string;
  action: string;
  outcome: string;
  rule_id: string;
  count: number;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  accounts: AccountsTable;
  connections: ConnectionsTable;
  blocks: BlocksTable;
  mutes: MutesTable;
  connection_events: ConnectionEventsTable;
  guardians: GuardiansTable;
  settings: SettingsTable;
  guardian_requests: GuardianRequestsTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  decision_stats: DecisionStatsTable;
}

/** 0001: tenants, keys, accounts, the connection graph, guardians, settings, audit chain, decision counts. */
import type { Kysely, Migration } from 'kysely';

export const initialSchema: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tenants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('salt', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('api_keys_tenant').on('api_keys').columns(['tenant_id']).execute();

    await db.schema
      .createTable('accounts')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('birth_date', 'text')
      .addColumn('declared_band', 'text')
      .addColumn('assurance_method', 'text')
      .addColumn('assurance_checked_at', 'text')
      .addColumn('jurisdiction', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('accounts_pk', ['tenant_id', 'id'])
      .execute();

    await db.schema
      .createTable('connections')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('peer_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('connections_pk', ['tenant_id', 'account_id', 'peer_id'])
      .execute();

    await db.schema
      .createTable('blocks')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('blocker_id', 'text', (c) => c.notNull())
      .addColumn('blocked_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('blocks_pk', ['tenant_id', 'blocker_id', 'blocked_id'])
      .execute();
    await db.schema.createIndex('blocks_blocked').on('blocks').columns(['tenant_id', 'blocked_id']).execute();

    await db.schema
      .createTable('mutes')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('muter_id', 'text', (c) => c.notNull())
      .addColumn('muted_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('mutes_pk', ['tenant_id', 'muter_id', 'muted_id'])
      .execute();

    await db.schema
      .createTable('connection_events')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('connection_events_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('connection_events_actor')
      .on('connection_events')
      .columns(['tenant_id', 'actor_id', 'at'])
      .execute();
    await db.schema
      .createIndex('connection_events_target')
      .on('connection_events')
      .columns(['tenant_id', 'target_id', 'at'])
      .execute();

    await db.schema
      .createTable('guardians')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('guardian_id', 'text', (c) => c.notNull())
      .addColumn('child_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('guardians_pk', ['tenant_id', 'child_id', 'guardian_id'])
      .execute();
    await db.schema.createIndex('guardians_guardian').on('guardians').columns(['tenant_id', 'guardian_id']).execute();

    await db.schema
      .createTable('settings')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('set_by', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('expires_at', 'bigint')
      .addColumn('changed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('settings_pk', ['tenant_id', 'account_id', 'key'])
      .execute();

    await db.schema
      .createTable('guardian_requests')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('child_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('decided_by', 'text')
      .addPrimaryKeyConstraint('guardian_requests_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('guardian_requests_child')
      .on('guardian_requests')
      .columns(['tenant_id', 'child_id', 'status'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_log_pk', ['tenant_id', 'seq'])
      .execute();
    await db.schema.createIndex('audit_log_action').on('audit_log').columns(['tenant_id', 'action', 'at']).execute();

    await db.schema
      .createTable('audit_heads')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('decision_stats')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('decision_stats_pk', ['tenant_id', 'day', 'action', 'outcome', 'rule_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'decision_stats',
      'audit_heads',
      'audit_log',
      'guardian_requests',
      'settings',
      'guardians',
      'connection_events',
      'mutes',
      'blocks',
      'connections',
      'accounts',
      'api_keys',
      'tenants',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

/**
 * 0005: the regulator's toolkit — the breach register, what a tenant has disclosed to its regulator,
 * signed disclosure bundles (manifest, signature and JSON Lines files), the tenant's bundle-signing
 * key, stored conformance runs, and monthly active recipients reported by the platform (DSA Art 24(2):
 * the one transparency figure Safeguard cannot observe itself). Every table leads with tenant_id.
 */
import type { Kysely, Migration } from 'kysely';

export const regulatorSchema: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('regulator_breaches')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('period_from', 'text', (c) => c.notNull())
      .addColumn('period_to', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('penalty', 'text')
      .addColumn('penalty_result', 'text')
      .addColumn('history', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('regulator_breaches_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('regulator_breaches_recorded').on('regulator_breaches').columns(['tenant_id', 'recorded_at', 'id']).execute();

    await db.schema
      .createTable('regulator_disclosures')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('period_from', 'text')
      .addColumn('period_to', 'text')
      .addColumn('reference', 'text')
      .addColumn('note', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addPrimaryKeyConstraint('regulator_disclosures_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('regulator_disclosures_kind').on('regulator_disclosures').columns(['tenant_id', 'kind', 'created_at']).execute();

    await db.schema
      .createTable('regulator_bundles')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('period_from', 'text', (c) => c.notNull())
      .addColumn('period_to', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('manifest', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('regulator_bundles_pk', ['tenant_id', 'id'])
      .execute();

    // JSON Lines are text: one row per file chunk keeps rows bounded for large files.
    await db.schema
      .createTable('regulator_bundle_files')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('bundle_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('part', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('regulator_bundle_files_pk', ['tenant_id', 'bundle_id', 'name', 'part'])
      .execute();

    await db.schema
      .createTable('regulator_signing_keys')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .addPrimaryKeyConstraint('regulator_signing_keys_pk', ['tenant_id', 'fingerprint'])
      .execute();

    await db.schema
      .createTable('regulator_conformance_runs')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text', (c) => c.notNull())
      .addColumn('passed', 'integer', (c) => c.notNull())
      .addColumn('failed', 'integer', (c) => c.notNull())
      .addColumn('not_applicable', 'integer', (c) => c.notNull())
      .addColumn('results', 'text', (c) => c.notNull())
      .addColumn('stored_at', 'text', (c) => c.notNull())
      .addColumn('stored_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('regulator_conformance_runs_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('regulator_conformance_started').on('regulator_conformance_runs').columns(['tenant_id', 'started_at', 'id']).execute();

    await db.schema
      .createTable('transparency_recipients')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('recipients', 'bigint', (c) => c.notNull())
      .addColumn('reported_at', 'text', (c) => c.notNull())
      .addColumn('reported_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('transparency_recipients_pk', ['tenant_id', 'month', 'scope'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'transparency_recipients',
      'regulator_conformance_runs',
      'regulator_signing_keys',
      'regulator_bundle_files',
      'regulator_bundles',
      'regulator_disclosures',
      'regulator_breaches',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

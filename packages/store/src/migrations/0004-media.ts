/** 0004: hash banks and their entries, uploaded media records (hashes, decisions, evidence), media settings. */
import type { Kysely, Migration } from 'kysely';

export const mediaSchema: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hash_banks')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('next_entry_id', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('hash_banks_pk', ['tenant_id', 'id'])
      .execute();

    await db.schema
      .createTable('hash_bank_entries')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('bank_id', 'text', (c) => c.notNull())
      .addColumn('entry_id', 'integer', (c) => c.notNull())
      .addColumn('signal_type', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('provenance', 'text', (c) => c.notNull())
      .addColumn('quality', 'integer')
      .addColumn('tombstoned', 'integer', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addColumn('tombstoned_at', 'text')
      .addPrimaryKeyConstraint('hash_bank_entries_pk', ['tenant_id', 'bank_id', 'entry_id'])
      .execute();
    await db.schema
      .createIndex('hash_bank_entries_hash')
      .on('hash_bank_entries')
      .columns(['tenant_id', 'signal_type', 'hash'])
      .execute();

    await db.schema
      .createTable('media_items')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('uploader_id', 'text', (c) => c.notNull())
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('context', 'text', (c) => c.notNull())
      .addColumn('hashes', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('alert_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retain_until', 'text')
      .addColumn('legal_hold', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('media_items_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('media_items_created').on('media_items').columns(['tenant_id', 'created_at']).execute();
    await db.schema.createIndex('media_items_uploader').on('media_items').columns(['tenant_id', 'uploader_id']).execute();

    /** The bytes of matched media, kept only when the tenant enables it (base64, for both databases). */
    await db.schema
      .createTable('media_evidence')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('media_id', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('retain_until', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('media_evidence_pk', ['tenant_id', 'media_id'])
      .execute();

    await db.schema
      .createTable('media_settings')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['media_settings', 'media_evidence', 'media_items', 'hash_bank_entries', 'hash_banks']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

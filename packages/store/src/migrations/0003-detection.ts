/** 0003: message ingestion (idempotent), conversation state for streaming detection, alerts, per-account conversation scores. */
import type { Kysely, Migration } from 'kysely';

export const detectionSchema: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('messages')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('sender_id', 'text', (c) => c.notNull())
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('text', 'text')
      .addColumn('text_chars', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('sender_risk', 'real', (c) => c.notNull())
      .addColumn('signals', 'text', (c) => c.notNull())
      .addColumn('alert_id', 'text')
      .addPrimaryKeyConstraint('messages_pk', ['tenant_id', 'idempotency_key'])
      .execute();
    await db.schema
      .createIndex('messages_conversation')
      .on('messages')
      .columns(['tenant_id', 'conversation_id', 'seq'])
      .execute();
    await db.schema.createIndex('messages_received').on('messages').columns(['tenant_id', 'received_at']).execute();

    await db.schema
      .createTable('conversations')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('messages', 'integer', (c) => c.notNull())
      .addColumn('score', 'real', (c) => c.notNull())
      .addColumn('alert_id', 'text')
      .addColumn('retain_text', 'integer', (c) => c.notNull())
      .addColumn('first_at', 'text', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversations_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('conversations_last').on('conversations').columns(['tenant_id', 'retain_text', 'last_at']).execute();

    await db.schema
      .createTable('conversation_participants')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('score', 'real', (c) => c.notNull())
      .addColumn('with_child', 'integer', (c) => c.notNull())
      .addColumn('alerted', 'integer', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_participants_pk', ['tenant_id', 'conversation_id', 'account_id'])
      .execute();
    await db.schema
      .createIndex('conversation_participants_account')
      .on('conversation_participants')
      .columns(['tenant_id', 'account_id', 'last_at'])
      .execute();

    await db.schema
      .createTable('alerts')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text')
      .addColumn('conversation_id', 'text')
      .addColumn('message_index', 'integer')
      .addColumn('score', 'real', (c) => c.notNull())
      .addColumn('signals', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text')
      .addColumn('raised_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('alerts_pk', ['tenant_id', 'id'])
      .addUniqueConstraint('alerts_dedupe', ['tenant_id', 'dedupe_key'])
      .execute();
    await db.schema.createIndex('alerts_raised').on('alerts').columns(['tenant_id', 'raised_at']).execute();
    await db.schema.createIndex('alerts_account').on('alerts').columns(['tenant_id', 'account_id', 'kind']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['alerts', 'conversation_participants', 'conversations', 'messages']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

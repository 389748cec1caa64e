/**
 * 0002: reports, complaints and moderation — cases and what joins them (reports, detection alerts,
 * participants, evidence), the case timeline, decisions with their statements of reasons, strikes,
 * appeals, legal holds, law-enforcement referrals, webhook endpoints and the durable webhook outbox,
 * and per-tenant case settings. Every table leads with tenant_id.
 *
 * Indexes serve the console's hot paths with keyset pagination: the queue (status, severity rank,
 * SLA deadline, id), a case's rows by case id, prior cases by subject account, dashboards by time,
 * and the delivery service's scan of due webhooks.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const casesSchema: Migration = {
  async up(db: Kysely<unknown>) {
    // Per-day counts kept as things happen (dashboards and transparency read a few rows).
    await db.schema
      .createTable('case_daily_counts')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_daily_counts_pk', ['tenant_id', 'day', 'metric', 'key'])
      .execute();

    await db.schema
      .createTable('case_settings')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('cases')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('subject_account_id', 'text', (c) => c.notNull())
      .addColumn('subject_type_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('severity_rank', 'integer', (c) => c.notNull())
      .addColumn('sla_due_ms', 'bigint', (c) => c.notNull())
      .addColumn('primary_reason', 'text', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('child_safety_types', 'text', (c) => c.notNull())
      .addColumn('sources', 'text', (c) => c.notNull())
      .addColumn('involves_child', 'integer', (c) => c.notNull())
      .addColumn('report_count', 'integer', (c) => c.notNull())
      .addColumn('alert_count', 'integer', (c) => c.notNull())
      .addColumn('triage_why', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('opened_ms', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('assignee', 'text')
      .addColumn('lock_expires_ms', 'bigint')
      .addColumn('first_decision_ms', 'bigint')
      .addColumn('decided_at', 'text')
      .addColumn('latest_decision_id', 'text')
      .addColumn('latest_action', 'text')
      .addPrimaryKeyConstraint('cases_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('cases_queue').on('cases').columns(['tenant_id', 'status', 'severity_rank', 'sla_due_ms', 'id']).execute();
    await db.schema.createIndex('cases_subject').on('cases').columns(['tenant_id', 'subject_account_id', 'opened_ms']).execute();
    // Dashboards group by day and severity without reading the table rows.
    await db.schema.createIndex('cases_opened').on('cases').columns(['tenant_id', 'opened_ms', 'severity']).execute();
    // Live locks, for the queue's unassigned counts.
    await db.schema.createIndex('cases_locks').on('cases').columns(['tenant_id', 'status', 'lock_expires_ms']).execute();
    await db.schema.createIndex('cases_first_decision').on('cases').columns(['tenant_id', 'first_decision_ms']).execute();
    // At most one open case per account: reports and alerts about it merge into that one.
    await db.schema
      .createIndex('cases_one_open_per_subject')
      .on('cases')
      .columns(['tenant_id', 'subject_account_id'])
      .unique()
      .where(sql.ref('status'), '=', 'open')
      .execute();

    await db.schema
      .createTable('case_participants')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_participants_pk', ['tenant_id', 'case_id', 'account_id', 'role'])
      .execute();
    await db.schema.createIndex('case_participants_account').on('case_participants').columns(['tenant_id', 'account_id']).execute();

    await db.schema
      .createTable('case_reports')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('body_digest', 'text', (c) => c.notNull())
      .addColumn('reporter_kind', 'text', (c) => c.notNull())
      .addColumn('reporter_id', 'text')
      .addColumn('reporter_type_id', 'text')
      .addColumn('reporter_name', 'text')
      .addColumn('reporter_is_child', 'integer', (c) => c.notNull())
      .addColumn('reason_code', 'text', (c) => c.notNull())
      .addColumn('reason_text', 'text')
      .addColumn('csam_flag', 'integer', (c) => c.notNull())
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('subject_account_id', 'text', (c) => c.notNull())
      .addColumn('reported_item_id', 'text', (c) => c.notNull())
      .addColumn('reported_item_type', 'text', (c) => c.notNull())
      .addColumn('reported_item_kind', 'text', (c) => c.notNull())
      .addColumn('order_authority', 'text')
      .addColumn('order_reference', 'text')
      .addColumn('order_member_state', 'text')
      .addColumn('reported_at', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('received_ms', 'bigint', (c) => c.notNull())
      .addColumn('thread_size', 'integer', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('warnings', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_reports_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('case_reports_idempotency').on('case_reports').columns(['tenant_id', 'idempotency_key']).unique().execute();
    await db.schema.createIndex('case_reports_case').on('case_reports').columns(['tenant_id', 'case_id']).execute();
    await db.schema.createIndex('case_reports_received').on('case_reports').columns(['tenant_id', 'received_ms', 'reporter_kind']).execute();

    await db.schema
      .createTable('case_alerts')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('reason_code', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('other_account_ids', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text')
      .addColumn('score', 'double precision', (c) => c.notNull())
      .addColumn('signals', 'text', (c) => c.notNull())
      .addColumn('hash_matches', 'text', (c) => c.notNull())
      .addColumn('summary', 'text')
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('raised_at', 'text', (c) => c.notNull())
      .addColumn('received_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_alerts_pk', ['tenant_id', 'alert_id'])
      .execute();
    await db.schema.createIndex('case_alerts_case').on('case_alerts').columns(['tenant_id', 'case_id']).execute();
    await db.schema.createIndex('case_alerts_received').on('case_alerts').columns(['tenant_id', 'received_ms', 'kind']).execute();

    await db.schema
      .createTable('case_events')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_events_pk', ['tenant_id', 'case_id', 'seq'])
      .execute();

    await db.schema
      .createTable('case_evidence')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text')
      .addColumn('message_index', 'integer')
      .addColumn('item_id', 'text')
      .addColumn('item_type', 'text')
      .addColumn('from_account', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('sort_key', 'text', (c) => c.notNull())
      .addColumn('text', 'text')
      .addColumn('media', 'text')
      .addColumn('data', 'text')
      .addColumn('flagged', 'integer', (c) => c.notNull())
      .addColumn('captured_at', 'text', (c) => c.notNull())
      .addColumn('retain_until_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_evidence_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('case_evidence_key').on('case_evidence').columns(['tenant_id', 'case_id', 'key']).unique().execute();
    await db.schema.createIndex('case_evidence_order').on('case_evidence').columns(['tenant_id', 'case_id', 'sort_key', 'id']).execute();
    await db.schema.createIndex('case_evidence_retention').on('case_evidence').columns(['tenant_id', 'retain_until_ms']).execute();

    await db.schema
      .createTable('case_decisions')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('subject_account_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('reason_code', 'text', (c) => c.notNull())
      .addColumn('basis', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('automated_detection', 'integer', (c) => c.notNull())
      .addColumn('decided_by', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text', (c) => c.notNull())
      .addColumn('decided_ms', 'bigint', (c) => c.notNull())
      .addColumn('end_date', 'text')
      .addColumn('remove_content', 'integer', (c) => c.notNull())
      .addColumn('facts', 'text')
      .addColumn('sor', 'text', (c) => c.notNull())
      .addColumn('sor_required', 'integer', (c) => c.notNull())
      .addColumn('strikes_added', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_changed_at', 'text')
      .addColumn('origin_appeal_id', 'text')
      .addPrimaryKeyConstraint('case_decisions_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('case_decisions_case').on('case_decisions').columns(['tenant_id', 'case_id']).execute();
    await db.schema.createIndex('case_decisions_time').on('case_decisions').columns(['tenant_id', 'decided_ms', 'id', 'action']).execute();
    await db.schema.createIndex('case_decisions_subject').on('case_decisions').columns(['tenant_id', 'subject_account_id']).execute();

    await db.schema
      .createTable('case_strikes')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('decision_id', 'text', (c) => c.notNull())
      .addColumn('weight', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('expires_ms', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addPrimaryKeyConstraint('case_strikes_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('case_strikes_account').on('case_strikes').columns(['tenant_id', 'account_id', 'expires_ms']).execute();
    await db.schema.createIndex('case_strikes_decision').on('case_strikes').columns(['tenant_id', 'decision_id']).execute();

    await db.schema
      .createTable('case_appeals')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('decision_id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('original_action', 'text', (c) => c.notNull())
      .addColumn('appellant_id', 'text', (c) => c.notNull())
      .addColumn('appellant_type_id', 'text', (c) => c.notNull())
      .addColumn('appellant_role', 'text', (c) => c.notNull())
      .addColumn('appellant_is_child', 'integer', (c) => c.notNull())
      .addColumn('reason_text', 'text')
      .addColumn('lodged_at', 'text', (c) => c.notNull())
      .addColumn('lodged_ms', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('decided_ms', 'bigint')
      .addColumn('handling_ms', 'bigint')
      .addColumn('explanation', 'text')
      .addColumn('replacement_decision_id', 'text')
      .addColumn('assignee', 'text')
      .addColumn('lock_expires_ms', 'bigint')
      .addPrimaryKeyConstraint('case_appeals_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('case_appeals_external').on('case_appeals').columns(['tenant_id', 'external_id']).unique().execute();
    await db.schema.createIndex('case_appeals_queue').on('case_appeals').columns(['tenant_id', 'status', 'lodged_ms', 'id']).execute();
    await db.schema.createIndex('case_appeals_decision').on('case_appeals').columns(['tenant_id', 'decision_id']).execute();
    await db.schema.createIndex('case_appeals_decided').on('case_appeals').columns(['tenant_id', 'decided_ms']).execute();

    await db.schema
      .createTable('case_legal_holds')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('authority', 'text')
      .addColumn('reference', 'text')
      .addColumn('placed_by', 'text', (c) => c.notNull())
      .addColumn('placed_at', 'text', (c) => c.notNull())
      .addColumn('released_by', 'text')
      .addColumn('released_at', 'text')
      .addPrimaryKeyConstraint('case_legal_holds_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('case_legal_holds_case').on('case_legal_holds').columns(['tenant_id', 'case_id']).execute();

    await db.schema
      .createTable('case_referrals')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('decision_id', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('incident_type', 'text', (c) => c.notNull())
      .addColumn('include_media', 'integer', (c) => c.notNull())
      .addColumn('input', 'text')
      .addColumn('detected_ms', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .addColumn('exported_at', 'text')
      .addColumn('exported_by', 'text')
      .addColumn('submitted_at', 'text')
      .addColumn('external_report_id', 'text')
      .addColumn('retain_until_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_referrals_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('case_referrals_queue').on('case_referrals').columns(['tenant_id', 'status', 'created_ms', 'id']).execute();
    await db.schema.createIndex('case_referrals_case').on('case_referrals').columns(['tenant_id', 'case_id']).execute();

    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_endpoints_pk', ['tenant_id', 'id'])
      .execute();

    await db.schema
      .createTable('webhook_outbox')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('endpoint_id', 'text')
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_ms', 'bigint', (c) => c.notNull())
      .addColumn('lease_until_ms', 'bigint')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_ms', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addPrimaryKeyConstraint('webhook_outbox_pk', ['tenant_id', 'id'])
      .execute();
    // The delivery service scans all tenants for due deliveries.
    await db.schema.createIndex('webhook_outbox_due').on('webhook_outbox').columns(['status', 'next_attempt_ms']).execute();
    await db.schema.createIndex('webhook_outbox_list').on('webhook_outbox').columns(['tenant_id', 'status', 'created_ms', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'webhook_outbox',
      'webhook_endpoints',
      'case_referrals',
      'case_legal_holds',
      'case_appeals',
      'case_strikes',
      'case_decisions',
      'case_evidence',
      'case_events',
      'case_alerts',
      'case_reports',
      'case_participants',
      'cases',
      'case_settings',
      'case_daily_counts',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

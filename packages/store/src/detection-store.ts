/**
 * Persistence for streaming detection: ingested messages (idempotent by key), per-conversation
 * detector state, per-account conversation scores (for account-level aggregation) and alerts.
 *
 * Privacy: message text is stored only while it may still be needed as evidence — conversations
 * with an alert or a report keep it (retain_text); elsewhere `purgeUnretainedText` removes text
 * older than the configured window, leaving only metadata and detection features.
 */
import type { SafeguardStore } from './store.js';

export interface MessagesTable {
  tenant_id: string;
  idempotency_key: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  /** JSON array of account ids. */
  recipients: string;
  sent_at: string;
  received_at: string;
  text: string | null;
  text_chars: number;
  action: string;
  sender_risk: number;
  /** JSON array of signals raised by this message. */
  signals: string;
  alert_id: string | null;
}

export interface ConversationsTable {
  tenant_id: string;
  id: string;
  /** Serialised detector state (JSON). */
  state: string;
  messages: number;
  score: number;
  alert_id: string | null;
  retain_text: number;
  first_at: string;
  last_at: string;
}

export interface ConversationParticipantsTable {
  tenant_id: string;
  conversation_id: string;
  account_id: string;
  score: number;
  with_child: number;
  alerted: number;
  last_at: string;
}

export interface AlertsTable {
  tenant_id: string;
  id: string;
  kind: string;
  /** One alert per dedupe key (e.g. per conversation, or per account and kind). */
  dedupe_key: string;
  account_id: string | null;
  conversation_id: string | null;
  message_index: number | null;
  score: number;
  signals: string;
  details: string;
  status: string;
  case_id: string | null;
  raised_at: string;
}

declare module './schema.js' {
  interface Database {
    messages: MessagesTable;
    conversations: ConversationsTable;
    conversation_participants: ConversationParticipantsTable;
    alerts: AlertsTable;
  }
}

export interface StoredSignal {
  readonly type: string;
  readonly message: number;
  readonly participant: string | null;
  readonly detail?: string | undefined;
}

export interface MessageRecord {
  readonly idempotencyKey: string;
  readonly conversationId: string;
  readonly seq: number;
  readonly senderId: string;
  readonly recipients: readonly string[];
  readonly sentAt: string;
  readonly receivedAt: string;
  readonly text: string | null;
  readonly textChars: number;
  readonly action: string;
  readonly senderRisk: number;
  readonly signals: readonly StoredSignal[];
  readonly alertId: string | null;
}

export interface ConversationRecord {
  readonly id: string;
  readonly state: string;
  readonly messages: number;
  readonly score: number;
  readonly alertId: string | null;
  readonly retainText: boolean;
  readonly firstAt: string;
  readonly lastAt: string;
}

export interface ParticipantScore {
  readonly conversationId: string;
  readonly accountId: string;
  readonly score: number;
  readonly withChild: boolean;
  readonly alerted: boolean;
  readonly lastAt: string;
}

export type AlertKind = 'grooming' | 'account-risk' | 'contact-risk' | 'hash-match' | 'nudity';

export interface AlertRecord {
  readonly id: string;
  readonly kind: AlertKind;
  readonly dedupeKey: string;
  readonly accountId: string | null;
  readonly conversationId: string | null;
  readonly messageIndex: number | null;
  readonly score: number;
  readonly signals: readonly StoredSignal[];
  readonly details: Readonly<Record<string, unknown>>;
  readonly status: 'open' | 'closed';
  readonly caseId: string | null;
  readonly raisedAt: string;
}

const CHUNK = 400;
/** Signals kept on one alert (its explanation); a long conversation's later signals stop here. */
export const MAX_ALERT_SIGNALS = 500;
function* chunks<T>(items: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

const toMessage = (r: MessagesTable): MessageRecord => ({
  idempotencyKey: r.idempotency_key,
  conversationId: r.conversation_id,
  seq: Number(r.seq),
  senderId: r.sender_id,
  recipients: JSON.parse(r.recipients) as string[],
  sentAt: r.sent_at,
  receivedAt: r.received_at,
  text: r.text,
  textChars: Number(r.text_chars),
  action: r.action,
  senderRisk: Number(r.sender_risk),
  signals: JSON.parse(r.signals) as StoredSignal[],
  alertId: r.alert_id,
});

const toAlert = (r: AlertsTable): AlertRecord => ({
  id: r.id,
  kind: r.kind as AlertKind,
  dedupeKey: r.dedupe_key,
  accountId: r.account_id,
  conversationId: r.conversation_id,
  messageIndex: r.message_index === null ? null : Number(r.message_index),
  score: Number(r.score),
  signals: JSON.parse(r.signals) as StoredSignal[],
  details: JSON.parse(r.details) as Record<string, unknown>,
  status: r.status as 'open' | 'closed',
  caseId: r.case_id,
  raisedAt: r.raised_at,
});

export class DetectionStore {
  constructor(private readonly store: SafeguardStore) {}

  private get db() {
    return this.store.db;
  }

  /** Stored messages for these idempotency keys (to answer duplicates without reprocessing). */
  async findMessages(tenantId: string, keys: readonly string[]): Promise<Map<string, MessageRecord>> {
    const out = new Map<string, MessageRecord>();
    for (const part of chunks([...new Set(keys)])) {
      const rows = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('idempotency_key', 'in', part)
        .execute();
      for (const r of rows) out.set(r.idempotency_key, toMessage(r));
    }
    return out;
  }

  async insertMessages(tenantId: string, messages: readonly MessageRecord[]): Promise<void> {
    await this.store.insertRows(
      'messages',
      messages.map((m) => ({
        tenant_id: tenantId,
        idempotency_key: m.idempotencyKey,
        conversation_id: m.conversationId,
        seq: m.seq,
        sender_id: m.senderId,
        recipients: JSON.stringify(m.recipients),
        sent_at: m.sentAt,
        received_at: m.receivedAt,
        text: m.text,
        text_chars: m.textChars,
        action: m.action,
        sender_risk: m.senderRisk,
        signals: JSON.stringify(m.signals),
        alert_id: m.alertId,
      })),
    );
  }

  async conversationMessages(
    tenantId: string,
    conversationId: string,
    options: { afterSeq?: number; limit?: number } = {},
  ): Promise<MessageRecord[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', options.afterSeq ?? -1)
      .orderBy('seq')
      .limit(options.limit ?? 500)
      .execute();
    return rows.map(toMessage);
  }

  async loadConversations(tenantId: string, ids: readonly string[]): Promise<Map<string, ConversationRecord>> {
    const out = new Map<string, ConversationRecord>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.db.selectFrom('conversations').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', part).execute();
      for (const r of rows) {
        out.set(r.id, {
          id: r.id,
          state: r.state,
          messages: Number(r.messages),
          score: Number(r.score),
          alertId: r.alert_id,
          retainText: Number(r.retain_text) === 1,
          firstAt: r.first_at,
          lastAt: r.last_at,
        });
      }
    }
    return out;
  }

  async saveConversations(tenantId: string, conversations: readonly ConversationRecord[]): Promise<void> {
    await this.store.insertRows(
      'conversations',
      conversations.map((c) => ({
        tenant_id: tenantId,
        id: c.id,
        state: c.state,
        messages: c.messages,
        score: c.score,
        alert_id: c.alertId,
        retain_text: c.retainText ? 1 : 0,
        first_at: c.firstAt,
        last_at: c.lastAt,
      })),
      { onConflict: { columns: ['tenant_id', 'id'], update: ['state', 'messages', 'score', 'alert_id', 'retain_text', 'last_at'] } },
    );
  }

  async saveParticipantScores(tenantId: string, scores: readonly ParticipantScore[]): Promise<void> {
    await this.store.insertRows(
      'conversation_participants',
      scores.map((p) => ({
        tenant_id: tenantId,
        conversation_id: p.conversationId,
        account_id: p.accountId,
        score: p.score,
        with_child: p.withChild ? 1 : 0,
        alerted: p.alerted ? 1 : 0,
        last_at: p.lastAt,
      })),
      { onConflict: { columns: ['tenant_id', 'conversation_id', 'account_id'], update: ['score', 'with_child', 'alerted', 'last_at'] } },
    );
  }

  /** An account's most recent conversation scores (for account-level aggregation). */
  async recentParticipantScores(tenantId: string, accountId: string, since: string, limit = 200): Promise<ParticipantScore[]> {
    const rows = await this.db
      .selectFrom('conversation_participants')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('account_id', '=', accountId)
      .where('last_at', '>=', since)
      .orderBy('last_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      conversationId: r.conversation_id,
      accountId: r.account_id,
      score: Number(r.score),
      withChild: Number(r.with_child) === 1,
      alerted: Number(r.alerted) === 1,
      lastAt: r.last_at,
    }));
  }

  /**
   * Records an alert once per dedupe key. Returns the stored alert and whether it is new (a
   * retried ingest or a second worker raising the same alert gets the existing one).
   */
  async raiseAlert(tenantId: string, alert: AlertRecord): Promise<{ alert: AlertRecord; created: boolean }> {
    const existing = await this.findAlertByDedupeKey(tenantId, alert.dedupeKey);
    if (existing) return { alert: existing, created: false };
    const result = await this.db
      .insertInto('alerts')
      .values({
        tenant_id: tenantId,
        id: alert.id,
        kind: alert.kind,
        dedupe_key: alert.dedupeKey,
        account_id: alert.accountId,
        conversation_id: alert.conversationId,
        message_index: alert.messageIndex,
        score: alert.score,
        signals: JSON.stringify(alert.signals),
        details: JSON.stringify(alert.details),
        status: alert.status,
        case_id: alert.caseId,
        raised_at: alert.raisedAt,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'dedupe_key']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) {
      const winner = await this.findAlertByDedupeKey(tenantId, alert.dedupeKey);
      if (winner) return { alert: winner, created: false };
    }
    return { alert, created: true };
  }

  async findAlertByDedupeKey(tenantId: string, dedupeKey: string): Promise<AlertRecord | undefined> {
    const row = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('dedupe_key', '=', dedupeKey)
      .executeTakeFirst();
    return row && toAlert(row);
  }

  async getAlert(tenantId: string, id: string): Promise<AlertRecord | undefined> {
    const row = await this.db.selectFrom('alerts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row && toAlert(row);
  }

  /**
   * Adds the signals of messages that arrived after an alert to it, so the alert keeps explaining
   * the whole conversation; the list is capped at `max` (the oldest, which raised it, are kept).
   */
  async appendAlertSignals(tenantId: string, id: string, signals: readonly StoredSignal[], max = MAX_ALERT_SIGNALS): Promise<void> {
    if (signals.length === 0) return;
    const row = await this.db.selectFrom('alerts').select('signals').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!row) return;
    const current = JSON.parse(row.signals) as StoredSignal[];
    if (current.length >= max) return;
    const next = [...current, ...signals].slice(0, max);
    await this.db.updateTable('alerts').set({ signals: JSON.stringify(next) }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  async setAlertCase(tenantId: string, id: string, caseId: string): Promise<void> {
    await this.db.updateTable('alerts').set({ case_id: caseId }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  /** Alerts newest first, keyset-paginated by (raised_at, id). */
  async listAlerts(
    tenantId: string,
    options: { kind?: string; accountId?: string; status?: string; before?: { raisedAt: string; id: string }; limit?: number } = {},
  ): Promise<AlertRecord[]> {
    let query = this.db.selectFrom('alerts').selectAll().where('tenant_id', '=', tenantId);
    if (options.kind) query = query.where('kind', '=', options.kind);
    if (options.accountId) query = query.where('account_id', '=', options.accountId);
    if (options.status) query = query.where('status', '=', options.status);
    const before = options.before;
    if (before) {
      query = query.where((eb) =>
        eb.or([eb('raised_at', '<', before.raisedAt), eb.and([eb('raised_at', '=', before.raisedAt), eb('id', '<', before.id)])]),
      );
    }
    const rows = await query.orderBy('raised_at', 'desc').orderBy('id', 'desc').limit(options.limit ?? 100).execute();
    return rows.map(toAlert);
  }

  /** Every alert raised in [from, to) in time order (transparency reporting). */
  async *alertsBetween(tenantId: string, from: string, to: string, pageSize = 2000): AsyncGenerator<AlertRecord> {
    let after = { raisedAt: from, id: '' };
    for (;;) {
      const rows = await this.db
        .selectFrom('alerts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) =>
          eb.or([eb('raised_at', '>', after.raisedAt), eb.and([eb('raised_at', '=', after.raisedAt), eb('id', '>', after.id)])]),
        )
        .where('raised_at', '<', to)
        .orderBy('raised_at')
        .orderBy('id')
        .limit(pageSize)
        .execute();
      for (const r of rows) yield toAlert(r);
      const last = rows[rows.length - 1];
      if (!last || rows.length < pageSize) return;
      after = { raisedAt: last.raised_at, id: last.id };
    }
  }

  /** Keep this conversation's text (it has an alert or a report). */
  async retainConversationText(tenantId: string, conversationId: string): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ retain_text: 1 })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', conversationId)
      .execute();
  }

  /**
   * Removes the text of messages received before `before` in conversations that keep no text
   * (no alert, no report). Returns how many messages lost their text.
   */
  async purgeUnretainedText(tenantId: string, before: string): Promise<number> {
    const result = await this.db
      .updateTable('messages')
      .set({ text: null })
      .where('tenant_id', '=', tenantId)
      .where('received_at', '<', before)
      .where('text', 'is not', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('conversations')
              .select('conversations.id')
              .whereRef('conversations.tenant_id', '=', 'messages.tenant_id')
              .whereRef('conversations.id', '=', 'messages.conversation_id')
              .where('conversations.retain_text', '=', 1),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

/**
 * Message ingestion with streaming grooming detection (issue 3).
 *
 * For each batch: messages already seen (same idempotency key) get their stored answer and are not
 * processed again; new messages are scored in arrival order per conversation by the grooming
 * detector, whose per-conversation state lives in the store, so processing can restart or move.
 * Messages, states, participant scores and any alerts commit in ONE transaction before the batch
 * is answered: an acknowledged message is never lost, and a retried batch changes nothing.
 *
 * Alerts: one per conversation (grooming), and one per account and month when its recent
 * conversations with children form a risky tail (account-risk, Sentinel-style) although no single
 * conversation alerted. Alert hooks (opening a moderation case) run inside the same transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '@safeguard/core';
import {
  aggregateAccountRisk,
  createGroomingDetector,
  type DetectedSignal,
  type GroomingDetector,
  type GroomingState,
  type MessageAction,
  type ParticipantFacts,
} from '@safeguard/detect-text';
import type { ResolvedAccount } from '@safeguard/policy';
import {
  DetectionStore,
  MAX_ALERT_SIGNALS,
  type AlertRecord,
  type StoredSignal,
  type ConversationRecord,
  type MessageRecord,
  type ParticipantScore,
  type SafeguardStore,
} from '@safeguard/store';
import type { PolicyService } from './policy-service.js';
import { ConversationStateCache, type CachedConversationState } from './state-cache.js';
import { TtlCache } from './ttl-cache.js';

export interface IncomingMessage {
  readonly idempotencyKey: string;
  readonly conversationId: string;
  readonly sender: string;
  readonly recipients: readonly string[];
  readonly timestamp?: string | undefined;
  readonly text: string;
}

export interface MessageSignal {
  readonly type: string;
  readonly participant: string | null;
  readonly detail?: string | undefined;
}

export interface MessageResult {
  readonly idempotencyKey: string;
  readonly conversationId: string;
  /** 0-based position of the message in its conversation. */
  readonly index: number;
  readonly action: MessageAction;
  readonly duplicate: boolean;
  /** Risk that the sender is grooming, after this message (0..1). */
  readonly senderRisk: number;
  /** The alert this message raised, if it raised one. */
  readonly alertId: string | null;
  readonly signals: readonly MessageSignal[];
  readonly warnings: readonly string[];
  /**
   * Queued for a worker (scale-out mode): the action is a preview computed from the stored
   * conversation state; the worker's processing is authoritative and raises any alert.
   */
  readonly queued?: boolean;
}

/** Called inside the ingest transaction for every new alert (for example to open a case). */
export type AlertHook = (store: SafeguardStore, tenantId: string, alert: AlertRecord) => Promise<void>;

interface QueuedBatch {
  readonly tenantId: string;
  readonly batch: readonly IncomingMessage[];
  readonly receivedAt: string | undefined;
  resolve(results: MessageResult[]): void;
  reject(error: unknown): void;
}

/** Batches grouped into one transaction hold at most this many messages together. */
const MAX_GROUP_MESSAGES = 8000;

/**
 * Called once per batch inside the ingest transaction with the new messages of conversations that
 * already have an alert (for example to preserve them with the alert's case).
 */
export type AlertedConversationHook = (
  store: SafeguardStore,
  tenantId: string,
  followUps: readonly { readonly alertId: string; readonly messages: readonly MessageRecord[] }[],
) => Promise<void>;

export interface IngestOptions {
  readonly detector?: GroomingDetector;
  readonly clock?: Clock;
  readonly alertHooks?: readonly AlertHook[];
  readonly alertedConversationHooks?: readonly AlertedConversationHook[];
  /** Parsed states of this many recently active conversations are kept in memory (0: none). */
  readonly stateCacheEntries?: number;
}

/** About 3 KB each: 10,000 recently active conversations cost some 30 MB. */
const DEFAULT_STATE_CACHE_ENTRIES = 10_000;

const ACCOUNT_WINDOW_DAYS = 30;
const NO_CHILDREN: ReadonlySet<string> = new Set();

/** What a batch needs to know about the accounts in it. */
interface BatchFacts {
  readonly accounts: ReadonlyMap<string, ResolvedAccount>;
  /** Children this account is a linked guardian of. */
  childrenOf(id: string): ReadonlySet<string>;
}

/**
 * A message between a linked guardian and their own child: the platform knows the relationship,
 * so family talk ("don't tell dad about the surprise party") is never escalated.
 */
function isFamilyMessage(facts: BatchFacts, sender: string, recipients: readonly string[]): boolean {
  const mine = facts.childrenOf(sender);
  if (recipients.length > 0 && recipients.every((r) => mine.has(r))) return true;
  return recipients.length > 0 && recipients.every((r) => facts.childrenOf(r).has(sender));
}

/** Whether the suspected account is a linked guardian of every child in the conversation. */
function guardsEveryChild(facts: BatchFacts, suspect: string, participants: readonly string[]): boolean {
  const children = participants.filter((p) => facts.accounts.get(p)?.child === true);
  const mine = facts.childrenOf(suspect);
  return children.length > 0 && children.every((c) => mine.has(c));
}
/** An account's aggregation is re-run when a conversation score rises by this much, or after the interval. */
const REAGGREGATE_SCORE_STEP = 0.05;
const REAGGREGATE_INTERVAL_MS = 60_000;

/** Strings that PostgreSQL and JSON can both hold: lone surrogates and NUL become U+FFFD. */
function wellFormed(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.toWellFormed().replace(/\u0000/g, '\uFFFD');
}

const cacheKey = (tenantId: string, conversationId: string): string => `${tenantId}\u0000${conversationId}`;

function participantFacts(id: string, account: ResolvedAccount | undefined): ParticipantFacts {
  if (!account) return { id };
  return account.age !== null ? { id, age: account.age, ageBand: account.band } : { id, ageBand: account.band };
}

export class IngestService {
  readonly detector: GroomingDetector;
  private readonly clock: Clock;
  private readonly hooks: AlertHook[];
  private readonly followUpHooks: AlertedConversationHook[];
  private readonly queue: QueuedBatch[] = [];
  private draining = false;
  /** Highest conversation score an account was last aggregated for: skips repeating the same query. */
  private readonly aggregatedAt = new TtlCache<string, number>(100_000, REAGGREGATE_INTERVAL_MS);
  private readonly stateCache: ConversationStateCache;

  constructor(
    private readonly store: SafeguardStore,
    private readonly policy: PolicyService,
    options: IngestOptions = {},
  ) {
    this.detector = options.detector ?? createGroomingDetector();
    this.clock = options.clock ?? { now: () => new Date() };
    this.hooks = [...(options.alertHooks ?? [])];
    this.followUpHooks = [...(options.alertedConversationHooks ?? [])];
    this.stateCache = new ConversationStateCache(options.stateCacheEntries ?? DEFAULT_STATE_CACHE_ENTRIES);
  }

  /** Registers a hook run for every new alert, inside the ingest transaction. */
  onAlert(hook: AlertHook): void {
    this.hooks.push(hook);
  }

  /**
   * Ingests one batch. Batches arriving while another commits are grouped into one transaction
   * (group commit): one disk sync for several batches, each answered only after that commit.
   */
  ingest(tenantId: string, batch: readonly IncomingMessage[], receivedAt?: string): Promise<MessageResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ tenantId, batch, receivedAt, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        // Let requests that arrived while the last group committed join this one. The commit
        // (SQLite's fsync) blocks the event loop, so without this turn their bodies are still
        // unread and nearly every group holds one batch; with it most hold two, halving the disk
        // syncs per message (ingest benchmark, interleaved runs: +10%).
        await new Promise<void>((resolve) => setImmediate(resolve));
        let messages = 0;
        let take = 0;
        while (take < this.queue.length && (take === 0 || messages + (this.queue[take]?.batch.length ?? 0) <= MAX_GROUP_MESSAGES)) {
          messages += this.queue[take]?.batch.length ?? 0;
          take += 1;
        }
        const group = this.queue.splice(0, take);
        try {
          const prepared = await Promise.all(group.map((item) => this.prepare(item.tenantId, item.batch)));
          const written = new Map<string, CachedConversationState>();
          const results = await this.store.transaction(async (tx) => {
            const out: MessageResult[][] = [];
            for (const [i, item] of group.entries()) {
              const facts = prepared[i];
              if (facts) out.push(await this.process(tx, item.tenantId, item.batch, facts, written, item.receivedAt));
            }
            return out;
          });
          this.stateCache.putCommitted(written);
          group.forEach((item, i) => item.resolve(results[i] ?? []));
        } catch (error) {
          if (group.length === 1) {
            group[0]?.reject(error);
            continue;
          }
          // One batch's failure must not fail the others: retry each in its own transaction.
          for (const item of group) {
            try {
              const facts = await this.prepare(item.tenantId, item.batch);
              const written = new Map<string, CachedConversationState>();
              const results = await this.store.transaction((tx) => this.process(tx, item.tenantId, item.batch, facts, written, item.receivedAt));
              this.stateCache.putCommitted(written);
              item.resolve(results);
            } catch (single) {
              item.reject(single);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Everything read outside the transaction: the accounts taking part and their guardian links. */
  private async prepare(tenantId: string, batch: readonly IncomingMessage[]): Promise<BatchFacts> {
    const ids = new Set<string>();
    for (const m of batch) {
      ids.add(m.sender);
      for (const r of m.recipients) ids.add(r);
    }
    const accounts = await this.policy.resolveAccounts(tenantId, [...ids]);
    const adjacency = await this.policy.adjacencyOf(tenantId, [...accounts.keys()]);
    return { accounts, childrenOf: (id) => adjacency.get(id)?.children ?? NO_CHILDREN };
  }

  private async process(
    tx: SafeguardStore,
    tenantId: string,
    batch: readonly IncomingMessage[],
    facts: BatchFacts,
    /** Filled with the states this call writes; cached by the caller once they are committed. */
    written: Map<string, CachedConversationState>,
    receivedAtGiven?: string,
  ): Promise<MessageResult[]> {
    const accounts = facts.accounts;
    const receivedAt = receivedAtGiven ?? this.clock.now().toISOString();
    const detection = new DetectionStore(tx);
    const stored = await detection.findMessages(tenantId, batch.map((m) => m.idempotencyKey));
    const conversations = await detection.loadConversations(tenantId, [...new Set(batch.map((m) => m.conversationId))]);
    const states = new Map<
      string,
      { record: ConversationRecord | undefined; state: GroomingState; seen: Set<string>; scoresBefore: ReadonlyMap<string, number> }
    >();
    const results: MessageResult[] = [];
    const answered = new Map<string, MessageResult>();
    const newMessages: MessageRecord[] = [];
    const alerts: AlertRecord[] = [];

    for (const m of batch) {
      const previous = stored.get(m.idempotencyKey);
      if (previous) {
        results.push({
          idempotencyKey: m.idempotencyKey,
          conversationId: previous.conversationId,
          index: previous.seq,
          action: previous.action as MessageAction,
          duplicate: true,
          senderRisk: previous.senderRisk,
          alertId: previous.alertId,
          signals: previous.signals.map((s) => ({ type: s.type, participant: s.participant, ...(s.detail ? { detail: s.detail } : {}) })),
          warnings: [],
        });
        continue;
      }
      const again = answered.get(m.idempotencyKey);
      if (again) {
        results.push({ ...again, duplicate: true });
        continue;
      }

      let conv = states.get(m.conversationId);
      if (!conv) {
        const record = conversations.get(m.conversationId);
        const cached = record ? this.stateCache.take(cacheKey(tenantId, m.conversationId), record.state) : undefined;
        const state = cached?.state ?? (record ? (JSON.parse(record.state) as GroomingState) : this.detector.init());
        const scoresBefore = cached?.scores ?? this.detector.scores(state).participants;
        conv = { record, state, seen: new Set<string>(), scoresBefore };
        states.set(m.conversationId, conv);
      }
      const warnings: string[] = [];
      const people = [m.sender, ...m.recipients];
      const newcomers = people.filter((p) => !conv.seen.has(p));
      for (const p of newcomers) conv.seen.add(p);
      for (const p of people) if (!accounts.has(p)) warnings.push(`account "${p}" is not registered: its age is unknown`);
      const index = conv.state.n;
      const text = wellFormed(m.text);
      const step = this.detector.step(
        conv.state,
        { from: m.sender, text, ...(m.timestamp ? { ts: m.timestamp } : {}) },
        { index, ...(newcomers.length > 0 ? { participants: people.map((p) => participantFacts(p, accounts.get(p))) } : {}) },
      );
      conv.state = step.state;
      let alertId: string | null = null;
      const family = isFamilyMessage(facts, m.sender, m.recipients);
      const action: MessageAction = family ? 'deliver' : step.action;
      const assessmentNow = step.alertRaised ? this.detector.assess(conv.state) : undefined;
      const suspectNow = assessmentNow ? (assessmentNow.suspect ?? m.sender) : m.sender;
      const familyOnly = assessmentNow !== undefined && guardsEveryChild(facts, suspectNow, Object.keys(assessmentNow.participants));
      if (step.alertRaised && !conv.record?.alertId && !familyOnly) {
        const assessment = assessmentNow ?? this.detector.assess(conv.state);
        alertId = `al_${randomUUID()}`;
        alerts.push({
          id: alertId,
          kind: 'grooming',
          dedupeKey: `grooming:${m.conversationId}`,
          accountId: assessment.suspect,
          conversationId: m.conversationId,
          messageIndex: index,
          score: assessment.score,
          signals: [], // filled from the conversation's stored signals below
          details: {
            participants: Object.fromEntries(
              Object.entries(assessment.participants).map(([id, a]) => [id, { score: a.score, reasons: a.reasons }]),
            ),
          },
          status: 'open',
          caseId: null,
          raisedAt: receivedAt,
        });
      }
      const signals = step.signals.map((s: DetectedSignal) => ({
        type: s.type,
        message: s.message,
        participant: s.participant,
        ...(s.detail ? { detail: s.detail } : {}),
      }));
      const result: MessageResult = {
        idempotencyKey: m.idempotencyKey,
        conversationId: m.conversationId,
        index,
        action,
        duplicate: false,
        senderRisk: step.senderRisk,
        alertId,
        signals: signals.map(({ message: _m, ...s }) => s),
        warnings,
      };
      answered.set(m.idempotencyKey, result);
      results.push(result);
      newMessages.push({
        idempotencyKey: m.idempotencyKey,
        conversationId: m.conversationId,
        seq: index,
        senderId: m.sender,
        recipients: m.recipients,
        sentAt: m.timestamp ?? receivedAt,
        receivedAt,
        text,
        textChars: text.length,
        action,
        senderRisk: step.senderRisk,
        signals,
        alertId,
      });
    }
    if (newMessages.length === 0) return results;

    await detection.insertMessages(tenantId, newMessages);

    // Conversations already under an alert: the signals of their new messages join the alert's
    // explanation (the alert is raised early; what follows is part of what a moderator must see).
    const alertOf = new Map<string, string>();
    for (const [id, conv] of states) if (conv.record?.alertId) alertOf.set(id, conv.record.alertId);
    if (alertOf.size > 0) {
      const later = new Map<string, StoredSignal[]>();
      for (const m of newMessages) {
        const alertId = alertOf.get(m.conversationId);
        if (alertId === undefined || m.signals.length === 0) continue;
        const list = later.get(alertId);
        if (list) list.push(...m.signals);
        else later.set(alertId, [...m.signals]);
      }
      for (const [alertId, signals] of later) await detection.appendAlertSignals(tenantId, alertId, signals);
    }

    // Conversations already under an alert: their new messages follow the alert (to its case).
    if (this.followUpHooks.length > 0) {
      const alerted = new Map<string, { alertId: string; messages: MessageRecord[] }>();
      for (const [id, conv] of states) if (conv.record?.alertId) alerted.set(id, { alertId: conv.record.alertId, messages: [] });
      for (const m of newMessages) alerted.get(m.conversationId)?.messages.push(m);
      const followUps = [...alerted.values()].filter((f) => f.messages.length > 0);
      if (followUps.length > 0) for (const hook of this.followUpHooks) await hook(tx, tenantId, followUps);
    }

    // Persist conversation states and per-participant scores.
    const records: ConversationRecord[] = [];
    const scores: ParticipantScore[] = [];
    const alertedConversations = new Set(alerts.map((a) => a.conversationId));
    for (const [id, conv] of states) {
      // Scores only (no explanations): this runs for every conversation the batch touched.
      const assessment = this.detector.scores(conv.state);
      const alertId = conv.record?.alertId ?? alerts.find((a) => a.conversationId === id)?.id ?? null;
      const json = JSON.stringify(conv.state);
      written.set(cacheKey(tenantId, id), { json, state: conv.state, scores: assessment.participants });
      records.push({
        id,
        state: json,
        messages: conv.state.n,
        score: assessment.score,
        alertId,
        retainText: (conv.record?.retainText ?? false) || alertedConversations.has(id),
        firstAt: conv.record?.firstAt ?? receivedAt,
        lastAt: receivedAt,
      });
      const withChild = this.hadChild(conv.state) || [...conv.seen].some((p) => accounts.get(p)?.child === true);
      const alertedNow = alertedConversations.has(id);
      for (const [accountId, score] of assessment.participants) {
        // A participant's row changes only when their score moved (or the conversation alerted):
        // most messages do not, and rewriting every row is most of the write volume.
        const before = conv.scoresBefore.get(accountId);
        if (before !== undefined && Math.abs(before - score) < 0.005 && !alertedNow) continue;
        scores.push({ conversationId: id, accountId, score, withChild, alerted: alertId !== null, lastAt: receivedAt });
      }
    }
    await detection.saveConversations(tenantId, records);
    await detection.saveParticipantScores(tenantId, scores);

    // Account-level aggregation for adults whose conversations with children now look risky.
    const since = new Date(Date.parse(receivedAt) - ACCOUNT_WINDOW_DAYS * 86_400_000).toISOString();
    const month = receivedAt.slice(0, 7);
    for (const s of scores) {
      const account = accounts.get(s.accountId);
      if (!s.withChild || s.score < 0.25 || !account || account.child) continue;
      const memoKey = `${tenantId}\u0000${s.accountId}`;
      const seen = this.aggregatedAt.get(memoKey);
      if (seen !== undefined && s.score < seen + REAGGREGATE_SCORE_STEP) continue;
      this.aggregatedAt.set(memoKey, Math.max(s.score, seen ?? 0));
      const recent = await detection.recentParticipantScores(tenantId, s.accountId, since);
      const risk = aggregateAccountRisk(
        recent.map((r) => ({ conversationId: r.conversationId, score: r.score, withChild: r.withChild, alert: r.alerted, at: r.lastAt })),
      );
      if (!risk.flagged || risk.reasons.includes('conversation-alert')) continue;
      alerts.push({
        id: `al_${randomUUID()}`,
        kind: 'account-risk',
        dedupeKey: `account-risk:${s.accountId}:${month}`,
        accountId: s.accountId,
        conversationId: null,
        messageIndex: null,
        score: risk.score,
        signals: [],
        details: { reasons: risk.reasons, tail: risk.tail, tailMean: risk.tailMean, conversationsWithChildren: risk.conversationsWithChildren },
        status: 'open',
        caseId: null,
        raisedAt: receivedAt,
      });
    }

    for (const alert of alerts) {
      const withSignals =
        alert.conversationId === null
          ? alert
          : {
              ...alert,
              signals: (await detection.conversationMessages(tenantId, alert.conversationId, { limit: 5000 })).flatMap((msg) => msg.signals).slice(0, MAX_ALERT_SIGNALS),
            };
      const { alert: saved, created } = await detection.raiseAlert(tenantId, withSignals);
      if (created) for (const hook of this.hooks) await hook(tx, tenantId, saved);
    }
    return results;
  }

  /**
   * Scale-out mode, on the API node: answers each message from the stored conversation state
   * stepped in memory (nothing is stored here; the worker that consumes the bus does that).
   * Messages already processed get their stored answer.
   */
  async preview(tenantId: string, batch: readonly IncomingMessage[]): Promise<MessageResult[]> {
    const facts = await this.prepare(tenantId, batch);
    const accounts = facts.accounts;
    const detection = new DetectionStore(this.store);
    const stored = await detection.findMessages(tenantId, batch.map((m) => m.idempotencyKey));
    const conversations = await detection.loadConversations(tenantId, [...new Set(batch.map((m) => m.conversationId))]);
    const states = new Map<string, { state: GroomingState; seen: Set<string> }>();
    const seenKeys = new Set<string>();
    return batch.map((m): MessageResult => {
      const previous = stored.get(m.idempotencyKey);
      if (previous || seenKeys.has(m.idempotencyKey)) {
        return {
          idempotencyKey: m.idempotencyKey,
          conversationId: m.conversationId,
          index: previous?.seq ?? -1,
          action: (previous?.action ?? 'deliver') as MessageAction,
          duplicate: true,
          senderRisk: previous?.senderRisk ?? 0,
          alertId: previous?.alertId ?? null,
          signals: (previous?.signals ?? []).map((sig) => ({ type: sig.type, participant: sig.participant, ...(sig.detail ? { detail: sig.detail } : {}) })),
          warnings: [],
          queued: previous === undefined,
        };
      }
      seenKeys.add(m.idempotencyKey);
      let conv = states.get(m.conversationId);
      if (!conv) {
        const record = conversations.get(m.conversationId);
        conv = { state: record ? (JSON.parse(record.state) as GroomingState) : this.detector.init(), seen: new Set() };
        states.set(m.conversationId, conv);
      }
      const people = [m.sender, ...m.recipients];
      const newcomers = people.filter((p) => !conv.seen.has(p));
      for (const p of newcomers) conv.seen.add(p);
      const index = conv.state.n;
      const step = this.detector.step(
        conv.state,
        { from: m.sender, text: wellFormed(m.text), ...(m.timestamp ? { ts: m.timestamp } : {}) },
        { index, ...(newcomers.length > 0 ? { participants: people.map((p) => participantFacts(p, accounts.get(p))) } : {}) },
      );
      conv.state = step.state;
      return {
        idempotencyKey: m.idempotencyKey,
        conversationId: m.conversationId,
        index,
        action: isFamilyMessage(facts, m.sender, m.recipients) ? 'deliver' : step.action,
        duplicate: false,
        senderRisk: step.senderRisk,
        alertId: null,
        signals: step.signals.map((sig) => ({ type: sig.type, participant: sig.participant, ...(sig.detail ? { detail: sig.detail } : {}) })),
        warnings: people.filter((p) => !accounts.has(p)).map((p) => `account "${p}" is not registered: its age is unknown`),
        queued: true,
      };
    });
  }

  /** Whether the detector state records a known minor among the participants. */
  private hadChild(state: GroomingState): boolean {
    return Object.values(state.participants).some((p) => (p.age !== null && p.age < 18) || (p.band !== null && p.band !== undefined && p.band !== 'adult' && p.band !== 'unknown'));
  }
}

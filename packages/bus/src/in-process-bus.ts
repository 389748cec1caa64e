/**
 * The in-process bus: the MessageBus of the embedded default (one process publishes and consumes).
 *
 * Durability is owned by the journal the caller provides (see journal.ts): a publish resolves only
 * after `journal.append` resolved, and a restarted bus rebuilds every partition's queue from
 * `journal.open()`, so killing the process loses no acknowledged message; what was delivered but not
 * acknowledged comes back with a higher `deliveryCount`. With `createMemoryJournal()` nothing
 * survives the process.
 *
 * Scheduling: consumers take batches from any partition that is neither busy nor waiting for a
 * redelivery delay (work stealing, round-robin over partitions), at most one batch per partition
 * at a time, so each partition is processed in order by one consumer at a time. Unsettled
 * deliveries go back to the front of their partition's queue.
 */
import {
  BusError,
  partitionOf,
  type BatchHandler,
  type BusConsumer,
  type BusMessage,
  type ConsumeOptions,
  type Delivery,
  type DrainOptions,
  type MessageBus,
  type PublishReceipt,
} from '@safeguard/core';
import { randomUUID } from 'node:crypto';
import type { BusJournal, JournalRecord } from './journal.js';
import { deferred, retryBackoff, type Deferred } from './util.js';
import { DEFAULT_MAX_MESSAGE_BYTES, positiveInt, validateBatch } from './validate.js';

export interface InProcessBusOptions {
  /** Where published messages are made durable: `createFileJournal(dir)` or `createMemoryJournal()`. */
  readonly journal: BusJournal;
  /** Partition count (default 16); recorded in the journal and checked on every open. */
  readonly partitions?: number;
  /** A delivery left unsettled by its handler is redelivered after this long (default 30 s). */
  readonly ackWaitMs?: number;
  /** Base redelivery delay after a nak or a throw; doubles per delivery up to 60 s (default 1 s). */
  readonly retryDelayMs?: number;
  /** Publishes fail with `backlog_full` once this many messages wait unacknowledged (default 100,000). */
  readonly maxPending?: number;
  /** A republished id within this window is a duplicate (default 120 s, JetStream's default). */
  readonly dedupeWindowMs?: number;
  /** Largest accepted `data` (default 1,000,000 bytes, within NATS's default 1 MiB payload). */
  readonly maxMessageBytes?: number;
}

interface Entry {
  readonly record: JournalRecord;
  deliveries: number;
}

type Outcome = 'ack' | 'nak' | 'term';

interface HeldState {
  held: boolean;
  outcome: Outcome | undefined;
}

/** One partition's queue: unsettled entries in sequence order, with an O(1) moving head. */
class PartitionQueue {
  entries: Entry[] = [];
  head = 0;
  busy = false;
  blockedUntil = 0;

  get length(): number {
    return this.entries.length - this.head;
  }

  take(n: number): Entry[] {
    return this.entries.slice(this.head, this.head + n);
  }

  /** After a batch of n from the head: drop them, then put the unsettled ones back in front. */
  complete(n: number, unsettled: readonly Entry[]): void {
    this.head += n - unsettled.length;
    for (let i = 0; i < unsettled.length; i += 1) this.entries[this.head + i] = unsettled[i]!;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

interface DedupeEntry {
  readonly sequence: number;
  readonly partition: number;
  readonly publishedAt: number;
  readonly persisted: Promise<void>;
}

class InProcessConsumer implements BusConsumer {
  readonly id = `in-process-${randomUUID()}`;
  inFlight = 0;
  draining = false;
  readonly running = new Set<Promise<void>>();
  readonly active = new Set<number>();
  readonly controllers = new Set<AbortController>();
  drained: Promise<void> | undefined;

  constructor(
    readonly bus: InProcessBus,
    readonly handler: BatchHandler,
    readonly maxBatch: number,
    readonly maxInFlight: number,
    readonly onError: (error: unknown) => void,
  ) {}

  partitions(): readonly number[] {
    return [...this.active].sort((a, b) => a - b);
  }

  drain(options: DrainOptions = {}): Promise<void> {
    this.drained ??= this.bus.drainConsumer(this, options.timeoutMs ?? 30_000);
    return this.drained;
  }
}

class InProcessBus implements MessageBus {
  readonly partitions: number;
  readonly #journal: BusJournal;
  readonly #ackWaitMs: number;
  readonly #retryDelayMs: number;
  readonly #maxPending: number;
  readonly #dedupeWindowMs: number;
  readonly #maxMessageBytes: number;
  readonly #queues: PartitionQueue[];
  readonly #dedupe = new Map<string, DedupeEntry>();
  readonly #consumers: InProcessConsumer[] = [];
  readonly #publishing = new Set<Promise<unknown>>();
  #lastSequence = 0;
  #pending = 0;
  #cursor = 0;
  #consumerCursor = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #pumping = false;
  #pumpAgain = false;
  #closed: Promise<void> | undefined;
  #settleBatch: { sequences: number[]; done: Deferred<void> } | undefined;

  constructor(options: InProcessBusOptions, partitions: number) {
    this.partitions = partitions;
    this.#journal = options.journal;
    this.#ackWaitMs = positiveInt('ackWaitMs', options.ackWaitMs, 30_000);
    this.#retryDelayMs = positiveInt('retryDelayMs', options.retryDelayMs, 1_000);
    this.#maxPending = positiveInt('maxPending', options.maxPending, 100_000);
    this.#dedupeWindowMs = positiveInt('dedupeWindowMs', options.dedupeWindowMs, 120_000);
    this.#maxMessageBytes = positiveInt('maxMessageBytes', options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES);
    this.#queues = Array.from({ length: partitions }, () => new PartitionQueue());
  }

  async open(): Promise<void> {
    const snapshot = await this.#journal.open({ partitions: this.partitions, dedupeWindowMs: this.#dedupeWindowMs });
    if (snapshot.partitions !== null && snapshot.partitions !== this.partitions) {
      await this.#journal.close();
      throw new BusError(
        'misconfigured',
        `the journal was created with ${snapshot.partitions} partitions, not ${this.partitions}: changing the count would reorder conversations`,
        { journalPartitions: snapshot.partitions, partitions: this.partitions },
      );
    }
    this.#lastSequence = snapshot.lastSequence;
    const since = Date.now() - this.#dedupeWindowMs;
    const ready = Promise.resolve();
    for (const r of [...snapshot.recentIds].sort((a, b) => a.publishedAt - b.publishedAt)) {
      if (r.publishedAt >= since) this.#dedupe.set(r.id, { ...r, persisted: ready });
    }
    for (const { record, deliveries } of snapshot.pending) {
      this.#queues[record.partition]!.entries.push({ record, deliveries });
      this.#pending += 1;
    }
  }

  partitionOf(key: string): number {
    return partitionOf(key, this.partitions);
  }

  #liveDedupe(id: string, now: number): DedupeEntry | undefined {
    const entry = this.#dedupe.get(id);
    if (entry && entry.publishedAt >= now - this.#dedupeWindowMs) return entry;
    return undefined;
  }

  #pruneDedupe(now: number): void {
    const since = now - this.#dedupeWindowMs;
    for (const [id, entry] of this.#dedupe) {
      if (entry.publishedAt >= since) break;
      this.#dedupe.delete(id);
    }
  }

  async publish(messages: readonly BusMessage[]): Promise<PublishReceipt[]> {
    if (this.#closed) throw new BusError('closed', 'the bus is closed');
    validateBatch(messages, this.#maxMessageBytes);
    const now = Date.now();
    this.#pruneDedupe(now);
    const receipts: PublishReceipt[] = [];
    const waits: Promise<void>[] = [];
    const fresh: JournalRecord[] = [];
    const inBatch = new Map<string, PublishReceipt>();
    const planned: (BusMessage | PublishReceipt)[] = [];
    let freshCount = 0;
    for (const m of messages) {
      const prior = this.#liveDedupe(m.id, now);
      if (prior) {
        planned.push({ id: m.id, partition: prior.partition, sequence: prior.sequence, duplicate: true });
        waits.push(prior.persisted);
      } else if (inBatch.has(m.id)) {
        planned.push({ ...inBatch.get(m.id)!, duplicate: true });
      } else {
        inBatch.set(m.id, { id: m.id, partition: -1, sequence: -1, duplicate: false });
        planned.push(m);
        freshCount += 1;
      }
    }
    if (this.#pending + freshCount > this.#maxPending) {
      throw new BusError('backlog_full', `${this.#pending} messages wait unacknowledged (limit ${this.#maxPending}): retry later`, {
        pending: this.#pending,
        maxPending: this.#maxPending,
      });
    }
    for (const item of planned) {
      if ('duplicate' in item) {
        receipts.push(item.sequence === -1 ? { ...item, ...this.#receiptOf(fresh, item.id), duplicate: true } : item);
        continue;
      }
      const record: JournalRecord = {
        sequence: ++this.#lastSequence,
        id: item.id,
        key: item.key,
        partition: partitionOf(item.key, this.partitions),
        publishedAt: now,
        data: item.data,
        headers: { ...item.headers },
      };
      fresh.push(record);
      receipts.push({ id: record.id, partition: record.partition, sequence: record.sequence, duplicate: false });
    }
    if (fresh.length > 0) {
      const persisted = this.#journal.append(fresh);
      const entries = fresh.map((r) => [r.id, { sequence: r.sequence, partition: r.partition, publishedAt: now, persisted }] as const);
      for (const [id, entry] of entries) this.#dedupe.set(id, entry);
      this.#pending += fresh.length;
      this.#publishing.add(persisted);
      try {
        await persisted;
      } catch (error) {
        for (const [id, entry] of entries) if (this.#dedupe.get(id) === entry) this.#dedupe.delete(id);
        this.#pending -= fresh.length;
        throw error instanceof BusError ? error : new BusError('storage_failed', `the bus journal failed: ${String(error)}`);
      } finally {
        this.#publishing.delete(persisted);
      }
      for (const record of fresh) this.#queues[record.partition]!.entries.push({ record, deliveries: 0 });
      this.#pump();
    }
    await Promise.all(waits);
    return receipts;
  }

  #receiptOf(fresh: readonly JournalRecord[], id: string): { partition: number; sequence: number } {
    const record = fresh.find((r) => r.id === id)!;
    return { partition: record.partition, sequence: record.sequence };
  }

  consume(handler: BatchHandler, options: ConsumeOptions = {}): Promise<BusConsumer> {
    if (this.#closed) return Promise.reject(new BusError('closed', 'the bus is closed'));
    const maxInFlight = positiveInt('maxInFlight', options.maxInFlight, 1000);
    const maxBatch = Math.min(maxInFlight, positiveInt('maxBatch', options.maxBatch, 100));
    const consumer = new InProcessConsumer(this, handler, maxBatch, maxInFlight, options.onError ?? (() => undefined));
    this.#consumers.push(consumer);
    this.#pump();
    return Promise.resolve(consumer);
  }

  /** Hands ready partitions to consumers with room, until no pair is left; arms the retry timer. */
  #pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        const now = Date.now();
        let progress = true;
        while (progress) {
          progress = false;
          for (let i = 0; i < this.#consumers.length; i += 1) {
            const consumer = this.#consumers[(this.#consumerCursor + i) % this.#consumers.length]!;
            if (consumer.draining || consumer.inFlight >= consumer.maxInFlight) continue;
            const partition = this.#nextReady(now);
            if (partition === undefined) break;
            this.#consumerCursor = (this.#consumerCursor + i + 1) % this.#consumers.length;
            const queue = this.#queues[partition]!;
            const n = Math.min(consumer.maxBatch, consumer.maxInFlight - consumer.inFlight, queue.length);
            this.#startBatch(consumer, partition, n);
            progress = true;
            break;
          }
        }
        this.#armTimer(now);
      } while (this.#pumpAgain);
    } finally {
      this.#pumping = false;
    }
  }

  #nextReady(now: number): number | undefined {
    for (let i = 0; i < this.partitions; i += 1) {
      const p = (this.#cursor + i) % this.partitions;
      const q = this.#queues[p]!;
      if (!q.busy && q.length > 0 && q.blockedUntil <= now) {
        this.#cursor = (p + 1) % this.partitions;
        return p;
      }
    }
    return undefined;
  }

  /** Wakes the pump when the earliest delayed redelivery becomes due. */
  #armTimer(now: number): void {
    if (this.#consumers.length === 0) return;
    let earliest = Infinity;
    for (const q of this.#queues) if (!q.busy && q.length > 0 && q.blockedUntil > now) earliest = Math.min(earliest, q.blockedUntil);
    if (earliest === Infinity || earliest >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = earliest;
    this.#timer = setTimeout(() => {
      this.#timerAt = Infinity;
      this.#timer = undefined;
      this.#pump();
    }, earliest - now + 1);
  }

  /** Settles go to the journal in one write per tick. */
  #settle(sequence: number): Promise<void> {
    if (!this.#settleBatch) {
      const batch = { sequences: [] as number[], done: deferred() };
      this.#settleBatch = batch;
      queueMicrotask(() => {
        this.#settleBatch = undefined;
        this.#journal.settle(batch.sequences).then(
          () => batch.done.resolve(),
          (error: unknown) => batch.done.reject(error),
        );
      });
    }
    this.#settleBatch.sequences.push(sequence);
    return this.#settleBatch.done.promise;
  }

  #startBatch(consumer: InProcessConsumer, partition: number, n: number): void {
    const queue = this.#queues[partition]!;
    const entries = queue.take(n);
    queue.busy = true;
    consumer.inFlight += n;
    consumer.active.add(partition);
    const run = this.#runBatch(consumer, partition, entries).finally(() => {
      consumer.running.delete(run);
      queue.busy = false;
      consumer.inFlight -= n;
      consumer.active.delete(partition);
      this.#pump();
    });
    consumer.running.add(run);
  }

  async #runBatch(consumer: InProcessConsumer, partition: number, entries: Entry[]): Promise<void> {
    const queue = this.#queues[partition]!;
    for (const e of entries) e.deliveries += 1;
    try {
      // Recorded before the handler runs, so a redelivery after a crash says it is one.
      await this.#journal.markDelivered(entries.map((e) => e.record.sequence));
    } catch (error) {
      consumer.onError(error);
    }
    const controller = new AbortController();
    consumer.controllers.add(controller);
    const states: HeldState[] = entries.map(() => ({ held: true, outcome: undefined }));
    const writes: Promise<unknown>[] = [];
    const deliveries = entries.map((entry, i) => this.#delivery(entry, states[i]!, writes));
    let threw = false;
    try {
      await consumer.handler({ partition, deliveries, signal: controller.signal });
    } catch (error) {
      threw = true;
      consumer.onError(error);
    } finally {
      consumer.controllers.delete(controller);
    }
    for (const s of states) s.held = false;
    await Promise.allSettled(writes);
    const unsettled = entries.filter((_, i) => states[i]!.outcome === undefined || states[i]!.outcome === 'nak');
    this.#pending -= entries.length - unsettled.length;
    queue.complete(entries.length, unsettled);
    if (unsettled.length > 0) {
      const first = states[entries.indexOf(unsettled[0]!)]!;
      const delay =
        consumer.draining || controller.signal.aborted
          ? 0
          : threw || first.outcome === 'nak'
            ? retryBackoff(this.#retryDelayMs, unsettled[0]!.deliveries)
            : this.#ackWaitMs;
      queue.blockedUntil = Date.now() + delay;
    }
  }

  #delivery(entry: Entry, state: HeldState, writes: Promise<unknown>[]): Delivery {
    const { record } = entry;
    const settle = (outcome: Outcome): Promise<void> => {
      if (!state.held) {
        return Promise.reject(new BusError('not_held', `delivery ${record.id} was settled after its handler finished`, { id: record.id }));
      }
      if (state.outcome !== undefined) return Promise.resolve();
      state.outcome = outcome;
      if (outcome === 'nak') return Promise.resolve();
      const write = this.#settle(record.sequence).catch((error: unknown) => {
        // Not recorded: treat it as unsettled, so it is redelivered rather than lost.
        state.outcome = undefined;
        throw error instanceof BusError ? error : new BusError('storage_failed', `could not record the ${outcome}: ${String(error)}`);
      });
      writes.push(write.catch(() => undefined));
      return write;
    };
    return {
      id: record.id,
      key: record.key,
      partition: record.partition,
      sequence: record.sequence,
      publishedAt: record.publishedAt,
      deliveryCount: entry.deliveries,
      data: record.data,
      headers: record.headers,
      ack: () => settle('ack'),
      nak: () => settle('nak'),
      term: () => settle('term'),
    };
  }

  async drainConsumer(consumer: InProcessConsumer, timeoutMs: number): Promise<void> {
    consumer.draining = true;
    const timer = setTimeout(() => {
      for (const c of consumer.controllers) c.abort(new BusError('closed', 'drain deadline passed'));
    }, timeoutMs);
    try {
      while (consumer.running.size > 0) await Promise.allSettled([...consumer.running]);
    } finally {
      clearTimeout(timer);
    }
    const at = this.#consumers.indexOf(consumer);
    if (at >= 0) this.#consumers.splice(at, 1);
    if (this.#consumers.length === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerAt = Infinity;
    }
    this.#pump();
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.all([...this.#consumers].map((c) => c.drain()));
      await Promise.allSettled([...this.#publishing]);
      clearTimeout(this.#timer);
      await this.#journal.close();
    })();
    return this.#closed;
  }
}

/** Opens the journal, rebuilds the queues from it and returns the bus. */
export async function createInProcessBus(options: InProcessBusOptions): Promise<MessageBus> {
  const partitions = positiveInt('partitions', options.partitions, 16, 4096);
  const bus = new InProcessBus(options, partitions);
  await bus.open();
  return bus;
}

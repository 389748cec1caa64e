/**
 * MessageBus: at-least-once work distribution, partitioned by conversation.
 *
 * Contract (every implementation runs the shared suite in packages/bus/test/bus-contract.ts):
 * - `publish` resolves only when every message of the batch is persisted by the broker (the NATS
 *   JetStream server, or the journal of the in-process bus). A rejected publish may have persisted a
 *   prefix of the batch: retry the same batch with the same ids, the dedupe window drops the copies.
 * - A message's partition is `partitionOf(key, partitions)`: a stable hash of its key (the
 *   conversation, scoped by tenant), so one conversation always lands in one partition.
 * - Within a partition, messages are delivered in the order the broker persisted them, to one
 *   consumer at a time, in batches: the next batch of a partition is handed out only after every
 *   delivery of the previous one was settled or released for redelivery, and released deliveries
 *   come back before anything newer.
 * - Acks are explicit. A delivery the handler leaves unsettled is redelivered after `ackWaitMs`;
 *   one it naks, or that was unsettled when the handler threw, after a backoff; a consumer that
 *   dies (process killed) has its deliveries redelivered to whoever takes its partitions over.
 *   A redelivered message keeps its id and has `deliveryCount > 1`, so a worker that records the
 *   ids it has applied can drop the replay.
 * - Settle a delivery (ack, nak, term) before the handler's promise resolves; later calls reject
 *   with BusError `not_held` because the delivery may already be with another consumer.
 * - A consumer holds at most `maxInFlight` unsettled deliveries; publishes fail with `backlog_full`
 *   once `maxPending` messages wait unacknowledged (backpressure instead of unbounded queues).
 * - `drain()` stops fetching, lets running batches finish, releases what they left unsettled and
 *   gives the partitions back; `close()` drains every consumer and then disconnects.
 */
import { SafeguardError, type ErrorCode } from './errors.js';

/** A message to publish. */
export interface BusMessage {
  /**
   * Idempotency key (JetStream's Nats-Msg-Id): a publish whose id was already stored within the
   * dedupe window stores nothing and answers `duplicate: true`. 1–256 printable characters.
   */
  readonly id: string;
  /** Partition key: the conversation, scoped by tenant (e.g. `${tenantId}/${conversationId}`). */
  readonly key: string;
  readonly data: Uint8Array;
  /** Small string headers carried to the consumer unchanged (names: letters, digits, '-'). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PublishReceipt {
  readonly id: string;
  readonly partition: number;
  /** Broker sequence of the stored message (of the first copy, for a duplicate). */
  readonly sequence: number;
  /** True when the id was already stored within the dedupe window: nothing new was stored. */
  readonly duplicate: boolean;
}

/** One message handed to a consumer. */
export interface Delivery {
  readonly id: string;
  readonly key: string;
  readonly partition: number;
  /** Broker sequence: increases with persistence order within a partition (not contiguous). */
  readonly sequence: number;
  /** When the broker persisted it (epoch ms, broker clock). */
  readonly publishedAt: number;
  /** 1 on the first delivery; more on a redelivery of the same message. */
  readonly deliveryCount: number;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  /** Done: never deliver again. Resolves once the broker recorded it. */
  ack(): Promise<void>;
  /** Failed: deliver again after the retry backoff (nothing newer of the partition comes first). */
  nak(): Promise<void>;
  /** Poison: never deliver again, without processing (record it somewhere first). */
  term(): Promise<void>;
}

/** Consecutive deliveries of one partition, in order. */
export interface DeliveryBatch {
  readonly partition: number;
  readonly deliveries: readonly Delivery[];
  /**
   * Aborted when this consumer must stop touching the batch: it lost the partition (lease expired)
   * or a drain's deadline passed. Deliveries may then be redelivered elsewhere.
   */
  readonly signal: AbortSignal;
}

/**
 * Processes a batch: apply the deliveries in order, persist the effects, then ack. A throw
 * releases every unsettled delivery of the batch for redelivery after the retry backoff.
 */
export type BatchHandler = (batch: DeliveryBatch) => Promise<void>;

export interface ConsumeOptions {
  /** Most deliveries in one handler call (default 100). */
  readonly maxBatch?: number;
  /** Most unsettled deliveries this consumer holds across partitions (default 1000). */
  readonly maxInFlight?: number;
  /** Receives handler errors and background failures (lease renewal, connection); default: ignored. */
  readonly onError?: (error: unknown) => void;
}

export interface DrainOptions {
  /** After this long, running batches are aborted (their deliveries are redelivered). Default 30 s. */
  readonly timeoutMs?: number;
}

export interface BusConsumer {
  readonly id: string;
  /** Partitions this consumer currently processes. */
  partitions(): readonly number[];
  /** Stops fetching, waits for running batches, releases what they left unsettled. Idempotent. */
  drain(options?: DrainOptions): Promise<void>;
}

export interface MessageBus {
  /** Number of partitions (fixed for the life of the stream or journal). */
  readonly partitions: number;
  partitionOf(key: string): number;
  /** Persists the batch; resolves with one receipt per message, in input order. */
  publish(messages: readonly BusMessage[]): Promise<PublishReceipt[]>;
  /** Starts a consumer; resolves once it is registered and fetching. */
  consume(handler: BatchHandler, options?: ConsumeOptions): Promise<BusConsumer>;
  /** Drains every consumer of this instance, waits for running publishes, disconnects. Idempotent. */
  close(): Promise<void>;
}

/** Why a bus operation failed; each maps to one SafeguardError code. */
export type BusErrorReason =
  /** The broker cannot be reached (connection refused, lost, or not reconnected in time). */
  | 'unreachable'
  /** The broker did not confirm in time: the publish may or may not be persisted — retry it. */
  | 'timeout'
  /** maxPending messages are waiting: shed load and retry later. */
  | 'backlog_full'
  | 'invalid_message'
  /** The bus or consumer is closed or closing. */
  | 'closed'
  /** Settlement after the handler finished, or after the delivery was released. */
  | 'not_held'
  /** Options are invalid, or an existing stream/journal was created with other partitioning. */
  | 'misconfigured'
  /** The durable store behind the in-process bus failed to write. */
  | 'storage_failed'
  /** The journal's content is damaged beyond its torn tail. */
  | 'journal_corrupt'
  /** Another live process owns the journal. */
  | 'journal_locked';

const REASON_CODES: Record<BusErrorReason, ErrorCode> = {
  unreachable: 'unavailable',
  timeout: 'unavailable',
  backlog_full: 'rate_limited',
  invalid_message: 'validation_failed',
  closed: 'unavailable',
  not_held: 'conflict',
  misconfigured: 'internal',
  storage_failed: 'unavailable',
  journal_corrupt: 'internal',
  journal_locked: 'conflict',
};

/** A bus failure: `reason` says what happened, `code` how a server should answer. */
export class BusError extends SafeguardError {
  readonly reason: BusErrorReason;

  constructor(reason: BusErrorReason, message: string, details?: Record<string, unknown>) {
    super(REASON_CODES[reason], message, { reason, ...details });
    this.name = 'BusError';
    this.reason = reason;
  }
}

export const isBusError = (value: unknown, reason?: BusErrorReason): value is BusError =>
  value instanceof BusError && (reason === undefined || value.reason === reason);

const utf8 = new TextEncoder();

/**
 * The partition of a key: FNV-1a over the UTF-8 bytes, mixed with the murmur3 finaliser (FNV's low
 * bits alone spread short similar keys poorly), modulo `partitions`. Stable across processes,
 * platforms and releases: publishers and consumers anywhere must agree, so never change it.
 */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (const byte of utf8.encode(key)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % partitions;
}

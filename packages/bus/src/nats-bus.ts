/**
 * The NATS JetStream bus: the MessageBus for scale-out (any number of API nodes and workers).
 *
 * Topology (created idempotently by every instance; docs/scale-out.md explains the choice):
 * - stream `<stream>`: subjects `<prefix>.p.<partition>`, work-queue retention (a message is
 *   removed once acked), file storage, `duplicate_window` = dedupeWindowMs (Nats-Msg-Id = the
 *   message id), `max_msgs` = maxPending with discard-new (a full backlog refuses publishes).
 * - one durable pull consumer per partition, `<durable>-p<k>`, filtered to its subject, explicit
 *   acks, `ack_wait` = ackWaitMs, unlimited redeliveries.
 * - stream `<stream>_COORD`: subjects `<prefix>.coord.>`, one message per subject: the partition
 *   leases and worker membership records that give each partition to one worker at a time
 *   (see nats-consumer.ts).
 *
 * Publishing: each message goes to its partition's subject with Nats-Msg-Id = id and the key in a
 * `Safeguard-Bus-Key` header; `publish` resolves when every PubAck came back (the server persisted
 * it). Messages of one call are sent in order on one connection, so the stream stores them in order.
 */
import {
  BusError,
  partitionOf,
  type BatchHandler,
  type BusConsumer,
  type BusMessage,
  type ConsumeOptions,
  type MessageBus,
  type PublishReceipt,
} from '@safeguard/core';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { NatsConsumer, type NatsConsumerContext } from './nats-consumer.js';
import { DEFAULT_MAX_MESSAGE_BYTES, positiveInt, validateBatch } from './validate.js';

export interface NatsBusOptions {
  /** Server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[];
  /** Stream name (default `SAFEGUARD_MESSAGES`); `<stream>_COORD` holds leases. */
  readonly stream?: string;
  /** Subject prefix (default `safeguard.messages`). */
  readonly subjectPrefix?: string;
  /** Durable consumer name prefix (default `safeguard-workers`). */
  readonly durable?: string;
  /** Partition count (default 16), fixed when the stream is created and checked afterwards. */
  readonly partitions?: number;
  /** Server-side redelivery timeout for deliveries nobody extends (default 5 s). */
  readonly ackWaitMs?: number;
  /** Base redelivery delay after a nak or a throw, doubling per delivery up to 60 s (default 1 s). */
  readonly retryDelayMs?: number;
  /** Stream `max_msgs`: publishes fail with `backlog_full` beyond it (default 1,000,000). */
  readonly maxPending?: number;
  /** Stream `duplicate_window` (default 120 s). */
  readonly dedupeWindowMs?: number;
  readonly maxMessageBytes?: number;
  /** Stream and coordination replicas (default 1; 3 on a cluster). */
  readonly replicas?: number;
  /** How long an idle partition's pull waits on the server (default 1 s). */
  readonly pollMs?: number;
  /**
   * A worker that stops renewing loses its partitions after this long (default
   * 3 × (ackWaitMs + pollMs) + 2 s, the minimum that keeps order across a takeover).
   */
  readonly leaseTtlMs?: number;
  /** Connection and request timeouts (default 5 s). */
  readonly timeoutMs?: number;
  /** Connection name shown by the server's monitoring. */
  readonly name?: string;
}

const PUBLISH_WINDOW = 512;
export const KEY_HEADER = 'Safeguard-Bus-Key';

function isApiError(error: unknown, ...codes: number[]): error is JetStreamApiError {
  return error instanceof JetStreamApiError && codes.includes(error.code);
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

class NatsBus implements MessageBus {
  readonly partitions: number;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #ctx: NatsConsumerContext;
  readonly #timeoutMs: number;
  readonly #maxMessageBytes: number;
  readonly #consumers = new Set<NatsConsumer>();
  readonly #publishing = new Set<Promise<unknown>>();
  #connected = true;
  #closed: Promise<void> | undefined;

  constructor(nc: NatsConnection, jsm: JetStreamManager, ctx: NatsConsumerContext, timeoutMs: number, maxMessageBytes: number) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = jetstream(nc, { timeout: timeoutMs });
    this.#ctx = ctx;
    this.partitions = ctx.partitions;
    this.#timeoutMs = timeoutMs;
    this.#maxMessageBytes = maxMessageBytes;
    void this.#watchStatus();
  }

  async #watchStatus(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (s.type === 'disconnect') this.#connected = false;
      else if (s.type === 'reconnect') this.#connected = true;
    }
  }

  partitionOf(key: string): number {
    return partitionOf(key, this.partitions);
  }

  /** Maps a publish failure to the reason a caller can act on. */
  #publishError(error: unknown): BusError {
    if (error instanceof BusError) return error;
    if (isApiError(error, 10077, 10078)) return new BusError('backlog_full', `the stream is full: ${error.message}`);
    const message = error instanceof Error ? error.message : String(error);
    if (this.#nc.isClosed()) return new BusError('closed', `the NATS connection is closed: ${message}`);
    if (!this.#connected) return new BusError('unreachable', `NATS is unreachable: ${message}`);
    if (/timeout/i.test(message) || (error instanceof Error && error.name === 'TimeoutError')) {
      return new BusError('timeout', `NATS did not confirm the publish in ${this.#timeoutMs} ms: ${message}`);
    }
    if (/no responders/i.test(message)) return new BusError('unreachable', `JetStream is not answering: ${message}`);
    return new BusError('unreachable', `publish failed: ${message}`);
  }

  async publish(messages: readonly BusMessage[]): Promise<PublishReceipt[]> {
    if (this.#closed || this.#nc.isClosed()) throw new BusError('closed', 'the bus is closed');
    validateBatch(messages, this.#maxMessageBytes);
    const receipts: (PublishReceipt | undefined)[] = new Array<PublishReceipt | undefined>(messages.length);
    const failed: { id: string; reason: string }[] = [];
    let firstError: BusError | undefined;
    let next = 0;
    // A window of outstanding PubAcks: messages still leave in order on the one connection.
    const worker = async (): Promise<void> => {
      while (next < messages.length) {
        const index = next++;
        const m = messages[index]!;
        const partition = partitionOf(m.key, this.partitions);
        const h = natsHeaders();
        h.set(KEY_HEADER, m.key);
        for (const [name, value] of Object.entries(m.headers ?? {})) h.set(name, value);
        try {
          const ack = await this.#js.publish(this.#ctx.subject(partition), m.data, { msgID: m.id, headers: h, timeout: this.#timeoutMs });
          receipts[index] = { id: m.id, partition, sequence: ack.seq, duplicate: ack.duplicate };
        } catch (error) {
          const busError = this.#publishError(error);
          firstError ??= busError;
          failed.push({ id: m.id, reason: busError.reason });
        }
      }
    };
    const run = Promise.all(Array.from({ length: Math.min(PUBLISH_WINDOW, messages.length) }, worker));
    this.#publishing.add(run);
    try {
      await run;
    } finally {
      this.#publishing.delete(run);
    }
    if (firstError) {
      throw new BusError(firstError.reason, `${failed.length} of ${messages.length} messages were not persisted: ${firstError.message}`, {
        persisted: receipts.filter((r): r is PublishReceipt => r !== undefined),
        failed,
      });
    }
    return receipts as PublishReceipt[];
  }

  async consume(handler: BatchHandler, options: ConsumeOptions = {}): Promise<BusConsumer> {
    if (this.#closed || this.#nc.isClosed()) throw new BusError('closed', 'the bus is closed');
    const consumer = new NatsConsumer(this.#nc, this.#js, this.#jsm, this.#ctx, handler, options, () => this.#consumers.delete(consumer));
    this.#consumers.add(consumer);
    try {
      await consumer.start();
    } catch (error) {
      this.#consumers.delete(consumer);
      throw error;
    }
    return consumer;
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.allSettled([...this.#consumers].map((c) => c.drain()));
      await Promise.allSettled([...this.#publishing]);
      if (!this.#nc.isClosed()) await this.#nc.drain().catch(() => this.#nc.close());
    })();
    return this.#closed;
  }
}

function connectError(error: unknown, servers: string | readonly string[]): BusError {
  const message = error instanceof Error ? error.message : String(error);
  return new BusError('unreachable', `cannot reach NATS at ${String(servers)}: ${message}`, { servers });
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }, check: (existing: StreamConfig) => string | null): Promise<void> {
  let existing: StreamConfig | undefined;
  try {
    existing = (await jsm.streams.info(config.name)).config;
  } catch (error) {
    if (!isApiError(error, 10059)) throw error;
  }
  if (!existing) {
    try {
      await jsm.streams.add(config);
      return;
    } catch (error) {
      // Another instance created it between our info and add: fall through and check it.
      existing = (await jsm.streams.info(config.name)).config;
      if (!existing) throw error;
    }
  }
  const problem = check(existing);
  if (problem) throw new BusError('misconfigured', `stream ${config.name}: ${problem}`, { stream: config.name });
  // Limits an operator may change between deployments are updated in place.
  const tunable = { max_msgs: config.max_msgs ?? existing.max_msgs, duplicate_window: config.duplicate_window ?? existing.duplicate_window };
  if (existing.max_msgs !== tunable.max_msgs || existing.duplicate_window !== tunable.duplicate_window) {
    await jsm.streams.update(config.name, { ...existing, ...tunable });
  }
}

/**
 * Connects, creates or checks the topology, and returns the bus. Fails with BusError `unreachable`
 * when no server answers within `timeoutMs`, `misconfigured` when an existing stream was created
 * with another partition count or layout.
 */
export async function createNatsBus(options: NatsBusOptions): Promise<MessageBus> {
  const partitions = positiveInt('partitions', options.partitions, 16, 1024);
  const stream = options.stream ?? 'SAFEGUARD_MESSAGES';
  const prefix = options.subjectPrefix ?? 'safeguard.messages';
  const durable = options.durable ?? 'safeguard-workers';
  if (!NAME.test(stream)) throw new BusError('misconfigured', `stream name "${stream}" must be letters, digits, '_' or '-'`);
  if (!NAME.test(durable)) throw new BusError('misconfigured', `durable name "${durable}" must be letters, digits, '_' or '-'`);
  if (!PREFIX.test(prefix)) throw new BusError('misconfigured', `subject prefix "${prefix}" must be dot-separated tokens without wildcards`);
  const ackWaitMs = positiveInt('ackWaitMs', options.ackWaitMs, 5_000);
  const pollMs = positiveInt('pollMs', options.pollMs, 1_000);
  const minLease = 3 * (ackWaitMs + pollMs);
  const leaseTtlMs = positiveInt('leaseTtlMs', options.leaseTtlMs, minLease + 2_000);
  if (leaseTtlMs < minLease) {
    throw new BusError('misconfigured', `leaseTtlMs must be at least 3 × (ackWaitMs + pollMs) = ${minLease} to keep order across a takeover`);
  }
  const timeoutMs = positiveInt('timeoutMs', options.timeoutMs, 5_000);
  const maxPending = positiveInt('maxPending', options.maxPending, 1_000_000);
  const dedupeWindowMs = positiveInt('dedupeWindowMs', options.dedupeWindowMs, 120_000);
  const maxMessageBytes = positiveInt('maxMessageBytes', options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES);
  const replicas = positiveInt('replicas', options.replicas, 1, 5);
  const retryDelayMs = positiveInt('retryDelayMs', options.retryDelayMs, 1_000);

  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
      name: options.name ?? 'safeguard-bus',
      timeout: timeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
  } catch (error) {
    throw connectError(error, options.servers);
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
    const description = `safeguard bus: ${partitions} partitions`;
    const subjects = [`${prefix}.p.*`];
    const ns = (ms: number): number => ms * 1_000_000;
    await ensureStream(
      jsm,
      {
        name: stream,
        description,
        subjects,
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        discard: DiscardPolicy.New,
        max_msgs: maxPending,
        duplicate_window: ns(dedupeWindowMs),
        max_msg_size: maxMessageBytes + 64 * 1024,
        num_replicas: replicas,
      },
      (existing) =>
        existing.description !== description
          ? `it was created as "${existing.description ?? ''}", not for ${partitions} partitions: changing the count would reorder conversations`
          : existing.retention !== RetentionPolicy.Workqueue || existing.subjects.join() !== subjects.join()
            ? `its subjects or retention differ from ${subjects.join()} / workqueue`
            : null,
    );
    const coordStream = `${stream}_COORD`;
    await ensureStream(
      jsm,
      {
        name: coordStream,
        description: `safeguard bus coordination for ${stream}`,
        subjects: [`${prefix}.coord.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        max_msgs_per_subject: 1,
        max_age: ns(3_600_000),
        num_replicas: replicas,
      },
      () => null,
    );
    const consumerName = (p: number): string => `${durable}-p${p}`;
    await Promise.all(
      Array.from({ length: partitions }, async (_, p) => {
        const config = {
          durable_name: consumerName(p),
          filter_subject: `${prefix}.p.${p}`,
          ack_policy: AckPolicy.Explicit,
          ack_wait: ns(ackWaitMs),
          deliver_policy: DeliverPolicy.All,
          max_deliver: -1,
          max_ack_pending: 100_000,
        };
        let info;
        try {
          info = await jsm.consumers.info(stream, consumerName(p));
        } catch (error) {
          if (!isApiError(error, 10014)) throw error;
        }
        if (!info) await jsm.consumers.add(stream, config).catch(async () => jsm.consumers.info(stream, consumerName(p)));
        else if (info.config.ack_wait !== config.ack_wait) await jsm.consumers.update(stream, consumerName(p), { ack_wait: config.ack_wait });
      }),
    );
    const ctx: NatsConsumerContext = {
      stream,
      coordStream,
      prefix,
      partitions,
      ackWaitMs,
      retryDelayMs,
      pollMs,
      leaseTtlMs,
      timeoutMs,
      subject: (p) => `${prefix}.p.${p}`,
      consumerName,
    };
    return new NatsBus(nc, jsm, ctx, timeoutMs, maxMessageBytes);
  } catch (error) {
    await nc.close().catch(() => undefined);
    if (error instanceof BusError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/jetstream not enabled|no responders|timeout/i.test(message)) {
      throw new BusError('unreachable', `JetStream is not available at ${String(options.servers)}: ${message}`, { servers: options.servers });
    }
    throw new BusError('misconfigured', `could not set up the bus topology: ${message}`, { servers: options.servers });
  }
}

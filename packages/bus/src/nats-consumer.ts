/**
 * A NATS JetStream consumer: partition leases, membership and ordered per-partition pull loops.
 *
 * Why leases: JetStream (2.9, the server this project runs) hands a durable consumer's messages to
 * whichever client pulls, so two workers pulling one partition would process one conversation
 * concurrently. Each partition is therefore leased to one worker at a time through the
 * coordination stream (one message per subject, compare-and-set on the last subject sequence):
 * - a worker renews its leases and its membership record every leaseTtlMs/4;
 * - a lease whose record has not changed for leaseTtlMs, as observed on the contender's own
 *   monotonic clock, is expired and may be taken (no clock synchronisation needed);
 * - a holder stops touching a partition once 2/3 of leaseTtlMs passed since it last sent a
 *   successful renewal (fencing), and stops extending its deliveries' ack deadlines then;
 * - each worker aims at ceil(partitions / live workers) leases, releasing extras after finishing
 *   their running batch and taking free or expired ones, so workers join and leave at any time.
 * Order across a takeover: leaseTtlMs >= 3 × (ackWaitMs + pollMs) means that when a dead holder's
 * lease expires, every message it was delivered has passed its ack deadline and waits in the
 * server's redelivery queue, which is served, in sequence order, before newer messages.
 *
 * A partition loop pulls with raw `CONSUMER.MSG.NEXT` requests on its own inbox (no_wait for what
 * is there, then a long poll of pollMs for the next message), never more than its share of
 * maxInFlight, and hands each batch to the handler. While the handler runs it sends +WPI so slow
 * batches are not redelivered under it. Acks and naks are confirmed requests, and naks are sent in
 * sequence order before the next pull, so released messages come back before anything newer.
 */
import {
  BusError,
  type BatchHandler,
  type BusConsumer,
  type ConsumeOptions,
  type Delivery,
  type DrainOptions,
} from '@safeguard/core';
import { JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { deferred, retryBackoff, sleep, Semaphore, type Deferred } from './util.js';
import { positiveInt } from './validate.js';

export interface NatsConsumerContext {
  readonly stream: string;
  readonly coordStream: string;
  readonly prefix: string;
  readonly partitions: number;
  readonly ackWaitMs: number;
  readonly retryDelayMs: number;
  readonly pollMs: number;
  readonly leaseTtlMs: number;
  readonly timeoutMs: number;
  subject(partition: number): string;
  consumerName(partition: number): string;
}

const KEY_HEADER = 'safeguard-bus-key';
const ID_HEADER = 'nats-msg-id';
const now = (): number => performance.now();
const encoder = new TextEncoder();

interface Lease {
  seq: number;
  /** Monotonic time at which the last successful renewal was sent. */
  renewedAt: number;
  releasing: boolean;
  /** Set once a release started; everyone who releases (rebalance, drain) awaits the same one. */
  released?: Promise<void>;
  chain: Promise<void>;
  readonly loop: PartitionLoop;
}

type Outcome = 'ack' | 'nak' | 'term';

interface AckInfo {
  readonly deliveryCount: number;
  readonly sequence: number;
  readonly publishedAt: number;
}

/** Reads the delivery metadata JetStream encodes in the ack subject (v1: 9 tokens, v2: 12). */
function parseAckSubject(reply: string): AckInfo {
  const t = reply.split('.');
  const o = t.length >= 11 ? 2 : 0;
  return {
    deliveryCount: Number(t[4 + o]),
    sequence: Number(t[5 + o]),
    publishedAt: Math.floor(Number(BigInt(t[7 + o] ?? '0') / 1_000_000n)),
  };
}

function isWrongLastSequence(error: unknown): boolean {
  return error instanceof JetStreamApiError && (error.code === 10071 || error.code === 10164);
}

interface PullState {
  readonly want: number;
  readonly got: Msg[];
  readonly done: Deferred<Msg[]>;
  timer?: NodeJS.Timeout;
}

class PartitionLoop {
  readonly #consumer: NatsConsumer;
  readonly #p: number;
  readonly #inbox = createInbox();
  readonly #stop = new AbortController();
  #lost = false;
  #batch: AbortController | undefined;
  #buffer: Msg[] = [];
  #current: PullState | undefined;
  #sub: Subscription | undefined;
  done: Promise<void> = Promise.resolve();

  constructor(consumer: NatsConsumer, partition: number) {
    this.#consumer = consumer;
    this.#p = partition;
  }

  start(): void {
    this.done = this.#run();
  }

  /** Finish the running batch, give back what was fetched but not handed out, and exit. */
  stop(): Promise<void> {
    this.#stop.abort();
    return this.done;
  }

  /** The lease is gone: abort the batch and exit without touching the partition again. */
  lose(): void {
    this.#lost = true;
    this.#batch?.abort(new BusError('closed', `lost the lease on partition ${this.#p}`));
    this.#stop.abort();
  }

  /** A drain deadline passed: tell the running handler to stop. */
  abortBatch(): void {
    this.#batch?.abort(new BusError('closed', 'drain deadline passed'));
  }

  get #stopping(): boolean {
    return this.#stop.signal.aborted;
  }

  async #run(): Promise<void> {
    const c = this.#consumer;
    this.#sub = c.nc.subscribe(this.#inbox, { callback: (_error, msg) => this.#onMessage(msg) });
    try {
      while (!this.#stopping) {
        if (!c.valid(this.#p)) {
          // Fenced (renewals late): touch nothing until a renewal succeeds or the lease is lost.
          await sleep(Math.min(250, c.ctx.pollMs), this.#stop.signal);
          continue;
        }
        if (!(await this.#acquireOne())) break;
        let msgs: Msg[] = [];
        try {
          msgs = await this.#fetch();
        } catch (error) {
          c.report(error);
        }
        // #fetch holds exactly one permit per returned message (and one when it returned none).
        if (msgs.length === 0) {
          c.credits.release(1);
          if (!this.#stopping) await this.#poll();
          continue;
        }
        try {
          if (this.#stopping || !c.valid(this.#p)) {
            if (!this.#lost) await this.#nakInOrder(msgs);
            break;
          }
          await this.#process(msgs);
        } finally {
          c.credits.release(msgs.length);
        }
      }
    } catch (error) {
      c.report(error);
    } finally {
      if (!this.#lost) {
        // A pull still open on the server may yet deliver: wait for it, then give back leftovers.
        if (this.#current) await this.#current.done.promise;
        const leftovers = this.#buffer.splice(0);
        if (leftovers.length > 0) await this.#nakInOrder(leftovers).catch((error: unknown) => c.report(error));
      }
      this.#sub.unsubscribe();
    }
  }

  #onMessage(msg: Msg): void {
    if (msg.reply?.startsWith('$JS.ACK.')) {
      const current = this.#current;
      if (current && current.got.length < current.want) {
        current.got.push(msg);
        if (current.got.length === current.want) this.#finish(current);
      } else {
        // Delivered for a pull we stopped waiting for: keep it, it is next in order.
        this.#buffer.push(msg);
      }
      return;
    }
    const code = msg.headers?.code ?? 0;
    if (code === 100) return;
    // 404 No Messages, 408 Request Timeout, 409 (limits, consumer deleted) end the current pull.
    if (this.#current) this.#finish(this.#current);
    if (code === 409 && /deleted/i.test(msg.headers?.description ?? '')) {
      this.#consumer.report(new BusError('misconfigured', `consumer ${this.#consumer.ctx.consumerName(this.#p)} was deleted`));
    }
  }

  #finish(state: PullState): void {
    clearTimeout(state.timer);
    if (this.#current === state) this.#current = undefined;
    state.done.resolve(state.got);
  }

  #pull(batch: number, waitMs: number | null): Promise<Msg[]> {
    const c = this.#consumer;
    const state: PullState = { want: batch, got: [], done: deferred<Msg[]>() };
    this.#current = state;
    const request = waitMs === null ? { batch, no_wait: true } : { batch, expires: waitMs * 1_000_000 };
    c.nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${c.ctx.stream}.${c.ctx.consumerName(this.#p)}`, JSON.stringify(request), {
      reply: this.#inbox,
    });
    state.timer = setTimeout(() => this.#finish(state), (waitMs ?? 0) + c.ctx.timeoutMs);
    return state.done.promise;
  }

  /**
   * Waits for a permit. A message parked by #poll keeps its ack deadline alive meanwhile, so a
   * consumer whose permits are all busy does not see it redelivered under it.
   */
  async #acquireOne(): Promise<boolean> {
    const c = this.#consumer;
    if (this.#buffer.length === 0) return c.credits.acquire(1, this.#stop.signal);
    const extender = setInterval(() => {
      if (c.valid(this.#p)) for (const m of this.#buffer) c.nc.publish(m.reply!, '+WPI');
    }, Math.max(50, Math.floor(c.ctx.ackWaitMs / 3)));
    try {
      return await c.credits.acquire(1, this.#stop.signal);
    } finally {
      clearInterval(extender);
    }
  }

  /**
   * The next messages in order, holding one permit each: parked ones first, then what the
   * server has now — as many as free permits and the partition's budget allow. Called holding
   * one permit; returns none (still holding that one) when the partition is empty.
   */
  async #fetch(): Promise<Msg[]> {
    const c = this.#consumer;
    const extra = c.credits.tryAcquire(c.budget() - 1);
    const msgs = this.#buffer.splice(0, 1 + extra);
    if (msgs.length < 1 + extra && !this.#stopping) msgs.push(...(await this.#pull(1 + extra - msgs.length, null)));
    c.credits.release(Math.max(0, 1 + extra - Math.max(1, msgs.length)));
    return msgs;
  }

  /**
   * An empty partition waits on the server for its next message (pollMs) without holding a
   * permit, so idle partitions never starve busy ones; the message is parked for #fetch. Parked
   * messages are at most one per owned partition, beyond maxInFlight, and never reach a handler
   * without a permit.
   */
  async #poll(): Promise<void> {
    const first = await this.#pull(1, this.#consumer.ctx.pollMs);
    this.#buffer.push(...first);
  }

  async #nakInOrder(msgs: readonly Msg[]): Promise<void> {
    const c = this.#consumer;
    // One at a time, each confirmed, so the server queues them for redelivery in this order.
    for (const m of msgs) await c.nc.request(m.reply!, '-NAK', { timeout: c.ctx.timeoutMs });
  }

  async #process(msgs: Msg[]): Promise<void> {
    const c = this.#consumer;
    const batch = new AbortController();
    this.#batch = batch;
    const outcomes: (Outcome | undefined)[] = msgs.map(() => undefined);
    let held = true;
    const writes: Promise<unknown>[] = [];
    const deliveries = msgs.map((m, i) => this.#delivery(m, i, outcomes, () => held, writes));
    const extend = (): void => {
      if (!c.valid(this.#p)) {
        // Fenced: the lease may pass to another worker; stop extending so its redelivery can happen.
        batch.abort(new BusError('closed', `lost the lease on partition ${this.#p}`));
        return;
      }
      msgs.forEach((m, i) => {
        // A nak is only sent after the handler (in order), so until then it is still ours to extend.
        if (outcomes[i] === undefined || outcomes[i] === 'nak') c.nc.publish(m.reply!, '+WPI');
      });
    };
    let extender = setInterval(extend, Math.max(50, Math.floor(c.ctx.ackWaitMs / 3)));
    let threw = false;
    try {
      await c.handler({ partition: this.#p, deliveries, signal: batch.signal });
    } catch (error) {
      threw = true;
      c.report(error);
    } finally {
      clearInterval(extender);
      held = false;
      this.#batch = undefined;
    }
    await Promise.allSettled(writes);
    const unsettled = msgs.filter((_, i) => outcomes[i] === undefined || outcomes[i] === 'nak');
    // After losing the lease the partition is someone else's: leave the rest to ack_wait.
    if (unsettled.length === 0 || this.#lost) return;
    // Stopping, a drain deadline or a fence: give them back now, in order, so they come first.
    if (!this.#stopping && !batch.signal.aborted && c.valid(this.#p)) {
      const firstIndex = msgs.indexOf(unsettled[0]!);
      const failed = threw || outcomes[firstIndex] === 'nak';
      const delay = failed ? retryBackoff(c.ctx.retryDelayMs, deliveries[firstIndex]!.deliveryCount) : c.ctx.ackWaitMs;
      // A failure's backoff may exceed ack_wait: keep extending so the server does not redeliver
      // early; a forgotten ack waits out ack_wait like a dead consumer's would.
      if (failed) extender = setInterval(extend, Math.max(50, Math.floor(c.ctx.ackWaitMs / 3)));
      try {
        await sleep(delay, this.#stop.signal);
      } finally {
        clearInterval(extender);
      }
      if (this.#lost) return;
    }
    await this.#nakInOrder(unsettled);
  }

  #delivery(m: Msg, i: number, outcomes: (Outcome | undefined)[], held: () => boolean, writes: Promise<unknown>[]): Delivery {
    const c = this.#consumer;
    const info = parseAckSubject(m.reply!);
    const headers: Record<string, string> = {};
    let id = '';
    let key = '';
    for (const name of m.headers?.keys() ?? []) {
      const lower = name.toLowerCase();
      const value = m.headers!.get(name);
      if (lower === ID_HEADER) id = value;
      else if (lower === KEY_HEADER) key = value;
      else if (!lower.startsWith('nats-') && !lower.startsWith('safeguard-bus-')) headers[name] = value;
    }
    const settle = (outcome: Outcome): Promise<void> => {
      if (!held()) return Promise.reject(new BusError('not_held', `delivery ${id} was settled after its handler finished`, { id }));
      if (outcomes[i] !== undefined) return Promise.resolve();
      outcomes[i] = outcome;
      if (outcome === 'nak') return Promise.resolve();
      const write = c.nc
        .request(m.reply!, outcome === 'ack' ? '+ACK' : '+TERM', { timeout: c.ctx.timeoutMs })
        .then(() => undefined)
        .catch((error: unknown) => {
          // Unconfirmed: count it as unsettled; a nak of an already acked message is ignored.
          outcomes[i] = undefined;
          throw new BusError(c.nc.isClosed() ? 'closed' : 'timeout', `NATS did not confirm the ${outcome} of ${id}: ${String(error)}`, { id });
        });
      writes.push(write.catch(() => undefined));
      return write;
    };
    return {
      id,
      key,
      partition: this.#p,
      sequence: info.sequence,
      publishedAt: info.publishedAt,
      deliveryCount: info.deliveryCount,
      data: m.data,
      headers,
      ack: () => settle('ack'),
      nak: () => settle('nak'),
      term: () => settle('term'),
    };
  }
}

export class NatsConsumer implements BusConsumer {
  readonly id: string;
  readonly credits: Semaphore;
  readonly #maxBatch: number;
  readonly #onError: (error: unknown) => void;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #onClosed: () => void;
  readonly #owned = new Map<number, Lease>();
  readonly #observed = new Map<string, { seq: number; since: number }>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> = Promise.resolve();
  #rebalancing: Promise<void> | undefined;
  #draining = false;
  #drained: Promise<void> | undefined;

  constructor(
    readonly nc: NatsConnection,
    js: JetStreamClient,
    jsm: JetStreamManager,
    readonly ctx: NatsConsumerContext,
    readonly handler: BatchHandler,
    options: ConsumeOptions,
    onClosed: () => void,
  ) {
    const maxInFlight = positiveInt('maxInFlight', options.maxInFlight, 1000);
    this.#maxBatch = Math.min(maxInFlight, positiveInt('maxBatch', options.maxBatch, 100));
    this.credits = new Semaphore(maxInFlight);
    this.#onError = options.onError ?? (() => undefined);
    this.#js = js;
    this.#jsm = jsm;
    this.#onClosed = onClosed;
    const host = hostname().replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
    this.id = `${host}-${process.pid}-${randomBytes(4).toString('hex')}`;
  }

  report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // an onError that throws must not break the loops
    }
  }

  partitions(): readonly number[] {
    return [...this.#owned.keys()].sort((a, b) => a - b);
  }

  /** Whether this consumer may still touch the partition (holds a lease renewed recently enough). */
  valid(partition: number): boolean {
    const lease = this.#owned.get(partition);
    return lease !== undefined && now() - lease.renewedAt < (2 * this.ctx.leaseTtlMs) / 3;
  }

  /** Most a partition takes at once: maxBatch, and its share of maxInFlight among owned partitions. */
  budget(): number {
    return Math.max(1, Math.min(this.#maxBatch, Math.floor(this.credits.capacity / Math.max(1, this.#owned.size))));
  }

  #leaseSubject(p: number): string {
    return `${this.ctx.prefix}.coord.lease.${p}`;
  }

  #memberSubject(id: string): string {
    return `${this.ctx.prefix}.coord.member.${id}`;
  }

  /** True when the record at `subject` has not changed for leaseTtlMs on this consumer's clock. */
  #stale(subject: string, seq: number): boolean {
    const seen = this.#observed.get(subject);
    if (!seen || seen.seq !== seq) {
      this.#observed.set(subject, { seq, since: now() });
      return false;
    }
    return now() - seen.since >= this.ctx.leaseTtlMs;
  }

  /** Registers, takes a first share of the partitions, then keeps renewing and rebalancing. */
  async start(): Promise<void> {
    await this.#tick();
    await this.#rebalancing;
    this.#schedule();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#ticking = this.#tick().finally(() => {
        if (this.#timer !== undefined) this.#schedule();
      });
    }, Math.max(50, Math.floor(this.ctx.leaseTtlMs / 4)));
  }

  /**
   * Every leaseTtlMs / 4: heartbeat and renewals first, so a slow rebalance (many lease reads on a
   * loaded server) never delays a renewal; the rebalance runs behind them, one at a time.
   */
  async #tick(): Promise<void> {
    try {
      if (!this.#draining) {
        await this.#js.publish(this.#memberSubject(this.id), encoder.encode(JSON.stringify({ member: this.id })), { timeout: this.ctx.timeoutMs });
      }
    } catch (error) {
      this.report(error);
    }
    await Promise.all([...this.#owned].map(([p, lease]) => this.#serial(lease, () => this.#renew(p, lease))));
    if (!this.#draining && !this.#rebalancing) {
      this.#rebalancing = this.#rebalance().finally(() => {
        this.#rebalancing = undefined;
      });
    }
  }

  /** Moves this consumer towards ceil(partitions / live workers) leases. */
  async #rebalance(): Promise<void> {
    try {
      const members = await this.#liveMembers();
      const share = Math.ceil(this.ctx.partitions / members);
      const active = [...this.#owned].filter(([, lease]) => !lease.releasing);
      if (active.length > share) {
        for (const [p] of active.sort(([a], [b]) => b - a).slice(0, active.length - share)) void this.#release(p);
        return;
      }
      let wanted = share - active.length;
      if (wanted === 0) return;
      const start = Number.parseInt(this.id.slice(-8), 16) % this.ctx.partitions;
      const candidates = Array.from({ length: this.ctx.partitions }, (_, i) => (start + i) % this.ctx.partitions).filter((p) => !this.#owned.has(p));
      const free = await Promise.all(candidates.map(async (p) => [p, await this.#freeLease(p)] as const));
      for (const [p, expect] of free) {
        if (wanted === 0 || this.#draining) break;
        if (expect !== null && (await this.#acquire(p, expect))) wanted -= 1;
      }
    } catch (error) {
      this.report(error);
    }
  }

  /** Runs lease operations one after another, so a renewal and a release never race. */
  #serial(lease: Lease, op: () => Promise<void>): Promise<void> {
    lease.chain = lease.chain.then(op, op);
    return lease.chain;
  }

  async #liveMembers(): Promise<number> {
    const info = await this.#jsm.streams.info(this.ctx.coordStream, { subjects_filter: `${this.ctx.prefix}.coord.member.>` });
    const mine = this.#memberSubject(this.id);
    let live = 1;
    await Promise.all(
      Object.keys(info.state.subjects ?? {}).map(async (subject) => {
        if (subject === mine) return;
        const record = await this.#jsm.streams.getMessage(this.ctx.coordStream, { last_by_subj: subject });
        if (record && !this.#stale(subject, record.seq)) live += 1;
      }),
    );
    return live;
  }

  /** The sequence to compare-and-set against if the partition's lease is free or expired, else null. */
  async #freeLease(p: number): Promise<number | null> {
    const subject = this.#leaseSubject(p);
    const record = await this.#jsm.streams.getMessage(this.ctx.coordStream, { last_by_subj: subject });
    if (!record) return 0;
    const { owner } = record.json<{ owner: string | null }>();
    if (owner === null) return record.seq;
    return this.#stale(subject, record.seq) ? record.seq : null;
  }

  async #acquire(p: number, expect: number): Promise<boolean> {
    const sent = now();
    try {
      const ack = await this.#js.publish(this.#leaseSubject(p), encoder.encode(JSON.stringify({ owner: this.id })), {
        expect: { lastSubjectSequence: expect },
        timeout: this.ctx.timeoutMs,
      });
      const loop = new PartitionLoop(this, p);
      this.#owned.set(p, { seq: ack.seq, renewedAt: sent, releasing: false, chain: Promise.resolve(), loop });
      loop.start();
      return true;
    } catch (error) {
      if (!isWrongLastSequence(error)) this.report(error);
      return false;
    }
  }

  async #renew(p: number, lease: Lease): Promise<void> {
    if (this.#owned.get(p) !== lease) return;
    const sent = now();
    try {
      const ack = await this.#js.publish(this.#leaseSubject(p), encoder.encode(JSON.stringify({ owner: this.id })), {
        expect: { lastSubjectSequence: lease.seq },
        timeout: this.ctx.timeoutMs,
      });
      lease.seq = ack.seq;
      lease.renewedAt = sent;
    } catch (error) {
      if (isWrongLastSequence(error)) this.#lose(p, lease);
      else {
        this.report(error);
        if (!this.valid(p)) this.#lose(p, lease);
      }
    }
  }

  #lose(p: number, lease: Lease): void {
    if (this.#owned.get(p) !== lease) return;
    this.#owned.delete(p);
    lease.loop.lose();
    this.report(new BusError('closed', `consumer ${this.id} lost the lease on partition ${p}`, { partition: p }));
  }

  /** Stops the partition's loop (its running batch finishes), then hands the lease back. */
  #release(p: number): Promise<void> {
    const lease = this.#owned.get(p);
    if (!lease) return Promise.resolve();
    lease.releasing = true;
    lease.released ??= (async () => {
      await lease.loop.stop();
      await this.#serial(lease, async () => {
        if (this.#owned.get(p) !== lease) return;
        try {
          await this.#js.publish(this.#leaseSubject(p), encoder.encode(JSON.stringify({ owner: null })), {
            expect: { lastSubjectSequence: lease.seq },
            timeout: this.ctx.timeoutMs,
          });
        } catch (error) {
          // The lease expires on its own; nothing else to do.
          if (!isWrongLastSequence(error)) this.report(error);
        }
        this.#owned.delete(p);
      });
    })();
    return lease.released;
  }

  drain(options: DrainOptions = {}): Promise<void> {
    this.#drained ??= (async () => {
      this.#draining = true;
      // A rebalance in flight may still be acquiring: let it finish (it stops at the flag).
      await this.#rebalancing;
      const deadline = setTimeout(() => {
        for (const lease of this.#owned.values()) lease.loop.abortBatch();
      }, options.timeoutMs ?? 30_000);
      try {
        await Promise.all([...this.#owned.keys()].map((p) => this.#release(p)));
      } finally {
        clearTimeout(deadline);
      }
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#ticking;
      await this.#rebalancing;
      try {
        await this.#jsm.streams.purge(this.ctx.coordStream, { filter: this.#memberSubject(this.id) });
      } catch (error) {
        this.report(error);
      }
      this.#onClosed();
    })();
    return this.#drained;
  }
}

/**
 * The NATS JetStream bus against the real server (test-support/nats.ts: skipped with a clear
 * message when it does not answer, a failure under SAFEGUARD_REQUIRE_SERVICES=1): the shared
 * contract, then what is specific to NATS — typed errors when the broker is unreachable or goes
 * away, the partition-count check on an existing stream, and lease rebalancing between workers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBusError, type BusConsumer, type MessageBus } from '@safeguard/core';
import { checkNats, freshNatsNamespace, type NatsNamespace } from '../../../test-support/nats.js';
import { createNatsBus, type NatsBusOptions } from '../src/index.js';
import { message, runBusContract, type ContractBusOptions } from './bus-contract.js';

const ACK_WAIT_MS = 1000;
const POLL_MS = 300;
const LEASE_TTL_MS = 4500;
const RETRY_DELAY_MS = 100;

function natsOptions(ns: NatsNamespace, options: ContractBusOptions = {}): NatsBusOptions {
  return {
    servers: ns.url,
    stream: ns.stream,
    subjectPrefix: ns.subjectPrefix,
    durable: ns.durable,
    partitions: options.partitions ?? 16,
    ackWaitMs: ACK_WAIT_MS,
    pollMs: POLL_MS,
    leaseTtlMs: LEASE_TTL_MS,
    retryDelayMs: RETRY_DELAY_MS,
    ...(options.maxPending ? { maxPending: options.maxPending } : {}),
  };
}

runBusContract({
  name: 'NATS JetStream bus',
  available: () => checkNats('NATS bus contract tests'),
  ackWaitMs: ACK_WAIT_MS,
  retryDelayMs: RETRY_DELAY_MS,
  // Two lease ticks (leaseTtlMs / 4 each) for the first worker to release and the second to take.
  holdsPartitions: true,
  settleMs: LEASE_TTL_MS,
  takeoverMs: LEASE_TTL_MS * 2,
  namespace: () => {
    const ns = freshNatsNamespace();
    return Promise.resolve({
      create: (options?: ContractBusOptions) => createNatsBus(natsOptions(ns, options)),
      childBus: (options?: ContractBusOptions) => ({ kind: 'nats', ...natsOptions(ns, options) }),
      cleanup: ns.cleanup,
    });
  },
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

describe('NATS bus: broker failures', () => {
  it('fails with a typed unreachable error when no server answers', async () => {
    const started = Date.now();
    const error = await createNatsBus({ servers: 'nats://127.0.0.1:1', timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(isBusError(error, 'unreachable')).toBe(true);
    expect((error as Error & { code: string }).code).toBe('unavailable');
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  const natsServer = '/usr/sbin/nats-server';
  it.skipIf(!existsSync(natsServer))('reports a broker that goes away, and keeps every acknowledged message across its restart', async () => {
    // A private server (its own port and store) so stopping it disturbs no other test.
    const port = await freePort();
    const store = mkdtempSync(join(tmpdir(), 'sg-nats-'));
    const start = (): ChildProcess => spawn(natsServer, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: 'ignore' });
    let server = start();
    let bus: MessageBus | undefined;
    try {
      await waitForPort(port);
      const options: NatsBusOptions = { servers: `nats://127.0.0.1:${port}`, partitions: 2, ackWaitMs: 1000, pollMs: 300, leaseTtlMs: 4500, timeoutMs: 1500 };
      bus = await createNatsBus(options);
      await bus.publish([message('g-1', 'tenant-a/k'), message('g-2', 'tenant-a/k')]);
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      const error = await bus.publish([message('g-3', 'tenant-a/k')]).catch((e: unknown) => e);
      expect(isBusError(error, 'unreachable') || isBusError(error, 'timeout')).toBe(true);
      expect((error as Error & { code: string }).code).toBe('unavailable');
      expect((error as Error & { details: { failed: unknown[] } }).details.failed).toHaveLength(1);

      // Restarted on the same store: the client reconnects, the retried publish lands (or is
      // recognised as a duplicate if it had been stored), and nothing acknowledged was lost.
      server = start();
      await waitForPort(port);
      let receipts;
      for (let attempt = 0; attempt < 20 && !receipts; attempt += 1) {
        receipts = await bus.publish([message('g-3', 'tenant-a/k')]).catch(() => sleep(250).then(() => undefined));
      }
      expect(receipts).toBeDefined();
      const seen: string[] = [];
      const consumer = await bus.consume(async (batch) => {
        for (const d of batch.deliveries) seen.push(d.id);
        await Promise.all(batch.deliveries.map((d) => d.ack()));
      });
      await until('3 messages', () => seen.length >= 3, 15_000);
      await consumer.drain();
      expect(seen).toEqual(['g-1', 'g-2', 'g-3']);
    } finally {
      await bus?.close().catch(() => undefined);
      server.kill('SIGKILL');
      rmSync(store, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('NATS bus: topology and leases', () => {
  let run = false;
  const namespaces: NatsNamespace[] = [];
  const buses: MessageBus[] = [];
  beforeAll(async () => {
    run = await checkNats('NATS topology and lease tests');
  });
  afterAll(async () => {
    await Promise.allSettled(buses.map((b) => b.close()));
    await Promise.allSettled(namespaces.map((n) => n.cleanup()));
  });

  it('refuses to reuse a stream created with another partition count', async ({ skip }) => {
    if (!run) skip();
    const ns = freshNatsNamespace();
    namespaces.push(ns);
    buses.push(await createNatsBus(natsOptions(ns, { partitions: 8 })));
    const error = await createNatsBus(natsOptions(ns, { partitions: 4 })).catch((e: unknown) => e);
    expect(isBusError(error, 'misconfigured')).toBe(true);
    expect((error as Error).message).toMatch(/8 partitions/);
  });

  it('refuses a lease TTL too short to keep order across a takeover', async () => {
    const error = await createNatsBus({ servers: 'nats://127.0.0.1:1', ackWaitMs: 5000, pollMs: 1000, leaseTtlMs: 10_000 }).catch((e: unknown) => e);
    expect(isBusError(error, 'misconfigured')).toBe(true);
  });

  it('splits partitions between workers on separate connections, and hands them back when one drains', async ({ skip }) => {
    if (!run) skip();
    const ns = freshNatsNamespace();
    namespaces.push(ns);
    const a = await createNatsBus(natsOptions(ns, { partitions: 8 }));
    const b = await createNatsBus(natsOptions(ns, { partitions: 8 }));
    buses.push(a, b);
    const handler = async (batch: { deliveries: readonly { ack(): Promise<void> }[] }): Promise<void> => {
      await Promise.all(batch.deliveries.map((d) => d.ack()));
    };
    const ca: BusConsumer = await a.consume(handler);
    expect(ca.partitions()).toHaveLength(8);
    const cb: BusConsumer = await b.consume(handler);
    await until('an even split', () => ca.partitions().length === 4 && cb.partitions().length === 4, LEASE_TTL_MS * 3);
    expect(new Set([...ca.partitions(), ...cb.partitions()]).size).toBe(8);
    await cb.drain();
    expect(cb.partitions()).toEqual([]);
    await until('the survivor to own everything', () => ca.partitions().length === 8, LEASE_TTL_MS * 3);
    await ca.drain();
  }, 60_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port}`);
    await sleep(100);
  }
}

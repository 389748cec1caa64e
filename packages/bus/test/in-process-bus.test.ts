/**
 * The in-process bus: the shared contract on the file journal (the embedded default), then what
 * the journal itself guarantees — restart recovery with delivery counts, dedupe across restarts,
 * torn tails, damage, locking, partition-count checks and segment compaction.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBusError, type Delivery, type MessageBus } from '@safeguard/core';
import { createFileJournal, createInProcessBus, createMemoryJournal } from '../src/index.js';
import { message, runBusContract, type ContractBusOptions } from './bus-contract.js';

const ACK_WAIT_MS = 300;
const RETRY_DELAY_MS = 100;
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bus-journal-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const busOptions = (options: ContractBusOptions = {}) => ({
  partitions: options.partitions ?? 16,
  ackWaitMs: ACK_WAIT_MS,
  retryDelayMs: RETRY_DELAY_MS,
  ...(options.maxPending ? { maxPending: options.maxPending } : {}),
});

runBusContract({
  name: 'in-process bus on a file journal',
  available: () => Promise.resolve(true),
  ackWaitMs: ACK_WAIT_MS,
  retryDelayMs: RETRY_DELAY_MS,
  holdsPartitions: false,
  settleMs: 0,
  takeoverMs: 0,
  namespace: () => {
    const dir = tempDir();
    return Promise.resolve({
      create: (options?: ContractBusOptions) => createInProcessBus({ ...busOptions(options), journal: createFileJournal(dir) }),
      childBus: (options?: ContractBusOptions) => ({ kind: 'in-process', dir, ...busOptions(options) }),
      cleanup: () => Promise.resolve(),
    });
  },
});

/** Consumes until `n` deliveries were seen, settling each with `settle`, then drains. */
async function consumeSome(
  bus: MessageBus,
  n: number,
  settle: (d: Delivery) => Promise<void> | undefined,
  maxBatch = 100,
): Promise<Delivery[]> {
  const seen: Delivery[] = [];
  const consumer = await bus.consume(
    async (batch) => {
      for (const d of batch.deliveries) {
        if (seen.length >= n) return;
        seen.push(d);
        await settle(d);
      }
    },
    { maxBatch },
  );
  const deadline = Date.now() + 10_000;
  while (seen.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await consumer.drain();
  return seen;
}

describe('in-process bus: journal durability', () => {
  it('rebuilds the queues after a restart: unacked messages come back with their delivery counts, acked ones do not', async () => {
    const dir = tempDir();
    const first = await createInProcessBus({ ...busOptions({ partitions: 4 }), journal: createFileJournal(dir) });
    await first.publish(Array.from({ length: 6 }, (_, i) => message(`j-${i}`, 'tenant-a/one', { idx: i })));
    // One at a time: ack j-0 and j-1, take j-2 without settling it, so j-3..j-5 are never delivered.
    const seen = await consumeSome(first, 3, (d) => (d.id === 'j-2' ? undefined : d.ack()), 1);
    expect(seen.map((d) => d.id)).toEqual(['j-0', 'j-1', 'j-2']);
    await first.close();

    const second = await createInProcessBus({ ...busOptions({ partitions: 4 }), journal: createFileJournal(dir) });
    const again = await consumeSome(second, 4, (d) => d.ack());
    expect(again.map((d) => `${d.id}/${d.deliveryCount}`)).toEqual(['j-2/2', 'j-3/1', 'j-4/1', 'j-5/1']);
    // Ids stay known across the restart, within the dedupe window.
    const receipts = await second.publish([message('j-0', 'tenant-a/one'), message('j-9', 'tenant-a/one')]);
    expect(receipts.map((r) => r.duplicate)).toEqual([true, false]);
    expect(receipts[1]!.sequence).toBeGreaterThan(6);
    await second.close();
  });

  it('ignores a torn write at the end of the newest segment', async () => {
    const dir = tempDir();
    const bus = await createInProcessBus({ ...busOptions(), journal: createFileJournal(dir) });
    await bus.publish([message('t-1', 'k'), message('t-2', 'k')]);
    await bus.close();
    const segment = readdirSync(dir).find((f) => f.startsWith('segment-'))!;
    // A frame header announcing more bytes than were written, as a crash mid-write leaves it.
    const torn = Buffer.alloc(12);
    torn.writeUInt32LE(500, 0);
    appendFileSync(join(dir, segment), torn);
    const reopened = await createInProcessBus({ ...busOptions(), journal: createFileJournal(dir) });
    const seen = await consumeSome(reopened, 2, (d) => d.ack());
    expect(seen.map((d) => d.id)).toEqual(['t-1', 't-2']);
    await reopened.publish([message('t-3', 'k')]);
    await reopened.close();
  });

  it('refuses a journal whose older segment is damaged', async () => {
    const dir = tempDir();
    const bus = await createInProcessBus({ ...busOptions(), journal: createFileJournal(dir) });
    await bus.publish([message('c-1', 'k', { text: 'x'.repeat(200) })]);
    await bus.close();
    const segment = readdirSync(dir).find((f) => f.startsWith('segment-'))!;
    const number = Number(/(\d+)/.exec(segment)![1]);
    copyFileSync(join(dir, segment), join(dir, `segment-${String(number + 1).padStart(12, '0')}.log`));
    const bytes = readFileSync(join(dir, segment));
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
    writeFileSync(join(dir, segment), bytes);
    await expect(createInProcessBus({ ...busOptions(), journal: createFileJournal(dir) })).rejects.toSatisfy((e) => isBusError(e, 'journal_corrupt'));
  });

  it('lets one live process own a journal, and takes over the lock of a dead one', async () => {
    const dir = tempDir();
    const bus = await createInProcessBus({ ...busOptions(), journal: createFileJournal(dir) });
    await expect(createInProcessBus({ ...busOptions(), journal: createFileJournal(dir) })).rejects.toSatisfy(
      (e) => isBusError(e, 'journal_locked') && e.code === 'conflict',
    );
    await bus.publish([message('l-1', 'k')]);
    await bus.close();
    // A lock left by a process that no longer exists (as after kill -9).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'journal.lock'), dead.stdout);
    const after = await createInProcessBus({ ...busOptions(), journal: createFileJournal(dir) });
    const seen = await consumeSome(after, 1, (d) => d.ack());
    expect(seen.map((d) => d.id)).toEqual(['l-1']);
    await after.close();
  });

  it('refuses to reopen a journal with another partition count', async () => {
    const dir = tempDir();
    await (await createInProcessBus({ ...busOptions({ partitions: 8 }), journal: createFileJournal(dir) })).close();
    await expect(createInProcessBus({ ...busOptions({ partitions: 16 }), journal: createFileJournal(dir) })).rejects.toSatisfy(
      (e) => isBusError(e, 'misconfigured'),
    );
    // The refused open released the lock.
    await (await createInProcessBus({ ...busOptions({ partitions: 8 }), journal: createFileJournal(dir) })).close();
  });

  it('compacts: disk follows the backlog, and pending messages survive rolls and a reopen', async () => {
    const dir = tempDir();
    // A 1 ms dedupe window: only the backlog has to be carried from segment to segment.
    const options = { ...busOptions({ partitions: 2 }), dedupeWindowMs: 1 };
    const bus = await createInProcessBus({ ...options, journal: createFileJournal(dir, { segmentBytes: 4096 }) });
    let written = 0;
    let lastAcked: string[] = [];
    for (let round = 0; round < 20; round += 1) {
      const batch = Array.from({ length: 10 }, (_, i) => message(`s-${round}-${i}`, `k-${i % 3}`, { pad: 'x'.repeat(100) }));
      written += batch.reduce((n, m) => n + m.data.length, 0);
      await bus.publish(batch);
      lastAcked = (await consumeSome(bus, round === 19 ? 5 : 10, (d) => d.ack())).map((d) => d.id);
    }
    const segments = readdirSync(dir).filter((f) => f.startsWith('segment-'));
    expect(segments.length).toBe(1);
    const bytes = readFileSync(join(dir, segments[0]!)).length;
    expect(bytes).toBeLessThan(2 * 4096);
    expect(bytes).toBeLessThan(written / 4);
    await bus.close();
    const reopened = await createInProcessBus({ ...options, journal: createFileJournal(dir, { segmentBytes: 4096 }) });
    const rest = await consumeSome(reopened, 5, (d) => d.ack());
    const all = Array.from({ length: 10 }, (_, i) => `s-19-${i}`);
    expect(rest.map((d) => d.id).sort()).toEqual(all.filter((id) => !lastAcked.includes(id)).sort());
    await reopened.close();
  });

  it('keeps dedupe ids inside the window across segment rolls and a reopen', async () => {
    const dir = tempDir();
    const bus = await createInProcessBus({ ...busOptions({ partitions: 2 }), journal: createFileJournal(dir, { segmentBytes: 2048 }) });
    for (let round = 0; round < 10; round += 1) {
      await bus.publish(Array.from({ length: 10 }, (_, i) => message(`w-${round}-${i}`, 'k', { pad: 'x'.repeat(100) })));
      await consumeSome(bus, 10, (d) => d.ack());
    }
    await bus.close();
    const reopened = await createInProcessBus({ ...busOptions({ partitions: 2 }), journal: createFileJournal(dir, { segmentBytes: 2048 }) });
    const receipts = await reopened.publish([message('w-0-0', 'k'), message('w-9-9', 'k'), message('w-new', 'k')]);
    expect(receipts.map((r) => r.duplicate)).toEqual([true, true, false]);
    await reopened.close();
  });

  it('memory journal: survives a bus restart inside the process (it is not durable across processes)', async () => {
    const journal = createMemoryJournal();
    const first = await createInProcessBus({ ...busOptions(), journal });
    await first.publish([message('m-1', 'k'), message('m-2', 'k')]);
    await consumeSome(first, 1, (d) => d.ack());
    await first.close();
    const second = await createInProcessBus({ ...busOptions(), journal });
    const seen = await consumeSome(second, 1, (d) => d.ack());
    expect(seen.map((d) => d.id)).toEqual(['m-2']);
    await second.close();
  });

  it('validates options with a misconfigured error', async () => {
    await expect(createInProcessBus({ journal: createMemoryJournal(), partitions: 0 })).rejects.toSatisfy((e) => isBusError(e, 'misconfigured'));
    await expect(createInProcessBus({ journal: createMemoryJournal(), ackWaitMs: 1.5 })).rejects.toSatisfy((e) => isBusError(e, 'misconfigured'));
  });
});

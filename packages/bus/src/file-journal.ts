/**
 * The file journal: the embedded default's durable store for the in-process bus.
 *
 * Layout of `dir`: `journal.lock` (the owning process id), `journal.meta` (the partition count)
 * and append-only segment files `segment-<n>.log` of frames `[u32 length][u32 crc32][body]`. Body
 * types: P (a published record), S (settled sequences), D (delivered sequences), I (an id kept
 * only for dedupe) and L (the last sequence). Durability:
 * - `append` resolves after write + fdatasync; concurrent appends share one fsync (group commit).
 * - `settle` and `markDelivered` resolve once written (so they survive the process being killed:
 *   the page cache keeps them), without waiting for any fsync: a power loss may forget them, which
 *   means a redelivery. Writes continue while a sync is in flight.
 * - A crash can leave a torn frame at the end of the newest segment; `open` stops at the first
 *   frame whose length or CRC is wrong there. The same damage in an older segment is corruption.
 * - Every `open`, and every time the active segment passes `segmentBytes`, writes a checkpoint (the
 *   unsettled records and the dedupe ids still inside the window) to a new segment, fsyncs it and
 *   deletes the older ones, so disk use follows the backlog, not the history.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { BusError } from '@safeguard/core';
import type { BusJournal, JournalRecord, JournalSnapshot, RecentId } from './journal.js';
import { deferred, type Deferred } from './util.js';

export interface FileJournalOptions {
  /** Roll to a new segment (with a checkpoint) past this size. Default 64 MiB. */
  readonly segmentBytes?: number;
}

const Frame = { Publish: 1, Settle: 2, Delivered: 3, DedupeId: 4, Last: 5 } as const;
type Frame = (typeof Frame)[keyof typeof Frame];

const SEGMENT = /^segment-(\d{12})\.log$/;
const segmentName = (n: number): string => `segment-${String(n).padStart(12, '0')}.log`;

interface PendingState {
  record: JournalRecord;
  deliveries: number;
}

interface QueuedWrite {
  readonly bytes: Buffer;
  readonly sync: boolean;
  readonly apply: () => void;
  readonly done: Deferred<void>;
}

function frame(type: Frame, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(9 + payload.length);
  out.writeUInt32LE(1 + payload.length, 0);
  out.writeUInt8(type, 8);
  payload.copy(out, 9);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

function publishFrame(record: JournalRecord, deliveries: number): Buffer {
  const meta = Buffer.from(
    JSON.stringify({
      s: record.sequence,
      i: record.id,
      k: record.key,
      p: record.partition,
      t: record.publishedAt,
      h: record.headers,
      n: deliveries,
    }),
  );
  const payload = Buffer.allocUnsafe(4 + meta.length + record.data.byteLength);
  payload.writeUInt32LE(meta.length, 0);
  meta.copy(payload, 4);
  payload.set(record.data, 4 + meta.length);
  return frame(Frame.Publish, payload);
}

function sequencesFrame(type: typeof Frame.Settle | typeof Frame.Delivered, sequences: readonly number[]): Buffer {
  const payload = Buffer.allocUnsafe(8 * sequences.length);
  sequences.forEach((s, i) => payload.writeDoubleLE(s, 8 * i));
  return frame(type, payload);
}

const jsonFrame = (type: typeof Frame.DedupeId | typeof Frame.Last, value: unknown): Buffer => frame(type, Buffer.from(JSON.stringify(value)));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A durable journal in `dir` (created if missing). One process at a time may have it open. */
export function createFileJournal(dir: string, options: FileJournalOptions = {}): BusJournal {
  const segmentBytes = options.segmentBytes ?? 64 * 2 ** 20;
  const lockPath = join(dir, 'journal.lock');
  const metaPath = join(dir, 'journal.meta');

  const pending = new Map<number, PendingState>();
  const recent = new Map<string, RecentId>();
  let windowMs = 0;
  let lastSequence = 0;
  let segment = 0;
  let handle: FileHandle | undefined;
  let size = 0;
  let rollAt = segmentBytes;
  let failure: BusError | undefined;
  let locked = false;
  const queue: QueuedWrite[] = [];
  let flushing: Promise<void> | undefined;
  let writing = false;
  const syncWaiters: QueuedWrite[] = [];
  let syncActive = false;
  let syncDone: Promise<void> = Promise.resolve();

  const fail = (message: string, error: unknown): BusError =>
    new BusError('storage_failed', `${message}: ${error instanceof Error ? error.message : String(error)}`, { dir });

  function lock(): void {
    mkdirSync(dir, { recursive: true });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const fd = openSync(lockPath, 'wx');
        writeFileSync(fd, String(process.pid));
        fsyncSync(fd);
        closeSync(fd);
        locked = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fail('cannot create the journal lock', error);
      }
      const owner = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
      if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) {
        throw new BusError('journal_locked', `the bus journal in ${dir} is open in process ${owner}`, { dir, pid: owner });
      }
      // The owner died without closing (kill -9, power loss): its lock is stale.
      try {
        unlinkSync(lockPath);
      } catch {
        // another process removed it first; retry the exclusive create
      }
    }
    throw new BusError('journal_locked', `could not lock the bus journal in ${dir}`, { dir });
  }

  function unlock(): void {
    if (!locked) return;
    locked = false;
    try {
      unlinkSync(lockPath);
    } catch {
      // already gone
    }
  }

  function syncDir(): void {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  function segments(): number[] {
    return readdirSync(dir)
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  function applyPublish(record: JournalRecord, deliveries: number): void {
    pending.set(record.sequence, { record, deliveries });
    recent.set(record.id, { id: record.id, sequence: record.sequence, partition: record.partition, publishedAt: record.publishedAt });
    lastSequence = Math.max(lastSequence, record.sequence);
  }

  /** Applies the valid frames of one segment; returns whether it ended cleanly. */
  function replay(bytes: Buffer): boolean {
    let offset = 0;
    while (offset < bytes.length) {
      if (offset + 8 > bytes.length) return false;
      const length = bytes.readUInt32LE(offset);
      const end = offset + 8 + length;
      if (length < 1 || end > bytes.length) return false;
      const body = bytes.subarray(offset + 8, end);
      if (crc32(body) !== bytes.readUInt32LE(offset + 4)) return false;
      const type = body.readUInt8(0) as Frame;
      const payload = body.subarray(1);
      switch (type) {
        case Frame.Publish: {
          const metaLength = payload.readUInt32LE(0);
          const meta = JSON.parse(payload.subarray(4, 4 + metaLength).toString('utf8')) as {
            s: number;
            i: string;
            k: string;
            p: number;
            t: number;
            h: Record<string, string>;
            n: number;
          };
          const data = new Uint8Array(payload.subarray(4 + metaLength));
          applyPublish({ sequence: meta.s, id: meta.i, key: meta.k, partition: meta.p, publishedAt: meta.t, headers: meta.h, data }, meta.n);
          break;
        }
        case Frame.Settle:
        case Frame.Delivered:
          for (let i = 0; i + 8 <= payload.length; i += 8) {
            const sequence = payload.readDoubleLE(i);
            if (type === Frame.Settle) pending.delete(sequence);
            else {
              const entry = pending.get(sequence);
              if (entry) entry.deliveries += 1;
            }
          }
          break;
        case Frame.DedupeId: {
          const id = JSON.parse(payload.toString('utf8')) as RecentId;
          recent.set(id.id, id);
          lastSequence = Math.max(lastSequence, id.sequence);
          break;
        }
        case Frame.Last: {
          const last = JSON.parse(payload.toString('utf8')) as { lastSequence: number };
          lastSequence = Math.max(lastSequence, last.lastSequence);
          break;
        }
        default:
          return false;
      }
      offset = end;
    }
    return true;
  }

  function pruneRecent(): void {
    const since = Date.now() - windowMs;
    for (const [id, r] of recent) {
      // Map iteration follows insertion order, which is publish order: stop at the first live id.
      if (r.publishedAt >= since) break;
      recent.delete(id);
    }
  }

  /** Writes the live state to a new segment, makes it durable, then drops the older segments. */
  async function checkpoint(): Promise<void> {
    pruneRecent();
    const old = segments();
    const next = (old.at(-1) ?? segment) + 1;
    const parts: Buffer[] = [jsonFrame(Frame.Last, { lastSequence })];
    for (const r of recent.values()) if (!pending.has(r.sequence)) parts.push(jsonFrame(Frame.DedupeId, r));
    for (const entry of [...pending.values()].sort((a, b) => a.record.sequence - b.record.sequence)) {
      parts.push(publishFrame(entry.record, entry.deliveries));
    }
    const bytes = Buffer.concat(parts);
    const path = join(dir, segmentName(next));
    const fresh = await openFile(path, 'a');
    try {
      await fresh.write(bytes, 0, bytes.length);
      await fresh.datasync();
    } catch (error) {
      await fresh.close();
      throw error;
    }
    syncDir();
    const previous = handle;
    handle = fresh;
    segment = next;
    size = bytes.length;
    rollAt = Math.max(segmentBytes, 2 * bytes.length);
    await previous?.close();
    for (const n of old) unlinkSync(join(dir, segmentName(n)));
    syncDir();
  }

  /** fdatasyncs until no written append waits for one; `syncActive` is cleared in the same step. */
  async function syncLoop(): Promise<void> {
    try {
      while (syncWaiters.length > 0) {
        const group = syncWaiters.splice(0, syncWaiters.length);
        try {
          if (failure) throw failure;
          if (!handle) throw new BusError('closed', 'the bus journal is closed', { dir });
          await handle.datasync();
          for (const w of group) w.done.resolve();
        } catch (error) {
          failure ??= error instanceof BusError ? error : fail('bus journal fsync failed', error);
          for (const w of group) w.done.reject(failure);
        }
      }
    } finally {
      syncActive = false;
    }
  }

  async function flushLoop(): Promise<void> {
    // `writing` is cleared in the same synchronous step that finds the queue empty (no await
    // between them), so an enqueue can never slip in and wait for a loop that has already ended.
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, queue.length);
        try {
          if (failure) throw failure;
          if (!handle) throw new BusError('closed', 'the bus journal is closed', { dir });
          const bytes = batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((w) => w.bytes));
          let written = 0;
          while (written < bytes.length) {
            const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
            written += bytesWritten;
          }
          size += bytes.length;
          for (const w of batch) w.apply();
          // Settles and delivery marks need only the write; appends wait for an fsync, which runs
          // behind the writes: the next batches are written (and consumers' marks resolved) while
          // a sync is in flight, and one sync then covers every append written before it started.
          for (const w of batch) if (!w.sync) w.done.resolve();
          for (const w of batch) if (w.sync) syncWaiters.push(w);
          if (syncWaiters.length > 0 && !syncActive) {
            syncActive = true;
            syncDone = syncLoop();
          }
          if (size > rollAt) {
            while (syncActive) await syncDone;
            await checkpoint();
          }
        } catch (error) {
          // After a failed write the file's tail is unknown: refuse everything until reopened.
          failure ??= error instanceof BusError ? error : fail('bus journal write failed', error);
          for (const w of batch) w.done.reject(failure);
        }
      }
    } finally {
      writing = false;
    }
  }

  function enqueue(bytes: Buffer, sync: boolean, apply: () => void): Promise<void> {
    if (failure) return Promise.reject(failure);
    const done = deferred();
    queue.push({ bytes, sync, apply, done });
    if (!writing) {
      writing = true;
      flushing = flushLoop();
    }
    return done.promise;
  }

  return {
    async open({ partitions, dedupeWindowMs }): Promise<JournalSnapshot> {
      if (locked) throw new BusError('journal_locked', `the bus journal in ${dir} is already open in this process`, { dir });
      lock();
      try {
        windowMs = dedupeWindowMs;
        let recorded: number | null = null;
        try {
          recorded = (JSON.parse(readFileSync(metaPath, 'utf8')) as { partitions: number }).partitions;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fail('cannot read journal.meta', error);
        }
        if (recorded === null) {
          writeFileSync(metaPath, JSON.stringify({ partitions }));
          const fd = openSync(metaPath, 'r');
          fsyncSync(fd);
          closeSync(fd);
          syncDir();
        }
        pending.clear();
        recent.clear();
        lastSequence = 0;
        const list = segments();
        list.forEach((n, i) => {
          const clean = replay(readFileSync(join(dir, segmentName(n))));
          // Only the newest segment can end in a torn write; elsewhere a bad frame is damage.
          if (!clean && i < list.length - 1) {
            throw new BusError('journal_corrupt', `bus journal segment ${segmentName(n)} is damaged`, { dir, segment: n });
          }
        });
        segment = list.at(-1) ?? 0;
        failure = undefined;
        await checkpoint();
        return {
          pending: [...pending.values()].sort((a, b) => a.record.sequence - b.record.sequence).map((e) => ({ ...e })),
          recentIds: [...recent.values()],
          lastSequence,
          partitions: recorded,
        };
      } catch (error) {
        await handle?.close().catch(() => undefined);
        handle = undefined;
        unlock();
        throw error instanceof BusError ? error : fail('cannot open the bus journal', error);
      }
    },

    append(records) {
      const bytes = records.length === 1 ? publishFrame(records[0]!, 0) : Buffer.concat(records.map((r) => publishFrame(r, 0)));
      return enqueue(bytes, true, () => {
        for (const r of records) applyPublish(r, 0);
        if (recent.size > 4096) pruneRecent();
      });
    },

    markDelivered(sequences) {
      return enqueue(sequencesFrame(Frame.Delivered, sequences), false, () => {
        for (const s of sequences) {
          const entry = pending.get(s);
          if (entry) entry.deliveries += 1;
        }
      });
    },

    settle(sequences) {
      return enqueue(sequencesFrame(Frame.Settle, sequences), false, () => {
        for (const s of sequences) pending.delete(s);
      });
    },

    async close() {
      while (writing) await flushing;
      while (syncActive) await syncDone;
      await handle?.close();
      handle = undefined;
      unlock();
    },
  };
}

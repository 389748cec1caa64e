/**
 * BusJournal: the durable store behind the in-process bus. In embedded mode the journal, not the
 * bus, owns durability: the bus acknowledges a publish only after `append` resolved, and rebuilds
 * its queues from `open()` after a restart, so a crash loses no acknowledged message.
 *
 * An implementation must guarantee:
 * - `append` resolves only when the records survive a crash of the process and of the machine
 *   (fsync, or a committed database transaction); records are returned by later `open()` calls in
 *   sequence order until settled.
 * - `settle` and `markDelivered` may be lazily durable: losing one in a crash only causes a
 *   redelivery, or a redelivery counted as a first delivery — never a lost message.
 * - `open` returns every appended and unsettled record with how often it was marked delivered,
 *   plus the ids appended within the dedupe window (settled or not) so duplicates are still
 *   recognised after a restart; and it fails with BusError `journal_locked` while another live
 *   process has the journal open.
 *
 * Shipped: `createFileJournal(dir)` (segment files with CRC-checked frames and group-committed
 * fsync — the embedded default) and `createMemoryJournal()` (no durability: tests, benchmarks,
 * and processes that may lose work). A store-backed inbox table can implement the same interface.
 */
/** A published message as the in-process bus stores it. */
export interface JournalRecord {
  readonly sequence: number;
  readonly id: string;
  readonly key: string;
  readonly partition: number;
  /** Epoch ms when the bus accepted it. */
  readonly publishedAt: number;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export interface JournalEntry {
  readonly record: JournalRecord;
  /** How many times it was marked delivered before this open. */
  readonly deliveries: number;
}

export interface RecentId {
  readonly id: string;
  readonly sequence: number;
  readonly partition: number;
  readonly publishedAt: number;
}

export interface JournalSnapshot {
  /** Appended and not settled, in sequence order. */
  readonly pending: readonly JournalEntry[];
  /** Ids appended at or after `now - dedupeWindowMs`, settled or not. */
  readonly recentIds: readonly RecentId[];
  /** Highest sequence ever appended (0 when empty): the bus continues after it. */
  readonly lastSequence: number;
  /** Partition count recorded by the first open (null for a new journal). */
  readonly partitions: number | null;
}

export interface BusJournal {
  open(options: { readonly partitions: number; readonly dedupeWindowMs: number }): Promise<JournalSnapshot>;
  append(records: readonly JournalRecord[]): Promise<void>;
  markDelivered(sequences: readonly number[]): Promise<void>;
  settle(sequences: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A journal held in memory. It survives closing and reopening a bus in the same process (tests use
 * that to check restart behaviour) but not the process: use it only where losing work is fine.
 */
export function createMemoryJournal(): BusJournal {
  const pending = new Map<number, { record: JournalRecord; deliveries: number }>();
  let recent: RecentId[] = [];
  let windowMs = 0;
  let lastSequence = 0;
  let partitions: number | null = null;
  let open = false;
  return {
    open(options) {
      if (open) return Promise.reject(new Error('memory journal is already open'));
      open = true;
      const snapshotPartitions = partitions;
      partitions ??= options.partitions;
      windowMs = options.dedupeWindowMs;
      const since = Date.now() - windowMs;
      recent = recent.filter((r) => r.publishedAt >= since);
      return Promise.resolve({
        pending: [...pending.values()].sort((a, b) => a.record.sequence - b.record.sequence).map((e) => ({ ...e })),
        recentIds: [...recent],
        lastSequence,
        partitions: snapshotPartitions,
      });
    },
    append(records) {
      for (const record of records) {
        pending.set(record.sequence, { record, deliveries: 0 });
        recent.push({ id: record.id, sequence: record.sequence, partition: record.partition, publishedAt: record.publishedAt });
        lastSequence = Math.max(lastSequence, record.sequence);
      }
      // Forget ids past the dedupe window so a long-lived journal stays small.
      if (recent.length > 1024 && recent[0]!.publishedAt < Date.now() - windowMs) {
        const since = Date.now() - windowMs;
        recent = recent.filter((r) => r.publishedAt >= since);
      }
      return Promise.resolve();
    },
    markDelivered(sequences) {
      for (const s of sequences) {
        const entry = pending.get(s);
        if (entry) entry.deliveries += 1;
      }
      return Promise.resolve();
    },
    settle(sequences) {
      for (const s of sequences) pending.delete(s);
      return Promise.resolve();
    },
    close() {
      open = false;
      return Promise.resolve();
    },
  };
}

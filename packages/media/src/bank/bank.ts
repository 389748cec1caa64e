/**
 * One hash bank in memory: its entries (with labels, provenance and tombstones) and one index per
 * signal type, answering "which entries match these media signals?".
 *
 * Contracts:
 * - `import` is atomic: every record is validated first; on any problem a `BankImportError`
 *   naming the lines is thrown and the bank is unchanged.
 * - Tombstoned entries never match, but stay listed (with `tombstonedAt`) for audit.
 * - PDQ: entries whose stated quality is below the bank's floor are not imported (PDQ's guidance);
 *   queries below the floor are not matched (`lowQuality` in the result). Matching includes the
 *   query's 7 rotated/flipped variants when `matchTransforms` is on.
 * - An `allow` bank only reports matches; suppression across banks is `matchBanks`' job.
 * The server persists entries; it rebuilds a `HashBank` from them (`entries` option) on start.
 * Entry objects cost ~300–400 bytes each: for banks of millions of hashes use
 * `HashBank.fromIndex` with a persisted index instead (no entries in memory).
 */
import { SafeguardError, systemClock, type Clock } from '@safeguard/core';
import type { HashIndex } from '../index/types.js';
import { PDQ_DIHEDRAL_NAMES, type PdqDihedralName } from '../pdq/core.js';
import { SIGNAL_TYPES, type SignalTypeName } from '../signal/signal-types.js';
import { BankImportError, type BankFileIssue } from './import.js';
import { bankConfig, type AddRecord, type BankConfig, type BankConfigInput, type BankEntry, type ImportRecord, type Provenance, type TombstoneRecord } from './types.js';

/** The hashes computed for one piece of media (any subset). */
export interface MediaSignals {
  readonly pdq?: {
    readonly hash: string;
    readonly quality: number;
    /** The reference's 8 dihedral hashes; used when the bank matches transforms. */
    readonly dihedral?: Partial<Record<PdqDihedralName, string>>;
  };
  readonly md5?: string;
  readonly sha256?: string;
  readonly video_md5?: string;
  readonly video_sha256?: string;
}

export interface BankMatch {
  readonly bankId: string;
  readonly action: BankConfig['action'];
  readonly entryId: number;
  /** The bank's hash that matched (canonical form). */
  readonly hash: string;
  readonly signalType: SignalTypeName;
  readonly distance: number;
  /** Which variant of the query matched (`original` unless a rotated/flipped copy did). */
  readonly transform: PdqDihedralName;
  /** The entry's labels (empty for an index-backed bank: look the entry up by `entryId`). */
  readonly labels: readonly string[];
  /** The whole entry, when the bank holds its entries in memory (not for index-backed banks). */
  readonly entry?: BankEntry;
}

export interface BankQueryResult {
  readonly matches: readonly BankMatch[];
  /** The query had a PDQ hash below this bank's quality floor, so PDQ was not matched here. */
  readonly lowQuality: boolean;
}

export interface ImportResult {
  readonly added: number;
  /** Already active in the bank: labels merged into the existing entry. */
  readonly duplicates: number;
  readonly tombstoned: number;
  /** Tombstones that matched no active entry (already deleted, or never imported). */
  readonly tombstonesUnmatched: number;
  /** PDQ entries whose stated quality is below the floor. */
  readonly skippedLowQuality: number;
  /** `NEGATIVE_CLASS` opinions offered to a `block`/`review` bank (they belong in an allow bank). */
  readonly skippedNegative: number;
}

export type TombstoneSelector =
  | { readonly entryId: number }
  | { readonly signalType: SignalTypeName; readonly hash: string }
  | { readonly externalId: string; readonly member?: string };

export const BANK_EXPORT_FORMATS = ['hex', 'csv', 'local_file', 'pytx_csv'] as const;
export type BankExportFormat = (typeof BANK_EXPORT_FORMATS)[number];

const key = (signalType: string, hash: string): string => `${signalType}:${hash}`;
const externalKey = (externalId: string, member: string | undefined): string => `${member ?? ''}\u0000${externalId}`;

export interface HashBankOptions {
  readonly clock?: Clock;
  /** Entries loaded from storage (ids kept; new entries get ids above the largest). */
  readonly entries?: Iterable<BankEntry>;
}

/**
 * An index-backed bank: PDQ hashes only, held as a prebuilt (typically persisted) index whose ids
 * are the storage's entry ids, with no entry objects in memory — for banks of millions of hashes
 * (~100 bytes per hash instead of ~400). Matches carry `entryId` and the hash; the caller looks up
 * labels and provenance for the few entries that matched. Content changes by rebuilding the index;
 * tombstones can be applied in place.
 */
export interface IndexBackedBankOptions {
  readonly clock?: Clock;
  readonly pdqIndex: HashIndex;
  /** Entry ids tombstoned since the index was built. */
  readonly tombstoned?: Iterable<number>;
}

export class HashBank {
  private configValue: BankConfig;
  private readonly clock: Clock;
  private readonly byId = new Map<number, BankEntry>();
  private readonly active = new Map<string, number>();
  private readonly byExternal = new Map<string, Set<number>>();
  private readonly indexes = new Map<SignalTypeName, HashIndex>();
  private nextId = 1;
  private activeCount = 0;
  /** Set for index-backed banks: tombstoned entry ids (entries themselves are not in memory). */
  private tombstonedIds: Set<number> | undefined;

  constructor(config: BankConfigInput, options: HashBankOptions = {}) {
    this.configValue = bankConfig(config);
    this.clock = options.clock ?? systemClock;
    for (const entry of options.entries ?? []) this.insert(entry);
  }

  /** An index-backed bank (see `IndexBackedBankOptions`). */
  static fromIndex(config: BankConfigInput, options: IndexBackedBankOptions): HashBank {
    if (options.pdqIndex.signalType !== 'pdq') throw new RangeError('an index-backed bank takes a PDQ index');
    const bank = new HashBank({ ...config, signalTypes: ['pdq'] }, options.clock ? { clock: options.clock } : {});
    bank.tombstonedIds = new Set(options.tombstoned ?? []);
    bank.indexes.set('pdq', options.pdqIndex);
    return bank;
  }

  /** True for banks made with `fromIndex` (no entries in memory; imports are refused). */
  get indexBacked(): boolean {
    return this.tombstonedIds !== undefined;
  }

  get config(): BankConfig {
    return this.configValue;
  }

  get id(): string {
    return this.configValue.id;
  }

  /** Active (not tombstoned) entries. */
  get size(): number {
    if (this.tombstonedIds) return (this.indexes.get('pdq')?.size ?? 0) - this.tombstonedIds.size;
    return this.activeCount;
  }

  /** Changes settings (enable/disable, thresholds, action); the id cannot change. */
  configure(patch: Partial<Omit<BankConfig, 'id'>>): BankConfig {
    const next = { ...this.configValue, ...patch, id: this.configValue.id };
    // A new threshold without a new block distance keeps "every match blocks".
    if (patch.pdqThreshold !== undefined && patch.pdqBlockDistance === undefined) next.pdqBlockDistance = patch.pdqThreshold;
    this.configValue = bankConfig(next);
    return this.configValue;
  }

  entry(id: number): BankEntry | undefined {
    return this.byId.get(id);
  }

  /** All entries, tombstoned ones included, in id order. */
  entries(): BankEntry[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  private indexFor(signalType: SignalTypeName): HashIndex {
    let index = this.indexes.get(signalType);
    if (!index) {
      index = SIGNAL_TYPES[signalType].createIndex();
      this.indexes.set(signalType, index);
    }
    return index;
  }

  private insert(entry: BankEntry): void {
    if (this.byId.has(entry.id)) throw new RangeError(`duplicate entry id ${entry.id} in bank ${this.id}`);
    this.byId.set(entry.id, entry);
    this.nextId = Math.max(this.nextId, entry.id + 1);
    if (entry.provenance.externalId !== undefined) {
      const k = externalKey(entry.provenance.externalId, entry.provenance.member);
      const set = this.byExternal.get(k) ?? new Set<number>();
      set.add(entry.id);
      this.byExternal.set(k, set);
    }
    if (!entry.tombstoned) {
      this.indexFor(entry.signalType).add(entry.hash, entry.id);
      this.active.set(key(entry.signalType, entry.hash), entry.id);
      this.activeCount += 1;
    }
  }

  /** Validates without changing anything; returns the problems by line. */
  private validate(records: readonly ImportRecord[]): BankFileIssue[] {
    const issues: BankFileIssue[] = [];
    for (const r of records) {
      const line = r.provenance.line ?? 0;
      if (r.op === 'add') {
        if (!this.configValue.signalTypes.includes(r.signalType)) {
          issues.push({ line, message: `bank ${this.id} does not accept ${r.signalType} hashes (accepts ${this.configValue.signalTypes.join(', ')})` });
        } else if (SIGNAL_TYPES[r.signalType].normalize(r.hash) !== r.hash) {
          issues.push({ line, message: `not a canonical ${r.signalType} hash: ${JSON.stringify(r.hash.slice(0, 80))}` });
        }
      } else if (r.hash === undefined && r.externalId === undefined) {
        issues.push({ line, message: 'tombstone names neither a hash nor an upstream id' });
      }
      if (issues.length >= 20) break;
    }
    return issues;
  }

  /** Adds one hash (validated); returns the new or merged entry. */
  add(record: Omit<AddRecord, 'op'>): BankEntry {
    this.import([{ op: 'add', ...record }]);
    const id = this.active.get(key(record.signalType, SIGNAL_TYPES[record.signalType].normalize(record.hash) ?? record.hash));
    const entry = id === undefined ? undefined : this.byId.get(id);
    if (!entry) throw new BankImportError('unknown', [{ line: record.provenance.line ?? 0, message: 'hash was not added (below the quality floor, or a NEGATIVE_CLASS opinion)' }]);
    return entry;
  }

  /** Applies parsed records atomically (see the module contract). */
  import(records: readonly ImportRecord[], fileName?: string): ImportResult {
    if (this.tombstonedIds) {
      throw new SafeguardError('conflict', `bank ${this.id} is backed by a prebuilt index: rebuild the index to change its contents`);
    }
    const issues = this.validate(records);
    if (issues.length > 0) throw new BankImportError('unknown', issues, fileName);
    const now = this.clock.now().toISOString();
    let added = 0;
    let duplicates = 0;
    let tombstoned = 0;
    let tombstonesUnmatched = 0;
    let skippedLowQuality = 0;
    let skippedNegative = 0;
    for (const r of records) {
      if (r.op === 'tombstone') {
        const n = this.applyTombstone(r, now);
        if (n === 0) tombstonesUnmatched += 1;
        tombstoned += n;
        continue;
      }
      if (r.signalType === 'pdq' && r.quality !== undefined && r.quality < this.configValue.qualityFloor) {
        skippedLowQuality += 1;
        continue;
      }
      if (r.provenance.category === 'NEGATIVE_CLASS' && this.configValue.action !== 'allow') {
        skippedNegative += 1;
        continue;
      }
      const existingId = this.active.get(key(r.signalType, r.hash));
      const existing = existingId === undefined ? undefined : this.byId.get(existingId);
      if (existing) {
        const labels = [...new Set([...existing.labels, ...r.labels])];
        if (labels.length !== existing.labels.length) this.byId.set(existing.id, Object.freeze({ ...existing, labels: Object.freeze(labels) }));
        duplicates += 1;
        continue;
      }
      const entry: BankEntry = Object.freeze({
        id: this.nextId,
        signalType: r.signalType,
        hash: r.hash,
        labels: Object.freeze([...r.labels]),
        provenance: Object.freeze({ ...r.provenance }),
        ...(r.quality === undefined ? {} : { quality: r.quality }),
        tombstoned: false,
        addedAt: now,
      });
      this.insert(entry);
      added += 1;
    }
    return { added, duplicates, tombstoned, tombstonesUnmatched, skippedLowQuality, skippedNegative };
  }

  private applyTombstone(r: TombstoneRecord, now: string): number {
    const ids = new Set<number>();
    if (r.hash !== undefined) {
      for (const type of r.signalType ? [r.signalType] : this.configValue.signalTypes) {
        const id = this.active.get(key(type, r.hash));
        if (id !== undefined) ids.add(id);
      }
    }
    if (r.externalId !== undefined) for (const id of this.byExternal.get(externalKey(r.externalId, r.member)) ?? []) ids.add(id);
    let n = 0;
    for (const id of ids) if (this.markTombstoned(id, now)) n += 1;
    return n;
  }

  private markTombstoned(id: number, now: string): boolean {
    const entry = this.byId.get(id);
    if (!entry || entry.tombstoned) return false;
    this.byId.set(id, Object.freeze({ ...entry, tombstoned: true, tombstonedAt: now }));
    this.active.delete(key(entry.signalType, entry.hash));
    this.activeCount -= 1;
    return true;
  }

  /** Tombstones matching active entries; returns how many. */
  tombstone(selector: TombstoneSelector, provenance: Provenance = { source: 'manual' }): number {
    if (this.tombstonedIds) return this.tombstoneInIndex(selector);
    const now = this.clock.now().toISOString();
    if ('entryId' in selector) return this.markTombstoned(selector.entryId, now) ? 1 : 0;
    if ('hash' in selector) {
      const hash = SIGNAL_TYPES[selector.signalType].normalize(selector.hash);
      if (hash === undefined) throw new RangeError(`not a valid ${selector.signalType} hash`);
      return this.applyTombstone({ op: 'tombstone', signalType: selector.signalType, hash, provenance }, now);
    }
    return this.applyTombstone({ op: 'tombstone', externalId: selector.externalId, ...(selector.member === undefined ? {} : { member: selector.member }), provenance }, now);
  }

  private tombstoneInIndex(selector: TombstoneSelector): number {
    const ids = this.tombstonedIds!;
    const before = ids.size;
    if ('entryId' in selector) {
      ids.add(selector.entryId);
    } else if ('hash' in selector) {
      const hash = SIGNAL_TYPES[selector.signalType].normalize(selector.hash);
      if (hash === undefined) throw new RangeError(`not a valid ${selector.signalType} hash`);
      if (selector.signalType === 'pdq') for (const m of this.indexes.get('pdq')?.query(hash, 0) ?? []) ids.add(m.id);
    } else {
      throw new SafeguardError('validation_failed', `bank ${this.id} is index-backed: tombstone by entry id (look the upstream id up in storage)`);
    }
    return ids.size - before;
  }

  /** Entries matching the media's signals in this bank (regardless of `enabled`; see `matchBanks`). */
  query(signals: MediaSignals): BankQueryResult {
    const config = this.configValue;
    const best = new Map<number, BankMatch>();
    const tombstonedIds = this.tombstonedIds;
    const consider = (signalType: SignalTypeName, id: number, hash: string, distance: number, transform: PdqDihedralName): void => {
      const prior = best.get(id);
      if (prior && prior.distance <= distance) return;
      if (tombstonedIds) {
        if (tombstonedIds.has(id)) return;
        best.set(id, { bankId: config.id, action: config.action, entryId: id, hash, signalType, distance, transform, labels: [] });
        return;
      }
      const entry = this.byId.get(id);
      if (!entry || entry.tombstoned) return;
      best.set(id, { bankId: config.id, action: config.action, entryId: id, hash: entry.hash, signalType, distance, transform, labels: entry.labels, entry });
    };
    let lowQuality = false;
    if (signals.pdq && config.signalTypes.includes('pdq')) {
      if (signals.pdq.quality < config.qualityFloor) {
        lowQuality = true;
      } else {
        const index = this.indexes.get('pdq');
        if (index && index.size > 0) {
          const variants = config.matchTransforms ? PDQ_DIHEDRAL_NAMES : (['original'] as const);
          const seen = new Set<string>();
          for (const name of variants) {
            const hash = name === 'original' ? signals.pdq.hash : signals.pdq.dihedral?.[name];
            if (hash === undefined || seen.has(hash)) continue;
            seen.add(hash);
            for (const m of index.query(hash, config.pdqThreshold)) consider('pdq', m.id, m.hash, m.distance, name);
          }
        }
      }
    }
    for (const type of ['md5', 'sha256', 'video_md5', 'video_sha256'] as const) {
      const value = signals[type];
      if (value === undefined || !config.signalTypes.includes(type)) continue;
      const hash = SIGNAL_TYPES[type].normalize(value);
      const index = this.indexes.get(type);
      if (hash === undefined || !index) continue;
      for (const m of index.query(hash, 0)) consider(type, m.id, m.hash, 0, 'original');
    }
    const matches = [...best.values()].sort((a, b) => a.distance - b.distance || a.entryId - b.entryId);
    return { matches, lowQuality };
  }

  /** Active entries as a file in one of the line formats (parseable by `parseBankFile`). */
  export(format: BankExportFormat, signalType: SignalTypeName = 'pdq'): string {
    const active = this.entries().filter((e) => !e.tombstoned);
    const csvField = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    switch (format) {
      case 'hex':
        return active.filter((e) => e.signalType === signalType).map((e) => `${e.hash}\n`).join('');
      case 'csv':
        return (
          'hash,label,source\n' +
          active
            .filter((e) => e.signalType === signalType)
            .map((e) => `${e.hash},${csvField(e.labels.join(' '))},${csvField(e.provenance.source)}\n`)
            .join('')
        );
      case 'local_file':
        return active.map((e) => `${e.signalType} ${e.hash}\n`).join('');
      case 'pytx_csv':
        return (
          'signal_type,signal_str,collab,category,tags\n' +
          active
            .map((e) => [e.signalType, e.hash, e.provenance.source, e.provenance.category ?? (this.configValue.action === 'allow' ? 'NEGATIVE_CLASS' : 'POSITIVE_CLASS'), e.labels.join(' ')].map(csvField).join(',') + '\n')
            .join('')
        );
      default:
        throw new RangeError(`unknown export format ${String(format)}`);
    }
  }
}

/**
 * Hash-bank vocabulary: what a bank is (its action, thresholds, quality floor), what an entry
 * carries (hash, labels, provenance, tombstone) and what an import produces. Pure data; the
 * server persists it, `HashBank` (bank.ts) matches against it.
 */
import { SafeguardError } from '@safeguard/core';
import type { SignalTypeName } from '../signal/signal-types.js';

/**
 * - `block`: a match stops the upload (known CSAM lists: NCMEC, IWF, …);
 * - `review`: a match holds the upload for human review (investigation seeds, NCII reports);
 * - `allow`: a negative bank (allow-list of known false positives) whose matches suppress others.
 */
export const BANK_ACTIONS = ['block', 'review', 'allow'] as const;
export type BankAction = (typeof BANK_ACTIONS)[number];

/** pytx opinion categories (INTEROP.md §2.7). */
export const OPINION_CATEGORIES = ['POSITIVE_CLASS', 'NEGATIVE_CLASS', 'INVESTIGATION_SEED'] as const;
export type OpinionCategory = (typeof OPINION_CATEGORIES)[number];

export interface BankConfig {
  /** Stable id: letters, digits, `_` and `-` (HMA names like `NCMEC_IMAGES` fit too). */
  readonly id: string;
  readonly action: BankAction;
  readonly enabled: boolean;
  /** Match when distance ≤ threshold; per signal type. PDQ default 31; exact types are always 0. */
  readonly pdqThreshold: number;
  /**
   * PDQ matches in a `block` bank farther than this (but within `pdqThreshold`) are held for
   * review instead of blocked. Defaults to `pdqThreshold` (every match blocks).
   */
  readonly pdqBlockDistance: number;
  /** Query PDQ hashes below this quality are not matched; entries below it are not imported. */
  readonly qualityFloor: number;
  /** Also match the 7 rotated/flipped variants of the query (the reference's dihedral hashes). */
  readonly matchTransforms: boolean;
  /** Signal types this bank accepts on import. */
  readonly signalTypes: readonly SignalTypeName[];
}

export type BankConfigInput = Pick<BankConfig, 'id' | 'action'> & Partial<Omit<BankConfig, 'id' | 'action'>>;

export const DEFAULT_PDQ_THRESHOLD = 31;
export const DEFAULT_QUALITY_FLOOR = 50;
const BANK_ID_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/;

/** Fills defaults and validates; throws `validation_failed` naming the bad field. */
export function bankConfig(input: BankConfigInput): BankConfig {
  const fail = (field: string, message: string): never => {
    throw new SafeguardError('validation_failed', `bank ${field}: ${message}`, { field });
  };
  if (!BANK_ID_RE.test(input.id)) fail('id', 'use 1–100 letters, digits, "_" or "-"');
  if (!(BANK_ACTIONS as readonly string[]).includes(input.action)) fail('action', `must be one of ${BANK_ACTIONS.join(', ')}`);
  const pdqThreshold = input.pdqThreshold ?? DEFAULT_PDQ_THRESHOLD;
  if (!Number.isInteger(pdqThreshold) || pdqThreshold < 0 || pdqThreshold > 128) fail('pdqThreshold', 'must be an integer 0..128');
  const pdqBlockDistance = input.pdqBlockDistance ?? pdqThreshold;
  if (!Number.isInteger(pdqBlockDistance) || pdqBlockDistance < 0 || pdqBlockDistance > pdqThreshold) {
    fail('pdqBlockDistance', 'must be an integer between 0 and pdqThreshold');
  }
  const qualityFloor = input.qualityFloor ?? DEFAULT_QUALITY_FLOOR;
  if (!Number.isInteger(qualityFloor) || qualityFloor < 0 || qualityFloor > 100) fail('qualityFloor', 'must be an integer 0..100');
  const signalTypes = input.signalTypes ?? ['pdq', 'md5', 'sha256', 'video_md5', 'video_sha256'];
  if (signalTypes.length === 0) fail('signalTypes', 'must not be empty');
  return Object.freeze({
    id: input.id,
    action: input.action,
    enabled: input.enabled ?? true,
    pdqThreshold,
    pdqBlockDistance,
    qualityFloor,
    matchTransforms: input.matchTransforms ?? true,
    signalTypes: Object.freeze([...signalTypes]),
  });
}

/** Where an entry came from: enough to trace it back to the upstream list and line. */
export interface Provenance {
  /** e.g. `ncmec`, `iwf`, `hma`, `csv`, `manual`, or the CSV's `source` column. */
  readonly source: string;
  /** Upstream id (NCMEC entry id, ThreatExchange indicator id, HMA content id). */
  readonly externalId?: string;
  /** Uploading member (NCMEC ESP) or descriptor owner. */
  readonly member?: string;
  /** Upstream timestamp as given (ISO 8601 or the `.te` format). */
  readonly addedOn?: string;
  readonly category?: OpinionCategory;
  /** Name of the imported file and line (1-based) the entry was read from. */
  readonly file?: string;
  readonly line?: number;
}

export interface BankEntry {
  readonly id: number;
  readonly signalType: SignalTypeName;
  /** Canonical form (lower-case hex). */
  readonly hash: string;
  /** Labels: NCMEC classification (`A1`…`B2`), TE tags, the CSV `label` column. */
  readonly labels: readonly string[];
  readonly provenance: Provenance;
  /** PDQ quality when the source states it. */
  readonly quality?: number;
  readonly tombstoned: boolean;
  /** ISO time of creation / tombstoning, from the injected clock. */
  readonly addedAt: string;
  readonly tombstonedAt?: string;
}

/** One parsed line/element of an import file that adds a hash. */
export interface AddRecord {
  readonly op: 'add';
  readonly signalType: SignalTypeName;
  /** Canonical form (lower-case hex). */
  readonly hash: string;
  readonly labels: readonly string[];
  readonly provenance: Provenance;
  readonly quality?: number;
}

/**
 * A deletion from upstream (NCMEC `deletedImage`, StopNCII `Withdrawn`, …): identifies the entry
 * by hash, or by upstream id (+ member) when the source does not repeat the hash.
 */
export interface TombstoneRecord {
  readonly op: 'tombstone';
  readonly signalType?: SignalTypeName;
  readonly hash?: string;
  readonly externalId?: string;
  readonly member?: string;
  readonly provenance: Provenance;
}

export type ImportRecord = AddRecord | TombstoneRecord;

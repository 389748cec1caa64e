/**
 * The index vocabulary (after python-threatexchange's `SignalTypeIndex`): an index knows how to
 * search many hashes of one signal type at scale; the signal type (signal/) knows how to hash and
 * compare two. Every index answers exactly what a linear scan with the signal type's distance
 * would answer — the linear index is the reference the fast ones are tested against.
 */

/** One hit: the caller's id for the stored hash, the stored hash itself and its distance. */
export interface IndexMatch {
  readonly id: number;
  readonly hash: string;
  readonly distance: number;
}

export interface HashIndex {
  /** Signal type name (`pdq`, `md5`, …) of the hashes this index holds. */
  readonly signalType: string;
  /** Number of stored hashes (duplicates count). */
  readonly size: number;
  /**
   * Stores `hash` under `id` (a non-negative integer below 2^32 chosen by the caller, e.g. a bank
   * entry id). Throws `RangeError` on a malformed hash or id. The same hash may be stored under
   * several ids.
   */
  add(hash: string, id: number): void;
  /**
   * All stored hashes within `threshold` (inclusive) of `hash`, sorted by distance, then id.
   * Exact-match signal types ignore `threshold` beyond requiring distance 0.
   */
  query(hash: string, threshold: number): IndexMatch[];
}

/** Orders matches by distance, then id, so every index returns the same list for the same data. */
export const compareMatches = (a: IndexMatch, b: IndexMatch): number => a.distance - b.distance || a.id - b.id;

export function assertIndexId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`index id must be an integer in [0, 2^32): ${id}`);
}

export function assertThreshold(threshold: number, max: number): void {
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > max) {
    throw new RangeError(`threshold must be an integer in [0, ${max}]: ${threshold}`);
  }
}

/**
 * Exact-match index for cryptographic hashes (MD5, SHA-256, video MD5): a hash table from the
 * normalised hex string to the ids stored under it. Distance is 0 or no match.
 */
import { assertIndexId, type HashIndex, type IndexMatch } from './types.js';

export class ExactHashIndex implements HashIndex {
  private readonly byHash = new Map<string, number[]>();
  private count = 0;

  /** `normalize` returns the canonical form of a hash or throws `RangeError` (see signal types). */
  constructor(
    readonly signalType: string,
    private readonly normalize: (hash: string) => string,
  ) {}

  get size(): number {
    return this.count;
  }

  add(hash: string, id: number): void {
    assertIndexId(id);
    const key = this.normalize(hash);
    const ids = this.byHash.get(key);
    if (ids) ids.push(id);
    else this.byHash.set(key, [id]);
    this.count += 1;
  }

  query(hash: string, _threshold = 0): IndexMatch[] {
    const key = this.normalize(hash);
    const ids = this.byHash.get(key);
    if (!ids) return [];
    return [...ids].sort((a, b) => a - b).map((id) => ({ id, hash: key, distance: 0 }));
  }
}

/**
 * Linear-scan PDQ index: compares the query with every stored hash. It is the reference that the
 * fast indexes must agree with (100% recall, same distances), and fast enough for banks up to
 * ~100k hashes. The scan stops a comparison after the first 128 bits when those alone already
 * exceed the threshold, which halves the work for non-matches without changing any answer.
 */
import { formatPdqHex, parsePdqHex, PDQ_BITS, PDQ_WORDS, popcount32 } from '../pdq/hash256.js';
import { PdqHashStore } from './pdq-store.js';
import { assertThreshold, compareMatches, type HashIndex, type IndexMatch } from './types.js';

export class LinearPdqIndex implements HashIndex {
  readonly signalType = 'pdq';
  readonly store: PdqHashStore;

  constructor(store: PdqHashStore = new PdqHashStore()) {
    this.store = store;
  }

  get size(): number {
    return this.store.size;
  }

  add(hash: string, id: number): void {
    this.store.addHex(hash, id);
  }

  query(hash: string, threshold: number): IndexMatch[] {
    return this.queryWords(parsePdqHex(hash), 0, threshold);
  }

  /** Query with a hash given as 8 words at `offset` of `q`. */
  queryWords(q: Uint32Array, offset: number, threshold: number): IndexMatch[] {
    assertThreshold(threshold, PDQ_BITS);
    const out: IndexMatch[] = [];
    scanRange(this.store, 0, this.store.size, q, offset, threshold, out);
    return out.sort(compareMatches);
  }
}

/**
 * Appends to `out` the stored hashes at positions [from, to) within `threshold` of the query.
 * Shared with the multi-index hash's unindexed tail.
 */
export function scanRange(
  store: PdqHashStore,
  from: number,
  to: number,
  q: Uint32Array,
  offset: number,
  threshold: number,
  out: IndexMatch[],
): void {
  const words = store.words;
  const q0 = q[offset]!;
  const q1 = q[offset + 1]!;
  const q2 = q[offset + 2]!;
  const q3 = q[offset + 3]!;
  const q4 = q[offset + 4]!;
  const q5 = q[offset + 5]!;
  const q6 = q[offset + 6]!;
  const q7 = q[offset + 7]!;
  for (let i = from, p = from * PDQ_WORDS; i < to; i += 1, p += PDQ_WORDS) {
    let d =
      popcount32(words[p]! ^ q0) + popcount32(words[p + 1]! ^ q1) + popcount32(words[p + 2]! ^ q2) + popcount32(words[p + 3]! ^ q3);
    if (d > threshold) continue;
    d += popcount32(words[p + 4]! ^ q4) + popcount32(words[p + 5]! ^ q5) + popcount32(words[p + 6]! ^ q6) + popcount32(words[p + 7]! ^ q7);
    if (d <= threshold) out.push({ id: store.ids[i]!, hash: formatPdqHex(words, p), distance: d });
  }
}

/**
 * Growable flat storage of PDQ hashes (8 words each) and their ids: the memory layout every PDQ
 * index shares. 10 million hashes take 320 MB of words plus 40 MB of ids, with no per-hash objects
 * for the garbage collector to trace.
 */
import { PDQ_WORDS, parsePdqHex } from '../pdq/hash256.js';
import { assertIndexId } from './types.js';

export class PdqHashStore {
  words: Uint32Array;
  ids: Uint32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.words = new Uint32Array(Math.max(1, capacity) * PDQ_WORDS);
    this.ids = new Uint32Array(Math.max(1, capacity));
  }

  /** Wraps existing arrays (e.g. read from a persisted index) without copying. */
  static wrap(words: Uint32Array, ids: Uint32Array, size: number): PdqHashStore {
    if (words.length < size * PDQ_WORDS || ids.length < size) throw new RangeError('hash store arrays are shorter than its size');
    const store = new PdqHashStore(1);
    store.words = words;
    store.ids = ids;
    store.size = size;
    return store;
  }

  private reserve(extra: number): void {
    const needed = this.size + extra;
    if (needed <= this.ids.length) return;
    let capacity = this.ids.length;
    // Doubling: few reallocations, each of which page-faults in a fresh buffer (slow in VMs).
    while (capacity < needed) capacity = Math.max(needed, capacity * 2);
    const words = new Uint32Array(capacity * PDQ_WORDS);
    words.set(this.words.subarray(0, this.size * PDQ_WORDS));
    const ids = new Uint32Array(capacity);
    ids.set(this.ids.subarray(0, this.size));
    this.words = words;
    this.ids = ids;
  }

  /** Appends a hex hash; returns its position. */
  addHex(hash: string, id: number): number {
    assertIndexId(id);
    this.reserve(1);
    parsePdqHex(hash, this.words, this.size * PDQ_WORDS);
    this.ids[this.size] = id;
    return this.size++;
  }

  /** Appends 8 words from `source` at word offset `offset`; returns its position. */
  addWords(source: Uint32Array, offset: number, id: number): number {
    // Hot path of bulk loads (10M calls): no allocation, validation only when the cheap check fails.
    if (id >>> 0 !== id) assertIndexId(id);
    if (this.size === this.ids.length) this.reserve(1);
    const w = this.words;
    const p = this.size * PDQ_WORDS;
    for (let k = 0; k < PDQ_WORDS; k += 1) w[p + k] = source[offset + k]!;
    this.ids[this.size] = id;
    return this.size++;
  }

  /** Trims capacity to size (before persisting, or once a bulk load is done). */
  trim(): void {
    if (this.ids.length === this.size) return;
    this.words = this.words.slice(0, this.size * PDQ_WORDS);
    this.ids = this.ids.slice(0, this.size);
  }
}

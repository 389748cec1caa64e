/**
 * Multi-index hashing (Norouzi, Punjani & Fleet, "Fast Search in Hamming Space with Multi-Index
 * Hashing", CVPR 2012) for 256-bit PDQ hashes: exact r-neighbour search, so its answers equal the
 * linear scan's (100% recall) for every threshold.
 *
 * The 256 bits are split into m contiguous chunks of b ≈ log2(n) bits, and each chunk gets a
 * direct-address table (CSR: `offsets[key]..offsets[key+1]` into `postings`, the positions of the
 * hashes whose chunk equals `key`). Pigeonhole: writing r = q·m + a, any hash within r of the query
 * is within q on one of a+1 chunks or within q−1 on one of the other m−a−1 chunks. So the query
 * probes every key within that radius in each chunk table, then verifies each candidate with the
 * full 256-bit distance. With 10M hashes and r = 31 that is 12 chunks of 21–22 bits, ~2,000 probes
 * and ~10,000 candidates, instead of 10,000,000 comparisons.
 *
 * When a threshold is so large that probing would cost more than scanning (r ≳ 60 on big banks),
 * the query falls back to the linear scan: still exact, never slower than the reference.
 *
 * Hashes added after the tables were built sit in an unindexed tail that is scanned linearly; the
 * tables are rebuilt once the tail outgrows a quarter of the indexed part (amortised O(1) per add).
 */
import { formatPdqHex, parsePdqHex, PDQ_BITS, PDQ_WORDS, popcount32 } from '../pdq/hash256.js';
import { scanRange } from './linear.js';
import { PdqHashStore } from './pdq-store.js';
import { assertThreshold, compareMatches, type HashIndex, type IndexMatch } from './types.js';

export interface MihChunk {
  /** First bit (0 = least significant bit of the 256-bit number) and width of the chunk. */
  readonly start: number;
  readonly bits: number;
  /** `2^bits + 1` entries: postings of key k are `postings[offsets[k] .. offsets[k+1])`. */
  readonly offsets: Uint32Array;
  /** Positions (into the hash store) sorted by this chunk's key. */
  readonly postings: Uint32Array;
}

/** Everything needed to restore a built index without rebuilding it (see media-node's file format). */
export interface PdqIndexSnapshot {
  readonly count: number;
  readonly words: Uint32Array;
  readonly ids: Uint32Array;
  readonly chunks: readonly MihChunk[];
}

export interface MultiIndexOptions {
  /** Force a chunk width (bits); default ≈ log2(n) clamped to [8, 22]. */
  readonly chunkBits?: number;
  /** Below this many hashes no tables are built: a scan is as fast. Default 256. */
  readonly minIndexedSize?: number;
  /** Probe the tables even when a scan would be cheaper (tests of the probing path). */
  readonly alwaysProbe?: boolean;
  /** Expected number of hashes: storage is allocated once instead of grown (bulk loads). */
  readonly expectedSize?: number;
}

const MAX_CHUNK_BITS = 22;
const MIN_CHUNK_BITS = 4;

/** Chunk widths for `n` hashes: m = ceil(256 / b) chunks, widths differing by at most one bit. */
export function mihChunkWidths(n: number, chunkBits?: number): number[] {
  const b = chunkBits ?? Math.min(MAX_CHUNK_BITS, Math.max(8, Math.round(Math.log2(Math.max(2, n)))));
  if (!Number.isInteger(b) || b < MIN_CHUNK_BITS || b > MAX_CHUNK_BITS) throw new RangeError(`chunk width must be ${MIN_CHUNK_BITS}..${MAX_CHUNK_BITS} bits`);
  const m = Math.ceil(PDQ_BITS / b);
  const base = Math.floor(PDQ_BITS / m);
  const extra = PDQ_BITS % m;
  return Array.from({ length: m }, (_, k) => (k < extra ? base + 1 : base));
}

/** Bits [start, start + bits) of the hash at word offset `p` (bits ≤ 31; may straddle two words). */
function chunkKey(words: Uint32Array, p: number, start: number, bits: number): number {
  const word = p + PDQ_WORDS - 1 - (start >>> 5);
  const shift = start & 31;
  let v = words[word]! >>> shift;
  if (shift + bits > 32) v |= words[word - 1]! << (32 - shift);
  return (v & ((1 << bits) - 1)) >>> 0;
}

const binomial = (n: number, k: number): number => {
  let r = 1;
  for (let i = 1; i <= k; i += 1) r = (r * (n - k + i)) / i;
  return r;
};

export class MultiIndexPdqIndex implements HashIndex {
  readonly signalType = 'pdq';
  private store: PdqHashStore;
  private chunks: MihChunk[] = [];
  /** Positions [0, indexed) are in the tables; [indexed, size) are the linearly scanned tail. */
  private indexed = 0;
  private readonly options: MultiIndexOptions;
  /** Reused candidate buffer (grows to the largest candidate set seen). */
  private scratch = new Uint32Array(4096);

  constructor(options: MultiIndexOptions = {}) {
    this.options = options;
    this.store = new PdqHashStore(options.expectedSize ?? 1024);
  }

  /** Restores a built index from a snapshot (shape-checked; contents trusted, see media-node). */
  static fromSnapshot(snapshot: PdqIndexSnapshot, options: MultiIndexOptions = {}): MultiIndexPdqIndex {
    const { count, chunks } = snapshot;
    let covered = 0;
    for (const chunk of chunks) {
      if (chunk.start !== covered || chunk.bits < 1 || chunk.bits > 31) throw new RangeError('index chunks do not tile the 256 bits');
      if (chunk.offsets.length !== 2 ** chunk.bits + 1 || chunk.postings.length !== count) throw new RangeError('index chunk tables have the wrong size');
      if (chunk.offsets[0] !== 0 || chunk.offsets[chunk.offsets.length - 1] !== count) throw new RangeError('index chunk offsets are inconsistent');
      covered += chunk.bits;
    }
    if (chunks.length > 0 && covered !== PDQ_BITS) throw new RangeError('index chunks do not tile the 256 bits');
    const index = new MultiIndexPdqIndex(options);
    index.store = PdqHashStore.wrap(snapshot.words, snapshot.ids, count);
    index.chunks = [...chunks];
    index.indexed = chunks.length > 0 ? count : 0;
    return index;
  }

  get size(): number {
    return this.store.size;
  }

  /** Number of chunk tables (0 while the bank is small enough to scan). */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Bytes held by hashes, ids and tables (for capacity planning and the benchmark). */
  get memoryBytes(): number {
    let bytes = this.store.words.byteLength + this.store.ids.byteLength;
    for (const c of this.chunks) bytes += c.offsets.byteLength + c.postings.byteLength;
    return bytes;
  }

  add(hash: string, id: number): void {
    this.store.addHex(hash, id);
  }

  addWords(words: Uint32Array, offset: number, id: number): void {
    this.store.addWords(words, offset, id);
  }

  /** (Re)builds the chunk tables over every stored hash. Called lazily by queries. */
  build(): void {
    const n = this.store.size;
    if (n < (this.options.minIndexedSize ?? 256)) {
      this.chunks = [];
      this.indexed = 0;
      return;
    }
    // Growth by doubling can leave up to half the store unused: give it back before the tables
    // claim their share of memory (a bulk load with `expectedSize` has nothing to trim).
    if (this.store.ids.length > n * 1.25) this.store.trim();
    const words = this.store.words;
    const chunks: MihChunk[] = [];
    const keys = new Uint32Array(n);
    // Scratch for the two-level counting sort, reused by every chunk.
    const partKeys = new Uint32Array(n);
    const partPos = new Uint32Array(n);
    let start = 0;
    for (const bits of mihChunkWidths(n, this.options.chunkBits)) {
      for (let i = 0, p = 0; i < n; i += 1, p += PDQ_WORDS) keys[i] = chunkKey(words, p, start, bits);
      const { offsets, postings } = bucketSort(keys, bits, partKeys, partPos);
      chunks.push({ start, bits, offsets, postings });
      start += bits;
    }
    this.chunks = chunks;
    this.indexed = n;
  }

  /** A snapshot of the built index (builds first if hashes were added since). */
  toSnapshot(): PdqIndexSnapshot {
    if (this.indexed !== this.store.size || this.chunks.length === 0) this.build();
    // The arrays may have spare capacity past `count`; consumers read only `count` hashes.
    return { count: this.store.size, words: this.store.words, ids: this.store.ids, chunks: this.chunks };
  }

  query(hash: string, threshold: number): IndexMatch[] {
    return this.queryWords(parsePdqHex(hash), 0, threshold);
  }

  queryWords(q: Uint32Array, offset: number, threshold: number): IndexMatch[] {
    assertThreshold(threshold, PDQ_BITS);
    const size = this.store.size;
    const tail = size - this.indexed;
    if (tail > Math.max(4096, this.indexed / 4)) this.build();
    const out: IndexMatch[] = [];
    if (this.chunks.length === 0 || (!this.options.alwaysProbe && !this.probingPays(threshold))) {
      scanRange(this.store, 0, size, q, offset, threshold, out);
      return out.sort(compareMatches);
    }
    this.probe(q, offset, threshold, out);
    scanRange(this.store, this.indexed, size, q, offset, threshold, out);
    return out.sort(compareMatches);
  }

  /** Per-chunk search radius from the pigeonhole argument (−1 = chunk not probed). */
  private radii(threshold: number): number[] {
    const m = this.chunks.length;
    const q = Math.floor(threshold / m);
    const a = threshold - q * m;
    // The a+1 chunks searched at radius q: pick the narrowest (fewest keys to enumerate).
    const order = this.chunks.map((c, k) => k).sort((x, y) => this.chunks[x]!.bits - this.chunks[y]!.bits);
    const radii = new Array<number>(m).fill(q - 1);
    for (let i = 0; i <= a && i < m; i += 1) radii[order[i]!] = q;
    return radii;
  }

  /** Whether probing the tables is expected to beat scanning every hash. */
  private probingPays(threshold: number): boolean {
    const radii = this.radii(threshold);
    let cost = 0;
    for (let k = 0; k < this.chunks.length; k += 1) {
      const { bits } = this.chunks[k]!;
      let probes = 0;
      for (let i = 0; i <= radii[k]!; i += 1) probes += binomial(bits, i);
      // Each probe is ~2 random reads plus its expected bucket's random candidate reads.
      cost += probes * (2 + this.indexed / 2 ** bits) * 8;
    }
    return cost < this.indexed;
  }

  /**
   * Probing in three flat passes rather than bucket by bucket: (1) every probe key of every chunk,
   * (2) every candidate position from the buckets, (3) the full-distance check of every candidate.
   * Each pass is a loop of independent memory reads, so the CPU overlaps dozens of cache misses
   * instead of waiting for them one by one — on a 10M bank the reads are all cache misses.
   */
  private probe(q: Uint32Array, offset: number, threshold: number, out: IndexMatch[]): void {
    const words = this.store.words;
    const ids = this.store.ids;
    const radii = this.radii(threshold);
    // (1) + (2): bucket contents of every probe key.
    let candidates = this.scratch;
    let n = 0;
    const keys: number[] = [];
    for (let k = 0; k < this.chunks.length; k += 1) {
      const radius = radii[k]!;
      if (radius < 0) continue;
      const { start, bits, offsets, postings } = this.chunks[k]!;
      keys.length = 0;
      enumerateKeys(chunkKey(q, offset, start, bits), 0, radius, bits, keys);
      for (const key of keys) {
        const from = offsets[key]!;
        const to = offsets[key + 1]!;
        if (n + (to - from) > candidates.length) {
          const grown = new Uint32Array(Math.max(candidates.length * 2, n + (to - from)));
          grown.set(candidates.subarray(0, n));
          candidates = grown;
          this.scratch = grown;
        }
        for (let j = from; j < to; j += 1) candidates[n++] = postings[j]!;
      }
    }
    // (3): verify; a hash may be a candidate in several chunks, so keep the first sighting.
    const q0 = q[offset]!;
    const q1 = q[offset + 1]!;
    const q2 = q[offset + 2]!;
    const q3 = q[offset + 3]!;
    const q4 = q[offset + 4]!;
    const q5 = q[offset + 5]!;
    const q6 = q[offset + 6]!;
    const q7 = q[offset + 7]!;
    let seen: Set<number> | undefined;
    for (let c = 0; c < n; c += 1) {
      const pos = candidates[c]!;
      const p = pos * PDQ_WORDS;
      let d = popcount32(words[p]! ^ q0) + popcount32(words[p + 1]! ^ q1) + popcount32(words[p + 2]! ^ q2) + popcount32(words[p + 3]! ^ q3);
      if (d > threshold) continue;
      d += popcount32(words[p + 4]! ^ q4) + popcount32(words[p + 5]! ^ q5) + popcount32(words[p + 6]! ^ q6) + popcount32(words[p + 7]! ^ q7);
      if (d > threshold) continue;
      seen ??= new Set<number>();
      if (seen.has(pos)) continue;
      seen.add(pos);
      out.push({ id: ids[pos]!, hash: formatPdqHex(words, p), distance: d });
    }
  }
}

/** Appends `key` and every key within `radius` flips at bit positions ≥ `from` to `out`. */
function enumerateKeys(key: number, from: number, radius: number, bits: number, out: number[]): void {
  out.push(key);
  if (radius === 0) return;
  for (let i = from; i < bits; i += 1) enumerateKeys(key ^ (1 << i), i + 1, radius - 1, bits, out);
}

/** Low key bits sorted within each partition: 2^12 counters stay in the L1 cache. */
const LOW_BITS = 12;

/**
 * Counting sort of positions 0..n-1 by `keys` (each < 2^bits) into CSR `offsets`/`postings`. A
 * one-pass counting sort over a 2^22-entry table makes every count and every placement a cache
 * miss; instead positions are first partitioned by their high key bits (≤ 2^10 sequential write
 * streams), then each partition — small enough for the cache — is sorted by its low bits.
 */
function bucketSort(keys: Uint32Array, bits: number, partKeys: Uint32Array, partPos: Uint32Array): { offsets: Uint32Array; postings: Uint32Array } {
  const n = keys.length;
  const low = Math.min(bits, LOW_BITS);
  const highCount = 2 ** (bits - low);
  const lowMask = 2 ** low - 1;
  const partStart = new Uint32Array(highCount + 1);
  for (let i = 0; i < n; i += 1) partStart[(keys[i]! >>> low) + 1]! += 1;
  for (let h = 1; h <= highCount; h += 1) partStart[h]! += partStart[h - 1]!;
  const cursor = partStart.slice(0, highCount);
  for (let i = 0; i < n; i += 1) {
    const key = keys[i]!;
    const at = cursor[key >>> low]!++;
    partKeys[at] = key;
    partPos[at] = i;
  }
  const offsets = new Uint32Array(2 ** bits + 1);
  const postings = new Uint32Array(n);
  const counts = new Uint32Array(2 ** low + 1);
  for (let h = 0; h < highCount; h += 1) {
    const from = partStart[h]!;
    const to = partStart[h + 1]!;
    counts.fill(0);
    for (let j = from; j < to; j += 1) counts[(partKeys[j]! & lowMask) + 1]! += 1;
    const base = h * (lowMask + 1);
    let running = from;
    for (let l = 0; l <= lowMask; l += 1) {
      offsets[base + l] = running;
      const c = counts[l + 1]!;
      counts[l + 1] = running;
      running += c;
    }
    for (let j = from; j < to; j += 1) postings[counts[(partKeys[j]! & lowMask) + 1]!++] = partPos[j]!;
  }
  offsets[2 ** bits] = n;
  return { offsets, postings };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExactHashIndex,
  LinearPdqIndex,
  md5Signal,
  mihChunkWidths,
  MultiIndexPdqIndex,
  sha256Signal,
  type HashIndex,
} from '../src/index.js';
import { flipBits, randomHex, rng } from './helpers.js';
import { runIndexContract } from './index-contract.js';

runIndexContract('LinearPdqIndex', () => new LinearPdqIndex());
runIndexContract('MultiIndexPdqIndex (default layout)', () => new MultiIndexPdqIndex());
runIndexContract('MultiIndexPdqIndex (tables from 1 hash, 8-bit chunks)', () => new MultiIndexPdqIndex({ minIndexedSize: 1, chunkBits: 8, alwaysProbe: true }));
runIndexContract(
  'MultiIndexPdqIndex (16-bit chunks, always probing: radius up to 4 per chunk)',
  () => new MultiIndexPdqIndex({ minIndexedSize: 1, chunkBits: 16, alwaysProbe: true }),
  { slow: true },
);

/** An index restored from a copied snapshot of an index built over the same adds. */
function snapshotRoundTrip(): HashIndex {
  const all: [string, number][] = [];
  let restored: MultiIndexPdqIndex | undefined;
  const restore = (): MultiIndexPdqIndex => {
    const built = new MultiIndexPdqIndex({ minIndexedSize: 1 });
    for (const [h, id] of all) built.add(h, id);
    const snap = built.toSnapshot();
    // Copy the arrays, as reading them back from disk would.
    return MultiIndexPdqIndex.fromSnapshot({
      count: snap.count,
      words: snap.words.slice(),
      ids: snap.ids.slice(),
      chunks: snap.chunks.map((c) => ({ ...c, offsets: c.offsets.slice(), postings: c.postings.slice() })),
    });
  };
  return {
    signalType: 'pdq',
    get size() {
      return all.length;
    },
    add(hash, id) {
      new LinearPdqIndex().add(hash, id); // validates like the other indexes
      all.push([hash, id]);
      restored = undefined;
    },
    query(hash, threshold) {
      restored ??= restore();
      return restored.query(hash, threshold);
    },
  };
}
runIndexContract('MultiIndexPdqIndex restored from a snapshot', snapshotRoundTrip, { slow: true });

describe('multi-index layout', () => {
  it('tiles the 256 bits with chunks about log2(n) wide', () => {
    for (const n of [1, 300, 1350, 100_000, 10_000_000, 1e9]) {
      const widths = mihChunkWidths(n);
      expect(widths.reduce((a, b) => a + b, 0)).toBe(256);
      expect(Math.max(...widths) - Math.min(...widths)).toBeLessThanOrEqual(1);
      expect(Math.max(...widths)).toBeLessThanOrEqual(22);
    }
    expect(mihChunkWidths(10_000_000)).toEqual([22, 22, 22, 22, 21, 21, 21, 21, 21, 21, 21, 21]);
  });

  it('builds tables once the bank is big enough and reports its memory', () => {
    const index = new MultiIndexPdqIndex();
    const next = rng(5);
    for (let i = 0; i < 5000; i += 1) index.add(randomHex(next), i);
    expect(index.chunkCount).toBe(0);
    index.build();
    expect(index.chunkCount).toBeGreaterThan(10);
    expect(index.memoryBytes).toBeGreaterThan(5000 * 32);
  });

  it('rejects snapshots whose tables do not fit together', () => {
    const index = new MultiIndexPdqIndex({ minIndexedSize: 1 });
    const next = rng(6);
    for (let i = 0; i < 50; i += 1) index.add(randomHex(next), i);
    const snap = index.toSnapshot();
    expect(() => MultiIndexPdqIndex.fromSnapshot({ ...snap, chunks: snap.chunks.slice(1) })).toThrow(/tile/);
    expect(() => MultiIndexPdqIndex.fromSnapshot({ ...snap, count: 49 })).toThrow(RangeError);
  });

  it('falls back to a scan for huge thresholds and stays exact', () => {
    const index = new MultiIndexPdqIndex({ minIndexedSize: 1 });
    const linear = new LinearPdqIndex();
    const next = rng(8);
    const base = randomHex(next);
    for (let i = 0; i < 2000; i += 1) {
      const h = i % 10 === 0 ? flipBits(base, Math.floor(next() * 120), next) : randomHex(next);
      index.add(h, i);
      linear.add(h, i);
    }
    for (const t of [100, 128, 256]) expect(index.query(base, t)).toEqual(linear.query(base, t));
  });
});

describe('exact-match index (MD5, SHA-256)', () => {
  it('finds equal hashes only, case-insensitively, with every id', () => {
    const index = new ExactHashIndex('md5', (h) => {
      const v = md5Signal.normalize(h);
      if (!v) throw new RangeError('bad');
      return v;
    });
    const h = md5Signal.hashBytes(new TextEncoder().encode('benign test bytes'));
    index.add(h, 2);
    index.add(h.toUpperCase(), 1);
    expect(index.query(h, 0)).toEqual([
      { id: 1, hash: h, distance: 0 },
      { id: 2, hash: h, distance: 0 },
    ]);
    expect(index.query(md5Signal.hashBytes(new Uint8Array([1])), 0)).toEqual([]);
    expect(() => index.add('nothex', 3)).toThrow(RangeError);
    expect(index.size).toBe(2);
  });

  it('hashes bytes with the standard digests', () => {
    const bytes = new TextEncoder().encode('abc');
    expect(md5Signal.hashBytes(bytes)).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(sha256Signal.hashBytes(bytes)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fc.assert(
      fc.property(fc.string(), (s) => {
        const idx = sha256Signal.createIndex();
        const h = sha256Signal.hashBytes(new TextEncoder().encode(s));
        idx.add(h, 0);
        expect(idx.query(h, 0)).toHaveLength(1);
      }),
      { numRuns: 50 },
    );
  });
});

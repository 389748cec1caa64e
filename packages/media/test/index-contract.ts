// Contract suite every PDQ index runs (Hono-style shared cases): same answers as a brute-force
// scan, on the reference needles/haystack data and on random banks with planted near-duplicates.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pdqDistance, type HashIndex } from '../src/index.js';
import { FIXTURES, flipBits, randomHex, readLines, rng } from './helpers.js';

interface GroundTruth {
  byRadius: Record<string, { totalMatches: number; needlesWithAnyMatch: number; perNeedle?: { needle: number; matches: [number, number][] }[] }>;
}

/** Brute force, written independently of the library's own scan. */
function bruteForce(bank: readonly string[], query: string, threshold: number): { id: number; distance: number }[] {
  return bank
    .map((h, id) => ({ id, distance: pdqDistance(h, query) }))
    .filter((m) => m.distance <= threshold)
    .sort((a, b) => a.distance - b.distance || a.id - b.id);
}

export function runIndexContract(name: string, create: () => HashIndex, options: { slow?: boolean } = {}): void {
  describe(`${name}: index contract`, () => {
    it('is empty at first and finds nothing', () => {
      const index = create();
      expect(index.size).toBe(0);
      expect(index.signalType).toBe('pdq');
      expect(index.query('0'.repeat(64), 31)).toEqual([]);
    });

    it('finds an exact hash at distance 0, with the stored hash and id', () => {
      const index = create();
      const h = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
      index.add(h, 42);
      expect(index.query(h, 0)).toEqual([{ id: 42, hash: h, distance: 0 }]);
      expect(index.query(h.toUpperCase(), 0)).toEqual([{ id: 42, hash: h, distance: 0 }]);
    });

    it('treats the threshold as inclusive and sorts by distance then id', () => {
      const index = create();
      const next = rng(1);
      const base = randomHex(next);
      const d5 = flipBits(base, 5, next);
      const d31 = flipBits(base, 31, next);
      const d32 = flipBits(base, 32, next);
      index.add(d31, 7);
      index.add(d5, 9);
      index.add(d32, 1);
      index.add(d5, 3);
      expect(index.query(base, 31).map((m) => [m.id, m.distance])).toEqual([[3, 5], [9, 5], [7, 31]]);
      expect(index.query(base, 32).map((m) => m.id)).toEqual([3, 9, 7, 1]);
      expect(index.query(base, 4)).toEqual([]);
    });

    it('rejects malformed hashes, ids and thresholds with RangeError', () => {
      const index = create();
      expect(() => index.add('xyz', 1)).toThrow(RangeError);
      expect(() => index.add('0'.repeat(64), -1)).toThrow(RangeError);
      expect(() => index.add('0'.repeat(64), 1.5)).toThrow(RangeError);
      expect(() => index.query('0'.repeat(63), 31)).toThrow(RangeError);
      expect(() => index.query('0'.repeat(64), 257)).toThrow(RangeError);
      expect(() => index.query('0'.repeat(64), -1)).toThrow(RangeError);
    });

    it('matches the reference brute-force ground truth on needles vs haystack at every radius', () => {
      const needles = readLines(join(FIXTURES, 'needles.txt'));
      const haystack = readLines(join(FIXTURES, 'haystack.txt'));
      const truth = JSON.parse(readFileSync(join(FIXTURES, 'needles-vs-haystack-bruteforce.json'), 'utf8')) as GroundTruth;
      const index = create();
      haystack.forEach((h, i) => index.add(h, i));
      for (const [radius, expected] of Object.entries(truth.byRadius)) {
        const results = needles.map((n) => index.query(n, Number(radius)));
        expect(results.reduce((s, r) => s + r.length, 0), `radius ${radius}`).toBe(expected.totalMatches);
        expect(results.filter((r) => r.length > 0).length, `radius ${radius}`).toBe(expected.needlesWithAnyMatch);
        for (const { needle, matches } of expected.perNeedle ?? []) {
          const got = results[needle]!.map((m) => [m.id, m.distance]);
          const want = [...matches].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
          expect(got, `needle ${needle} radius ${radius}`).toEqual(want);
        }
      }
    });

    it('agrees with brute force on random banks with planted near-duplicates (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 31 }),
          fc.integer({ min: 0, max: options.slow ? 600 : 3000 }),
          fc.integer({ min: 0, max: 64 }),
          (seed, bankSize, threshold) => {
            const next = rng(seed);
            const bank: string[] = [];
            const queries: string[] = [];
            for (let i = 0; i < bankSize; i += 1) bank.push(randomHex(next));
            for (let q = 0; q < 8; q += 1) {
              const query = randomHex(next);
              queries.push(query);
              // Plant copies around the threshold: just inside, on it, just outside.
              for (const d of [0, threshold - 1, threshold, threshold + 1, Math.floor(next() * 40)]) {
                if (d >= 0 && d <= 256) bank.splice(Math.floor(next() * (bank.length + 1)), 0, flipBits(query, d, next));
              }
            }
            const index = create();
            bank.forEach((h, id) => index.add(h, id));
            for (const query of queries) {
              const got = index.query(query, threshold).map((m) => ({ id: m.id, distance: m.distance }));
              expect(got).toEqual(bruteForce(bank, query, threshold));
            }
          },
        ),
        { numRuns: options.slow ? 10 : 40 },
      );
    });

    it('keeps answering correctly while hashes are added between queries', () => {
      const next = rng(99);
      const bank: string[] = [];
      const index = create();
      for (let round = 0; round < 6; round += 1) {
        for (let i = 0; i < 700; i += 1) {
          const h = bank.length > 0 && next() < 0.2 ? flipBits(bank[Math.floor(next() * bank.length)]!, 1 + Math.floor(next() * 30), next) : randomHex(next);
          index.add(h, bank.length);
          bank.push(h);
        }
        const query = flipBits(bank[Math.floor(next() * bank.length)]!, 10, next);
        expect(index.query(query, 31).map((m) => ({ id: m.id, distance: m.distance }))).toEqual(bruteForce(bank, query, 31));
      }
      expect(index.size).toBe(bank.length);
    });
  });
}

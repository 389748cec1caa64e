// PDQ bank matching at scale: multi-index hashing vs the linear scan, on a synthetic bank.
// Target (issue 4): 10M-hash bank at distance 31: query time vs the linear scan in the same process
// (goal >= 20x faster), 100% recall, build time, index memory <= 1.5 GB; a persisted index loads
// in seconds. Options: --size N (default 10,000,000), --queries Q (default 200).
// The bank is random 256-bit hashes (PDQ bits are near-uniform) with near-duplicates planted at
// distances 0..40 around each query, so each query has true matches, misses just outside the
// threshold, and a bank-sized haystack. Synthetic only: never real list content.
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinearPdqIndex, MultiIndexPdqIndex, PdqHashStore } from '../../packages/media/dist/index.js';
import { loadPdqIndex, savePdqIndex } from '../../packages/media-node/dist/index.js';
import { fmt, machine, median, percentile, report } from '../lib.mjs';

const arg = (args, name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};

export async function run(args = []) {
  const size = arg(args, '--size', 10_000_000);
  const queryCount = arg(args, '--queries', 200);
  const threshold = 31;
  let seed = 0x5eed;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const flip = (words, bits) => {
    const out = words.slice();
    const chosen = new Set();
    while (chosen.size < bits) chosen.add(rnd() & 255);
    for (const b of chosen) out[b >>> 5] ^= 1 << (b & 31);
    return out;
  };

  // Bank: `size` hashes, of which 8 per query are planted near-duplicates at positions spread
  // through the bank.
  const planted = [0, 3, 10, 20, 30, 31, 32, 40];
  const queries = [];
  const plantAt = new Map();
  for (let q = 0; q < queryCount; q += 1) {
    const query = Uint32Array.from({ length: 8 }, rnd);
    queries.push(query);
    for (const d of planted) plantAt.set(Math.floor((rnd() / 2 ** 32) * size), flip(query, d));
  }
  const store = new PdqHashStore(size);
  const w = new Uint32Array(8);
  for (let i = 0; i < size; i += 1) {
    const p = plantAt.get(i);
    if (p) store.addWords(p, 0, i);
    else {
      for (let k = 0; k < 8; k += 1) w[k] = rnd();
      store.addWords(w, 0, i);
    }
  }
  const index = new MultiIndexPdqIndex({ expectedSize: size });
  for (let i = 0; i < size; i += 1) index.addWords(store.words, i * 8, i);
  const rssBefore = process.memoryUsage().rss;
  let t = process.hrtime.bigint();
  index.build();
  const buildSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const linear = new LinearPdqIndex(store);

  // Query timing: each query timed alone; the linear scan on a subset (it takes ~0.1 s each).
  const timeQuery = (idx, q) => {
    const start = process.hrtime.bigint();
    const result = idx.queryWords(q, 0, threshold);
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
  };
  for (let q = 0; q < Math.min(10, queryCount); q += 1) index.queryWords(queries[q], 0, threshold); // warm-up
  const mihTimes = [];
  const mihResults = [];
  for (const q of queries) {
    const r = timeQuery(index, q);
    mihTimes.push(r.ms);
    mihResults.push(r.result);
  }
  const linearCount = Math.min(queryCount, 30);
  linear.queryWords(queries[0], 0, threshold); // warm-up
  const linearTimes = [];
  let recallHits = 0;
  let recallTotal = 0;
  let exactLists = 0;
  for (let q = 0; q < linearCount; q += 1) {
    const r = timeQuery(linear, queries[q]);
    linearTimes.push(r.ms);
    const got = new Set(mihResults[q].map((m) => `${m.id}:${m.distance}`));
    for (const m of r.result) {
      recallTotal += 1;
      if (got.has(`${m.id}:${m.distance}`)) recallHits += 1;
    }
    if (JSON.stringify(r.result) === JSON.stringify(mihResults[q])) exactLists += 1;
  }
  const matchesPerQuery = median(mihResults.map((r) => r.length));
  const mihMedian = median(mihTimes);
  const linearMedian = median(linearTimes);
  const recall = recallTotal === 0 ? 1 : recallHits / recallTotal;
  if (recall !== 1) throw new Error(`recall ${recall} < 1: the multi-index answer differs from the linear scan`);

  // Persisted index: save, then load (with and without the checksum) and check the answers.
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-match-'));
  const file = join(dir, 'bank.sgpdq');
  t = process.hrtime.bigint();
  const bytes = savePdqIndex(index, file);
  const saveSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const loadTimes = [];
  const loadFastTimes = [];
  let loaded;
  for (let r = 0; r < 3; r += 1) {
    loaded = undefined;
    t = process.hrtime.bigint();
    loaded = loadPdqIndex(file).index;
    loadTimes.push(Number(process.hrtime.bigint() - t) / 1e9);
    loaded = undefined;
    t = process.hrtime.bigint();
    loaded = loadPdqIndex(file, { verify: false }).index;
    loadFastTimes.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  let loadedAgrees = 0;
  for (let q = 0; q < Math.min(50, queryCount); q += 1) {
    if (JSON.stringify(loaded.queryWords(queries[q], 0, threshold)) === JSON.stringify(mihResults[q])) loadedAgrees += 1;
  }
  rmSync(dir, { recursive: true, force: true });
  const fileMiB = bytes / 2 ** 20;

  report(
    'match',
    `
# PDQ bank matching: multi-index hashing vs linear scan

Machine: ${machine()}; load average ${fmt(os.loadavg()[0], 1)} at the end (shared VM: other work competes for the cores). Bank: ${fmt(size)} synthetic PDQ hashes (random 256-bit, with ${planted.length}
near-duplicates of each query planted at distances ${planted.join(', ')}). Threshold: distance ≤ ${threshold}.
${fmt(queryCount)} queries, each timed alone, single thread.

| | multi-index (Safeguard) | linear scan (baseline) |
|---|---:|---:|
| median query time | ${fmt(mihMedian, 3)} ms | ${fmt(linearMedian, 1)} ms (${linearCount} queries) |
| p90 / p99 query time | ${fmt(percentile(mihTimes, 90), 3)} / ${fmt(percentile(mihTimes, 99), 3)} ms | ${fmt(percentile(linearTimes, 90), 1)} / ${fmt(percentile(linearTimes, 99), 1)} ms |
| **speed-up (median)** | **${fmt(linearMedian / mihMedian, 1)}×** | 1× |
| recall vs the linear scan | ${fmt(recall * 100, 1)}% (${recallHits}/${recallTotal} matches; ${exactLists}/${linearCount} identical result lists) | — |
| matches per query (median) | ${matchesPerQuery} | |
| index build time | ${fmt(buildSeconds, 1)} s (${index.chunkCount} chunk tables) | none |
| index memory (hashes + ids + tables) | ${fmt(index.memoryBytes / 2 ** 20)} MiB | ${fmt((store.words.byteLength + store.ids.byteLength) / 2 ** 20)} MiB (hashes + ids) |

Persisted index (${fmt(fileMiB)} MiB file):

| | median of 3 |
|---|---:|
| save | ${fmt(saveSeconds, 2)} s (once) |
| load with CRC-32 verification (default) | ${fmt(median(loadTimes), 2)} s |
| load without verification | ${fmt(median(loadFastTimes), 2)} s |
| rebuild from the hashes instead (for comparison) | ${fmt(buildSeconds, 1)} s |
| loaded index answers identical to the built one | ${loadedAgrees}/${Math.min(50, queryCount)} queries |

- Target ≥ 20× faster than the linear scan: **${linearMedian / mihMedian >= 20 ? 'met' : 'NOT met'}**; 100% recall: **${recall === 1 ? 'met' : 'NOT met'}**;
  index memory ≤ 1.5 GB: **${index.memoryBytes <= 1.5 * 2 ** 30 ? 'met' : 'NOT met'}**; 10M bank loads in seconds: **${median(loadTimes) < 10 ? 'met' : 'NOT met'}**.
- Process RSS before building the tables: ${fmt(rssBefore / 2 ** 20)} MiB (the hash store is shared by both indexes here).
- Random banks are the easy case for multi-index hashing; real banks with clusters of similar
  hashes make some buckets larger, and queries near a cluster cost more (still exact).
`,
  );
}

/**
 * `safeguard match`: the command module run in-process on a fresh commander program, over
 * synthetic banks (random hashes with planted near-duplicates) and the ThreatExchange
 * needles/haystack reference data, checked against brute force.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdqDistance } from '@safeguard/media';
import { EXIT } from '../src/exit-codes.js';
import { runSafeguard, type CliRun } from './run-safeguard.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PDQ_FIXTURES = join(repo, 'packages', 'media', 'test', 'fixtures', 'pdq');

let dir: string;

const run = (...args: string[]): Promise<CliRun> => runSafeguard(args);

let seed = 11;
const rnd = (): number => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const randomHex = (): string => Array.from({ length: 64 }, () => Math.floor(rnd() * 16).toString(16)).join('');
const flip = (hex: string, bits: number): string => {
  const n = hex.split('').map((c) => Number.parseInt(c, 16));
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(rnd() * 256));
  for (const b of chosen) n[b >> 2] = n[b >> 2]! ^ (1 << (b & 3));
  return n.map((v) => v.toString(16)).join('');
};

interface Line {
  query: string;
  matches: { hash: string; distance: number }[];
}
const parse = (out: string): Line[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);

function bruteForce(bank: string[], query: string, threshold: number): { hash: string; distance: number }[] {
  const seen = new Map<string, number>();
  for (const h of bank) {
    const d = pdqDistance(h, query);
    if (d <= threshold) seen.set(h, d);
  }
  return [...seen].map(([hash, distance]) => ({ hash, distance })).sort((a, b) => a.distance - b.distance || (a.hash < b.hash ? -1 : 1));
}

const bank: string[] = [];
const queries: string[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-match-'));
  for (let i = 0; i < 20_000; i += 1) bank.push(randomHex());
  for (let q = 0; q < 40; q += 1) {
    const query = randomHex();
    queries.push(query);
    for (const d of [0, 5, 30, 31, 32, 40]) if (q % 2 === 0 || d > 31) bank.push(flip(query, d));
  }
  bank.push(bank[7]!); // a duplicate line: reported once
  queries.push(bank[7]!);
  writeFileSync(join(dir, 'bank.txt'), `# synthetic bank\n${bank.join('\n')}\n`);
  writeFileSync(join(dir, 'queries.txt'), queries.join('\r\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safeguard match', () => {
  it('prints, per query in order, every distinct bank hash within the threshold (equal to brute force)', async () => {
    const { code, out, err } = await run('match', '--bank', join(dir, 'bank.txt'), '--queries', join(dir, 'queries.txt'), '--threshold', '31', '--format', 'jsonl');
    expect(code).toBe(EXIT.ok);
    expect(err).toMatch(/bank 20\d{3} hashes .* 41 queries, threshold 31/);
    const lines = parse(out);
    expect(lines.map((l) => l.query)).toEqual(queries);
    for (const line of lines) expect(line.matches).toEqual(bruteForce(bank, line.query, 31));
    expect(lines[0]!.matches.map((m) => m.distance)).toEqual([0, 5, 30, 31]);
    expect(lines[1]!.matches).toEqual([]);
    expect(lines[40]!.matches[0]).toEqual({ hash: bank[7], distance: 0 });
    expect(Object.keys(lines[0]!)).toEqual(['query', 'matches']);
  });

  it('honours other thresholds', async () => {
    const { out } = await run('match', '--bank', join(dir, 'bank.txt'), '--queries', join(dir, 'queries.txt'), '--threshold', '5');
    for (const line of parse(out)) expect(line.matches).toEqual(bruteForce(bank, line.query, 5));
  });

  it('matches the reference brute-force counts on needles vs haystack', async () => {
    const truth = JSON.parse(readFileSync(join(PDQ_FIXTURES, 'needles-vs-haystack-bruteforce.json'), 'utf8')) as {
      byRadius: Record<string, { totalMatches: number }>;
    };
    for (const radius of ['0', '31', '63']) {
      const { out } = await run('match', '--bank', join(PDQ_FIXTURES, 'haystack.txt'), '--queries', join(PDQ_FIXTURES, 'needles.txt'), '--threshold', radius);
      // The haystack has no duplicate lines, so distinct hashes = matches.
      expect(parse(out).reduce((s, l) => s + l.matches.length, 0), `radius ${radius}`).toBe(truth.byRadius[radius]!.totalMatches);
    }
  });

  it('saves a persisted index and answers the same from it', async () => {
    const indexPath = join(dir, 'bank.sgpdq');
    const first = await run('match', '--bank', join(dir, 'bank.txt'), '--queries', join(dir, 'queries.txt'), '--save-index', indexPath);
    const second = await run('match', '--bank', indexPath, '--queries', join(dir, 'queries.txt'));
    expect(second.code).toBe(EXIT.ok);
    expect(second.err).toMatch(/index loaded/);
    expect(second.out).toBe(first.out);
  });

  it('reports malformed bank and query files with file and line, printing nothing', async () => {
    writeFileSync(join(dir, 'bad-bank.txt'), `${randomHex()}\n${randomHex()}\nnot-a-hash\n`);
    const badBank = await run('match', '--bank', join(dir, 'bad-bank.txt'), '--queries', join(dir, 'queries.txt'));
    expect(badBank.code).toBe(EXIT.usage);
    expect(badBank.out).toBe('');
    expect(badBank.err).toContain(`${join(dir, 'bad-bank.txt')}:3: expected a 64-hex PDQ hash`);
    writeFileSync(join(dir, 'bad-queries.txt'), `${randomHex()}\n${randomHex().slice(0, 63)}g\n`);
    const badQueries = await run('match', '--bank', join(dir, 'bank.txt'), '--queries', join(dir, 'bad-queries.txt'));
    expect(badQueries.code).toBe(EXIT.usage);
    expect(badQueries.out).toBe('');
    expect(badQueries.err).toContain('bad-queries.txt:2: not hexadecimal');
  });

  it('rejects bad options and missing files with the usage code', async () => {
    const base = ['match', '--bank', join(dir, 'bank.txt'), '--queries', join(dir, 'queries.txt')];
    for (const t of ['-1', '257', '3.5', 'ten']) {
      const r = await run(...base, '--threshold', t);
      expect(r.code, t).toBe(EXIT.usage);
      expect(r.err).toMatch(/--threshold must be an integer/);
    }
    expect((await run(...base, '--format', 'csv')).code).toBe(EXIT.usage);
    const missing = await run('match', '--bank', join(dir, 'nope.txt'), '--queries', join(dir, 'queries.txt'));
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toContain('nope.txt: no such file');
    expect((await run('match', '--queries', join(dir, 'queries.txt'))).code).toBe(EXIT.usage);
  });
});

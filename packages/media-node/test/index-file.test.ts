import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BankImportError, LinearPdqIndex, MultiIndexPdqIndex, formatPdqHex } from '@safeguard/media';
import { IndexFileError, isPdqIndexFile, loadPdqIndex, readPdqHexFile, savePdqIndex } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'safeguard-media-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seed = 1;
const rnd = (): number => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
};
const randomWords = (): Uint32Array => Uint32Array.from({ length: 8 }, rnd);
const near = (w: Uint32Array, bits: number): Uint32Array => {
  const out = w.slice();
  for (let b = 0; b < bits; b += 1) out[b % 8] = (out[b % 8]! ^ (1 << (b * 7) % 32)) >>> 0;
  return out;
};

describe('persisted PDQ index files', () => {
  const N = 50_000;
  const built = new MultiIndexPdqIndex();
  const linear = new LinearPdqIndex();
  const stored: Uint32Array[] = [];
  for (let i = 0; i < N; i += 1) {
    const w = i % 100 === 0 && i > 0 ? near(stored[i - 1]!, 9) : randomWords();
    stored.push(w);
    built.addWords(w, 0, i * 3);
    linear.add(formatPdqHex(w), i * 3);
  }
  const path = join(dir, 'bank.sgpdq');

  it('round-trips: the loaded index answers exactly like the built one and the linear reference', () => {
    const bytes = savePdqIndex(built, path, { bank: 'synthetic', source: 'test' });
    expect(statSync(path).size).toBe(bytes);
    expect(isPdqIndexFile(path)).toBe(true);
    const loaded = loadPdqIndex(path);
    expect(loaded.count).toBe(N);
    expect(loaded.meta).toEqual({ bank: 'synthetic', source: 'test' });
    expect(loaded.index.chunkCount).toBe(built.chunkCount);
    for (let q = 0; q < 60; q += 1) {
      const query = formatPdqHex(near(stored[(q * 997) % N]!, q % 40));
      for (const t of [0, 31, 40]) {
        const expected = linear.query(query, t);
        expect(loaded.index.query(query, t)).toEqual(expected);
        expect(built.query(query, t)).toEqual(expected);
      }
    }
  });

  it('loaded indexes accept new hashes', () => {
    const loaded = loadPdqIndex(path).index;
    const extra = formatPdqHex(randomWords());
    loaded.add(extra, 999_999);
    expect(loaded.query(extra, 0)).toEqual([{ id: 999_999, hash: extra, distance: 0 }]);
  });

  it('detects corruption (checksum), truncation, wrong files and missing files', () => {
    const good = readFileSync(path);
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length - 1000] = (corrupt[corrupt.length - 1000]! + 1) & 0xff;
    writeFileSync(join(dir, 'corrupt.sgpdq'), corrupt);
    expect(() => loadPdqIndex(join(dir, 'corrupt.sgpdq'))).toThrow(/checksum mismatch/);
    // verify: false trusts the file (for callers who checked it another way).
    expect(loadPdqIndex(join(dir, 'corrupt.sgpdq'), { verify: false }).count).toBe(N);
    writeFileSync(join(dir, 'short.sgpdq'), good.subarray(0, good.length - 5000));
    expect(() => loadPdqIndex(join(dir, 'short.sgpdq'))).toThrow(IndexFileError);
    expect(() => loadPdqIndex(join(dir, 'short.sgpdq'))).toThrow(/truncated/);
    writeFileSync(join(dir, 'text.txt'), `${formatPdqHex(randomWords())}\n`);
    expect(isPdqIndexFile(join(dir, 'text.txt'))).toBe(false);
    expect(() => loadPdqIndex(join(dir, 'text.txt'))).toThrow(/not a Safeguard PDQ index file/);
    expect(() => loadPdqIndex(join(dir, 'missing.sgpdq'))).toThrow(/cannot open/);
  });

  it('small banks (no tables) persist too', () => {
    const small = new MultiIndexPdqIndex();
    const h = formatPdqHex(randomWords());
    small.add(h, 5);
    savePdqIndex(small, join(dir, 'small.sgpdq'));
    expect(loadPdqIndex(join(dir, 'small.sgpdq')).index.query(h, 31)).toEqual([{ id: 5, hash: h, distance: 0 }]);
  });
});

describe('reading hash-list files', () => {
  it('streams 64-hex lines into words, skipping blanks and comments, tolerating CRLF and spaces', () => {
    const a = formatPdqHex(randomWords());
    const b = formatPdqHex(randomWords());
    const file = join(dir, 'list.txt');
    writeFileSync(file, `# synthetic\r\n${a}\r\n\r\n  ${b.toUpperCase()}  \n${a}`);
    const seen: [string, number][] = [];
    const n = readPdqHexFile(file, (w, line) => seen.push([formatPdqHex(w), line]));
    expect(n).toBe(3);
    expect(seen).toEqual([
      [a, 2],
      [b, 4],
      [a, 5],
    ]);
  });

  it('reports the file and line of a malformed hash', () => {
    const file = join(dir, 'bad.txt');
    writeFileSync(file, `${formatPdqHex(randomWords())}\n${'g'.repeat(64)}\n`);
    expect(() => readPdqHexFile(file, () => {})).toThrow(BankImportError);
    expect(() => readPdqHexFile(file, () => {})).toThrow(`${file}:2: not hexadecimal`);
    writeFileSync(file, `${formatPdqHex(randomWords())}\nabc\n`);
    expect(() => readPdqHexFile(file, () => {})).toThrow(/:2: expected a 64-hex PDQ hash/);
    writeFileSync(file, `${'a'.repeat(5000)}\n`);
    expect(() => readPdqHexFile(file, () => {})).toThrow(/:1: /);
  });

  it('handles lines that straddle read chunks (large files)', () => {
    const file = join(dir, 'big.txt');
    const hashes = Array.from({ length: 200_000 }, () => formatPdqHex(randomWords()));
    writeFileSync(file, hashes.join('\n'));
    let i = 0;
    let ok = true;
    readPdqHexFile(file, (w) => {
      ok &&= formatPdqHex(w) === hashes[i];
      i += 1;
    });
    expect(i).toBe(hashes.length);
    expect(ok).toBe(true);
  });
});

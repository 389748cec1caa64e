// Test helpers: reading the PPM fixtures (binary P6, maxval 255) and the expected values.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PixelImage } from '../src/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pdq');

export function readPpm(path: string): PixelImage {
  const buf = readFileSync(path);
  const tokens: string[] = [];
  let pos = 0;
  const isSpace = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
  while (tokens.length < 4) {
    while (isSpace(buf[pos])) pos += 1;
    if (buf[pos] === 0x23) {
      while (buf[pos] !== 0x0a) pos += 1;
      continue;
    }
    let token = '';
    while (pos < buf.length && !isSpace(buf[pos])) token += String.fromCharCode(buf[pos++] ?? 0);
    tokens.push(token);
  }
  pos += 1;
  if (tokens[0] !== 'P6' || tokens[3] !== '255') throw new Error(`${path}: not a P6/255 PPM`);
  return { width: Number(tokens[1]), height: Number(tokens[2]), channels: 3, data: new Uint8Array(buf.subarray(pos)) };
}

export interface ExpectedRow {
  readonly file: string;
  readonly ppm: string;
  readonly width: number;
  readonly height: number;
  readonly quality: number;
  readonly hash: string;
  readonly dihedral: Record<string, string>;
}

export interface ExpectedFixtures {
  readonly images: readonly ExpectedRow[];
  readonly intermediates: Record<
    string,
    { downsample64x64_rowMajor: number[][]; dct16x16_rowMajor: number[][]; finalHash: string; quality: number }
  >;
}

export const expectedFixtures = (): ExpectedFixtures =>
  JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as ExpectedFixtures;

export const readLines = (path: string): string[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

/** Deterministic pseudo-random generator (mulberry32) for synthetic images and banks. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random 256-bit hash as hex. */
export function randomHex(next: () => number): string {
  let s = '';
  for (let i = 0; i < 8; i += 1) s += Math.floor(next() * 2 ** 32).toString(16).padStart(8, '0');
  return s;
}

/** `hex` with exactly `bits` distinct bits flipped (chosen by `next`). */
export function flipBits(hex: string, bits: number, next: () => number): string {
  const nibbles = hex.split('').map((c) => Number.parseInt(c, 16));
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(next() * 256));
  for (const bit of chosen) {
    const nibble = 63 - (bit >> 2);
    nibbles[nibble] = (nibbles[nibble] ?? 0) ^ (1 << (bit & 3));
  }
  return nibbles.map((n) => n.toString(16)).join('');
}

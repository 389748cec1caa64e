/**
 * 256-bit PDQ hashes: parsing, formatting and Hamming distance.
 *
 * Contract: the external form is 64 lower-case hex characters (what HMA, pytx and the reference
 * print). Internally a hash is 8 unsigned 32-bit words, word `k` holding hex characters
 * `8k .. 8k+7` (big-endian), so a flat `Uint32Array` of `8 × n` words stores `n` hashes with no
 * per-hash objects. Distance is a branch-free SWAR popcount over the 8 words: no BigInt, no tables.
 */

export const PDQ_HEX_LENGTH = 64;
export const PDQ_WORDS = 8;
export const PDQ_BITS = 256;

const HEX_RE = /^[0-9a-f]{64}$/;

/** True when `value` is exactly 64 lower-case hex characters (HMA's validator rejects upper case). */
export function isPdqHex(value: string): boolean {
  return value.length === PDQ_HEX_LENGTH && HEX_RE.test(value);
}

/**
 * Normalises a PDQ hash read from a file or a request: trims and lower-cases. Returns `undefined`
 * when the result is not 64 hex characters. Callers decide whether upper case is acceptable input
 * (imports accept it; the wire format we emit is always lower case).
 */
export function normalizePdqHex(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  return isPdqHex(v) ? v : undefined;
}

/** Parses 64 hex characters (either case) into 8 words; throws `RangeError` on anything else. */
export function parsePdqHex(hex: string, out: Uint32Array = new Uint32Array(PDQ_WORDS), offset = 0): Uint32Array {
  if (hex.length !== PDQ_HEX_LENGTH || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new RangeError(`not a PDQ hash (64 hex characters): ${JSON.stringify(hex.slice(0, 80))}`);
  }
  for (let k = 0; k < PDQ_WORDS; k += 1) {
    out[offset + k] = Number.parseInt(hex.slice(8 * k, 8 * k + 8), 16) >>> 0;
  }
  return out;
}

/** Formats 8 words starting at `offset` as 64 lower-case hex characters. */
export function formatPdqHex(words: Uint32Array, offset = 0): string {
  let s = '';
  for (let k = 0; k < PDQ_WORDS; k += 1) s += (words[offset + k] ?? 0).toString(16).padStart(8, '0');
  return s;
}

/** Number of set bits in a 32-bit integer (SWAR; V8 compiles it to a handful of ALU ops). */
export function popcount32(value: number): number {
  let x = value - ((value >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Hamming distance between the hash at `ia` (word offset) in `a` and the hash at `ib` in `b`.
 * Written out for the 8 words so the hot loops of the indexes inline it.
 */
export function hammingWords(a: Uint32Array, ia: number, b: Uint32Array, ib: number): number {
  return (
    popcount32((a[ia] ?? 0) ^ (b[ib] ?? 0)) +
    popcount32((a[ia + 1] ?? 0) ^ (b[ib + 1] ?? 0)) +
    popcount32((a[ia + 2] ?? 0) ^ (b[ib + 2] ?? 0)) +
    popcount32((a[ia + 3] ?? 0) ^ (b[ib + 3] ?? 0)) +
    popcount32((a[ia + 4] ?? 0) ^ (b[ib + 4] ?? 0)) +
    popcount32((a[ia + 5] ?? 0) ^ (b[ib + 5] ?? 0)) +
    popcount32((a[ia + 6] ?? 0) ^ (b[ib + 6] ?? 0)) +
    popcount32((a[ia + 7] ?? 0) ^ (b[ib + 7] ?? 0))
  );
}

/** Hamming distance between two PDQ hashes given as hex strings. */
export function pdqDistance(a: string, b: string): number {
  const wa = parsePdqHex(a);
  const wb = parsePdqHex(b);
  return hammingWords(wa, 0, wb, 0);
}

/** Bit `k` (0..255) of a hash as defined by the reference: value 2^k of the big-endian number. */
export function pdqBit(words: Uint32Array, k: number, offset = 0): 0 | 1 {
  const word = offset + PDQ_WORDS - 1 - (k >>> 5);
  return (((words[word] ?? 0) >>> (k & 31)) & 1) as 0 | 1;
}

/**
 * The part of PDQ that runs after the 64×64 downsample: quality metric, 16×16 DCT, median
 * threshold and the 8 dihedral variants. A float32-faithful port of Meta's reference
 * (`pdq/cpp/hashing/pdqhashing.cpp`): every intermediate that C++ keeps in a `float` is rounded
 * with `Math.fround` (or by storing into a `Float32Array`) in the same order of operations, which
 * is what makes the hashes and the quality bit-exact.
 */
import { PDQ_WORDS } from './hash256.js';

/** The 8 dihedral variants, in the order the reference computes them. */
export const PDQ_DIHEDRAL_NAMES = [
  'original',
  'rotate90',
  'rotate180',
  'rotate270',
  'flipX',
  'flipY',
  'flipPlus1',
  'flipMinus1',
] as const;
export type PdqDihedralName = (typeof PDQ_DIHEDRAL_NAMES)[number];

/** Images smaller than this on either side hash to all zeros with quality 0 (as the reference). */
export const PDQ_MIN_HASHABLE_DIM = 5;

/**
 * DCT-II basis rows 1..16 over 64 samples (16×64, row-major), `float` as in the reference: the scale factor is
 * rounded to float, the product with the double `cos` is computed in double and stored as float.
 */
export const DCT_MATRIX: Float32Array = (() => {
  const d = new Float32Array(16 * 64);
  const scale = Math.fround(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i += 1) {
    for (let j = 0; j < 64; j += 1) {
      d[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
    }
  }
  return d;
})();

/**
 * The reference's image-domain quality: count of significant gradients in the 64×64 downsample,
 * scaled to 0..100. `((u - v) * 100) / 255` is float arithmetic truncated to int, as in C++.
 */
export function pdqQuality(a: Float32Array): number {
  let gradientSum = 0;
  for (let i = 0; i < 63; i += 1) {
    for (let j = 0; j < 64; j += 1) {
      const u = a[i * 64 + j] ?? 0;
      const v = a[(i + 1) * 64 + j] ?? 0;
      const d = Math.trunc(Math.fround(Math.fround(Math.fround(u - v) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  for (let i = 0; i < 64; i += 1) {
    for (let j = 0; j < 63; j += 1) {
      const u = a[i * 64 + j] ?? 0;
      const v = a[i * 64 + j + 1] ?? 0;
      const d = Math.trunc(Math.fround(Math.fround(Math.fround(u - v) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  const quality = Math.trunc(gradientSum / 90);
  return quality > 100 ? 100 : quality;
}

/** B = D·A·Dᵀ restricted to coefficients 1..16 in each direction, float accumulation in k order. */
export function pdqDct64To16(a: Float32Array, t: Float32Array = new Float32Array(16 * 64), b: Float32Array = new Float32Array(256)): Float32Array {
  const d = DCT_MATRIX;
  for (let i = 0; i < 16; i += 1) {
    for (let j = 0; j < 64; j += 1) {
      let sum = 0;
      for (let k = 0; k < 64; k += 1) {
        sum = Math.fround(sum + Math.fround((d[i * 64 + k] ?? 0) * (a[k * 64 + j] ?? 0)));
      }
      t[i * 64 + j] = sum;
    }
  }
  for (let i = 0; i < 16; i += 1) {
    for (let j = 0; j < 16; j += 1) {
      let sum = 0;
      for (let k = 0; k < 64; k += 1) {
        sum = Math.fround(sum + Math.fround((t[i * 64 + k] ?? 0) * (d[j * 64 + k] ?? 0)));
      }
      b[i * 16 + j] = sum;
    }
  }
  return b;
}

const medianScratch = new Float32Array(256);

/**
 * The reference's Torben median of 256 values is the lower median (the 128th smallest), which
 * sorting gives too.
 */
export function pdqMedian(values: Float32Array): number {
  medianScratch.set(values);
  medianScratch.sort();
  return medianScratch[127] ?? 0;
}

/** Sets bit `i·16 + j` when coefficient (i, j) is strictly greater than the median. */
export function pdqBitsFromDct(dct: Float32Array, out: Uint32Array, offset = 0, median = pdqMedian(dct)): void {
  for (let k = 0; k < PDQ_WORDS; k += 1) out[offset + k] = 0;
  for (let i = 0; i < 16; i += 1) {
    for (let j = 0; j < 16; j += 1) {
      if ((dct[i * 16 + j] ?? 0) > median) {
        const bit = i * 16 + j;
        // bit k has value 2^k in the big-endian 256-bit number: word 7 holds bits 0..31.
        const word = offset + PDQ_WORDS - 1 - (bit >>> 5);
        out[word] = ((out[word] ?? 0) | (1 << (bit & 31))) >>> 0;
      }
    }
  }
}

/**
 * Writes the 8 dihedral hashes (8 words each, in `PDQ_DIHEDRAL_NAMES` order) into `out` from
 * the original's DCT, using the reference's sign/transpose identities instead of re-hashing.
 * Transposes and sign patterns that coincide leave the multiset of coefficients unchanged, so the
 * 8 variants need only 4 medians (original = flipPlus1; rotate90 = flipY; rotate270 = flipX;
 * rotate180 = flipMinus1).
 */
export function pdqDihedralFromDct(dct: Float32Array, out: Uint32Array = new Uint32Array(8 * PDQ_WORDS)): Uint32Array {
  const aux = new Float32Array(256);
  const at = (i: number, j: number): number => dct[i * 16 + j] ?? 0;
  const mOriginal = pdqMedian(dct);
  pdqBitsFromDct(dct, out, 0, mOriginal);
  // rotate90: B[j][i] = (j odd ? A : -A)[i][j]
  for (let i = 0; i < 16; i += 1) for (let j = 0; j < 16; j += 1) aux[j * 16 + i] = j & 1 ? at(i, j) : -at(i, j);
  const mOddColumns = pdqMedian(aux);
  pdqBitsFromDct(aux, out, 8, mOddColumns);
  // rotate180: B[i][j] = ((i + j) odd ? -A : A)[i][j]
  for (let i = 0; i < 16; i += 1) for (let j = 0; j < 16; j += 1) aux[i * 16 + j] = (i + j) & 1 ? -at(i, j) : at(i, j);
  const mChecker = pdqMedian(aux);
  pdqBitsFromDct(aux, out, 16, mChecker);
  // rotate270: B[j][i] = (i odd ? A : -A)[i][j]
  for (let i = 0; i < 16; i += 1) for (let j = 0; j < 16; j += 1) aux[j * 16 + i] = i & 1 ? at(i, j) : -at(i, j);
  const mOddRows = pdqMedian(aux);
  pdqBitsFromDct(aux, out, 24, mOddRows);
  // flipX: B[i][j] = (i odd ? A : -A)[i][j]
  for (let i = 0; i < 16; i += 1) for (let j = 0; j < 16; j += 1) aux[i * 16 + j] = i & 1 ? at(i, j) : -at(i, j);
  pdqBitsFromDct(aux, out, 32, mOddRows);
  // flipY: B[i][j] = (j odd ? A : -A)[i][j]
  for (let i = 0; i < 16; i += 1) for (let j = 0; j < 16; j += 1) aux[i * 16 + j] = j & 1 ? at(i, j) : -at(i, j);
  pdqBitsFromDct(aux, out, 40, mOddColumns);
  // flipPlus1: B[j][i] = A[i][j]
  for (let i = 0; i < 16; i += 1) for (let j = 0; j < 16; j += 1) aux[j * 16 + i] = at(i, j);
  pdqBitsFromDct(aux, out, 48, mOriginal);
  // flipMinus1: B[j][i] = ((i + j) odd ? -A : A)[i][j]
  for (let i = 0; i < 16; i += 1) for (let j = 0; j < 16; j += 1) aux[j * 16 + i] = (i + j) & 1 ? -at(i, j) : at(i, j);
  pdqBitsFromDct(aux, out, 56, mChecker);
  return out;
}

/** Source rows/columns the reference's decimation samples: centres of 64 equal cells. */
export function pdqDecimationIndices(length: number): Int32Array {
  const idx = new Int32Array(64);
  for (let i = 0; i < 64; i += 1) idx[i] = Math.trunc(((i + 0.5) * length) / 64);
  return idx;
}

/** Jarosz box-filter window per axis: ceil(dimension / 128), as the reference computes it. */
export function pdqWindowSize(dimension: number): number {
  return Math.trunc((dimension + 2 * 64 - 1) / (2 * 64));
}

/** float32 luma coefficient tables: `LUMA_R[v] = (float)0.299 * v` rounded to float, etc. */
export const LUMA_R = new Float32Array(256);
export const LUMA_G = new Float32Array(256);
export const LUMA_B = new Float32Array(256);
{
  const r = Math.fround(0.299);
  const g = Math.fround(0.587);
  const b = Math.fround(0.114);
  for (let v = 0; v < 256; v += 1) {
    LUMA_R[v] = r * v;
    LUMA_G[v] = g * v;
    LUMA_B[v] = b * v;
  }
}

/**
 * PDQ perceptual hashing of decoded pixels, bit-exact with Meta's reference
 * (`pdqDihedralHash256esFromFloatLuma`, full resolution, float32 throughout).
 *
 * Contract: `pdqHashPixels(image)` returns the hash, the quality (0..100) and the 8 dihedral
 * variants that the C++ reference computes for the same pixels. Images under 5 px on a side give
 * all-zero hashes with quality 0. Callers must discard hashes with quality below 50 (`PDQ_QUALITY_FLOOR`)
 * for matching; this module reports, it does not decide.
 *
 * Why it is not a literal port: the reference filters two full-size float buffers four times.
 * Here the same float operations run in the same order per row and per column, but streamed:
 *  - each luma row is computed, box-filtered along the row and pushed into a ring of the last
 *    `window + 1` rows, from which the column pass is advanced with one running sum per column
 *    (the column filter's adds and subtracts happen in the reference's order, so the sums agree
 *    to the bit);
 *  - the second row pass only has to produce the 64 decimated columns, and the second column
 *    pass only runs on those 64 columns and only divides at the 64 decimated rows.
 * Memory is O(window × width) instead of two full frames (a 50 MP image needs ~2 MB, not 400 MB),
 * and the work per pixel drops from four filter passes to about three.
 */
import {
  PDQ_DIHEDRAL_NAMES,
  PDQ_MIN_HASHABLE_DIM,
  pdqDct64To16,
  pdqDecimationIndices,
  pdqDihedralFromDct,
  pdqQuality,
  pdqWindowSize,
  type PdqDihedralName,
} from './core.js';
import { formatPdqHex, PDQ_WORDS } from './hash256.js';
import { assertPixelImage, type PixelImage } from './image.js';
import { pdqDct64To16Wasm, pdqDownsample64Wasm } from './pdq-wasm.js';

/** Hashes with quality below this should be discarded, not matched or stored (PDQ's guidance). */
export const PDQ_QUALITY_FLOOR = 50;

export type PdqDihedralHashes = Readonly<Record<PdqDihedralName, string>>;

export interface PdqResult {
  /** "The" PDQ hash: 64 lower-case hex characters. */
  readonly hash: string;
  /** 0..100; below 50 the hash is unreliable (flat or tiny images). */
  readonly quality: number;
  /** The hashes the image would have after each dihedral transform (index 0 is `hash`). */
  readonly dihedral: PdqDihedralHashes;
  /** The same 8 hashes as words (8 per hash, `PDQ_DIHEDRAL_NAMES` order) for indexes. */
  readonly words: Uint32Array;
}

/**
 * Division by the full window `n` is done as a multiplication by the double reciprocal, which is
 * exact after rounding to float32: for a float32 `s` and an integer `n ≤ 2^10`, `s / n` lies at
 * least `2^-35` (relative) away from any float32 rounding midpoint, while the double product errs
 * by at most `2^-52`. So `fround(s * (1 / n)) === fround(s / n)` always (checked in the tests).
 * Larger windows (images over 131,072 px on a side) fall back to division.
 */
const MAX_RECIPROCAL_WINDOW = 1024;
const fr = Math.fround;

/**
 * Streaming column box filter: rows arrive in order, outputs leave in order. Identical float
 * operations to the reference's `box1DFloat` run down each column (one running sum per column).
 */
class ColumnBox {
  private readonly ring: Float32Array;
  private readonly sums: Float32Array;
  private readonly out: Float32Array;
  private readonly half: number;
  private readonly inverse: number;
  private received = 0;

  constructor(
    private readonly width: number,
    private readonly length: number,
    private readonly full: number,
    /** Called with each output row (a scratch view, valid only during the call) and its index. */
    private readonly emit: (row: Float32Array, index: number) => void,
  ) {
    this.half = (full + 2) >> 1;
    this.ring = new Float32Array((full + 1) * width);
    this.sums = new Float32Array(width);
    this.out = new Float32Array(width);
    this.inverse = 1 / full;
  }

  /** The next input row: `width` floats of `rows` starting at `offset`. */
  push(rows: Float32Array, offset: number): void {
    const { width, full, half, sums, out, ring } = this;
    const ri = this.received;
    this.received += 1;
    const slot = (ri % (full + 1)) * width;
    const row = rows.subarray(offset, offset + width);
    ring.set(row, slot);
    if (ri < half - 1) {
      for (let x = 0; x < width; x += 1) sums[x] = sums[x]! + row[x]!;
      return;
    }
    if (ri < full) {
      const size = ri + 1;
      for (let x = 0; x < width; x += 1) {
        const s = fr(sums[x]! + row[x]!);
        sums[x] = s;
        out[x] = s / size;
      }
    } else {
      const left = ((ri - full) % (full + 1)) * width;
      if (full <= MAX_RECIPROCAL_WINDOW) {
        const inverse = this.inverse;
        for (let x = 0; x < width; x += 1) {
          const s = fr(fr(sums[x]! + row[x]!) - ring[left + x]!);
          sums[x] = s;
          out[x] = s * inverse;
        }
      } else {
        for (let x = 0; x < width; x += 1) {
          const s = fr(fr(sums[x]! + row[x]!) - ring[left + x]!);
          sums[x] = s;
          out[x] = s / full;
        }
      }
    }
    this.emit(out, ri - half + 1);
  }

  /** Runs the final shrinking-window phase once all `length` rows have been pushed. */
  finish(): void {
    const { width, full, half, sums, out, ring, length } = this;
    for (let k = 0; k < half - 1; k += 1) {
      const left = ((length - full + k) % (full + 1)) * width;
      const size = full - 1 - k;
      for (let x = 0; x < width; x += 1) {
        const s = fr(sums[x]! - ring[left + x]!);
        sums[x] = s;
        out[x] = s / size;
      }
      this.emit(out, length - half + 1 + k);
    }
  }
}

/**
 * Row box filter (the reference's `box1DFloat`, stride 1) over 4 rows at once, rows `width`
 * apart in `input` and `out`. The four running sums are independent, so the CPU overlaps their
 * float32 rounding latencies; a single row would stall on each one.
 */
function boxRows4(input: Float32Array, out: Float32Array, width: number, full: number): void {
  const half = (full + 2) >> 1;
  const inverse = 1 / full;
  const useInverse = full <= MAX_RECIPROCAL_WINDOW;
  const w1 = width;
  const w2 = 2 * width;
  const w3 = 3 * width;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let ri = 0;
  let li = 0;
  let oi = 0;
  for (; ri < half - 1; ri += 1) {
    s0 = fr(s0 + input[ri]!);
    s1 = fr(s1 + input[ri + w1]!);
    s2 = fr(s2 + input[ri + w2]!);
    s3 = fr(s3 + input[ri + w3]!);
  }
  for (let size = half; ri < full; ri += 1, oi += 1, size += 1) {
    s0 = fr(s0 + input[ri]!);
    s1 = fr(s1 + input[ri + w1]!);
    s2 = fr(s2 + input[ri + w2]!);
    s3 = fr(s3 + input[ri + w3]!);
    out[oi] = s0 / size;
    out[oi + w1] = s1 / size;
    out[oi + w2] = s2 / size;
    out[oi + w3] = s3 / size;
  }
  if (useInverse) {
    for (; ri < width; ri += 1, li += 1, oi += 1) {
      s0 = fr(fr(s0 + input[ri]!) - input[li]!);
      s1 = fr(fr(s1 + input[ri + w1]!) - input[li + w1]!);
      s2 = fr(fr(s2 + input[ri + w2]!) - input[li + w2]!);
      s3 = fr(fr(s3 + input[ri + w3]!) - input[li + w3]!);
      out[oi] = s0 * inverse;
      out[oi + w1] = s1 * inverse;
      out[oi + w2] = s2 * inverse;
      out[oi + w3] = s3 * inverse;
    }
  } else {
    for (; ri < width; ri += 1, li += 1, oi += 1) {
      s0 = fr(fr(s0 + input[ri]!) - input[li]!);
      s1 = fr(fr(s1 + input[ri + w1]!) - input[li + w1]!);
      s2 = fr(fr(s2 + input[ri + w2]!) - input[li + w2]!);
      s3 = fr(fr(s3 + input[ri + w3]!) - input[li + w3]!);
      out[oi] = s0 / full;
      out[oi + w1] = s1 / full;
      out[oi + w2] = s2 / full;
      out[oi + w3] = s3 / full;
    }
  }
  for (let size = full - 1; oi < width; li += 1, oi += 1, size -= 1) {
    s0 = fr(s0 - input[li]!);
    s1 = fr(s1 - input[li + w1]!);
    s2 = fr(s2 - input[li + w2]!);
    s3 = fr(s3 - input[li + w3]!);
    out[oi] = s0 / size;
    out[oi + w1] = s1 / size;
    out[oi + w2] = s2 / size;
    out[oi + w3] = s3 / size;
  }
}

/** Single-row version of `boxRows4`, for the last rows when the height is not a multiple of 4. */
function boxRow(input: Float32Array, inOff: number, out: Float32Array, outOff: number, width: number, full: number): void {
  const half = (full + 2) >> 1;
  let sum = 0;
  let ri = inOff;
  let li = inOff;
  let oi = outOff;
  const end = inOff + width;
  const outEnd = outOff + width;
  for (let k = 0; k < half - 1; k += 1, ri += 1) sum = fr(sum + input[ri]!);
  for (let size = half; size <= full; ri += 1, oi += 1, size += 1) {
    sum = fr(sum + input[ri]!);
    out[oi] = sum / size;
  }
  for (; ri < end; ri += 1, li += 1, oi += 1) {
    sum = fr(fr(sum + input[ri]!) - input[li]!);
    out[oi] = sum / full;
  }
  for (let size = full - 1; oi < outEnd; li += 1, oi += 1, size -= 1) {
    sum = fr(sum - input[li]!);
    out[oi] = sum / size;
  }
}

/**
 * Running row sums of 4 rows (rows `width` apart), stored for every column up to `last`: the
 * second row pass only needs its output at the 64 decimated columns, so the divisions are left
 * to `gatherSampled`.
 */
function rowSums4(input: Float32Array, sums: Float32Array, width: number, full: number, last: number): void {
  const half = (full + 2) >> 1;
  const w1 = width;
  const w2 = 2 * width;
  const w3 = 3 * width;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let ri = 0;
  let li = 0;
  let oi = 0;
  for (; ri < half - 1; ri += 1) {
    s0 = fr(s0 + input[ri]!);
    s1 = fr(s1 + input[ri + w1]!);
    s2 = fr(s2 + input[ri + w2]!);
    s3 = fr(s3 + input[ri + w3]!);
  }
  for (; ri < full && oi <= last; ri += 1, oi += 1) {
    s0 = fr(s0 + input[ri]!);
    s1 = fr(s1 + input[ri + w1]!);
    s2 = fr(s2 + input[ri + w2]!);
    s3 = fr(s3 + input[ri + w3]!);
    sums[oi] = s0;
    sums[oi + w1] = s1;
    sums[oi + w2] = s2;
    sums[oi + w3] = s3;
  }
  for (; ri < width && oi <= last; ri += 1, li += 1, oi += 1) {
    s0 = fr(fr(s0 + input[ri]!) - input[li]!);
    s1 = fr(fr(s1 + input[ri + w1]!) - input[li + w1]!);
    s2 = fr(fr(s2 + input[ri + w2]!) - input[li + w2]!);
    s3 = fr(fr(s3 + input[ri + w3]!) - input[li + w3]!);
    sums[oi] = s0;
    sums[oi + w1] = s1;
    sums[oi + w2] = s2;
    sums[oi + w3] = s3;
  }
  for (; oi <= last; li += 1, oi += 1) {
    s0 = fr(s0 - input[li]!);
    s1 = fr(s1 - input[li + w1]!);
    s2 = fr(s2 - input[li + w2]!);
    s3 = fr(s3 - input[li + w3]!);
    sums[oi] = s0;
    sums[oi + w1] = s1;
    sums[oi + w2] = s2;
    sums[oi + w3] = s3;
  }
}

/** Single-row version of `rowSums4`. */
function rowSums(input: Float32Array, inOff: number, sums: Float32Array, sumsOff: number, width: number, full: number, last: number): void {
  const half = (full + 2) >> 1;
  let sum = 0;
  let ri = 0;
  let li = 0;
  let oi = 0;
  for (; ri < half - 1; ri += 1) sum = fr(sum + input[inOff + ri]!);
  for (; ri < full && oi <= last; ri += 1, oi += 1) sums[sumsOff + oi] = sum = fr(sum + input[inOff + ri]!);
  for (; ri < width && oi <= last; ri += 1, li += 1, oi += 1) {
    sums[sumsOff + oi] = sum = fr(fr(sum + input[inOff + ri]!) - input[inOff + li]!);
  }
  for (; oi <= last; li += 1, oi += 1) sums[sumsOff + oi] = sum = fr(sum - input[inOff + li]!);
}

/** The row filter's output at the decimated columns: sum / window size at that column. */
function gatherSampled(sums: Float32Array, sumsOff: number, width: number, full: number, cols: Int32Array, out: Float32Array): void {
  const half = (full + 2) >> 1;
  for (let j = 0; j < 64; j += 1) {
    const c = cols[j]!;
    // Window size at output c: growing at the left edge, full inside, shrinking at the right.
    const size = Math.min(half + c, full, full + width - half - c);
    out[j] = sums[sumsOff + c]! / size;
  }
}

const LUMA_R_COEFF = Math.fround(0.299);
const LUMA_G_COEFF = Math.fround(0.587);
const LUMA_B_COEFF = Math.fround(0.114);

/** float32 luma of `count` rows from `y` into `out` (rows `width` apart); alpha is ignored. */
function lumaRows(image: PixelImage, y: number, count: number, out: Float32Array): void {
  const { data, width, channels } = image;
  const n = width * count;
  let p = y * width * channels;
  if (channels >= 3) {
    for (let i = 0; i < n; i += 1, p += channels) {
      out[i] = fr(fr(LUMA_R_COEFF * data[p]!) + fr(LUMA_G_COEFF * data[p + 1]!)) + fr(LUMA_B_COEFF * data[p + 2]!);
    }
  } else {
    for (let i = 0; i < n; i += 1, p += channels) {
      const v = data[p]!;
      out[i] = fr(fr(LUMA_R_COEFF * v) + fr(LUMA_G_COEFF * v)) + fr(LUMA_B_COEFF * v);
    }
  }
}

/**
 * The 64×64 downsample of the reference (two Jarosz passes per axis, then decimation to cell
 * centres), computed by streaming rows: `rowSource(y, count, out)` writes `count` luma rows
 * starting at row `y` into `out` (rows `width` apart).
 */
export function pdqDownsample64(
  width: number,
  height: number,
  rowSource: (y: number, count: number, out: Float32Array) => void,
): Float32Array {
  const fullX = pdqWindowSize(width);
  const fullY = pdqWindowSize(height);
  const rows = pdqDecimationIndices(height);
  const cols = pdqDecimationIndices(width);
  const lastCol = cols[63]!;
  const out64 = new Float32Array(64 * 64);

  // Which output rows of the last column pass land in the 64×64 buffer (rows repeat when the
  // image is shorter than 64 px).
  const firstTarget = new Int32Array(height).fill(-1);
  for (let i = 63; i >= 0; i -= 1) firstTarget[rows[i]!] = i;
  const columnPass2 = new ColumnBox(64, height, fullY, (row, y) => {
    for (let i = firstTarget[y]!; i >= 0 && i < 64 && rows[i] === y; i += 1) out64.set(row.subarray(0, 64), i * 64);
  });

  // Second row pass: rows from the first column pass are batched by 4.
  const block = new Float32Array(4 * width);
  const sums = new Float32Array(4 * width);
  const sampled = new Float32Array(64);
  let buffered = 0;
  const flushBlock = (): void => {
    if (buffered === 4) rowSums4(block, sums, width, fullX, lastCol);
    else for (let k = 0; k < buffered; k += 1) rowSums(block, k * width, sums, k * width, width, fullX, lastCol);
    for (let k = 0; k < buffered; k += 1) {
      gatherSampled(sums, k * width, width, fullX, cols, sampled);
      columnPass2.push(sampled, 0);
    }
    buffered = 0;
  };
  const columnPass1 = new ColumnBox(width, height, fullY, (row) => {
    block.set(row, buffered * width);
    buffered += 1;
    if (buffered === 4) flushBlock();
  });

  const luma = new Float32Array(4 * width);
  const filtered = new Float32Array(4 * width);
  let y = 0;
  for (; y + 4 <= height; y += 4) {
    rowSource(y, 4, luma);
    boxRows4(luma, filtered, width, fullX);
    for (let k = 0; k < 4; k += 1) columnPass1.push(filtered, k * width);
  }
  for (; y < height; y += 1) {
    rowSource(y, 1, luma);
    boxRow(luma, 0, filtered, 0, width, fullX);
    columnPass1.push(filtered, 0);
  }
  columnPass1.finish();
  flushBlock();
  columnPass2.finish();
  return out64;
}

/** Hash, quality and dihedral variants from a 64×64 downsample. */
export function pdqFromDownsample(buffer64: Float32Array, options: PdqHashOptions = {}): PdqResult {
  const quality = pdqQuality(buffer64);
  const dct = (options.engine === 'js' ? undefined : pdqDct64To16Wasm(buffer64)) ?? pdqDct64To16(buffer64);
  return resultFromWords(pdqDihedralFromDct(dct), quality);
}

function resultFromWords(words: Uint32Array, quality: number): PdqResult {
  const hexes = PDQ_DIHEDRAL_NAMES.map((_, k) => formatPdqHex(words, k * PDQ_WORDS));
  const dihedral = Object.fromEntries(PDQ_DIHEDRAL_NAMES.map((name, k) => [name, hexes[k]])) as Record<PdqDihedralName, string>;
  return Object.freeze({ hash: dihedral.original, quality, dihedral: Object.freeze(dihedral), words });
}

const ZERO_RESULT_WORDS = new Uint32Array(8 * PDQ_WORDS);

export interface PdqHashOptions {
  /**
   * `auto` (default): the WebAssembly SIMD kernels when available, else JavaScript. `js` forces
   * the pure-JavaScript path (identical results; used to cross-check and as a fallback).
   */
  readonly engine?: 'auto' | 'js';
}

/** PDQ of decoded pixels (see `PixelImage` for the channel conventions). */
export function pdqHashPixels(image: PixelImage, options: PdqHashOptions = {}): PdqResult {
  assertPixelImage(image);
  if (image.width < PDQ_MIN_HASHABLE_DIM || image.height < PDQ_MIN_HASHABLE_DIM) {
    return resultFromWords(ZERO_RESULT_WORDS.slice(), 0);
  }
  const fast = options.engine === 'js' ? undefined : pdqDownsample64Wasm(image);
  return pdqFromDownsample(fast ?? pdqDownsample64(image.width, image.height, (y, count, out) => lumaRows(image, y, count, out)), options);
}

/** PDQ of a float32 luma buffer (row-major `width × height`), e.g. from a video frame. */
export function pdqHashLuma(luma: Float32Array, width: number, height: number): PdqResult {
  if (luma.length < width * height) throw new RangeError(`luma buffer too short for ${width}x${height}`);
  if (width < PDQ_MIN_HASHABLE_DIM || height < PDQ_MIN_HASHABLE_DIM) return resultFromWords(ZERO_RESULT_WORDS.slice(), 0);
  return pdqFromDownsample(pdqDownsample64(width, height, (y, count, out) => out.set(luma.subarray(y * width, (y + count) * width))));
}

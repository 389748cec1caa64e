/**
 * A line-by-line port of the reference downsampler (two full-size float buffers, two Jarosz
 * passes, decimation). Slow and memory-hungry on purpose: it is the oracle the fast streaming
 * hasher (pdq.ts) is checked against in property tests, and the baseline in the benchmark.
 * Production code should call `pdqHashPixels`.
 */
import { pdqDecimationIndices, pdqWindowSize } from './core.js';

/** `box1DFloat` of the reference: a running-sum box filter with shrinking windows at the edges. */
function box1D(input: Float32Array, inOff: number, out: Float32Array, outOff: number, length: number, stride: number, full: number): void {
  const half = Math.trunc((full + 2) / 2);
  const phase1 = half - 1;
  const phase2 = full - half + 1;
  const phase3 = length - full;
  const phase4 = half - 1;
  let li = inOff;
  let ri = inOff;
  let oi = outOff;
  let sum = 0;
  let size = 0;
  for (let i = 0; i < phase1; i += 1) {
    sum = Math.fround(sum + (input[ri] ?? 0));
    size += 1;
    ri += stride;
  }
  for (let i = 0; i < phase2; i += 1) {
    sum = Math.fround(sum + (input[ri] ?? 0));
    size += 1;
    out[oi] = sum / size;
    ri += stride;
    oi += stride;
  }
  for (let i = 0; i < phase3; i += 1) {
    sum = Math.fround(sum + (input[ri] ?? 0));
    sum = Math.fround(sum - (input[li] ?? 0));
    out[oi] = sum / size;
    li += stride;
    ri += stride;
    oi += stride;
  }
  for (let i = 0; i < phase4; i += 1) {
    sum = Math.fround(sum - (input[li] ?? 0));
    size -= 1;
    out[oi] = sum / size;
    li += stride;
    oi += stride;
  }
}

/**
 * The reference `jaroszFilterFloat` + `decimateFloat` on a full luma buffer (which it overwrites),
 * returning the 64×64 downsample.
 */
export function referenceDownsample64(luma: Float32Array, width: number, height: number): Float32Array {
  const buffer2 = new Float32Array(width * height);
  const windowAlongRows = pdqWindowSize(width);
  const windowAlongCols = pdqWindowSize(height);
  for (let pass = 0; pass < 2; pass += 1) {
    for (let y = 0; y < height; y += 1) box1D(luma, y * width, buffer2, y * width, width, 1, windowAlongRows);
    for (let x = 0; x < width; x += 1) box1D(buffer2, x, luma, x, height, width, windowAlongCols);
  }
  const rows = pdqDecimationIndices(height);
  const cols = pdqDecimationIndices(width);
  const out = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i += 1) {
    for (let j = 0; j < 64; j += 1) out[i * 64 + j] = luma[(rows[i] ?? 0) * width + (cols[j] ?? 0)] ?? 0;
  }
  return out;
}

/**
 * Decoded pixel buffers as the hashers take them, and float32 luma as the reference computes it.
 * Decoding itself is an adapter's job (packages/media-node); this module never sees file bytes.
 */
import { SafeguardError } from '@safeguard/core';
import { LUMA_B, LUMA_G, LUMA_R } from './core.js';

/**
 * Interleaved 8-bit pixels, row-major, no row padding. Channels: 1 = grey, 2 = grey + alpha,
 * 3 = RGB, 4 = RGBA. Alpha is ignored (dropped, not composited), as in the reference pipeline;
 * grey is expanded to R = G = B before the luma formula, as sharp's `toColourspace('srgb')` does.
 */
export interface PixelImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
}

/** Throws a `validation_failed` error when the buffer cannot hold `width × height × channels`. */
export function assertPixelImage(image: PixelImage): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new SafeguardError('validation_failed', `invalid image size ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new SafeguardError('validation_failed', `unsupported channel count ${String(channels)}`);
  }
  if (data.length < width * height * channels) {
    throw new SafeguardError(
      'validation_failed',
      `pixel buffer too short: ${data.length} bytes for ${width}x${height}x${channels}`,
    );
  }
}

/** Writes row `y`'s float32 luma (`0.299 R + 0.587 G + 0.114 B`, float arithmetic) into `out`. */
export function lumaRow(image: PixelImage, y: number, out: Float32Array): void {
  const { data, width, channels } = image;
  let p = y * width * channels;
  if (channels >= 3) {
    for (let x = 0; x < width; x += 1, p += channels) {
      out[x] = Math.fround((LUMA_R[data[p] ?? 0] ?? 0) + (LUMA_G[data[p + 1] ?? 0] ?? 0)) + (LUMA_B[data[p + 2] ?? 0] ?? 0);
    }
  } else {
    for (let x = 0; x < width; x += 1, p += channels) {
      const v = data[p] ?? 0;
      out[x] = Math.fround((LUMA_R[v] ?? 0) + (LUMA_G[v] ?? 0)) + (LUMA_B[v] ?? 0);
    }
  }
}

/** Full-image float32 luma, row-major. */
export function lumaFromPixels(image: PixelImage): Float32Array {
  assertPixelImage(image);
  const luma = new Float32Array(image.width * image.height);
  for (let y = 0; y < image.height; y += 1) lumaRow(image, y, luma.subarray(y * image.width, (y + 1) * image.width));
  return luma;
}

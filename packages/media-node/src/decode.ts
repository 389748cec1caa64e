/**
 * Image decoding with sharp, exactly as the PDQ reference values assume
 * (`../shared/data/pdq/README.md`, pipeline `cpp-core-fullres`):
 * `sharp(bytes).toColourspace('srgb').removeAlpha().raw()` — 8-bit sRGB, alpha dropped (not
 * composited), grey and palette expanded to RGB, 16-bit reduced to 8, full resolution, and EXIF
 * orientation ignored unless `applyExifOrientation` is set (then the pixels are rotated/flipped as
 * a viewer would show them; the hashes then match `exif-applied-fullres.csv`, not the reference).
 *
 * Limits are checked before any pixel is decoded: zero bytes, more than `maxBytes`, formats other
 * than JPEG/PNG/WebP/GIF/TIFF/AVIF, and headers announcing more than `maxPixels` (decompression
 * bombs) are rejected with a `MediaInputError`; so are corrupt and truncated files (sharp's
 * `failOn: 'warning'`). Multi-frame images (GIF, WebP, TIFF) decode their first frame. SVG is
 * refused: it is a document, not pixels, and could wrap a raster to dodge matching.
 */
import sharp, { type Metadata } from 'sharp';
import type { PixelImage } from '@safeguard/media';
import { MediaInputError } from './errors.js';

export const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;
export const DEFAULT_MAX_PIXELS = 50_000_000;

export const SUPPORTED_INPUT_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif'] as const;
export type InputFormat = (typeof SUPPORTED_INPUT_FORMATS)[number];

export interface DecodeOptions {
  /** Reject inputs larger than this many bytes (default 25 MiB). */
  readonly maxBytes?: number;
  /** Reject images whose header announces more pixels than this (default 50 MP). */
  readonly maxPixels?: number;
  /**
   * Rotate/flip by the EXIF orientation tag before hashing. Default false: the reference (and
   * HMA, pytx, NCMEC's PDQ lists) hash pixels as stored.
   */
  readonly applyExifOrientation?: boolean;
}

export interface DecodedImage extends PixelImage {
  readonly data: Uint8Array;
  readonly channels: 3;
  readonly format: InputFormat;
  /** EXIF orientation tag (1–8) if present, whether or not it was applied. */
  readonly exifOrientation?: number;
}

export interface ImageProbe {
  readonly format: InputFormat;
  readonly width: number;
  readonly height: number;
  readonly pages: number;
  readonly exifOrientation?: number;
}

function mapSharpError(err: unknown): MediaInputError {
  const message = err instanceof Error ? err.message : String(err);
  if (/unsupported image format/i.test(message)) return new MediaInputError('unsupported_format', 'not an image in a supported format (JPEG, PNG, WebP, GIF, TIFF, AVIF)');
  if (/pixel limit/i.test(message)) return new MediaInputError('too_many_pixels', 'image has more pixels than allowed (possible decompression bomb)');
  const truncated = /premature end|truncated|unexpected end|read error|not enough data|short read|EOF/i.test(message);
  return new MediaInputError('corrupt', truncated ? `image data is truncated: ${message}` : `image data is corrupt: ${message}`, { decoder: message });
}

function checkBytes(bytes: Uint8Array, maxBytes: number): void {
  if (bytes.byteLength === 0) throw new MediaInputError('empty', 'the upload is empty (0 bytes)');
  if (bytes.byteLength > maxBytes) {
    throw new MediaInputError('too_many_bytes', `image is ${bytes.byteLength} bytes; the limit is ${maxBytes}`, { bytes: bytes.byteLength, maxBytes });
  }
}

/** Reads the header only: format, size and orientation, with the byte and pixel limits applied. */
export async function probeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<ImageProbe> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  checkBytes(bytes, maxBytes);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw mapSharpError(err);
  }
  const format = meta.format as string | undefined;
  if (!format || !(SUPPORTED_INPUT_FORMATS as readonly string[]).includes(format)) {
    throw new MediaInputError('unsupported_format', `unsupported image format${format ? ` "${format}"` : ''} (accepted: JPEG, PNG, WebP, GIF, TIFF, AVIF)`, { format: format ?? null });
  }
  const width = meta.width;
  const height = meta.pageHeight ?? meta.height;
  if (!width || !height) throw new MediaInputError('corrupt', 'image header has no dimensions');
  if (width * height > maxPixels) {
    throw new MediaInputError('too_many_pixels', `image is ${width}x${height} (${width * height} pixels); the limit is ${maxPixels} (possible decompression bomb)`, {
      width,
      height,
      maxPixels,
    });
  }
  return {
    format: format as InputFormat,
    width,
    height,
    pages: meta.pages ?? 1,
    ...(meta.orientation === undefined ? {} : { exifOrientation: meta.orientation }),
  };
}

/** Decodes to 8-bit sRGB RGB pixels per the reference pipeline (see the module header). */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const probe = await probeImage(bytes, options);
  try {
    // limitInputPixels again: the header was checked, this guards the decoder itself.
    let pipeline = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' });
    if (options.applyExifOrientation) pipeline = pipeline.autoOrient();
    const { data, info } = await pipeline.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new MediaInputError('corrupt', `decoder returned ${info.channels} channels for ${info.width}x${info.height}`);
    }
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: 3,
      format: probe.format,
      ...(probe.exifOrientation === undefined ? {} : { exifOrientation: probe.exifOrientation }),
    };
  } catch (err) {
    if (err instanceof MediaInputError) throw err;
    throw mapSharpError(err);
  }
}

/**
 * All the hashes of one image upload: PDQ (hash, quality, 8 dihedral variants) of the decoded
 * pixels, and MD5 / SHA-256 of the bytes as received. The shape the CLI prints and the server
 * stores; `signals` is ready for `matchBanks`.
 */
import { readFile, stat } from 'node:fs/promises';
import { cryptoHashes, pdqHashPixels, PDQ_DIHEDRAL_NAMES, type MediaSignals, type PdqDihedralHashes } from '@safeguard/media';
import { decodeImage, DEFAULT_MAX_BYTES, type DecodeOptions, type InputFormat } from './decode.js';
import { MediaInputError } from './errors.js';

export interface ImageHashes {
  /** 64 lower-case hex characters. */
  readonly pdq: string;
  /** 0..100; below 50 the PDQ hash is not used for matching. */
  readonly quality: number;
  /** The 8 dihedral hashes in the reference's order (original first). */
  readonly dihedral: readonly string[];
  readonly dihedralByName: PdqDihedralHashes;
  readonly md5: string;
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  readonly format: InputFormat;
  readonly bytes: number;
}

/** Hashes image bytes (decode limits and errors as in `decodeImage`). */
export async function hashImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<ImageHashes> {
  const image = await decodeImage(bytes, options);
  const pdq = pdqHashPixels(image);
  const { md5, sha256 } = cryptoHashes(bytes);
  return {
    pdq: pdq.hash,
    quality: pdq.quality,
    dihedral: PDQ_DIHEDRAL_NAMES.map((n) => pdq.dihedral[n]),
    dihedralByName: pdq.dihedral,
    md5,
    sha256,
    width: image.width,
    height: image.height,
    format: image.format,
    bytes: bytes.byteLength,
  };
}

/** Reads and hashes a file, refusing oversized files before reading them. */
export async function hashImageFile(path: string, options: DecodeOptions = {}): Promise<ImageHashes> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const info = await stat(path);
  if (!info.isFile()) throw new MediaInputError('unsupported_format', 'not a regular file', { path });
  if (info.size > maxBytes) throw new MediaInputError('too_many_bytes', `file is ${info.size} bytes; the limit is ${maxBytes}`, { path, bytes: info.size, maxBytes });
  return hashImage(await readFile(path), options);
}

/** The signals `matchBanks` takes, from an `ImageHashes`. */
export function signalsOf(hashes: ImageHashes): MediaSignals {
  return { pdq: { hash: hashes.pdq, quality: hashes.quality, dihedral: hashes.dihedralByName }, md5: hashes.md5, sha256: hashes.sha256 };
}

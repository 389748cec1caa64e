/**
 * Signal types (python-threatexchange's `SignalType`): each owns what its hash strings look like,
 * how two hashes compare, its default match threshold and which indexes search it. Hashing is a
 * capability some signal types add: `PixelsHasher` (PDQ) and `BytesHasher` (MD5, SHA-256).
 * Names and string formats follow INTEROP.md §2.5 so hashes travel to and from HMA, pytx and Coop
 * unchanged.
 */
import { createHash } from 'node:crypto';
import { ExactHashIndex } from '../index/exact.js';
import { LinearPdqIndex } from '../index/linear.js';
import { MultiIndexPdqIndex } from '../index/multi-index.js';
import type { HashIndex } from '../index/types.js';
import { normalizePdqHex, pdqDistance, PDQ_BITS } from '../pdq/hash256.js';
import type { PixelImage } from '../pdq/image.js';
import { pdqHashPixels, PDQ_QUALITY_FLOOR, type PdqResult } from '../pdq/pdq.js';

export const SIGNAL_TYPE_NAMES = ['pdq', 'md5', 'sha256', 'video_md5', 'video_sha256'] as const;
export type SignalTypeName = (typeof SIGNAL_TYPE_NAMES)[number];

export interface SignalType {
  readonly name: SignalTypeName;
  /** HMA content type this signal is computed from. */
  readonly contentType: 'photo' | 'video';
  /** `perceptual` hashes match within a distance; `exact` ones only when equal. */
  readonly kind: 'perceptual' | 'exact';
  /** Match when distance ≤ this (PDQ 31; exact types 0). */
  readonly defaultThreshold: number;
  /** Largest meaningful distance (PDQ 256; exact 0): thresholds are validated against it. */
  readonly maxDistance: number;
  /** Canonical form of a hash string (trimmed, lower case), or `undefined` if malformed. */
  normalize(value: string): string | undefined;
  /** Distance between two canonical hashes (exact types: 0 if equal, else `Infinity`). */
  distance(a: string, b: string): number;
  /** The fast index for this signal type. */
  createIndex(): HashIndex;
  /** The linear reference index (the fast one must agree with it). */
  createReferenceIndex(): HashIndex;
}

/** Capability: hashes raw bytes (files, uploads). */
export interface BytesHasher {
  hashBytes(bytes: Uint8Array): string;
}

/** Capability: hashes decoded pixels, with a quality score. */
export interface PixelsHasher {
  hashPixels(image: PixelImage): PdqResult;
  /** Hashes below this quality are not matched or stored. */
  readonly qualityFloor: number;
}

const strict = (normalize: (v: string) => string | undefined, name: string) => (v: string): string => {
  const n = normalize(v);
  if (n === undefined) throw new RangeError(`not a valid ${name} hash: ${JSON.stringify(v.slice(0, 80))}`);
  return n;
};

const hexNormalizer = (length: number) => {
  const re = new RegExp(`^[0-9a-f]{${length}}$`);
  return (value: string): string | undefined => {
    const v = value.trim().toLowerCase();
    return re.test(v) ? v : undefined;
  };
};

export const pdqSignal: SignalType & PixelsHasher = {
  name: 'pdq',
  contentType: 'photo',
  kind: 'perceptual',
  defaultThreshold: 31,
  maxDistance: PDQ_BITS,
  qualityFloor: PDQ_QUALITY_FLOOR,
  normalize: normalizePdqHex,
  distance: pdqDistance,
  createIndex: () => new MultiIndexPdqIndex(),
  createReferenceIndex: () => new LinearPdqIndex(),
  hashPixels: pdqHashPixels,
};

function exactSignal(name: SignalTypeName, contentType: 'photo' | 'video', hexLength: number, algorithm: 'md5' | 'sha256'): SignalType & BytesHasher {
  const normalize = hexNormalizer(hexLength);
  const strictNormalize = strict(normalize, name);
  return {
    name,
    contentType,
    kind: 'exact',
    defaultThreshold: 0,
    maxDistance: 0,
    normalize,
    distance: (a, b) => (strictNormalize(a) === strictNormalize(b) ? 0 : Number.POSITIVE_INFINITY),
    createIndex: () => new ExactHashIndex(name, strictNormalize),
    createReferenceIndex: () => new ExactHashIndex(name, strictNormalize),
    hashBytes: (bytes) => createHash(algorithm).update(bytes).digest('hex'),
  };
}

/** MD5 of the file bytes (photos; NCMEC and many legacy lists still share MD5). */
export const md5Signal = exactSignal('md5', 'photo', 32, 'md5');
export const sha256Signal = exactSignal('sha256', 'photo', 64, 'sha256');
export const videoMd5Signal = exactSignal('video_md5', 'video', 32, 'md5');
export const videoSha256Signal = exactSignal('video_sha256', 'video', 64, 'sha256');

export const SIGNAL_TYPES: Readonly<Record<SignalTypeName, SignalType>> = {
  pdq: pdqSignal,
  md5: md5Signal,
  sha256: sha256Signal,
  video_md5: videoMd5Signal,
  video_sha256: videoSha256Signal,
};

export const isSignalTypeName = (value: string): value is SignalTypeName => (SIGNAL_TYPE_NAMES as readonly string[]).includes(value);

/** MD5 and SHA-256 of raw bytes, hex. */
export function cryptoHashes(bytes: Uint8Array): { readonly md5: string; readonly sha256: string } {
  return { md5: md5Signal.hashBytes(bytes), sha256: sha256Signal.hashBytes(bytes) };
}

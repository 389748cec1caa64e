/**
 * The learned grooming model: a logistic regression over hashed n-gram text features and dense
 * behaviour-signal features, followed by Platt calibration.
 *
 * Contract: `loadModel(data)` turns the committed serialised form (a generated TypeScript module,
 * so the pure package needs no file system) into typed arrays once; `textWeight(bucket)` and
 * `behaviourLogit(counts)` are then allocation-free lookups used per message. The serialised form
 * stores only non-zero weights (sparse indices and int16-quantised weights, base64) so the
 * committed file stays small.
 */
import { BEHAVIOUR_FEATURES, DENSITY_WINDOW } from '../features.js';
import { SIGNAL_TYPES } from '../lexicon.js';

const AGE_DISCLOSURE_INDEX = SIGNAL_TYPES.indexOf('age-disclosure');

export interface SerializedModel {
  readonly version: string;
  readonly hashBits: number;
  /** Pseudo-count of tokens that shrinks the text term of short histories towards zero. */
  readonly tokenPrior: number;
  /** Bound on the text term (logit units): text style alone cannot outweigh behaviour and ages. */
  readonly textClip: number;
  readonly bias: number;
  /** Weights of the dense behaviour features (see `behaviourFeatures`). */
  readonly behaviour: readonly number[];
  /** Platt scaling from raw logit to probability: p = sigmoid(a * raw + b). */
  readonly calibration: { readonly a: number; readonly b: number };
  /**
   * Calibration for text whose speaker is unknown (a flattened transcript mixing both sides):
   * its text term averages a child's and an adult's words, so it needs its own scale.
   */
  readonly segmentCalibration?: { readonly a: number; readonly b: number };
  /** Default alert threshold chosen on training data (out-of-fold), never on held-out data. */
  readonly threshold: number;
  readonly weightScale: number;
  /** base64 of little-endian uint32 bucket indices. */
  readonly indices: string;
  /** base64 of little-endian int16 weights; weight = value * weightScale. */
  readonly weights: string;
  /** Free-form training provenance (data hash, split, metrics on training folds). */
  readonly training: Readonly<Record<string, unknown>>;
}

/**
 * A second text model for conversations where the platform supplies ages: it tells an adult who is
 * grooming a child from the other adults who talk to children (parents, coaches, relatives),
 * trained on modern synthetic conversations written for the project by several authors
 * (scripts/train-platform.mjs). Its calibrated log-odds are stacked onto the detector's risk with
 * `weight` and `shift`, both fitted on leave-one-author-out scores.
 */
export interface SerializedPlatformModel {
  readonly version: string;
  readonly tokenPrior: number;
  readonly textClip: number;
  readonly bias: number;
  readonly weightScale: number;
  readonly indices: string;
  readonly weights: string;
  readonly weight: number;
  readonly shift: number;
  readonly training: Readonly<Record<string, unknown>>;
}

export interface PlatformTextModel {
  readonly version: string;
  readonly tokenPrior: number;
  readonly textClip: number;
  readonly bias: number;
  readonly weight: number;
  readonly shift: number;
  readonly text: Float32Array;
}

export interface GroomingModel {
  readonly version: string;
  readonly tokenPrior: number;
  readonly textClip: number;
  readonly bias: number;
  readonly behaviour: Float64Array;
  readonly calibration: { readonly a: number; readonly b: number };
  readonly segmentCalibration: { readonly a: number; readonly b: number };
  readonly threshold: number;
  readonly text: Float32Array;
  readonly mask: number;
  /** Present when a platform text model was trained (see SerializedPlatformModel). */
  readonly platform?: PlatformTextModel;
}

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) bin += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(bin);
}

function unpackTextWeights(size: number, indices: string, weights: string, weightScale: number): Float32Array {
  const text = new Float32Array(size);
  if (indices.length > 0) {
    const idx = base64ToBytes(indices);
    const w = base64ToBytes(weights);
    const idxView = new DataView(idx.buffer, idx.byteOffset, idx.byteLength);
    const wView = new DataView(w.buffer, w.byteOffset, w.byteLength);
    const n = idx.byteLength / 4;
    for (let i = 0; i < n; i += 1) {
      const bucket = idxView.getUint32(i * 4, true);
      if (bucket < size) text[bucket] = wView.getInt16(i * 2, true) * weightScale;
    }
  }
  return text;
}

/** Decodes a platform text model for the same hashing space as `hashBits`. */
export function loadPlatformModel(data: SerializedPlatformModel, hashBits: number): PlatformTextModel {
  return {
    version: data.version,
    tokenPrior: data.tokenPrior,
    textClip: data.textClip,
    bias: data.bias,
    weight: data.weight,
    shift: data.shift,
    text: unpackTextWeights(1 << hashBits, data.indices, data.weights, data.weightScale),
  };
}

export function loadModel(data: SerializedModel, platform?: SerializedPlatformModel): GroomingModel {
  const size = 1 << data.hashBits;
  const text = unpackTextWeights(size, data.indices, data.weights, data.weightScale);
  const behaviour = new Float64Array(BEHAVIOUR_FEATURES);
  data.behaviour.forEach((v, i) => {
    if (i < BEHAVIOUR_FEATURES) behaviour[i] = v;
  });
  return {
    version: data.version,
    tokenPrior: data.tokenPrior,
    textClip: data.textClip,
    bias: data.bias,
    behaviour,
    calibration: data.calibration,
    segmentCalibration: data.segmentCalibration ?? data.calibration,
    threshold: data.threshold,
    text,
    mask: size - 1,
    ...(platform !== undefined ? { platform: loadPlatformModel(platform, data.hashBits) } : {}),
  };
}

/** The platform model's term for a participant: weight × (bias + clipped text term) + shift. */
export function platformTerm(pm: PlatformTextModel, weightSum: number, tokens: number): number {
  let t = weightSum / (tokens + pm.tokenPrior);
  if (t > pm.textClip) t = pm.textClip;
  else if (t < -pm.textClip) t = -pm.textClip;
  return pm.weight * (pm.bias + t) + pm.shift;
}

/** Packs dense text weights into the sparse serialised form (used by the trainer). */
export function packTextWeights(dense: ArrayLike<number>, keep: readonly number[]): { indices: string; weights: string; weightScale: number } {
  let max = 0;
  for (const i of keep) max = Math.max(max, Math.abs(dense[i] ?? 0));
  const weightScale = max > 0 ? max / 32767 : 1;
  const idx = new Uint8Array(keep.length * 4);
  const w = new Uint8Array(keep.length * 2);
  const idxView = new DataView(idx.buffer);
  const wView = new DataView(w.buffer);
  keep.forEach((bucket, i) => {
    idxView.setUint32(i * 4, bucket, true);
    wView.setInt16(i * 2, Math.round((dense[bucket] ?? 0) / weightScale), true);
  });
  return { indices: bytesToBase64(idx), weights: bytesToBase64(w), weightScale };
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const logit = (p: number): number => {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
};

/** Text term of a participant: mean token weight, shrunk for short histories and clipped. */
export function textTerm(model: GroomingModel, weightSum: number, tokens: number): number {
  const t = weightSum / (tokens + model.tokenPrior);
  return t > model.textClip ? model.textClip : t < -model.textClip ? -model.textClip : t;
}

/** Behaviour term from per-type signal counts (SIGNAL_TYPES order) and effective message count. */
export function behaviourLogit(model: GroomingModel, counts: readonly number[], messages: number): number {
  // Same features as `behaviourFeatures`, computed without allocating (this runs per message).
  const needed = Math.max(1, messages / DENSITY_WINDOW);
  const types = BEHAVIOUR_FEATURES - 1;
  let s = 0;
  let distinct = 0;
  for (let i = 0; i < types; i += 1) {
    const strength = Math.min(1, (counts[i] ?? 0) / needed);
    s += strength * (model.behaviour[i] ?? 0);
    if (strength >= 0.5 && i !== AGE_DISCLOSURE_INDEX) distinct += 1;
  }
  return s + (Math.min(distinct, 6) / 6) * (model.behaviour[types] ?? 0);
}

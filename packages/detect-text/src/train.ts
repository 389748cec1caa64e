/**
 * Pure training code for the grooming model: feature building, logistic regression and Platt
 * calibration. The I/O (reading the data set, writing the model module) lives in
 * scripts/train-grooming.mjs; everything here is deterministic given its inputs and seed.
 *
 * Contract: `ParticipantExampleBuilder` accumulates a participant's messages with exactly the
 * normalisation, hashing and signal extraction the streaming scorer uses, and snapshots a
 * training example at any prefix; `fitLogistic` minimises weighted log-loss with separate L2
 * strengths for text and behaviour weights (AdaGrad, seeded shuffling); `fitPlatt` fits
 * p = sigmoid(a * logit + b).
 */
import { normalizeText, DEFAULT_MAX_SCORED_CHARS } from './normalize.js';
import { extractMessageSignals } from './signals.js';
import { SIGNAL_TYPES } from './lexicon.js';
import { BEHAVIOUR_FEATURES, HASH_BUCKETS, behaviourFeatures, effectiveMessages, forEachHashedFeature } from './features.js';

export interface TrainingExample {
  readonly idx: Int32Array;
  readonly val: Float32Array;
  readonly dense: Float64Array;
  readonly label: 0 | 1;
  readonly weight: number;
  /** Group (conversation) id, for grouped cross-validation. */
  readonly group: string;
}

const TYPE_INDEX = new Map<string, number>(SIGNAL_TYPES.map((t, i) => [t, i]));

export class ParticipantExampleBuilder {
  private readonly counts = new Map<number, number>();
  private readonly signalCounts: number[] = SIGNAL_TYPES.map(() => 0);
  private tokens = 0;
  messages = 0;

  constructor(private readonly tokenPrior: number, private readonly maxChars: number = DEFAULT_MAX_SCORED_CHARS) {}

  add(text: string): void {
    const normalized = normalizeText(text, this.maxChars);
    this.tokens += forEachHashedFeature(normalized, (b) => {
      this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
    });
    for (const t of extractMessageSignals(normalized).types) {
      const i = TYPE_INDEX.get(t);
      if (i !== undefined) this.signalCounts[i] = (this.signalCounts[i] ?? 0) + 1;
    }
    this.messages += 1;
  }

  snapshot(label: 0 | 1, weight: number, group: string): TrainingExample {
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    const idx = Int32Array.from(keys);
    const denom = this.tokens + this.tokenPrior;
    const val = Float32Array.from(keys.map((k) => (this.counts.get(k) ?? 0) / denom));
    return { idx, val, dense: behaviourFeatures(this.signalCounts, effectiveMessages(this.messages, this.tokens)), label, weight, group };
  }
}

export interface LogisticOptions {
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2Text: number;
  readonly l2Dense: number;
  readonly seed: number;
  /** When given, only buckets with mask[i] === 1 may have non-zero weight. */
  readonly mask?: Uint8Array;
  /**
   * Dense features whose weight may not go below zero (projected after each update). Used so that
   * showing a grooming tactic can never count as evidence of innocence, whatever the training
   * source's quirks (in the research logs, decoys ask "how old are you?" back).
   */
  readonly nonNegativeDense?: readonly number[];
}

export interface LogisticModel {
  readonly text: Float64Array;
  readonly dense: Float64Array;
  readonly bias: number;
}

/** Deterministic PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rawLogit(model: LogisticModel, ex: TrainingExample, textClip = Infinity): number {
  let t = 0;
  for (let j = 0; j < ex.idx.length; j += 1) t += (model.text[ex.idx[j] ?? 0] ?? 0) * (ex.val[j] ?? 0);
  t = Math.max(-textClip, Math.min(textClip, t));
  let d = 0;
  for (let j = 0; j < BEHAVIOUR_FEATURES; j += 1) d += (model.dense[j] ?? 0) * (ex.dense[j] ?? 0);
  return model.bias + t + d;
}

export function fitLogistic(examples: readonly TrainingExample[], options: LogisticOptions): LogisticModel {
  const text = new Float64Array(HASH_BUCKETS);
  const gText = new Float64Array(HASH_BUCKETS);
  const dense = new Float64Array(BEHAVIOUR_FEATURES);
  const gDense = new Float64Array(BEHAVIOUR_FEATURES);
  let bias = 0;
  let gBias = 0;
  const eps = 1e-8;
  const rand = mulberry32(options.seed);
  const order = examples.map((_, i) => i);
  const mask = options.mask;
  const nonNegative = new Uint8Array(BEHAVIOUR_FEATURES);
  for (const j of options.nonNegativeDense ?? []) if (j >= 0 && j < BEHAVIOUR_FEATURES) nonNegative[j] = 1;
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rand() * (i + 1));
      const tmp = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = tmp;
    }
    for (const k of order) {
      const ex = examples[k];
      if (ex === undefined) continue;
      const z = rawLogit({ text, dense, bias }, ex);
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - ex.label) * ex.weight;
      for (let j = 0; j < ex.idx.length; j += 1) {
        const b = ex.idx[j] ?? 0;
        if (mask !== undefined && mask[b] !== 1) continue;
        const grad = g * (ex.val[j] ?? 0) + options.l2Text * (text[b] ?? 0);
        gText[b] = (gText[b] ?? 0) + grad * grad;
        text[b] = (text[b] ?? 0) - (options.learningRate * grad) / Math.sqrt((gText[b] ?? 0) + eps);
      }
      for (let j = 0; j < BEHAVIOUR_FEATURES; j += 1) {
        const grad = g * (ex.dense[j] ?? 0) + options.l2Dense * (dense[j] ?? 0);
        if (grad === 0) continue;
        gDense[j] = (gDense[j] ?? 0) + grad * grad;
        dense[j] = (dense[j] ?? 0) - (options.learningRate * grad) / Math.sqrt((gDense[j] ?? 0) + eps);
        if (nonNegative[j] === 1 && (dense[j] ?? 0) < 0) dense[j] = 0;
      }
      gBias += g * g;
      bias -= (options.learningRate * g) / Math.sqrt(gBias + eps);
    }
  }
  return { text, dense, bias };
}

/**
 * Platt scaling by Newton's method on weighted log-loss: p = sigmoid(offset + a * logit + b). With
 * `offsets` (default 0) it is also how a second model is stacked onto an existing log-odds.
 */
export function fitPlatt(
  logits: readonly number[],
  labels: readonly (0 | 1)[],
  weights?: readonly number[],
  offsets?: readonly number[],
  start: { a: number; b: number } = { a: 1, b: 0 },
): { a: number; b: number } {
  let a = start.a;
  let b = start.b;
  for (let iter = 0; iter < 100; iter += 1) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < logits.length; i += 1) {
      const x = logits[i] ?? 0;
      const y = labels[i] ?? 0;
      const w = weights?.[i] ?? 1;
      const p = 1 / (1 + Math.exp(-((offsets?.[i] ?? 0) + a * x + b)));
      const r = (p - y) * w;
      ga += r * x;
      gb += r;
      const s = p * (1 - p) * w;
      haa += s * x * x;
      hab += s * x;
      hbb += s;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

/** Behaviour features that must not lower risk: every tactic density and the diversity feature (not age disclosure). */
export const MONOTONE_BEHAVIOUR_FEATURES: readonly number[] = Array.from({ length: BEHAVIOUR_FEATURES }, (_, j) => j).filter(
  (j) => j >= SIGNAL_TYPES.length || SIGNAL_TYPES[j] !== 'age-disclosure',
);

/** Indices of the `k` largest-magnitude weights, ascending. */
export function topWeights(weights: Float64Array, k: number): number[] {
  const nz: number[] = [];
  for (let i = 0; i < weights.length; i += 1) if ((weights[i] ?? 0) !== 0) nz.push(i);
  nz.sort((x, y) => Math.abs(weights[y] ?? 0) - Math.abs(weights[x] ?? 0) || x - y);
  return nz.slice(0, k).sort((x, y) => x - y);
}

/**
 * Hashed text features and the participant feature vector shared by training and scoring.
 *
 * Contract: the scorer and the trainer build features with these functions only, so a model
 * trained by `scripts/train-grooming.mjs` sees exactly what the streaming scorer computes.
 * Text features are word unigrams and bigrams of normalised text, hashed into `HASH_BUCKETS`
 * buckets; the text term of a participant is the mean weight per token, so it is O(1) state
 * (a running sum and a token count) however long the conversation runs.
 */
import { SIGNAL_TYPES, type SignalType } from './lexicon.js';

export const HASH_BITS = 18;
export const HASH_BUCKETS = 1 << HASH_BITS;
const MASK = HASH_BUCKETS - 1;
/** Bound on tokens hashed per message; `normalizeText` already bounds characters. */
export const MAX_TOKENS_PER_MESSAGE = 1500;

/** FNV-1a over a substring: fast, stable across runs and platforms. */
function fnv1a(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const isWordChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/**
 * Calls `visit(bucket)` for every unigram and bigram of the normalised text (tokens are runs of
 * [a-z0-9]). Returns the number of tokens. No allocation per token.
 */
export function forEachHashedFeature(normalized: string, visit: (bucket: number) => void): number {
  let prev = -1;
  let tokens = 0;
  const n = normalized.length;
  let i = 0;
  while (i < n && tokens < MAX_TOKENS_PER_MESSAGE) {
    while (i < n && !isWordChar(normalized.charCodeAt(i))) i += 1;
    if (i >= n) break;
    const start = i;
    while (i < n && isWordChar(normalized.charCodeAt(i))) i += 1;
    const h = fnv1a(normalized, start, i);
    visit(h & MASK);
    if (prev >= 0) visit((Math.imul(prev ^ 0x5bd1e995, 0x27d4eb2d) ^ h) >>> 0 & MASK);
    prev = h;
    tokens += 1;
  }
  return tokens;
}

/** Tactics that count towards "how many different tactics" (disclosing one's own age is not one). */
export const TACTIC_TYPES: readonly SignalType[] = SIGNAL_TYPES.filter((t) => t !== 'age-disclosure');

/** Number of dense behaviour features: density per signal type, plus tactic diversity. */
export const BEHAVIOUR_FEATURES = SIGNAL_TYPES.length + 1;
/** Messages per stretch in which one occurrence of a tactic counts fully (see tactics.ts). */
export const DENSITY_WINDOW = 30;

/**
 * Dense behaviour features of one participant from per-type signal counts (SIGNAL_TYPES order)
 * and the participant's effective message count: for each type, min(1, count / max(1,
 * messages / DENSITY_WINDOW)) — how densely the tactic appears, so a 10-message chat and a
 * 5,000-message log are on one scale — and the number of dense tactics / 6.
 */
export function behaviourFeatures(counts: readonly number[], messages: number): Float64Array {
  const out = new Float64Array(BEHAVIOUR_FEATURES);
  const needed = Math.max(1, messages / DENSITY_WINDOW);
  let distinct = 0;
  for (let i = 0; i < SIGNAL_TYPES.length; i += 1) {
    const strength = Math.min(1, (counts[i] ?? 0) / needed);
    out[i] = strength;
    if (strength >= 0.5 && SIGNAL_TYPES[i] !== 'age-disclosure') distinct += 1;
  }
  out[BEHAVIOUR_FEATURES - 1] = Math.min(distinct, 6) / 6;
  return out;
}

/** Typical tokens per chat turn: a long pasted transcript counts as that many turns. */
export const TOKENS_PER_TURN = 8;

/** Effective message count of a participant for density: messages, or turns in long pastes. */
export function effectiveMessages(messages: number, tokens: number): number {
  return Math.max(messages, tokens / TOKENS_PER_TURN);
}

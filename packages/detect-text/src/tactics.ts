/**
 * Tactic evidence: stated log-odds for each grooming tactic a participant shows, and how the
 * learned model, tactics and age priors combine into one risk.
 *
 * Contract: `tacticLogit(counts)` is additive evidence in logit units from per-type signal counts
 * (SIGNAL_TYPES order). The weights are stated, not learned: the training data is long, single-sided
 * 2004–2016 chat in which nearly every tactic appears on both sides eventually, so learned tactic
 * weights there say little about a short modern conversation. The weights follow the published
 * stage models of grooming (trust and flattery < access and isolation < secrecy and sexual
 * contact < coercion) and reward several different tactics together, because grooming is a
 * sequence, not a keyword. `COMBINATION` fixes how much the learned model counts: its log-odds are
 * halved because a text model trained on one source partly learns that source's style (issue 3).
 */
import { SIGNAL_TYPES, type SignalType } from './lexicon.js';
import { DENSITY_WINDOW } from './features.js';

export const TACTIC_WEIGHTS: Readonly<Record<SignalType, number>> = {
  'age-probe': 0.6,
  'age-disclosure': 0,
  'off-platform-move': 0.7,
  secrecy: 1.3,
  'isolation-probe': 0.9,
  'media-request': 0.9,
  meeting: 0.9,
  'gift-offer': 0.7,
  flattery: 0.5,
  sexualisation: 0.9,
  threat: 1.5,
  'age-peer-impersonation': 1.5,
};

// Tactics are evidence per stretch of conversation (DENSITY_WINDOW in features.ts): in a
// participant's first 30 messages one occurrence counts fully; over a longer history a tactic needs
// one occurrence per 30 messages. Without this, anyone who chats long enough shows every tactic
// once (the child's side of a long chat too).
/** Bonus when a participant shows at least `MULTI_TACTIC_MIN` different tactics. */
export const MULTI_TACTIC_BONUS = 0.5;
export const MULTI_TACTIC_MIN = 3;

export const COMBINATION = {
  /** Multiplier on the calibrated model log-odds. */
  modelWeight: 0.5,
  /**
   * For text whose speaker is unknown (a flattened transcript of both sides), tactics cannot be
   * attributed to anyone — a child's reply and an adult's request look alike — so tactic
   * evidence counts for less and the learned model, calibrated on such segments, for more.
   */
  segmentTacticWeight: 0.25,
  segmentModelWeight: 1,
  /** Base log-odds before any evidence: most conversations are benign. */
  base: -1.5,
  /**
   * When the platform supplies the ages of the participant and of someone else in the
   * conversation, the weighted model log-odds are clamped to ±this. Found on modern text: the
   * model scored an adult who asked a 13-year-old's age, offered gift cards and asked to move to
   * "the other app" at −4.9 (a veto of three dense tactics), and ordinary gaming chat at +1. Chosen
   * on the development set (test/fixtures/modern-dev.jsonl), never on the evaluation set.
   */
  platformModelCap: 1,
  /**
   * How far the platform text model may LOWER a risk (logit units). It may raise risk freely, but
   * like the research model it must not veto stated tactics: an adult who writes the way families
   * write ("mum is at work", "love you") and still probes, asks for secrecy, pictures and a meeting
   * must still alert. Compared leave-one-author-out (scripts/train-platform.mjs, FPR <= 3%): no
   * floor recall 0.922, 2.5 → 0.919, 1.5 → 0.891, 1.0 → no shift meets the bound; 2.5 costs nothing
   * measurable and restores that alert.
   */
  platformTextFloor: 2.5,
} as const;

/**
 * Coercion overrides the model: threats in at least this many different messages of one
 * participant (and at least one per 30 messages, so stray matches in a long log do not count)
 * put their risk at `COERCION_RISK` or above. Sextortion is urgent and the research
 * logs the text model learned from contain almost none, so the model must not be able to veto it.
 */
export const COERCION_MESSAGES = 2;
export const COERCION_RISK = 0.95;

const WEIGHTS = SIGNAL_TYPES.map((t) => TACTIC_WEIGHTS[t]);

export function tacticLogit(counts: readonly number[], messages: number): number {
  let z = 0;
  let distinct = 0;
  const needed = Math.max(1, messages / DENSITY_WINDOW);
  for (let i = 0; i < WEIGHTS.length; i += 1) {
    const c = counts[i] ?? 0;
    const w = WEIGHTS[i] ?? 0;
    if (c <= 0 || w === 0) continue;
    const strength = Math.min(1, c / needed);
    if (strength >= 0.5) distinct += 1;
    z += w * strength;
  }
  if (distinct >= MULTI_TACTIC_MIN) z += MULTI_TACTIC_BONUS;
  return z;
}

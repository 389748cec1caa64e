/**
 * The behaviour-signal detector: lexicon tactics per message, no model, no scores.
 *
 * Contract: a `Detector` whose state only counts messages; each step reports the tactics found
 * in that message with its index and speaker. Useful on its own for explanations and as the
 * simplest reference implementation of the plugin interface.
 */
import { normalizeText, DEFAULT_MAX_SCORED_CHARS } from './normalize.js';
import { extractMessageSignals } from './signals.js';
import { GROOMING_BENIGN_EXAMPLES } from './examples.js';
import type { DetectedSignal, Detector } from './types.js';

export type SignalDetectorState = { v: 1; n: number };

export function createSignalDetector(options: { readonly maxScoredChars?: number } = {}): Detector<SignalDetectorState> {
  const maxChars = options.maxScoredChars ?? DEFAULT_MAX_SCORED_CHARS;
  return {
    id: 'behaviour-signals',
    description: 'Grooming tactics found by the multilingual lexicon in each message (explanations only).',
    benignExamples: GROOMING_BENIGN_EXAMPLES,
    init: () => ({ v: 1, n: 0 }),
    step(state, message, ctx) {
      const found = extractMessageSignals(normalizeText(typeof message.text === 'string' ? message.text : '', maxChars));
      const participant = typeof message.from === 'string' ? message.from : null;
      const index = Number.isInteger(ctx.index) && ctx.index >= 0 ? ctx.index : state.n;
      const signals: DetectedSignal[] = found.types.map((type) =>
        type === 'off-platform-move' && found.contact !== null
          ? { type, message: index, participant, detail: found.contact }
          : { type, message: index, participant },
      );
      return { state: { v: 1, n: state.n + 1 }, signals };
    },
  };
}

/**
 * Shapes shared by every detector: messages, participant facts, signals, and the `Detector`
 * plugin interface.
 *
 * Contract of a detector (checked by the shared contract suite in test/detector-contract.ts):
 * - `init()` returns a fresh state that survives `JSON.parse(JSON.stringify(state))` unchanged;
 * - `step(state, message, ctx)` is deterministic and total (any text, any sender, never throws),
 *   uses only the state and this message, and returns the next state plus the signals this
 *   message raised. It may update `state` in place for speed and return it: callers treat the
 *   state they passed in as consumed and keep the returned one;
 * - a state serialised between two steps and restored continues exactly as if never stored, so a
 *   worker can restart or move a conversation;
 * - `benignExamples` are conversations written for this project on which the detector must not
 *   alert (no real chat text).
 */
import type { AgeBand } from '@safeguard/core';
import type { SignalType } from './lexicon.js';

/** What the platform knows about an account taking part in a conversation. */
export interface ParticipantFacts {
  readonly id: string;
  /** Age the platform knows (assured or estimated), in years. */
  readonly age?: number;
  /** Age the account declared about itself, if different from what the platform knows. */
  readonly declaredAge?: number;
  /** Age band, when the platform knows only the band. */
  readonly ageBand?: AgeBand;
}

/** One message as the detector sees it. `from` is null when the speaker is unknown. */
export interface ConversationMessage {
  readonly from: string | null;
  readonly text: string;
  readonly ts?: string;
}

export interface DetectorContext {
  /** 0-based index of this message in its conversation. */
  readonly index: number;
  /** Facts about participants; may be given once (first step) or whenever they change. */
  readonly participants?: readonly ParticipantFacts[];
}

/** An explanation: which tactic, in which message, by whom. */
export interface DetectedSignal {
  readonly type: SignalType;
  readonly message: number;
  readonly participant: string | null;
  /** Extra detail, e.g. the kind of contact detail ('phone') or 'declared-age-mismatch'. */
  readonly detail?: string;
}

export interface StepResult<S> {
  readonly state: S;
  readonly signals: readonly DetectedSignal[];
}

/** A conversation written for the project, used as a benign example in tests, demos and docs. */
export interface ExampleConversation {
  readonly id: string;
  readonly description: string;
  readonly participants: readonly ParticipantFacts[];
  readonly messages: readonly ConversationMessage[];
}

/** One small interface per extension point: every text detector is a streaming reducer. */
export interface Detector<S> {
  /** Stable kebab-case id, used in alerts and configuration. */
  readonly id: string;
  readonly description: string;
  readonly benignExamples: readonly ExampleConversation[];
  init(): S;
  step(state: S, message: ConversationMessage, ctx: DetectorContext): StepResult<S>;
}

/**
 * The grooming detector: a streaming reducer that turns messages into per-participant suspect
 * scores, a conversation score, an alert with persistence, and a per-message action.
 *
 * Contract (see also `Detector` in types.ts):
 * - state is plain JSON of bounded size: counters per participant, never message text;
 * - participant risk = calibrated(learned model over the participant's own text and tactics)
 *   plus the age/context priors of age-context.ts, in logit units;
 * - a participant's risk counts towards an alert only with persistence — it has held for
 *   `persistence` consecutive messages of that participant, or it rests on tactics seen in at
 *   least `persistence` different messages — and after at least `minMessages` messages from them
 *   (or `segmentTokens` tokens: a flattened transcript arrives as one long message). One noisy
 *   message never alerts;
 * - the conversation score is the highest such sustained risk seen so far, so it never falls and
 *   `alert === score >= threshold`; `alertAt` is the index of the message at which it first
 *   crossed, from genuine message-by-message processing.
 */
import { normalizeText, DEFAULT_MAX_SCORED_CHARS } from './normalize.js';
import { extractMessageSignals } from './signals.js';
import { SIGNAL_TYPES, type SignalType } from './lexicon.js';
import { DENSITY_WINDOW, effectiveMessages, forEachHashedFeature } from './features.js';
import { behaviourLogit, platformTerm, sigmoid, textTerm, type GroomingModel } from './model/model.js';
import { defaultModel } from './model/index.js';
import { agePrior, isPlatformAdult, isPlatformMinor, type AgeFacts, type AgeReason } from './age-context.js';
import { GROOMING_BENIGN_EXAMPLES } from './examples.js';
import { setOwn } from './own.js';
import { COERCION_MESSAGES, COERCION_RISK, COMBINATION, tacticLogit } from './tactics.js';
import type { ConversationMessage, DetectedSignal, Detector, DetectorContext, ParticipantFacts, StepResult } from './types.js';

/** When to alert and what to recommend per message. Thresholds are calibrated probabilities. */
export interface AlertPolicy {
  /** Sustained participant risk at or above which an alert is raised. */
  readonly threshold: number;
  /** Consecutive messages of the same participant that must stay at or above the threshold. */
  readonly persistence: number;
  /** Messages a participant must have sent before their risk can alert. */
  readonly minMessages: number;
  /** Tokens from one participant that count as sustained evidence even in fewer messages. */
  readonly segmentTokens: number;
  /** Sender risk from which a message to a child is delivered with a safety prompt. */
  readonly warnThreshold: number;
  /** Sender risk from which a high-severity message (image request, threat...) is held. */
  readonly holdThreshold: number;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = {
  threshold: 0.5,
  persistence: 2,
  minMessages: 2,
  segmentTokens: 60,
  warnThreshold: 0.35,
  holdThreshold: 0.8,
};

export type MessageAction = 'deliver' | 'deliver_with_warning' | 'hold_for_review';

/** Serialisable per-participant state. Counts are in SIGNAL_TYPES order. */
export type ParticipantState = {
  n: number;
  tokens: number;
  text: number;
  counts: number[];
  age: number | null;
  declaredAge: number | null;
  band: ParticipantFacts['ageBand'] | null;
  statedAge: number | null;
  risk: number;
  recent: number[];
  peak: number;
  impersonationReported: boolean;
  /** Messages of this participant that showed at least one tactic. */
  tacticMessages: number;
  /** Cached learned behaviour term and stated tactic evidence (change only when a signal is found). */
  beh: number;
  tac: number;
  /** Cached age/context prior and the context version it was computed for. */
  prior: number;
  pv: number;
  /** This participant (an adult account) named a relative as their own; absent in older states. */
  kin?: boolean;
  /** Running sum of the platform text model's weights over this participant's tokens. */
  pt?: number;
  /** Cached with the prior: KNOWS_AGES | ADULT_WITH_CHILD; absent in older states. */
  pf?: number;
};

export type GroomingState = {
  v: 1;
  /** Messages processed. */
  n: number;
  /** Conversation score so far: highest sustained participant risk. */
  peak: number;
  alertAt: number | null;
  family: number;
  supervision: number;
  /** Messages that named a surprise for someone else; absent in older states. */
  surprise?: number;
  /** Bumped whenever age facts or context cues change, invalidating cached priors. */
  ctx: number;
  /** The most recent signals (at most `maxEvidence`), so an alert can be explained without a log. */
  evidence: DetectedSignal[];
  /** Who last asked someone's age, and at which message count, so a bare "12" reads as an age. */
  probeBy: string | null;
  probeAt: number;
  /** Keyed by "p:" + participant id; '' holds messages whose speaker is unknown. */
  participants: Record<string, ParticipantState>;
};

export interface ParticipantAssessment {
  /** Highest sustained risk that this participant is the groomer (0..1). */
  readonly score: number;
  /** Current (latest) risk. */
  readonly risk: number;
  readonly messages: number;
  readonly reasons: readonly AgeReason[];
}

export interface ConversationAssessment {
  readonly score: number;
  readonly alert: boolean;
  readonly alertAt: number | null;
  /** Real participants only (not the unknown speaker). */
  readonly participants: Readonly<Record<string, ParticipantAssessment>>;
  /** Participant id with the highest score, or null. */
  readonly suspect: string | null;
  /** The most recent signals (bounded), oldest first: the explanation to show with an alert. */
  readonly evidence: readonly DetectedSignal[];
}

export interface GroomingStepResult extends StepResult<GroomingState> {
  readonly action: MessageAction;
  /** Risk of the sender after this message (0..1). */
  readonly senderRisk: number;
  /** True when this very message raised the conversation's alert. */
  readonly alertRaised: boolean;
}

export interface GroomingDetectorOptions {
  readonly model?: GroomingModel;
  readonly policy?: Partial<AlertPolicy>;
  /** Characters of a message that are scored (a bounded prefix). */
  readonly maxScoredChars?: number;
  /** Participants beyond this many share the unknown-speaker slot, bounding state size. */
  readonly maxParticipants?: number;
  /** Most recent signals kept in state as the explanation of an alert (default 24). */
  readonly maxEvidence?: number;
}

export interface GroomingDetector extends Detector<GroomingState> {
  readonly policy: AlertPolicy;
  readonly model: GroomingModel;
  step(state: GroomingState, message: ConversationMessage, ctx: DetectorContext): GroomingStepResult;
  assess(state: GroomingState): ConversationAssessment;
  /**
   * Just the numbers of `assess` (conversation score and each real participant's score), without
   * the explanations: cheap enough to call for every stored conversation on the ingest path.
   */
  scores(state: GroomingState): ConversationScores;
}

export interface ConversationScores {
  readonly score: number;
  readonly participants: ReadonlyMap<string, number>;
}

const UNKNOWN = '';
// Participant ids are stored under a prefix, so ids such as "__proto__" or "toString" are plain
// keys and can never reach Object.prototype.
const KEY_CACHE = new Map<string, string>();
function keyOf(id: string): string {
  if (id === UNKNOWN) return UNKNOWN;
  // Cached so the hot path does not build (and hash) a fresh key string per message; bounded.
  let key = KEY_CACHE.get(id);
  if (key === undefined) {
    if (KEY_CACHE.size >= 4096) KEY_CACHE.clear();
    key = `p:${id}`;
    KEY_CACHE.set(id, key);
  }
  return key;
}
const idOf = (key: string): string => (key === UNKNOWN ? UNKNOWN : key.slice(2));
const BARE_AGE = /^(?:(?:im|i am|yeah|yes|ya|yep|tengo|soy|ich bin|bin|si|ja) )?(\d{1,2})(?: ?(?:yo|y\/o|years?|anos|jahre|f|m|u|you|and you|y tu|und du|wbu|hbu|lol))*[ ?!.]*$/;
const HIGH_SEVERITY: ReadonlySet<SignalType> = new Set(['media-request', 'threat', 'sexualisation', 'meeting']);
const WARN_TACTICS: ReadonlySet<SignalType> = new Set(['off-platform-move', 'media-request', 'meeting', 'secrecy', 'gift-offer', 'isolation-probe', 'threat']);
const TYPE_INDEX = new Map<SignalType, number>(SIGNAL_TYPES.map((t, i) => [t, i]));
const THREAT_INDEX = SIGNAL_TYPES.indexOf('threat');
const KNOWS_AGES = 1;
const ADULT_WITH_CHILD = 2;
/** Where a risk without tactics in enough messages stops (a fraction of the threshold). */
const BELOW_THRESHOLD = 0.99;

function newParticipant(): ParticipantState {
  return {
    n: 0, tokens: 0, text: 0, counts: SIGNAL_TYPES.map(() => 0), age: null, declaredAge: null, band: null,
    statedAge: null, risk: 0, recent: [], peak: 0, impersonationReported: false, tacticMessages: 0, beh: 0, tac: 0, prior: 0, pv: -1,
  };
}

const facts = (p: ParticipantState): AgeFacts => ({ age: p.age, declaredAge: p.declaredAge, band: p.band ?? null, statedAge: p.statedAge });

function finiteAge(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 130 ? v : null;
}

export function createGroomingDetector(options: GroomingDetectorOptions = {}): GroomingDetector {
  const model = options.model ?? defaultModel();
  const policy: AlertPolicy = { ...DEFAULT_ALERT_POLICY, threshold: model.threshold, ...options.policy };
  const maxChars = options.maxScoredChars ?? DEFAULT_MAX_SCORED_CHARS;
  const maxParticipants = options.maxParticipants ?? 256;
  const maxEvidence = Math.max(0, options.maxEvidence ?? 24);
  const persistence = Math.max(1, Math.floor(policy.persistence));
  const platform = model.platform;

  function participant(state: GroomingState, key: string): ParticipantState {
    let p = Object.hasOwn(state.participants, key) ? state.participants[key] : undefined;
    if (p === undefined) {
      const slot = Object.keys(state.participants).length >= maxParticipants ? UNKNOWN : key;
      p = Object.hasOwn(state.participants, slot) ? state.participants[slot] : undefined;
      if (p === undefined) {
        p = newParticipant();
        state.participants[slot] = p;
        state.ctx += 1;
      }
    }
    return p;
  }

  function applyFacts(state: GroomingState, list: readonly ParticipantFacts[] | undefined): void {
    if (list === undefined) return;
    for (const f of list) {
      if (typeof f.id !== 'string' || f.id === UNKNOWN) continue;
      const p = participant(state, keyOf(f.id));
      const age = finiteAge(f.age);
      const declared = finiteAge(f.declaredAge);
      const band = f.ageBand !== undefined && f.ageBand !== 'unknown' ? f.ageBand : p.band;
      if ((age !== null && age !== p.age) || (declared !== null && declared !== p.declaredAge) || band !== p.band) state.ctx += 1;
      if (age !== null) p.age = age;
      if (declared !== null) p.declaredAge = declared;
      p.band = band;
    }
  }

  function priorFor(state: GroomingState, id: string): { value: number; reasons: readonly AgeReason[] } {
    const subject = Object.hasOwn(state.participants, id) ? state.participants[id] : undefined;
    if (subject === undefined || id === UNKNOWN) {
      return agePrior({ age: null, declaredAge: null, band: null, statedAge: null }, [], { family: state.family > 0, supervision: state.supervision > 0, surprise: (state.surprise ?? 0) > 0 });
    }
    const others: AgeFacts[] = [];
    for (const [oid, o] of Object.entries(state.participants)) if (oid !== id && oid !== UNKNOWN) others.push(facts(o));
    return agePrior(facts(subject), others, { family: state.family > 0, supervision: state.supervision > 0, kinReference: subject.kin === true, surprise: (state.surprise ?? 0) > 0 });
  }

  function riskOf(state: GroomingState, id: string, p: ParticipantState): number {
    if (p.pv !== state.ctx || p.pf === undefined) {
      p.prior = priorFor(state, id).value;
      p.pv = state.ctx;
      // Age facts change only with the context version, so these are cached with the prior.
      p.pf = (knowsAges(state, p) ? KNOWS_AGES : 0) | (isPlatformAdult(facts(p)) && withPlatformMinor(state, p) ? ADULT_WITH_CHILD : 0);
    }
    const raw = model.bias + textTerm(model, p.text, p.tokens) + p.beh;
    if (id === UNKNOWN) {
      const cal = model.segmentCalibration;
      return sigmoid(COMBINATION.segmentModelWeight * (cal.a * raw + cal.b) + COMBINATION.segmentTacticWeight * p.tac + p.prior + COMBINATION.base);
    }
    const cal = model.calibration;
    let modelTerm = COMBINATION.modelWeight * (cal.a * raw + cal.b);
    // With platform ages the behaviour and age evidence transfers; the text model, which learned a
    // 2004-2016 source's style, may nudge that evidence but never veto or create it on its own.
    let platformText = 0;
    if ((p.pf & KNOWS_AGES) !== 0) {
      modelTerm = Math.max(-COMBINATION.platformModelCap, Math.min(COMBINATION.platformModelCap, modelTerm));
      // The platform text model tells adults who groom from the other adults who talk to children.
      // It was trained on adults in conversations with a child, and speaks only for them.
      if (platform !== undefined && (p.pf & ADULT_WITH_CHILD) !== 0) platformText = Math.max(-COMBINATION.platformTextFloor, platformTerm(platform, p.pt ?? 0, p.tokens));
    }
    const risk = sigmoid(modelTerm + p.tac + p.prior + COMBINATION.base + platformText);
    // Coercion must be repeated and dense (not two stray matches in a log of thousands of lines).
    const threats = p.counts[THREAT_INDEX] ?? 0;
    const coercion = threats >= COERCION_MESSAGES && threats >= effectiveMessages(p.n, p.tokens) / DENSITY_WINDOW && state.family === 0;
    return coercion ? Math.max(risk, COERCION_RISK) : risk;
  }

  /** Someone other than `subject` is a child by platform age or band. */
  function withPlatformMinor(state: GroomingState, subject: ParticipantState): boolean {
    for (const [key, o] of Object.entries(state.participants)) {
      if (o !== subject && key !== UNKNOWN && isPlatformMinor(facts(o))) return true;
    }
    return false;
  }

  /** The platform told us the age of this participant and of someone else in the conversation. */
  function knowsAges(state: GroomingState, subject: ParticipantState): boolean {
    if (subject.age === null && (subject.band === null || subject.band === 'unknown')) return false;
    for (const [key, o] of Object.entries(state.participants)) {
      if (o === subject || key === UNKNOWN) continue;
      if (o.age !== null || (o.band !== null && o.band !== 'unknown')) return true;
    }
    return false;
  }

  function init(): GroomingState {
    return { v: 1, n: 0, peak: 0, alertAt: null, family: 0, supervision: 0, ctx: 0, evidence: [], probeBy: null, probeAt: 0, participants: {} };
  }

  function step(state: GroomingState, message: ConversationMessage, ctx: DetectorContext): GroomingStepResult {
    const ctxBefore = state.ctx;
    applyFacts(state, ctx.participants);
    const index = Number.isInteger(ctx.index) && ctx.index >= 0 ? ctx.index : state.n;
    state.n += 1;
    const senderId = typeof message.from === 'string' ? message.from : UNKNOWN;
    const senderKey = keyOf(senderId);
    const p = participant(state, senderKey);
    const text = typeof message.text === 'string' ? message.text : '';
    const normalized = normalizeText(text, maxChars);
    let found = extractMessageSignals(normalized);
    // A bare answer ("12", "13 f", "yeah 12 u?") shortly after someone else asked for an age is
    // that speaker's age: children rarely write "i am 12" when asked.
    if (found.disclosedAge === null && state.probeBy !== null && state.probeBy !== senderKey && state.n - state.probeAt <= 3) {
      const m = BARE_AGE.exec(normalized);
      const age = m?.[1] !== undefined ? Number(m[1]) : NaN;
      if (age >= 5 && age <= 99) found = { ...found, disclosedAge: age, types: [...found.types, 'age-disclosure'] };
    }
    if (found.types.includes('age-probe')) {
      state.probeBy = senderKey;
      state.probeAt = state.n;
    }
    let weightSum = 0;
    const w = model.text;
    const pw = platform?.text;
    if (pw === undefined) {
      p.tokens += forEachHashedFeature(normalized, (b) => {
        weightSum += w[b] ?? 0;
      });
    } else {
      let platformSum = 0;
      p.tokens += forEachHashedFeature(normalized, (b) => {
        weightSum += w[b] ?? 0;
        platformSum += pw[b] ?? 0;
      });
      p.pt = (p.pt ?? 0) + platformSum;
    }
    p.text += weightSum;
    p.n += 1;
    const signals: DetectedSignal[] = [];
    const participantOut = senderId === UNKNOWN ? null : senderId;
    for (const type of found.types) {
      const i = TYPE_INDEX.get(type);
      if (i !== undefined) p.counts[i] = (p.counts[i] ?? 0) + 1;
      const detail = type === 'off-platform-move' && found.contact !== null ? found.contact : undefined;
      signals.push(detail === undefined ? { type, message: index, participant: participantOut } : { type, message: index, participant: participantOut, detail });
    }
    const effective = effectiveMessages(p.n, p.tokens);
    p.beh = behaviourLogit(model, p.counts, effective);
    p.tac = tacticLogit(p.counts, effective);
    if (found.disclosedAge !== null && (p.statedAge === null || found.disclosedAge < p.statedAge)) {
      p.statedAge = found.disclosedAge;
      state.ctx += 1;
    }
    for (const cue of found.cues) {
      if (cue === 'family-context' && state.family++ === 0) state.ctx += 1;
      // A relative named without "your" ("grandad wants to see it") lowers the speaker's own risk,
      // and only when an adult account says it: children talk about "mum" to anyone.
      if (cue === 'kin-reference' && p.kin !== true && isPlatformAdult(facts(p))) {
        p.kin = true;
        state.ctx += 1;
      }
      if (cue === 'supervision-present' && state.supervision++ === 0) state.ctx += 1;
      if (cue === 'third-party-surprise') {
        if ((state.surprise ?? 0) === 0) state.ctx += 1;
        state.surprise = (state.surprise ?? 0) + 1;
      }
    }
    // An adult account that declares or states a child's age is posing as a peer: report it once.
    let impersonationNow = false;
    if (!p.impersonationReported && senderId !== UNKNOWN && isPlatformAdult(facts(p))) {
      if ((p.declaredAge !== null && p.declaredAge < 18) || (p.statedAge !== null && p.statedAge < 18)) {
        p.impersonationReported = true;
        const i = TYPE_INDEX.get('age-peer-impersonation');
        if (i !== undefined) p.counts[i] = (p.counts[i] ?? 0) + 1;
        p.beh = behaviourLogit(model, p.counts, effectiveMessages(p.n, p.tokens));
        p.tac = tacticLogit(p.counts, effectiveMessages(p.n, p.tokens));
        signals.push({ type: 'age-peer-impersonation', message: index, participant: participantOut, detail: 'age-mismatch' });
        impersonationNow = true;
      }
    }
    for (const sig of signals) state.evidence.push(sig);
    if (state.evidence.length > maxEvidence) state.evidence.splice(0, state.evidence.length - maxEvidence);
    // Sender's evidence changed: update its risk and persistence window.
    p.risk = riskOf(state, senderKey, p);
    p.recent.push(p.risk);
    if (p.recent.length > persistence) p.recent.shift();
    if (impersonationNow || found.types.some((t) => t !== 'age-disclosure')) p.tacticMessages += 1;
    // Persistence, two ways, neither of which one noisy message can satisfy: the risk held for
    // `persistence` consecutive messages of this participant, or the current risk rests on tactics
    // seen in at least `persistence` different messages. A long single message (a pasted or
    // flattened segment) is enough evidence on its own.
    if (p.n >= policy.minMessages || p.tokens >= policy.segmentTokens) {
      let sustained = 0;
      if (p.recent.length >= persistence || p.tokens >= policy.segmentTokens) {
        sustained = 1;
        for (const r of p.recent) if (r < sustained) sustained = r;
        // With platform ages the research text model is capped and cannot create evidence, so a
        // risk that merely stays high after one tactic (a parent's "I'll pick you up at 6") ranks
        // the participant but cannot alert: it stops just below the threshold until tactics show in
        // `persistence` different messages. A platform text model, validated leave-one-author-out
        // on modern conversations (scripts/train-platform.mjs), is evidence in its own right.
        if (p.tacticMessages < persistence && ((p.pf ?? 0) & KNOWS_AGES) !== 0 && platform === undefined) sustained = Math.min(sustained, policy.threshold * BELOW_THRESHOLD);
      }
      if (p.tacticMessages >= persistence && p.risk > sustained) sustained = p.risk;
      if (sustained > p.peak) p.peak = sustained;
    }
    // Others' risk moves with age facts and cues; their persistence windows move only with their own messages.
    if (state.ctx !== ctxBefore) {
      for (const [oid, o] of Object.entries(state.participants)) if (o !== p) o.risk = riskOf(state, oid, o);
    }
    let alertRaised = false;
    if (p.peak > state.peak) {
      state.peak = p.peak;
      if (state.alertAt === null && state.peak >= policy.threshold) {
        state.alertAt = index;
        alertRaised = true;
      }
    }
    const action = decideAction(state, p, found.types, senderKey);
    return { state, signals, action, senderRisk: p.risk, alertRaised };
  }

  function decideAction(state: GroomingState, sender: ParticipantState, types: readonly SignalType[], senderKey: string): MessageAction {
    // Fast path for the common case: no tactic in this message and no alert against the sender.
    if (types.length === 0 && (state.alertAt === null || sender.peak < policy.threshold)) return 'deliver';
    let childPresent = false;
    for (const [oid, o] of Object.entries(state.participants)) {
      if (oid === senderKey || oid === UNKNOWN) continue;
      const f = facts(o);
      if (isPlatformMinor(f) || (o.age === null && o.band === null && o.statedAge !== null && o.statedAge < 18)) childPresent = true;
    }
    const severe = types.some((t) => HIGH_SEVERITY.has(t));
    if (sender.risk >= policy.holdThreshold && severe) return 'hold_for_review';
    if (!childPresent) return 'deliver';
    if (sender.risk >= policy.warnThreshold && types.some((t) => WARN_TACTICS.has(t))) return 'deliver_with_warning';
    if (state.alertAt !== null && sender.peak >= policy.threshold) return 'deliver_with_warning';
    return 'deliver';
  }

  function assess(state: GroomingState): ConversationAssessment {
    const participants: Record<string, ParticipantAssessment> = {};
    let suspect: string | null = null;
    let best = -1;
    let bestRisk = -1;
    for (const [key, p] of Object.entries(state.participants)) {
      if (key === UNKNOWN) continue;
      const id = idOf(key);
      const score = p.n > 0 ? Math.max(p.peak, 0) : 0;
      setOwn(participants, id, { score, risk: p.risk, messages: p.n, reasons: priorFor(state, key).reasons });
      if (p.n > 0 && (score > best || (score === best && p.risk > bestRisk))) {
        best = score;
        bestRisk = p.risk;
        suspect = id;
      }
    }
    return { score: state.peak, alert: state.alertAt !== null, alertAt: state.alertAt, participants, suspect, evidence: [...state.evidence] };
  }

  function scores(state: GroomingState): ConversationScores {
    const participants = new Map<string, number>();
    for (const key in state.participants) {
      if (key === UNKNOWN || !Object.hasOwn(state.participants, key)) continue;
      const p = state.participants[key];
      if (p !== undefined) participants.set(idOf(key), p.n > 0 ? Math.max(p.peak, 0) : 0);
    }
    return { score: state.peak, participants };
  }

  return {
    id: 'grooming',
    description: 'Grooming tactics and learned text model with platform age facts; per-participant suspect scores and alerts with persistence.',
    benignExamples: GROOMING_BENIGN_EXAMPLES,
    policy,
    model,
    init,
    step,
    assess,
    scores,
  };
}

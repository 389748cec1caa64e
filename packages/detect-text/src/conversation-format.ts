/**
 * The conversation and score formats of shared/formats/conversation.md, and batch scoring by
 * genuine message-by-message replay.
 *
 * Contract: `parseConversation` validates one decoded JSON value and either returns the
 * conversation or a human-readable reason (never throws); ground-truth fields (`label`, `source`,
 * `alert_from`, `role`, ...) are kept aside for evaluation and never reach the scorer.
 * `scoreConversation` steps the detector through the messages in order, so `alert_at` is the
 * message at which the streaming decision first said "alert" using messages 0..i only.
 */
import { createGroomingDetector, type GroomingDetector } from './grooming.js';
import type { DetectedSignal, ParticipantFacts } from './types.js';
import { getOwn, setOwn } from './own.js';

export interface InputParticipant {
  readonly id: string;
  readonly age?: number;
  readonly declared_age?: number;
  readonly role?: string;
}

export interface InputMessage {
  readonly from: string | null;
  readonly text: string;
  readonly ts?: string;
}

export interface InputConversation {
  readonly id: string;
  readonly participants: readonly InputParticipant[];
  readonly messages: readonly InputMessage[];
  /** Evaluation metadata, if present; the scorer never reads it. */
  readonly truth: ConversationTruth;
}

export interface ConversationTruth {
  readonly label?: string;
  readonly source?: string;
  readonly category?: string;
  readonly language?: string;
  readonly alertFrom?: number | null;
  /** Participant ids with role "suspect". */
  readonly suspects: readonly string[];
}

export interface ScoreRecord {
  readonly id: string;
  readonly score: number;
  readonly alert: boolean;
  readonly alert_at: number | null;
  readonly participants: Record<string, { readonly score: number }>;
  readonly signals: readonly ScoreSignal[];
}

/** A signal as written in scores.jsonl. */
export interface ScoreSignal {
  readonly type: DetectedSignal['type'];
  readonly message: number;
  readonly participant: string | null;
}

export type ParseResult = { readonly ok: true; readonly value: InputConversation } | { readonly ok: false; readonly error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalAge = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 130);

export function parseConversation(value: unknown): ParseResult {
  if (!isObject(value)) return { ok: false, error: 'expected a JSON object' };
  const { id, participants = [], messages } = value;
  if (typeof id !== 'string' || id.length === 0) return { ok: false, error: '"id" must be a non-empty string' };
  if (!Array.isArray(participants)) return { ok: false, error: '"participants" must be an array' };
  if (!Array.isArray(messages)) return { ok: false, error: '"messages" must be an array' };
  const outParticipants: InputParticipant[] = [];
  const suspects: string[] = [];
  for (const [i, p] of participants.entries()) {
    if (!isObject(p) || typeof p.id !== 'string' || p.id.length === 0) return { ok: false, error: `participants[${i}].id must be a non-empty string` };
    if (!optionalAge(p.age)) return { ok: false, error: `participants[${i}].age must be a number of years` };
    if (!optionalAge(p.declared_age)) return { ok: false, error: `participants[${i}].declared_age must be a number of years` };
    outParticipants.push({
      id: p.id,
      ...(typeof p.age === 'number' ? { age: p.age } : {}),
      ...(typeof p.declared_age === 'number' ? { declared_age: p.declared_age } : {}),
      ...(typeof p.role === 'string' ? { role: p.role } : {}),
    });
    if (p.role === 'suspect') suspects.push(p.id);
  }
  const outMessages: InputMessage[] = [];
  for (const [i, m] of messages.entries()) {
    if (!isObject(m)) return { ok: false, error: `messages[${i}] must be an object` };
    if (typeof m.text !== 'string') return { ok: false, error: `messages[${i}].text must be a string` };
    if (m.from !== undefined && m.from !== null && typeof m.from !== 'string') return { ok: false, error: `messages[${i}].from must be a string or null` };
    outMessages.push({ from: typeof m.from === 'string' ? m.from : null, text: m.text, ...(typeof m.ts === 'string' ? { ts: m.ts } : {}) });
  }
  const alertFrom = value.alert_from;
  const truth: ConversationTruth = {
    suspects,
    ...(typeof value.label === 'string' ? { label: value.label } : {}),
    ...(typeof value.source === 'string' ? { source: value.source } : {}),
    ...(typeof value.category === 'string' ? { category: value.category } : {}),
    ...(typeof value.language === 'string' ? { language: value.language } : {}),
    ...(typeof alertFrom === 'number' && Number.isInteger(alertFrom) ? { alertFrom } : alertFrom === null ? { alertFrom: null } : {}),
  };
  return { ok: true, value: { id, participants: outParticipants, messages: outMessages, truth } };
}

/** Parses one JSONL line. */
export function parseConversationLine(line: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${(error as Error).message}` };
  }
  return parseConversation(value);
}

export function toParticipantFacts(participants: readonly InputParticipant[]): ParticipantFacts[] {
  return participants.map((p) => ({
    id: p.id,
    ...(p.age !== undefined ? { age: p.age } : {}),
    ...(p.declared_age !== undefined ? { declaredAge: p.declared_age } : {}),
  }));
}

const round = (x: number): number => Math.round(x * 10000) / 10000;

export interface ScoreOptions {
  readonly detector?: GroomingDetector;
  /** Cap on signals listed per conversation (state never holds them; this bounds output). */
  readonly maxSignals?: number;
}

/** Replays a conversation message by message and returns its score record. */
export function scoreConversation(conversation: InputConversation, options: ScoreOptions = {}): ScoreRecord {
  const detector = options.detector ?? defaultDetector();
  const maxSignals = options.maxSignals ?? 200;
  const facts = toParticipantFacts(conversation.participants);
  let state = detector.init();
  const signals: ScoreSignal[] = [];
  conversation.messages.forEach((message, index) => {
    const result = detector.step(state, message, index === 0 ? { index, participants: facts } : { index });
    state = result.state;
    // The score format lists type, message and participant only; `detail` stays in the library API.
    for (const s of result.signals) if (signals.length < maxSignals) signals.push({ type: s.type, message: s.message, participant: s.participant });
  });
  const assessment = detector.assess(state);
  const participants: Record<string, { score: number }> = {};
  for (const p of conversation.participants) setOwn(participants, p.id, { score: round(getOwn(assessment.participants, p.id)?.score ?? 0) });
  for (const [id, a] of Object.entries(assessment.participants)) if (!Object.hasOwn(participants, id)) setOwn(participants, id, { score: round(a.score) });
  return {
    id: conversation.id,
    score: round(assessment.score),
    alert: assessment.alert,
    alert_at: assessment.alertAt,
    participants,
    signals,
  };
}

let cachedDetector: GroomingDetector | undefined;
function defaultDetector(): GroomingDetector {
  cachedDetector ??= createGroomingDetector();
  return cachedDetector;
}

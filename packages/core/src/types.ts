/**
 * Vocabulary shared by every Safeguard package. Domain packages meet only through these types.
 */

/** Age bands used by the rule catalogue. `unknown` means no age evidence at all (rule AGE-01). */
export const AGE_BANDS = ['under13', '13-15', '16-17', 'adult', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Bands a platform may declare; `unknown` is what Safeguard derives when nothing is declared. */
export const DECLARABLE_AGE_BANDS = ['under13', '13-15', '16-17', 'adult'] as const;
export type DeclarableAgeBand = (typeof DECLARABLE_AGE_BANDS)[number];

export const CHILD_BANDS: readonly AgeBand[] = ['under13', '13-15', '16-17'];

/** Age-assurance methods (Ofcom HEAA guidance names the highly effective ones, rule AGE-02). */
export const ASSURANCE_METHODS = [
  'self-declared',
  'facial-estimation',
  'id-document',
  'open-banking',
  'mobile-operator',
  'credit-card',
  'digital-id',
  'guardian-confirmed',
] as const;
export type AssuranceMethod = (typeof ASSURANCE_METHODS)[number];

export const JURISDICTIONS = ['UK', 'EU', 'US', 'other'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export const ROLES = ['platform', 'moderator', 'admin', 'regulator'] as const;
export type Role = (typeof ROLES)[number];

export const DECISION_OUTCOMES = ['allow', 'deny', 'allow_with_warning', 'require_guardian'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/**
 * The answer to "may this happen?". Decisions are data: the rule ids say which catalogue rules
 * decided it and the explanation says why in plain words. Side effects happen elsewhere.
 */
export interface Decision {
  readonly outcome: DecisionOutcome;
  readonly ruleIds: readonly string[];
  readonly explanation: string;
}

/** Injected time source, so pure code never reads the wall clock itself. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

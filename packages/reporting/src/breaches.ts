/**
 * The breach register model: a finding that a rule of the catalogue was not met in a period, the
 * evidence for it, where it stands in the enforcement process (UK OSA: provisional notice s.130 →
 * confirmation decision s.132; DSA: preliminary findings → non-compliance decision) and, once
 * assessed, the maximum penalty with its citations. Pure validation and state transitions; the
 * store keeps the register and the history.
 */
import { SafeguardError } from '@safeguard/core';
import { parsePeriod } from './period.js';
import { calculatePenalty, type PenaltyRequest, type PenaltyResult } from './penalties.js';

export const BREACH_STATUSES = ['open', 'provisional', 'confirmed', 'remedied', 'closed'] as const;
export type BreachStatus = (typeof BREACH_STATUSES)[number];

/** Allowed moves: findings move forward; any open finding may be closed (dismissed). */
export const BREACH_TRANSITIONS: Readonly<Record<BreachStatus, readonly BreachStatus[]>> = {
  open: ['provisional', 'confirmed', 'closed'],
  provisional: ['confirmed', 'closed'],
  confirmed: ['remedied', 'closed'],
  remedied: ['closed'],
  closed: [],
};

export const EVIDENCE_KINDS = ['conformance', 'audit', 'bundle', 'transparency', 'document', 'other'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface BreachEvidence {
  readonly kind: EvidenceKind;
  /** Where it is: a conformance run id, an audit sequence number, a bundle id, a URL. */
  readonly reference: string;
  /** SHA-256 of the evidence file, when it is a file (e.g. from a bundle manifest). */
  readonly sha256?: string | undefined;
  readonly description: string;
}

export interface BreachInput {
  /** Catalogue rule id, e.g. DEF-05. */
  readonly ruleId: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly summary: string;
  readonly evidence: readonly BreachEvidence[];
  /** The penalty regime and its inputs, when assessed. */
  readonly penalty?: PenaltyRequest | null;
}

export interface BreachHistoryEntry {
  readonly at: string;
  readonly status: BreachStatus;
  readonly by: string;
  readonly note: string | null;
}

export interface Breach extends BreachInput {
  readonly id: string;
  readonly status: BreachStatus;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly updatedAt: string;
  readonly penaltyResult: PenaltyResult | null;
  readonly history: readonly BreachHistoryEntry[];
}

const RULE_ID = /^[A-Z]{2,5}-\d{2}$/;

/**
 * Checks a breach before it is recorded and computes its penalty. `isKnownRule` (from the policy
 * catalogue) rejects rule ids that do not exist.
 */
export function validateBreachInput(input: BreachInput, isKnownRule?: (id: string) => boolean): { input: BreachInput; penaltyResult: PenaltyResult | null } {
  if (!RULE_ID.test(input.ruleId) || (isKnownRule && !isKnownRule(input.ruleId))) {
    throw new SafeguardError('validation_failed', `"${input.ruleId}" is not a rule of the catalogue`, { field: 'ruleId', value: input.ruleId });
  }
  parsePeriod(input.period.from, input.period.to);
  if (input.summary.trim().length < 10) {
    throw new SafeguardError('validation_failed', 'summary must say what was found (at least 10 characters)', { field: 'summary' });
  }
  if (input.evidence.length === 0) {
    throw new SafeguardError('validation_failed', 'a breach needs at least one item of evidence', { field: 'evidence' });
  }
  for (const [i, e] of input.evidence.entries()) {
    if (!(EVIDENCE_KINDS as readonly string[]).includes(e.kind)) {
      throw new SafeguardError('validation_failed', `evidence ${i + 1}: kind must be one of ${EVIDENCE_KINDS.join(', ')}`, { field: `evidence.${i}.kind` });
    }
    if (e.reference.trim().length === 0) throw new SafeguardError('validation_failed', `evidence ${i + 1}: reference is empty`, { field: `evidence.${i}.reference` });
    if (e.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(e.sha256)) {
      throw new SafeguardError('validation_failed', `evidence ${i + 1}: sha256 must be 64 lower-case hex digits`, { field: `evidence.${i}.sha256` });
    }
  }
  const penaltyResult = input.penalty ? calculatePenalty(input.penalty) : null;
  return { input, penaltyResult };
}

/** Moves a breach to `to`, recording who and why; refuses moves the process does not allow. */
export function transitionBreach(breach: Breach, to: BreachStatus, by: string, at: string, note: string | null): Breach {
  if (!(BREACH_STATUSES as readonly string[]).includes(to)) {
    throw new SafeguardError('validation_failed', `status must be one of ${BREACH_STATUSES.join(', ')}`, { status: to });
  }
  if (!BREACH_TRANSITIONS[breach.status].includes(to)) {
    throw new SafeguardError('conflict', `A ${breach.status} breach cannot become ${to} (allowed: ${BREACH_TRANSITIONS[breach.status].join(', ') || 'none'})`, {
      from: breach.status,
      to,
    });
  }
  return { ...breach, status: to, updatedAt: at, history: [...breach.history, { at, status: to, by, note }] };
}

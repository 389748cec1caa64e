/**
 * Severity triage and SLA targets. Child sexual abuse, grooming, sextortion and trafficking are
 * critical and go first; a case's severity is the highest of everything merged into it, and its
 * SLA deadline is the earliest of (arrival + target for that arrival's severity) over everything
 * merged in — so a critical alert joining a low case makes the whole case due within the hour.
 *
 * The queue order is (severity rank, SLA deadline, case id): most severe first, then most urgent.
 */
import { SEVERITIES, type ReportReason, type Severity } from './taxonomy.js';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

export function severityOfRank(rank: number): Severity {
  return SEVERITIES[Math.max(0, Math.min(3, rank))] as Severity;
}

/** Minutes from arrival to a first decision, per severity. Tenants can change them. */
export type SlaTargets = Readonly<Record<Severity, number>>;

export const DEFAULT_SLA_MINUTES: SlaTargets = { critical: 60, high: 240, medium: 1440, low: 4320 };

/** Where something that opens or joins a case came from. */
export type IntakeSource = 'user' | 'trusted-flagger' | 'authority' | 'detection';

export interface TriageInput {
  readonly reason: ReportReason;
  readonly source: IntakeSource;
  /** A child (or an account of unknown age treated as one) takes part: subject, counterpart or reporter. */
  readonly involvesChild: boolean;
  readonly reporterIsChild?: boolean;
  /** Detection score in [0, 1], for alerts. */
  readonly score?: number;
}

export interface Triage {
  readonly severity: Severity;
  readonly rank: number;
  /** Why, in words a moderator reads in the queue. */
  readonly why: readonly string[];
}

const raise = (rank: number, by = 1): number => Math.max(0, rank - by);

export function triage(input: TriageInput): Triage {
  const why: string[] = [];
  let rank = SEVERITY_RANK[input.reason.severity];
  why.push(`${input.reason.label}: ${input.reason.severity}`);
  if (input.involvesChild && rank > SEVERITY_RANK.high && input.reason.childSafetyType !== null) {
    rank = SEVERITY_RANK.high;
    why.push('a child is involved: raised to high');
  } else if (input.involvesChild && rank > SEVERITY_RANK.medium) {
    rank = SEVERITY_RANK.medium;
    why.push('a child is involved: raised to medium');
  }
  if (input.reporterIsChild && rank > SEVERITY_RANK.medium) {
    rank = SEVERITY_RANK.medium;
    why.push('reported by a child: raised to medium');
  }
  if (input.source === 'authority' && rank > SEVERITY_RANK.high) {
    rank = SEVERITY_RANK.high;
    why.push('an order from an authority: at least high');
  }
  if (input.source === 'trusted-flagger' && rank > SEVERITY_RANK.critical) {
    rank = raise(rank);
    why.push('notice from a trusted flagger: raised one level (DSA Art. 22)');
  }
  if (input.source === 'detection' && input.score !== undefined && input.score >= 0.9 && rank > SEVERITY_RANK.critical && input.involvesChild && input.reason.childSafetyType !== null) {
    rank = raise(rank);
    why.push(`detection score ${input.score.toFixed(2)} with a child involved: raised one level`);
  }
  return { severity: severityOfRank(rank), rank, why };
}

/** The SLA deadline (epoch ms) for something of `severity` arriving at `arrivedAtMs`. */
export function slaDeadline(arrivedAtMs: number, severity: Severity, targets: SlaTargets = DEFAULT_SLA_MINUTES): number {
  return arrivedAtMs + targets[severity] * 60_000;
}

export interface CaseUrgency {
  readonly rank: number;
  readonly slaDueMs: number;
}

/** Merges a new arrival into a case's urgency: most severe rank, earliest deadline. */
export function mergeUrgency(current: CaseUrgency | undefined, arrival: CaseUrgency): CaseUrgency {
  if (!current) return arrival;
  return { rank: Math.min(current.rank, arrival.rank), slaDueMs: Math.min(current.slaDueMs, arrival.slaDueMs) };
}

export interface SlaStatus {
  readonly dueAt: string;
  /** Negative once breached. */
  readonly remainingMs: number;
  readonly breached: boolean;
}

/** SLA state of a case now (open cases) or at its first decision (decided ones). */
export function slaStatus(slaDueMs: number, nowMs: number, decidedAtMs?: number | null): SlaStatus {
  const at = decidedAtMs ?? nowMs;
  return { dueAt: new Date(slaDueMs).toISOString(), remainingMs: slaDueMs - at, breached: at > slaDueMs };
}

/**
 * Evidence retention. Evidence is kept for one year (US 18 U.S.C. §2258A(h) as amended by the
 * REPORT Act: contents of a CyberTipline report preserved for 1 year), extended to one year after
 * a referral is submitted, never deleted while the case is open or under a legal hold, and deleted
 * once none of those applies.
 */
export const DEFAULT_EVIDENCE_RETENTION_DAYS = 365;
export const REFERRAL_PRESERVATION_DAYS = 365;
const DAY_MS = 86_400_000;

export function retentionUntil(fromMs: number, days: number = DEFAULT_EVIDENCE_RETENTION_DAYS): number {
  return fromMs + days * DAY_MS;
}

/** Preservation after a referral (REPORT Act: one year from submission). */
export function preservationUntil(submittedMs: number): number {
  return retentionUntil(submittedMs, REFERRAL_PRESERVATION_DAYS);
}

export type RetentionVerdict = 'purge' | 'keep:retention' | 'keep:open-case' | 'keep:legal-hold';

export function retentionVerdict(input: {
  readonly retainUntilMs: number;
  readonly caseOpen: boolean;
  readonly underLegalHold: boolean;
  readonly nowMs: number;
}): RetentionVerdict {
  if (input.underLegalHold) return 'keep:legal-hold';
  if (input.caseOpen) return 'keep:open-case';
  if (input.retainUntilMs > input.nowMs) return 'keep:retention';
  return 'purge';
}

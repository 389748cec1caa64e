/**
 * Matching media against every enabled bank, and the match decision.
 *
 * Allow-list (negative) banks suppress positive matches, conservatively, so that a loosely
 * similar benign image can never hide a close match to known abuse material:
 * - an exact-hash (MD5/SHA-256) allow match means these very bytes are known to be benign: it
 *   suppresses every positive match;
 * - a PDQ allow match at distance d suppresses positive PDQ matches at distance ≥ d only (a
 *   positive match closer than the allow-listed image stays).
 *
 * Decision (data, not side effects — the server raises alerts and preserves evidence):
 * - `block`: an unsuppressed match in a `block` bank (PDQ within the bank's block distance);
 * - `hold_for_review`: any other unsuppressed match (a `review` bank, or a PDQ match in a `block`
 *   bank between its block distance and its threshold);
 * - `allow`: nothing matched, or everything that matched was suppressed.
 * Rule ids cite the catalogue: MOD-02 (hash-matching known CSAM), MOD-01 (moderation review).
 */
import type { BankMatch, HashBank, MediaSignals } from './bank.js';

export interface SuppressedMatch {
  readonly match: BankMatch;
  /** The allow-list match that suppressed it. */
  readonly by: BankMatch;
}

export interface MatchReport {
  /** Positive matches (block/review banks) that stand, closest first. */
  readonly matches: readonly BankMatch[];
  readonly suppressed: readonly SuppressedMatch[];
  /** Matches in allow banks (reported for transparency). */
  readonly allowListMatches: readonly BankMatch[];
  /** Banks that skipped PDQ because the query's quality is below their floor. */
  readonly lowQualityBanks: readonly string[];
}

/** Queries every enabled bank and applies allow-list suppression. */
export function matchBanks(banks: Iterable<HashBank>, signals: MediaSignals): MatchReport {
  const positives: BankMatch[] = [];
  const allows: BankMatch[] = [];
  const lowQualityBanks: string[] = [];
  for (const bank of banks) {
    if (!bank.config.enabled) continue;
    const result = bank.query(signals);
    if (result.lowQuality) lowQualityBanks.push(bank.id);
    for (const m of result.matches) (m.action === 'allow' ? allows : positives).push(m);
  }
  const exactAllow = allows.find((a) => a.signalType !== 'pdq');
  const closestPdqAllow = allows.filter((a) => a.signalType === 'pdq').sort((a, b) => a.distance - b.distance)[0];
  const matches: BankMatch[] = [];
  const suppressed: SuppressedMatch[] = [];
  for (const m of positives) {
    if (exactAllow) suppressed.push({ match: m, by: exactAllow });
    else if (m.signalType === 'pdq' && closestPdqAllow && m.distance >= closestPdqAllow.distance) suppressed.push({ match: m, by: closestPdqAllow });
    else matches.push(m);
  }
  const order = (a: BankMatch, b: BankMatch): number => a.distance - b.distance || a.bankId.localeCompare(b.bankId) || a.entryId - b.entryId;
  return { matches: matches.sort(order), suppressed, allowListMatches: allows.sort(order), lowQualityBanks };
}

export const MATCH_OUTCOMES = ['block', 'hold_for_review', 'allow'] as const;
export type MatchOutcome = (typeof MATCH_OUTCOMES)[number];

export interface MatchDecision {
  readonly outcome: MatchOutcome;
  readonly ruleIds: readonly string[];
  readonly explanation: string;
  /** The matches that decided it (blocking ones for `block`, all standing ones otherwise). */
  readonly decisive: readonly BankMatch[];
}

/** Block distance of a match: exact hashes always block in a block bank; PDQ per the bank. */
function blocks(m: BankMatch, blockDistanceOf: (bankId: string) => number): boolean {
  return m.action === 'block' && (m.signalType !== 'pdq' || m.distance <= blockDistanceOf(m.bankId));
}

const describe = (m: BankMatch): string =>
  `${m.signalType} match in bank ${m.bankId} (entry ${m.entryId}, distance ${m.distance}${m.transform === 'original' ? '' : `, ${m.transform}`}${m.labels.length > 0 ? `, labels ${m.labels.join(' ')}` : ''})`;

/** The decision for a match report; `banks` supplies each bank's PDQ block distance. */
export function decideMatch(report: MatchReport, banks: Iterable<HashBank>): MatchDecision {
  const blockDistance = new Map<string, number>();
  for (const b of banks) blockDistance.set(b.id, b.config.pdqBlockDistance);
  const distanceOf = (id: string): number => blockDistance.get(id) ?? -1;
  const blocking = report.matches.filter((m) => blocks(m, distanceOf));
  if (blocking.length > 0) {
    return Object.freeze({
      outcome: 'block',
      ruleIds: Object.freeze(['MOD-02']),
      explanation: `Blocked: ${describe(blocking[0]!)}${blocking.length > 1 ? ` and ${blocking.length - 1} more` : ''}.`,
      decisive: Object.freeze(blocking),
    });
  }
  if (report.matches.length > 0) {
    return Object.freeze({
      outcome: 'hold_for_review',
      ruleIds: Object.freeze(['MOD-02', 'MOD-01']),
      explanation: `Held for review: ${describe(report.matches[0]!)}${report.matches.length > 1 ? ` and ${report.matches.length - 1} more` : ''}.`,
      decisive: Object.freeze([...report.matches]),
    });
  }
  const why =
    report.suppressed.length > 0
      ? `${report.suppressed.length} match(es) suppressed by allow-list bank ${report.suppressed[0]!.by.bankId}`
      : report.lowQualityBanks.length > 0
        ? 'no exact-hash match; the image is too low quality for PDQ matching'
        : 'no match in any enabled bank';
  return Object.freeze({ outcome: 'allow', ruleIds: Object.freeze([]), explanation: `Allowed: ${why}.`, decisive: Object.freeze([]) });
}

/**
 * Account-level aggregation in the spirit of Roblox's Sentinel: flag a user whose recent
 * conversations with children are persistently somewhat risky, even when no single conversation
 * crosses the alert threshold.
 *
 * Contract: a pure function over per-conversation scores the caller already has (from the
 * grooming detector). Only conversations with a child count; the caller chooses the window by the
 * list it passes (or `since`). Scores are damped before a noisy-or, so one moderate conversation
 * never flags an account, while several moderate ones do.
 */

export interface ConversationScoreSummary {
  readonly conversationId: string;
  /** Conversation score for this user (their participant score), 0..1. */
  readonly score: number;
  /** Whether a child took part (by platform age facts). */
  readonly withChild: boolean;
  /** Whether the conversation itself raised an alert. */
  readonly alert?: boolean;
  /** ISO-8601 time of the latest message, for windowing. */
  readonly at?: string;
}

export interface AccountAggregationOptions {
  /** Damping applied to each conversation score before the noisy-or. */
  readonly damping: number;
  /** A conversation at or above this score counts as elevated. */
  readonly elevatedScore: number;
  /** How many top conversations make the "tail". */
  readonly tailSize: number;
  /** Account score at or above which the account is flagged. */
  readonly flagScore: number;
  /** Flag also when at least this many conversations are elevated and the tail mean is elevated. */
  readonly minElevated: number;
  /** Ignore conversations before this ISO-8601 time. */
  readonly since?: string;
}

export const DEFAULT_ACCOUNT_OPTIONS: AccountAggregationOptions = {
  damping: 0.5,
  elevatedScore: 0.25,
  tailSize: 5,
  flagScore: 0.6,
  minElevated: 3,
};

export type AccountReason = 'conversation-alert' | 'risky-tail' | 'many-elevated-conversations';

export interface AccountRisk {
  readonly score: number;
  readonly flagged: boolean;
  readonly reasons: readonly AccountReason[];
  readonly conversationsWithChildren: number;
  readonly elevated: number;
  /** Mean of the top `tailSize` child-conversation scores (missing ones count as 0). */
  readonly tailMean: number;
  /** Conversation ids of the tail, highest first. */
  readonly tail: readonly string[];
}

export function aggregateAccountRisk(
  conversations: readonly ConversationScoreSummary[],
  options: Partial<AccountAggregationOptions> = {},
): AccountRisk {
  const o = { ...DEFAULT_ACCOUNT_OPTIONS, ...options };
  const since = o.since !== undefined ? Date.parse(o.since) : Number.NaN;
  const relevant = conversations.filter((c) => {
    if (!c.withChild || !Number.isFinite(c.score)) return false;
    if (Number.isFinite(since) && c.at !== undefined) {
      const t = Date.parse(c.at);
      if (Number.isFinite(t) && t < since) return false;
    }
    return true;
  });
  const clamp = (x: number): number => Math.min(1, Math.max(0, x));
  let survive = 1;
  for (const c of relevant) survive *= 1 - clamp(c.score) * o.damping;
  const score = 1 - survive;
  const sorted = [...relevant].sort((a, b) => b.score - a.score);
  const tail = sorted.slice(0, o.tailSize);
  const tailMean = tail.reduce((s, c) => s + clamp(c.score), 0) / o.tailSize;
  const elevated = relevant.filter((c) => c.score >= o.elevatedScore).length;
  const reasons: AccountReason[] = [];
  if (relevant.some((c) => c.alert === true)) reasons.push('conversation-alert');
  if (score >= o.flagScore) reasons.push('risky-tail');
  if (elevated >= o.minElevated && tailMean >= o.elevatedScore) reasons.push('many-elevated-conversations');
  return {
    score,
    flagged: reasons.length > 0,
    reasons,
    conversationsWithChildren: relevant.length,
    elevated,
    tailMean,
    tail: tail.map((c) => c.conversationId),
  };
}

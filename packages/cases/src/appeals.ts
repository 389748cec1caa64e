/**
 * Appeals (DSA Art. 20 internal complaints; ICU/PCU D8–D10): outcomes, what each does to the
 * original decision, and handling times. An appeal is decided by a person other than the one who
 * took the decision; "partially reversed" replaces the decision with a lighter one (which gets its
 * own statement of reasons); "reversed" restores the account and revokes the strikes.
 */
import { SafeguardError } from '@safeguard/core';
import { ACTION_WEIGHT, type DecisionAction } from './decisions.js';

export const APPEAL_OUTCOMES = ['upheld', 'reversed', 'partially_reversed'] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];

export interface AppealEffect {
  /** Coop's appeal callback value: ACCEPT = appeal granted (action was wrong), REJECT = action stands. */
  readonly coopDecision: 'ACCEPT' | 'REJECT';
  readonly decisionStands: boolean;
  /** Undo the restriction (restore content and account). */
  readonly restore: boolean;
  readonly revokeStrikes: boolean;
  readonly replacement: boolean;
}

export function appealEffect(outcome: AppealOutcome): AppealEffect {
  switch (outcome) {
    case 'upheld':
      return { coopDecision: 'REJECT', decisionStands: true, restore: false, revokeStrikes: false, replacement: false };
    case 'reversed':
      return { coopDecision: 'ACCEPT', decisionStands: false, restore: true, revokeStrikes: true, replacement: false };
    case 'partially_reversed':
      return { coopDecision: 'ACCEPT', decisionStands: false, restore: false, revokeStrikes: true, replacement: true };
  }
}

/** Checks the replacement action of an appeal decision; throws a validation error. */
export function checkReplacement(outcome: AppealOutcome, original: DecisionAction, replacement: DecisionAction | null | undefined): void {
  if (outcome !== 'partially_reversed') {
    if (replacement) throw new SafeguardError('validation_failed', `replacementAction is only for a partially reversed appeal, not "${outcome}"`, { field: 'replacementAction' });
    return;
  }
  if (!replacement) {
    throw new SafeguardError('validation_failed', 'A partially reversed appeal needs replacementAction: the lighter action that now applies', { field: 'replacementAction' });
  }
  if (replacement === 'no_action' || ACTION_WEIGHT[replacement] >= ACTION_WEIGHT[original]) {
    throw new SafeguardError(
      'validation_failed',
      `replacementAction "${replacement}" must be lighter than the original "${original}" and not "no_action" (use outcome "reversed")`,
      { field: 'replacementAction' },
    );
  }
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** What the person who appealed is told. */
export function appealMessage(outcome: AppealOutcome, plain: boolean): string {
  if (plain) {
    return outcome === 'upheld'
      ? 'We looked again and our decision stays the same.'
      : outcome === 'reversed'
        ? 'We looked again and we got it wrong. We have undone our decision. Sorry.'
        : 'We looked again and changed our decision to a smaller one.';
  }
  return outcome === 'upheld'
    ? 'We reviewed your appeal and the original decision stands.'
    : outcome === 'reversed'
      ? 'We reviewed your appeal and reversed the decision; the restriction has been lifted.'
      : 'We reviewed your appeal and replaced the decision with a lighter one; a new statement of reasons explains it.';
}

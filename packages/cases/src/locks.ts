/**
 * Assignment locks: a case is worked by one moderator at a time. A lock is exclusive and expires
 * (a moderator who closes the tab does not block the case forever); the holder renews it by
 * assigning again. The store applies these rules in one conditional UPDATE so two moderators can
 * never both hold a case.
 */
export const DEFAULT_LOCK_MINUTES = 15;
export const MAX_LOCK_MINUTES = 120;

export interface CaseLock {
  readonly assignee: string | null;
  readonly expiresAtMs: number | null;
}

/** Who holds the lock now (null when free or expired). */
export function lockHolder(lock: CaseLock, nowMs: number): string | null {
  if (lock.assignee === null || lock.expiresAtMs === null) return null;
  return lock.expiresAtMs > nowMs ? lock.assignee : null;
}

/** Whether `who` may take (or renew) the lock now. */
export function canTakeLock(lock: CaseLock, who: string, nowMs: number): boolean {
  const holder = lockHolder(lock, nowMs);
  return holder === null || holder === who;
}

export function lockMinutes(requested: number | null | undefined): number {
  if (requested === null || requested === undefined || !Number.isFinite(requested)) return DEFAULT_LOCK_MINUTES;
  return Math.max(1, Math.min(MAX_LOCK_MINUTES, Math.round(requested)));
}

/**
 * Counts decisions per tenant, day, action, outcome and rule in memory and writes them to the store
 * every few seconds (and at shutdown). Transparency reports count "interactions denied by rule id"
 * from these rows. A crash loses at most one flush interval of counts; decisions themselves are
 * answers, not stored events.
 */
import type { Decision } from '@safeguard/core';
import type { DecisionStat, SafeguardStore } from '@safeguard/store';

export class DecisionStatsRecorder {
  /**
   * tenant → day → action → decision → count. Decisions are shared immutable values (the policy
   * engine preallocates them), so counting by object identity is cheap on the hot path.
   */
  private pending = new Map<string, Map<string, Map<string, Map<Decision, number>>>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SafeguardStore,
    private readonly intervalMs = 5000,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  record(tenantId: string, day: string, action: string, decision: Decision, count = 1): void {
    let days = this.pending.get(tenantId);
    if (!days) this.pending.set(tenantId, (days = new Map<string, Map<string, Map<Decision, number>>>()));
    let actions = days.get(day);
    if (!actions) days.set(day, (actions = new Map<string, Map<Decision, number>>()));
    let counts = actions.get(action);
    if (!counts) actions.set(action, (counts = new Map<Decision, number>()));
    counts.set(decision, (counts.get(decision) ?? 0) + count);
  }

  private static toRows(pending: DecisionStatsRecorder['pending']): Map<string, DecisionStat[]> {
    const byTenant = new Map<string, DecisionStat[]>();
    for (const [tenantId, days] of pending) {
      const merged = new Map<string, DecisionStat>();
      for (const [day, actions] of days) {
        for (const [action, counts] of actions) {
          for (const [decision, count] of counts) {
            for (const ruleId of decision.ruleIds.length > 0 ? decision.ruleIds : ['-']) {
              const key = `${day}\u0000${action}\u0000${decision.outcome}\u0000${ruleId}`;
              const row = merged.get(key);
              merged.set(key, { day, action, outcome: decision.outcome, ruleId, count: (row?.count ?? 0) + count });
            }
          }
        }
      }
      byTenant.set(tenantId, [...merged.values()]);
    }
    return byTenant;
  }

  /** Writes what has been counted so far; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      const rows = DecisionStatsRecorder.toRows(batch);
      for (const [tenantId, stats] of rows) {
        try {
          await this.store.addDecisionStats(tenantId, stats);
        } catch (error) {
          // Count them again so the next flush retries them.
          for (const s of stats) {
            const decision: Decision = { outcome: s.outcome as Decision['outcome'], ruleIds: [s.ruleId], explanation: '' };
            this.record(tenantId, s.day, s.action, decision, s.count);
          }
          this.onError(error);
        }
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

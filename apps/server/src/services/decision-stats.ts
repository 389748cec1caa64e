/**
 * Counts decisions per tenant, day, action, outcome and rule in memory and writes them to the store
 * every few seconds (and at shutdown). Transparency reports count "interactions denied by rule id"
 * from these rows. A crash loses at most one flush interval of counts; decisions themselves are
 * answers, not stored events.
 */
import type { Decision } from '@safeguard/core';
import type { DecisionStat, SafeguardStore } from '@safeguard/store';

export class DecisionStatsRecorder {
  private pending = new Map<string, number>();
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

  record(tenantId: string, day: string, action: string, decision: Decision): void {
    const rules = decision.ruleIds.length > 0 ? decision.ruleIds : ['-'];
    for (const ruleId of rules) {
      const key = `${tenantId}\u0000${day}\u0000${action}\u0000${decision.outcome}\u0000${ruleId}`;
      this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    }
  }

  /** Writes what has been counted so far; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      const byTenant = new Map<string, DecisionStat[]>();
      for (const [key, count] of batch) {
        const [tenantId = '', day = '', action = '', outcome = '', ruleId = ''] = key.split('\u0000');
        const list = byTenant.get(tenantId) ?? [];
        list.push({ day, action, outcome, ruleId, count });
        byTenant.set(tenantId, list);
      }
      try {
        for (const [tenantId, stats] of byTenant) await this.store.addDecisionStats(tenantId, stats);
      } catch (error) {
        // Put the counts back so the next flush retries them.
        for (const [key, count] of batch) this.pending.set(key, (this.pending.get(key) ?? 0) + count);
        this.onError(error);
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

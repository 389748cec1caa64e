/**
 * The retention sweep, hourly: deletes case evidence past its retention date (one year by default;
 * a year after a referral's submission), except for open cases and cases under a legal hold
 * (CaseStore.sweepRetention). The first sweep runs one interval after start, so a starting server
 * does no deletion work before it serves.
 */
import type { Clock } from '@safeguard/core';
import { CaseStore, type SafeguardStore } from '@safeguard/store';
import type { WebhookLog } from './webhooks.js';

export class RetentionSweeper {
  private readonly cases: CaseStore;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    store: SafeguardStore,
    private readonly clock: Clock,
    private readonly log: WebhookLog & { info(obj: Record<string, unknown>, msg: string): void },
    private readonly intervalMs = 3_600_000,
  ) {
    this.cases = new CaseStore(store);
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.running ??= this.sweep().finally(() => {
        this.running = undefined;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  async sweep(): Promise<void> {
    try {
      const result = await this.cases.sweepRetention(this.clock.now());
      if (result.evidenceDeleted > 0 || result.referralsPurged > 0) this.log.info({ ...result }, 'retention sweep deleted expired case evidence');
    } catch (error) {
      this.log.error({ err: error }, 'retention sweep failed; will retry next hour');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

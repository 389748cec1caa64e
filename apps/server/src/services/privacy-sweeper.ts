/**
 * Data minimisation on a timer: message text in conversations with no alert and no report is
 * removed once older than the retention window (only metadata and detection features stay), and
 * preserved image bytes past their retention (one year) are deleted unless under legal hold.
 * Runs on every node; the deletions are idempotent, so several nodes sweeping is harmless.
 */
import type { Clock } from '@safeguard/core';
import { DetectionStore, MediaStore, type SafeguardStore } from '@safeguard/store';

export interface PrivacySweepResult {
  readonly textsRemoved: number;
  readonly evidenceRemoved: number;
}

export class PrivacySweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PrivacySweepResult> | undefined;

  constructor(
    private readonly store: SafeguardStore,
    private readonly clock: Clock,
    /** How long text of conversations without an alert or report is kept. */
    private readonly textRetentionMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = 3_600_000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.sweep().catch(this.onError);
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass over every tenant. */
  sweep(): Promise<PrivacySweepResult> {
    this.running ??= (async () => {
      try {
        const now = this.clock.now();
        const textBefore = new Date(now.getTime() - this.textRetentionMs).toISOString();
        let textsRemoved = 0;
        let evidenceRemoved = 0;
        for (const tenant of await this.store.listTenants()) {
          textsRemoved += await new DetectionStore(this.store).purgeUnretainedText(tenant.id, textBefore);
          evidenceRemoved += await new MediaStore(this.store).purgeExpiredEvidence(tenant.id, now.toISOString());
        }
        return { textsRemoved, evidenceRemoved };
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}

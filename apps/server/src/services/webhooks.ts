/**
 * Webhook delivery: sends the durable outbox (webhook_outbox) to each tenant's endpoints.
 *
 * Contract:
 * - a delivery is POSTed with its stored body, byte for byte, signed with the endpoint's secret
 *   (`Safeguard-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, see @safeguard/cases
 *   webhooks.ts), with `Safeguard-Delivery` (stable across retries) and `Safeguard-Event`;
 * - it is done when the endpoint answers 2xx; anything else (other status, redirect, timeout,
 *   network error) schedules a retry with exponential backoff and jitter, forever, until a 2xx
 *   (the console shows failing deliveries; an admin can fix the endpoint and retry at once);
 * - deliveries are claimed with a lease, so several server processes share the outbox and a
 *   delivery in flight when a process dies is sent again once its lease expires; the platform
 *   de-duplicates by Safeguard-Delivery. State lives only in the database: a restart loses nothing.
 * - payloads are never logged (they carry account ids and notification text).
 */
import { DEFAULT_BACKOFF, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, backoffMs, signPayload, type BackoffOptions } from '@safeguard/cases';
import type { Clock } from '@safeguard/core';
import { CaseStore, type ClaimedDelivery, type SafeguardStore } from '@safeguard/store';

export interface WebhookServiceOptions {
  /** How often to look for due deliveries (ms). */
  readonly pollMs?: number;
  /** Deliveries claimed per pass. */
  readonly batch?: number;
  /** Deliveries sent at once. */
  readonly concurrency?: number;
  /** Per-request timeout (ms). */
  readonly timeoutMs?: number;
  readonly backoff?: BackoffOptions;
}

export interface WebhookLog {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface DeliveryPass {
  readonly attempted: number;
  readonly delivered: number;
  readonly failed: number;
}

export class WebhookDeliveryService {
  private readonly cases: CaseStore;
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly backoff: BackoffOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<DeliveryPass> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    store: SafeguardStore,
    private readonly clock: Clock,
    private readonly log: WebhookLog,
    options: WebhookServiceOptions = {},
  ) {
    this.cases = new CaseStore(store);
    this.pollMs = options.pollMs ?? 1000;
    this.batch = options.batch ?? 50;
    this.concurrency = options.concurrency ?? 8;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  start(): void {
    this.stopped = false;
    this.timer ??= setInterval(() => this.poke(), this.pollMs);
    this.timer.unref();
  }

  /** Looks for due deliveries now (after a decision), without waiting for the next poll. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.runOnce().catch((error: unknown) => this.log.error({ err: error }, 'webhook delivery pass failed; will retry'));
  }

  /** One pass: claim due deliveries and send them. Concurrent calls share the pass in flight. */
  runOnce(): Promise<DeliveryPass> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.poke();
      }
    });
    return this.running;
  }

  /** Stops polling and waits for the pass in flight. Undelivered events stay in the outbox. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<DeliveryPass> {
    const nowMs = this.clock.now().getTime();
    const claimed = await this.cases.claimDueDeliveries(nowMs, this.batch, this.timeoutMs * 2 + 5_000);
    let delivered = 0;
    let failed = 0;
    for (let i = 0; i < claimed.length; i += this.concurrency) {
      const results = await Promise.all(claimed.slice(i, i + this.concurrency).map((d) => this.deliver(d)));
      delivered += results.filter(Boolean).length;
      failed += results.filter((ok) => !ok).length;
    }
    if (claimed.length === this.batch) this.again = true;
    return { attempted: claimed.length, delivered, failed };
  }

  private async deliver(d: ClaimedDelivery): Promise<boolean> {
    const now = this.clock.now();
    const signature = signPayload(d.secret, d.payload, Math.floor(Date.now() / 1000));
    let status: number | null = null;
    let error = '';
    try {
      const response = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Safeguard-Webhooks/1',
          [SIGNATURE_HEADER]: signature,
          [DELIVERY_HEADER]: d.id,
          [EVENT_HEADER]: d.eventType,
          'safeguard-event-id': d.eventId,
        },
        body: d.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      // Drain the body so the connection can be reused; its content is not needed.
      await response.arrayBuffer().catch(() => undefined);
      if (status >= 200 && status < 300) {
        await this.cases.markDelivered(d.tenantId, d.id, status, now);
        return true;
      }
      error = `HTTP ${status}`;
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : 'request failed';
    }
    const retryAt = this.clock.now().getTime() + backoffMs(d.attempts + 1, this.backoff);
    await this.cases.markFailed(d.tenantId, d.id, { status, error }, retryAt);
    this.log.warn({ deliveryId: d.id, event: d.eventType, attempt: d.attempts + 1, status, retryAt: new Date(retryAt).toISOString() }, 'webhook delivery failed; will retry');
    return false;
  }
}

/**
 * Signed webhooks. Each delivery carries
 *   Safeguard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * so the platform can check that Safeguard sent it (the secret is shared only with the platform)
 * and that it is fresh (reject timestamps more than five minutes away, which stops replays).
 * A delivery is retried with exponential backoff until the platform answers 2xx; a retry carries
 * the same body and Safeguard-Delivery id (so the platform can de-duplicate) with a fresh signature.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'safeguard-signature';
export const DELIVERY_HEADER = 'safeguard-delivery';
export const EVENT_HEADER = 'safeguard-event';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export const WEBHOOK_EVENTS = ['case.decided', 'appeal.decided', 'webhook.test'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A new signing secret (shown to the platform once). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body, 'utf8').digest('hex');
}

/** The Safeguard-Signature header value for a body sent at `timestampSeconds`. */
export function signPayload(secret: string, body: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, body)}`;
}

export type SignatureCheck = { readonly ok: true; readonly timestamp: number } | { readonly ok: false; readonly reason: string };

/** What a platform runs on each delivery: the raw body bytes as received, the header, the secret. */
export function verifySignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing signature header' };
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value) signatures.push(value);
  }
  if (timestamp === null) return { ok: false, reason: 'no timestamp in signature header' };
  if (signatures.length === 0) return { ok: false, reason: 'no v1 signature in header' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'timestamp outside tolerance' };
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  for (const candidate of signatures) {
    const given = Buffer.from(candidate, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, timestamp };
  }
  return { ok: false, reason: 'signature does not match' };
}

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2_000, maxMs: 3_600_000 };

/** Delay before retry number `attempt` (1 = first retry): doubling, capped, with ±20% jitter. */
export function backoffMs(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
  return Math.max(1, Math.round(exp * (0.8 + 0.4 * random())));
}

/**
 * The message bus for scale-out: `SAFEGUARD_BUS_URL=nats://host:4222` switches message ingestion
 * from inline processing (the embedded default: each batch is scored and stored in the request's
 * transaction) to queued processing: API nodes publish to NATS JetStream, partitioned by
 * conversation, and `safeguard worker` processes consume, keep conversation state in the store
 * and raise alerts. Query parameters tune the topology: `stream`, `prefix`, `durable`, `partitions`.
 */
import { SafeguardError, type MessageBus } from '@safeguard/core';
import { createNatsBus } from '@safeguard/bus';

/** What is carried for one message on the bus. */
export interface QueuedMessage {
  readonly tenantId: string;
  readonly receivedAt: string;
  readonly message: {
    readonly idempotencyKey: string;
    readonly conversationId: string;
    readonly sender: string;
    readonly recipients: readonly string[];
    readonly timestamp?: string | undefined;
    readonly text: string;
  };
}

/**
 * Longest text carried on the bus. NATS's default payload limit is 1 MB; the detector scores only
 * the first 8,192 characters, so longer texts travel as their first 256 Ki characters.
 */
export const MAX_BUS_TEXT_CHARS = 256 * 1024;

export async function openBus(url: string): Promise<MessageBus> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SafeguardError('validation_failed', `SAFEGUARD_BUS_URL is not a URL: "${url}"`);
  }
  if (parsed.protocol !== 'nats:') {
    throw new SafeguardError('validation_failed', `SAFEGUARD_BUS_URL must be nats://host:port, got "${parsed.protocol}//…"`);
  }
  const stream = parsed.searchParams.get('stream');
  const subjectPrefix = parsed.searchParams.get('prefix');
  const durable = parsed.searchParams.get('durable');
  const partitions = parsed.searchParams.get('partitions');
  return createNatsBus({
    servers: `nats://${parsed.host}`,
    ...(stream ? { stream } : {}),
    ...(subjectPrefix ? { subjectPrefix } : {}),
    ...(durable ? { durable } : {}),
    ...(partitions ? { partitions: Number(partitions) } : {}),
  });
}

export function encodeQueued(value: QueuedMessage): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function decodeQueued(data: Uint8Array): QueuedMessage {
  const value = JSON.parse(new TextDecoder().decode(data)) as QueuedMessage;
  if (typeof value.tenantId !== 'string' || typeof value.message?.idempotencyKey !== 'string') {
    throw new SafeguardError('validation_failed', 'not a queued message');
  }
  return value;
}

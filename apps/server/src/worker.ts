/**
 * `safeguard worker`: the scale-out consumer. Takes partitions of the message bus, applies each
 * batch through the same ingest code the embedded server uses (idempotent by message key, state in
 * the store, alerts and cases in the same transaction), and acks only after that commit. A worker
 * killed mid-batch loses nothing: the unacked messages are redelivered, and messages it had
 * already committed are recognised by their keys and not applied twice.
 */
import pino from 'pino';
import { systemClock, type BusConsumer, type Delivery, type MessageBus } from '@safeguard/core';
import type { SafeguardStore } from '@safeguard/store';
import { decodeQueued, openBus, type QueuedMessage } from './bus.js';
import type { SafeguardConfig } from './config.js';
import { loggerOptions } from './logging.js';
import { openStore } from './server.js';
import { appendToAlertCase, openCaseForAlert } from './services/alert-cases.js';
import { IngestService } from './services/ingest-service.js';
import { PolicyService } from './services/policy-service.js';

export interface RunningWorker {
  readonly consumer: BusConsumer;
  readonly processed: () => number;
  close(): Promise<void>;
}

export interface WorkerOptions {
  readonly maxBatch?: number;
  readonly handleSignals?: boolean;
}

export async function startWorker(config: SafeguardConfig, options: WorkerOptions = {}): Promise<RunningWorker> {
  if (!config.busUrl) throw new Error('safeguard worker needs SAFEGUARD_BUS_URL (nats://host:4222)');
  const log = pino(loggerOptions(config.logLevel) as pino.LoggerOptions);
  const store: SafeguardStore = await openStore(config);
  const bus: MessageBus = await openBus(config.busUrl);
  // Cached facts may be stale for this long; other nodes write accounts and connections.
  const policy = new PolicyService(store, { cacheTtlMs: 2_000, clock: systemClock });
  const ingest = new IngestService(store, policy, { clock: systemClock, alertHooks: [openCaseForAlert], alertedConversationHooks: [appendToAlertCase] });
  let processed = 0;

  const consumer = await bus.consume(
    async ({ deliveries, signal, partition }) => {
      const runs: { tenantId: string; receivedAt: string; items: { delivery: Delivery; queued: QueuedMessage }[] }[] = [];
      for (const delivery of deliveries) {
        let queued: QueuedMessage;
        try {
          queued = decodeQueued(delivery.data);
        } catch {
          log.error({ partition, id: delivery.id }, 'undecodable message on the bus: terminated');
          await delivery.term();
          continue;
        }
        const last = runs[runs.length - 1];
        if (last && last.tenantId === queued.tenantId && last.receivedAt === queued.receivedAt) last.items.push({ delivery, queued });
        else runs.push({ tenantId: queued.tenantId, receivedAt: queued.receivedAt, items: [{ delivery, queued }] });
      }
      for (const run of runs) {
        if (signal.aborted) return; // lost the partition: another worker redoes what is unacked
        await ingest.ingest(
          run.tenantId,
          run.items.map((i) => i.queued.message),
          run.receivedAt,
        );
        if (signal.aborted) return;
        // Acks are independent round trips to the broker: send them together.
        await Promise.all(run.items.map((item) => item.delivery.ack()));
        processed += run.items.length;
      }
    },
    {
      maxBatch: options.maxBatch ?? 500,
      // Enough in flight that several partitions' batches arrive together and share one commit
      // (the ingest groups concurrent batches into one transaction).
      maxInFlight: 8000,
      onError: (error) => log.error({ err: error }, 'worker error; unacked messages will be redelivered'),
    },
  );
  log.info({ partitions: bus.partitions }, 'worker consuming');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await consumer.drain({ timeoutMs: 30_000 });
      await bus.close();
      await store.close();
    })();
    return closing;
  };
  if (options.handleSignals !== false) {
    const onSignal = (): void => {
      log.info('worker draining');
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { consumer, processed: () => processed, close };
}

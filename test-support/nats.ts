/**
 * Access to the real NATS JetStream server for bus tests. Tests run against it when it answers and
 * say clearly when they are skipped; with SAFEGUARD_REQUIRE_SERVICES=1 (set by .ci/run) a missing
 * server fails the run instead of skipping. Each test run gets fresh stream names and a fresh
 * subject prefix, and deletes its streams afterwards, so runs never see each other's messages.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export const NATS_TEST_URL = process.env.SAFEGUARD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const SERVICES_REQUIRED = process.env.SAFEGUARD_REQUIRE_SERVICES === '1';

let probe: Promise<boolean> | undefined;

/** Whether NATS with JetStream answers at NATS_TEST_URL (probed once per test file). */
export function natsAvailable(): Promise<boolean> {
  probe ??= (async () => {
    try {
      const nc = await connect({ servers: NATS_TEST_URL, timeout: 2000, reconnect: false });
      try {
        const jsm = await jetstreamManager(nc, { timeout: 2000 });
        await jsm.getAccountInfo();
        return true;
      } finally {
        await nc.close();
      }
    } catch {
      return false;
    }
  })();
  return probe;
}

/** Resolves to whether to run; logs the skip, or throws when services are required. */
export async function checkNats(what: string): Promise<boolean> {
  if (await natsAvailable()) return true;
  const message = `NATS JetStream not reachable at ${NATS_TEST_URL}: ${what} SKIPPED`;
  if (SERVICES_REQUIRED) throw new Error(`${message} (SAFEGUARD_REQUIRE_SERVICES=1 requires it)`);
  console.warn(`\n*** ${message} ***\n`);
  return false;
}

export interface NatsNamespace {
  readonly url: string;
  /** Stream name (the coordination stream is `<stream>_COORD`). */
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly durable: string;
  /** Deletes every stream whose name starts with `stream` (the bus's and its coordination stream). */
  readonly cleanup: () => Promise<void>;
}

/** Fresh, unique stream and subject names for one test run, and a function that removes them. */
export function freshNatsNamespace(prefix = 'SG_TEST'): NatsNamespace {
  const token = randomBytes(6).toString('hex');
  const stream = `${prefix}_${token}`.toUpperCase();
  return {
    url: NATS_TEST_URL,
    stream,
    subjectPrefix: `sgtest.${token}`,
    durable: `sgtest-${token}`,
    cleanup: async () => {
      const nc = await connect({ servers: NATS_TEST_URL, timeout: 2000, reconnect: false });
      try {
        const jsm = await jetstreamManager(nc);
        for await (const info of jsm.streams.list()) {
          if (info.config.name === stream || info.config.name.startsWith(`${stream}_`)) await jsm.streams.delete(info.config.name);
        }
      } finally {
        await nc.close();
      }
    },
  };
}

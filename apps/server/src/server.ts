/**
 * Running the server: open the database, migrate, optionally seed the demo tenant, listen, and shut
 * down gracefully on SIGINT/SIGTERM (stop accepting, finish in-flight requests, flush, close).
 */
import { migrateToLatest, openDatabase, schemaOf, SafeguardStore } from '@safeguard/store';
import { buildApp, type SafeguardApp } from './app.js';
import { openBus } from './bus.js';
import type { SafeguardConfig } from './config.js';
import { seedDemo, type DemoSeedResult } from './demo-seed.js';

export interface RunningServer {
  readonly app: SafeguardApp;
  readonly store: SafeguardStore;
  readonly url: string;
  readonly demo: DemoSeedResult | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly demo?: boolean;
  readonly logStream?: NodeJS.WritableStream;
  /** Install SIGINT/SIGTERM handlers that close the server (default true). */
  readonly handleSignals?: boolean;
}

export async function openStore(config: SafeguardConfig): Promise<SafeguardStore> {
  const handle = openDatabase(config.databaseUrl);
  await migrateToLatest(handle, schemaOf(config.databaseUrl));
  return SafeguardStore.fromHandle(handle);
}

export async function startServer(config: SafeguardConfig, options: StartOptions = {}): Promise<RunningServer> {
  const store = await openStore(config);
  const demo = options.demo ? await seedDemo(store, config.dataDir) : undefined;
  const bus = config.busUrl ? await openBus(config.busUrl) : undefined;
  const app = await buildApp({
    ...(bus ? { bus } : {}),
    store,
    logLevel: config.logLevel,
    ...(options.logStream ? { logStream: options.logStream } : {}),
    // Several API nodes can share PostgreSQL: trust cached facts for less time there.
    cacheTtlMs: config.embedded ? 60_000 : 2_000,
    textRetentionHours: config.textRetentionHours,
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      app.services.accepting = false;
      await app.close();
      await bus?.close();
      await store.close();
    })();
    return closing;
  };

  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (closing) {
        app.log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'error during shutdown');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { app, store, url, demo, close };
}

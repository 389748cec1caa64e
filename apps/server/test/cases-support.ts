/**
 * Test support for the moderation tests: a real local HTTP server standing in for the platform's
 * webhook endpoint (it records raw bodies and headers and answers with scripted statuses), and a
 * test server whose webhook delivery is tuned for tests (fast polling and backoff).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Role } from '@safeguard/core';
import { migrateToLatest, openDatabase, SafeguardStore, type Database } from '@safeguard/store';
import type { Kysely } from 'kysely';
import { buildApp, type SafeguardApp } from '../src/app.js';
import type { WebhookServiceOptions } from '../src/services/webhooks.js';
import type { TestTenant } from './harness.js';

export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  /** The raw body bytes as received (what a platform verifies the signature over). */
  readonly body: string;
  readonly answered: number;
  readonly at: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Statuses to answer with, in order; once used up, 204. */
  script(statuses: readonly number[]): void;
  /** Resolves when `count` requests matching `filter` have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, filter?: (r: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = statuses.shift() ?? 204;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered, at: Date.now() });
      res.statusCode = answered;
      res.end(answered >= 400 ? 'not now' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/safeguard-webhooks`,
    received,
    script(list) {
      statuses = [...list];
    },
    async waitFor(count, filter = () => true, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = received.filter(filter);
        if (matching.length >= count) return matching;
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook requests, got ${matching.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface CaseTestServer {
  readonly app: SafeguardApp;
  readonly store: SafeguardStore;
  readonly db: Kysely<Database>;
  readonly file: string;
  tenant(name: string): Promise<TestTenant>;
  /** Closes the app and the database, keeping the file (to restart on it). */
  stop(): Promise<void>;
  /** Stops and deletes the database directory. */
  close(): Promise<void>;
}

export const FAST_WEBHOOKS: WebhookServiceOptions = { pollMs: 50, backoff: { baseMs: 150, maxMs: 1000 }, timeoutMs: 2000 };

/** A real app over a real SQLite file, with webhook delivery tuned by `webhooks`. */
export async function createCaseTestServer(options: { webhooks?: WebhookServiceOptions; file?: string } = {}): Promise<CaseTestServer> {
  const dir = options.file ? null : mkdtempSync(join(tmpdir(), 'sg-cases-server-'));
  const file = options.file ?? join(dir as string, 'test.sqlite');
  const handle = openDatabase(file);
  await migrateToLatest(handle);
  const store = SafeguardStore.fromHandle(handle);
  const logStream = new Writable({ write: (_c, _e, cb) => cb() });
  const app = await buildApp({ store, logLevel: 'warn', logStream, webhooks: options.webhooks ?? FAST_WEBHOOKS });
  await app.ready();
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await store.close();
  };
  return {
    app,
    store,
    db: handle.db,
    file,
    async tenant(name) {
      const tenant = await store.createTenant(name);
      const keys: Partial<Record<Role, string>> = {};
      const keyIds: Partial<Record<Role, string>> = {};
      for (const role of ['platform', 'moderator', 'admin', 'regulator'] as const) {
        const created = await store.createApiKey(tenant.id, role, `${role} key`);
        keys[role] = created.key;
        keyIds[role] = created.id;
      }
      return { id: tenant.id, name, keys: keys as Record<Role, string>, keyIds: keyIds as Record<Role, string> };
    },
    stop,
    async close() {
      await stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` passes (the platform may see a delivery before Safeguard records the 2xx). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The names of the direct children of the first element `parent` in an XML document, in order. */
export function childrenOf(xml: string, parent: string): string[] {
  const start = xml.indexOf(`<${parent}>`);
  if (start < 0) return [];
  const end = xml.indexOf(`</${parent}>`, start);
  const inner = xml.slice(start + parent.length + 2, end);
  const names: string[] = [];
  let depth = 0;
  for (const m of inner.matchAll(/<(\/?)([A-Za-z][\w]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (closing) depth -= 1;
    else {
      if (depth === 0) names.push(name as string);
      if (!selfClosing) depth += 1;
    }
  }
  return names;
}

/**
 * Test harness: a real app over a real SQLite file (or PostgreSQL schema), driven in-process with
 * fastify.inject. Creates a tenant with one key per role.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Role } from '@safeguard/core';
import { migrateToLatest, openDatabase, SafeguardStore, type Database } from '@safeguard/store';
import type { Kysely } from 'kysely';
import type { Clock } from '@safeguard/core';
import { buildApp, type SafeguardApp } from '../src/app.js';

export interface TestTenant {
  readonly id: string;
  readonly name: string;
  readonly keys: Readonly<Record<Role, string>>;
  readonly keyIds: Readonly<Record<Role, string>>;
}

export interface TestServer {
  readonly app: SafeguardApp;
  readonly store: SafeguardStore;
  /** Raw database access, for tests that inspect or tamper with rows. */
  readonly db: Kysely<Database>;
  readonly logs: string[];
  tenant(name: string): Promise<TestTenant>;
  close(): Promise<void>;
}

export async function createTestServer(options: { clock?: Clock; databaseUrl?: string; schema?: string } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sg-server-'));
  const handle = openDatabase(options.databaseUrl ?? join(dir, 'test.sqlite'));
  await migrateToLatest(handle, options.schema ?? null);
  const store = SafeguardStore.fromHandle(handle);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const app = await buildApp({ store, logLevel: 'info', logStream, ...(options.clock ? { clock: options.clock } : {}) });
  await app.ready();
  return {
    app,
    store,
    db: handle.db,
    logs,
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
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const auth = (key: string): { authorization: string } => ({ authorization: `Bearer ${key}` });

/** A birth date that makes someone `years` old on `today` (plus a few months). */
export function birthDateFor(years: number, today = new Date()): string {
  return new Date(Date.UTC(today.getUTCFullYear() - years, today.getUTCMonth() - 3, 10)).toISOString().slice(0, 10);
}

/**
 * The typed client against a real Safeguard server listening on a loopback port (real HTTP, real
 * SQLite): path, query and JSON bodies travel as documented, answers come back typed, and errors
 * arrive as SafeguardApiError with the server's code, message and details.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type SafeguardApp } from '@safeguard/server';
import { migrateToLatest, openDatabase, SafeguardStore } from '@safeguard/store';
import { SafeguardApiError, SafeguardClient } from '../src/index.js';

let app: SafeguardApp;
let store: SafeguardStore;
let dir: string;
let client: SafeguardClient;
let baseUrl: string;

const birth = (years: number): string => `${new Date().getUTCFullYear() - years - 1}-06-15`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-client-'));
  const handle = openDatabase(join(dir, 'db.sqlite'));
  await migrateToLatest(handle, null);
  store = SafeguardStore.fromHandle(handle);
  app = await buildApp({ store, logLevel: 'silent' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const tenant = await store.createTenant('client-test');
  const key = await store.createApiKey(tenant.id, 'platform', 'client test');
  client = new SafeguardClient({ baseUrl, apiKey: key.key });
});

afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SafeguardClient', () => {
  it('creates accounts and reads them back (path parameters, JSON bodies, 201 and 200)', async () => {
    const child = await client.putAccountsById({ params: { id: 'kid-1' }, body: { birthDate: birth(11), jurisdiction: 'UK' } });
    expect(child).toMatchObject({ id: 'kid-1', ageBand: 'under13', child: true });
    await client.putAccountsById({ params: { id: 'adult:1' }, body: { birthDate: birth(40), jurisdiction: 'UK' } });
    const read = await client.getAccountsById({ params: { id: 'adult:1' } });
    expect(read.ageBand).toBe('adult');
  });

  it('returns decisions with their rules and explanation', async () => {
    const decision = await client.postDecisions({ body: { action: 'message.send', actor: 'adult:1', target: 'kid-1' } });
    expect('outcome' in decision && decision.outcome).toBe('deny');
    expect('ruleIds' in decision && decision.ruleIds).toContain('DEF-05');
    const batch = await client.postDecisions({ body: { items: [{ action: 'suggestion.show', actor: 'adult:1', target: 'kid-1' }] } });
    expect('results' in batch && batch.results[0]?.outcome).toBe('deny');
  });

  it('raises SafeguardApiError with the code and details of a refusal', async () => {
    const error = await client
      .postConnectionsByAction({ params: { action: 'request' }, body: { actor: 'adult:1', target: 'kid-1' } })
      .then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(SafeguardApiError);
    const apiError = error as SafeguardApiError;
    expect(apiError.status).toBe(403);
    expect(apiError.code).toBe('policy_denied');
    expect((apiError.details as { decision: { explanation: string } }).decision.explanation.length).toBeGreaterThan(10);
    expect(apiError.operation).toBe('POST /v1/connections/{action}');
  });

  it('sends query parameters and omits the ones left out', async () => {
    const list = await client.getAccountsByIdConnections({ params: { id: 'adult:1' }, query: { limit: 5 } });
    expect(list).toMatchObject({ accountId: 'adult:1', viewer: 'adult:1', connections: [] });
    const error = await client.getAccountsByIdConnections({ params: { id: 'adult:1' }, query: { limit: 9999 } }).catch((e: unknown) => e);
    expect((error as SafeguardApiError).code).toBe('validation_failed');
  });

  it('refuses a wrong key (401) and a permission the role lacks (403)', async () => {
    const stranger = new SafeguardClient({ baseUrl, apiKey: 'sgk_nope_nope' });
    expect(((await stranger.getAccountsById({ params: { id: 'kid-1' } }).catch((e: unknown) => e)) as SafeguardApiError).status).toBe(401);
    expect(((await client.getKeys().catch((e: unknown) => e)) as SafeguardApiError).status).toBe(403);
  });

  it('reads the live OpenAPI document to learn what this server supports', async () => {
    expect(await client.supports('POST', '/v1/decisions')).toBe(true);
    expect(await client.supports('post', '/v1/messages')).toBe(true);
    expect(await client.supports('POST', '/v1/no-such-route')).toBe(false);
  });
});

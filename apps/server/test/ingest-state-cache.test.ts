/**
 * The ingest path keeps parsed conversation states in memory between batches. These tests hold it
 * to the stored rows: a cached service answers and stores exactly what an uncached one does, a
 * state written by someone else is never replaced by a stale cached one, and a rolled-back batch
 * leaves no half-stepped state behind. Conversation text is synthetic, written for the project.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IngestService, type IncomingMessage, type MessageResult } from '../src/services/ingest-service.js';
import { ConversationStateCache } from '../src/services/state-cache.js';
import { createGroomingDetector } from '@safeguard/detect-text';
import { auth, birthDateFor, createTestServer, type TestServer, type TestTenant } from './harness.js';

const LINES = [
  'hey are you on tonight',
  'yeah after dinner',
  'how old are you btw',
  'im 12',
  'keep this between us ok',
  'add me on the other app its easier',
  'gg that was close',
  'are your parents home right now',
  'send me a pic so i know its you',
  'my mum says homework first',
];
const PEOPLE = ['adult-a', 'adult-b', 'kid-a', 'kid-b'];
const AGES: Record<string, number> = { 'adult-a': 34, 'adult-b': 41, 'kid-a': 12, 'kid-b': 13 };

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setUp(): Promise<{ server: TestServer; tenant: TestTenant }> {
  const server = await createTestServer();
  servers.push(server);
  const tenant = await server.tenant('state-cache');
  for (const id of PEOPLE) {
    await server.app.inject({ method: 'PUT', url: `/v1/accounts/${id}`, headers: auth(tenant.keys.platform), payload: { birthDate: birthDateFor(AGES[id] ?? 30) } });
  }
  return { server, tenant };
}

const serviceOn = (server: TestServer, stateCacheEntries?: number): IngestService =>
  new IngestService(server.store, server.app.services.policy, stateCacheEntries === undefined ? {} : { stateCacheEntries });

/** What must match between two services (alert ids are random). */
const comparable = (results: readonly MessageResult[]) => results.map(({ alertId, ...r }) => ({ ...r, alerted: alertId !== null }));

async function storedConversations(server: TestServer, tenantId: string) {
  return server.db
    .selectFrom('conversations')
    .select(['id', 'state', 'messages', 'score', 'retain_text'])
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .execute();
}

const message = (key: string, conversation: string, sender: string, recipient: string, line: number): IncomingMessage => ({
  idempotencyKey: key,
  conversationId: conversation,
  sender,
  recipients: [recipient],
  text: LINES[line % LINES.length] ?? '',
});

describe('ingest conversation-state cache', () => {
  it('answers and stores exactly what an uncached service does, batch after batch', async () => {
    const batchArb = fc.array(
      fc.record({
        conversation: fc.integer({ min: 0, max: 5 }),
        pair: fc.integer({ min: 0, max: 3 }),
        line: fc.integer({ min: 0, max: 40 }),
        resend: fc.boolean(),
      }),
      { minLength: 1, maxLength: 30 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 2, maxLength: 6 }), async (batches) => {
        const cached = await setUp();
        const plain = await setUp();
        const withCache = serviceOn(cached.server);
        const withoutCache = serviceOn(plain.server, 0);
        let key = 0;
        for (const [b, spec] of batches.entries()) {
          const batch = spec.map((m) => {
            const adult = PEOPLE[m.pair % 2] ?? 'adult-a';
            const kid = PEOPLE[2 + (m.pair >> 1)] ?? 'kid-a';
            const fromAdult = m.line % 3 !== 0;
            // Some messages resend an earlier key (an idempotent retry).
            const id = m.resend && key > 0 ? `k${m.line % key}` : `k${key++}`;
            return message(id, `c${m.conversation}`, fromAdult ? adult : kid, fromAdult ? kid : adult, m.line);
          });
          const at = `2026-11-29T10:${String(b).padStart(2, '0')}:00.000Z`;
          const a = await withCache.ingest(cached.tenant.id, batch, at);
          const p = await withoutCache.ingest(plain.tenant.id, batch, at);
          expect(comparable(a)).toEqual(comparable(p));
        }
        const rowsCached = await storedConversations(cached.server, cached.tenant.id);
        const rowsPlain = await storedConversations(plain.server, plain.tenant.id);
        expect(rowsCached.map(({ state, messages, score, id }) => ({ id, state, messages, score }))).toEqual(
          rowsPlain.map(({ state, messages, score, id }) => ({ id, state, messages, score })),
        );
        await Promise.all([cached.server.close(), plain.server.close()]);
        servers.length = 0;
      }),
      { numRuns: 8, seed: 20261129 },
    );
  });

  it('never uses a cached state once another writer has moved the conversation on', async () => {
    const { server, tenant } = await setUp();
    const first = serviceOn(server);
    const second = serviceOn(server);
    await first.ingest(tenant.id, [message('m0', 'c', 'adult-a', 'kid-a', 0), message('m1', 'c', 'kid-a', 'adult-a', 1)]);
    // Another process (here: another service on the same database) writes the next message.
    await second.ingest(tenant.id, [message('m2', 'c', 'adult-a', 'kid-a', 2)]);
    const [next] = await first.ingest(tenant.id, [message('m3', 'c', 'kid-a', 'adult-a', 3)]);
    expect(next?.index).toBe(3);
    const [row] = await storedConversations(server, tenant.id);
    expect(row?.messages).toBe(4);
    expect((JSON.parse(row?.state ?? '{}') as { n: number }).n).toBe(4);
  });

  it('keeps no half-stepped state from a batch whose transaction rolled back', async () => {
    const { server, tenant } = await setUp();
    let failNext = false;
    const service = new IngestService(server.store, server.app.services.policy, {
      alertedConversationHooks: [
        () => {
          if (!failNext) return Promise.resolve();
          failNext = false;
          return Promise.reject(new Error('simulated failure inside the ingest transaction'));
        },
      ],
    });
    const ref = await setUp();
    const reference = serviceOn(ref.server, 0);
    const referenceTenant = ref.tenant.id;
    const grooming = [0, 2, 4, 5, 7, 8].map((line, i) => message(`g${i}`, 'c', 'adult-a', 'kid-a', line));
    const at = '2026-11-29T10:00:00.000Z';
    const alerted = await service.ingest(tenant.id, grooming, at);
    await reference.ingest(referenceTenant, grooming, at);
    expect(alerted.some((r) => r.alertId !== null)).toBe(true);

    const next = [message('n0', 'c', 'adult-a', 'kid-a', 8), message('n1', 'c', 'kid-a', 'adult-a', 9)];
    failNext = true;
    await expect(service.ingest(tenant.id, next, at)).rejects.toThrow(/simulated failure/);
    const retried = await service.ingest(tenant.id, next, at);
    const expected = await reference.ingest(referenceTenant, next, at);
    expect(retried.map((r) => r.index)).toEqual([6, 7]);
    expect(comparable(retried)).toEqual(comparable(expected));
  });
});

describe('ConversationStateCache', () => {
  const entry = (n: number) => {
    const state = { ...createGroomingDetector().init(), n };
    return { json: JSON.stringify(state), state, scores: new Map<string, number>() };
  };

  it('hands a state out once, only for the exact JSON it was committed with', () => {
    const cache = new ConversationStateCache(10);
    const a = entry(3);
    cache.putCommitted(new Map([['t\u0000a', a]]));
    expect(cache.take('t\u0000a', JSON.stringify({ ...a.state, n: 4 }))).toBeUndefined();
    // A mismatch drops the entry too: it is stale.
    expect(cache.size).toBe(0);
    cache.putCommitted(new Map([['t\u0000a', a]]));
    expect(cache.take('t\u0000a', a.json)?.state).toBe(a.state);
    expect(cache.take('t\u0000a', a.json)).toBeUndefined();
  });

  it('stays within its bound, dropping the least recently stored', () => {
    const cache = new ConversationStateCache(3);
    for (let i = 0; i < 5; i += 1) cache.putCommitted(new Map([[`c${i}`, entry(i)]]));
    expect(cache.size).toBe(3);
    expect(cache.take('c0', entry(0).json)).toBeUndefined();
    expect(cache.take('c4', entry(4).json)?.state.n).toBe(4);
    const none = new ConversationStateCache(0);
    none.putCommitted(new Map([['c', entry(1)]]));
    expect(none.size).toBe(0);
  });
});

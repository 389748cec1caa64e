/**
 * Scale-out on the real PostgreSQL and NATS JetStream servers (issue 7): API nodes publish, any
 * number of `safeguard worker` processes consume; killing a worker with SIGKILL mid-stream loses
 * no message and duplicates no alert. Skipped, saying so, when either server is absent (CI
 * requires both).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionStore, SafeguardStore, migrateToLatest, openDatabase } from '@safeguard/store';
import { checkNats, freshNatsNamespace, type NatsNamespace } from '../../../test-support/nats.js';
import { checkPostgres, freshPostgresSchema } from '../../../test-support/postgres.js';
import { buildApp, type SafeguardApp } from '../src/app.js';
import { openBus } from '../src/bus.js';
import { auth, birthDateFor } from './harness.js';

const run = (await checkPostgres('scale-out tests')) && (await checkNats('scale-out tests'));
const bin = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'safeguard.js');

const GROOMING = [
  'hey you are really good at this game',
  'how old are you?',
  'you are so mature for your age',
  'this is our secret ok, dont tell your parents',
  'are your parents home right now',
  'add me on snap its easier there',
  'send me a pic of you',
  'lets meet up this weekend just us',
  'delete these messages after you read them',
];
const BENIGN = ['did you finish the homework', 'yeah it was hard', 'see you at practice', 'my mum is driving us', 'ok cool'];

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!run)('scale-out: PostgreSQL + NATS JetStream', () => {
  let schema: ReturnType<typeof freshPostgresSchema>;
  let nats: NatsNamespace;
  let busUrl: string;
  let app: SafeguardApp;
  let store: SafeguardStore;
  let key: string;
  let tenantId: string;
  const workers: ChildProcess[] = [];

  const spawnWorker = (): ChildProcess => {
    const child = spawn(process.execPath, [bin, 'worker', '--log-level', 'warn', '--max-batch', '50'], {
      env: { ...process.env, SAFEGUARD_DATABASE_URL: schema.url, SAFEGUARD_BUS_URL: busUrl },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    workers.push(child);
    return child;
  };

  beforeAll(async () => {
    schema = freshPostgresSchema('sg_scale');
    nats = freshNatsNamespace('SG_SCALE');
    busUrl = `${nats.url}?stream=${nats.stream}&prefix=${nats.subjectPrefix}&durable=${nats.durable}&partitions=4`;
    const handle = openDatabase(schema.url);
    await migrateToLatest(handle, schema.schema);
    store = SafeguardStore.fromHandle(handle);
    const tenant = await store.createTenant('scale');
    tenantId = tenant.id;
    key = (await store.createApiKey(tenantId, 'admin', 'scale test')).key;
    app = await buildApp({ store, logLevel: 'warn', bus: await openBus(busUrl), cacheTtlMs: 2000 });
    await app.ready();
    for (let i = 0; i < 20; i += 1) {
      for (const [id, age] of [
        [`adult-${i}`, 35],
        [`child-${i}`, 12],
      ] as const) {
        const r = await app.inject({ method: 'PUT', url: `/v1/accounts/${id}`, headers: auth(key), payload: { birthDate: birthDateFor(age) } });
        expect(r.statusCode).toBe(201);
      }
    }
  });

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await app?.close();
    await app?.services.bus?.close();
    await store?.close();
    await schema?.drop();
    await nats?.cleanup();
  });

  it('API nodes queue messages and a killed worker loses nothing and duplicates no alert', async () => {
    // 10 grooming and 10 benign conversations, interleaved, sent in many small batches.
    const all: { idempotencyKey: string; conversationId: string; sender: string; recipients: string[]; text: string }[] = [];
    for (let round = 0; round < 60; round += 1) {
      for (let c = 0; c < 20; c += 1) {
        const lines = c < 10 ? GROOMING : BENIGN;
        const text = lines[round % lines.length] ?? '';
        const adultSpeaks = c < 10 ? round % 4 !== 3 : round % 2 === 0;
        all.push({
          idempotencyKey: `m-${c}-${round}`,
          conversationId: `conv-${c}`,
          sender: adultSpeaks ? `adult-${c}` : `child-${c}`,
          recipients: [adultSpeaks ? `child-${c}` : `adult-${c}`],
          text: c < 10 ? text : `${text} (${round})`,
        });
      }
    }
    const posted = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i += 100) {
        const r = await app.inject({ method: 'POST', url: '/v1/messages', headers: auth(key), payload: { messages: all.slice(i, Math.min(i + 100, to)) } });
        expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
        expect(r.json<{ results: { queued: boolean }[] }>().results.every((x) => x.queued)).toBe(true);
      }
    };
    await posted(0, all.length / 2);

    const count = async (): Promise<number> => {
      const row = await store.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };

    const first = spawnWorker();
    await waitFor('the worker to commit some messages', async () => (await count()) >= 100);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = await count();
    expect(atKill).toBeLessThan(all.length);

    // More traffic while no worker runs, then two workers share the partitions.
    await posted(all.length / 2, all.length);
    spawnWorker();
    spawnWorker();
    await waitFor('every message to be processed', async () => (await count()) === all.length, 120_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await count()).toBe(all.length);

    const detection = new DetectionStore(store);
    const alerts = await detection.listAlerts(tenantId, { kind: 'grooming', limit: 100 });
    const byConversation = new Map<string, number>();
    for (const a of alerts) byConversation.set(a.conversationId ?? '', (byConversation.get(a.conversationId ?? '') ?? 0) + 1);
    expect([...byConversation.values()].every((n) => n === 1)).toBe(true);
    const groomed = [...byConversation.keys()].filter((c) => Number(c.split('-')[1]) < 10);
    expect(groomed.length).toBeGreaterThanOrEqual(9);
    expect([...byConversation.keys()].filter((c) => Number(c.split('-')[1]) >= 10)).toEqual([]);
    // Every conversation's messages were applied in order, each exactly once.
    for (let c = 0; c < 20; c += 1) {
      const msgs = await detection.conversationMessages(tenantId, `conv-${c}`, { limit: 100 });
      expect(msgs.map((m) => m.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(msgs.map((m) => m.idempotencyKey)).toEqual(Array.from({ length: 60 }, (_, i) => `m-${c}-${i}`));
    }
    // Alerts became cases, once each.
    const caseRows = await store.db.selectFrom('case_alerts').select('alert_id').where('tenant_id', '=', tenantId).execute();
    expect(new Set(caseRows.map((r) => r.alert_id)).size).toBe(caseRows.length);
    expect(caseRows.length).toBe(alerts.length);
  }, 240_000);
});

/**
 * The webhook delivery service against a real local HTTP server: an endpoint that fails and then
 * acknowledges gets the same delivery again (same Safeguard-Delivery id and body, fresh valid
 * signature) until it answers 2xx; deliveries survive a restart of the server; events raised
 * before any endpoint existed are delivered once one is configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '@safeguard/cases';
import { openCaseFromAlert } from '@safeguard/store';
import { auth, birthDateFor, type TestTenant } from './harness.js';
import { createCaseTestServer, eventually, startWebhookReceiver, FAST_WEBHOOKS, type CaseTestServer, type WebhookReceiver } from './cases-support.js';

let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
});

const caseOf = (body: string): string | undefined => (JSON.parse(body) as { data?: { caseId?: string } }).data?.caseId;

async function setup(server: CaseTestServer, name: string): Promise<TestTenant> {
  const tenant = await server.tenant(name);
  for (const [id, age] of [
    [`${name}-child`, 14],
    [`${name}-adult`, 38],
  ] as const) {
    await server.app.inject({ method: 'PUT', url: `/v1/accounts/${id}`, headers: auth(tenant.keys.platform), payload: { birthDate: birthDateFor(age) } });
  }
  return tenant;
}

async function decideOne(server: CaseTestServer, tenant: TestTenant, name: string): Promise<string> {
  const opened = await openCaseFromAlert(server.store, tenant.id, {
    alertId: `${name}-alert`,
    kind: 'contact-risk',
    accountId: `${name}-adult`,
    otherAccountIds: [`${name}-child`],
    score: 0.7,
    signals: [],
    raisedAt: new Date().toISOString(),
  });
  const r = await server.app.inject({ method: 'POST', url: `/v1/cases/${opened.caseId}/decisions`, headers: auth(tenant.keys.moderator), payload: { action: 'restrict', durationDays: 14 } });
  expect(r.statusCode).toBe(201);
  return opened.caseId;
}

describe('webhook delivery', () => {
  it('retries a failing endpoint with backoff until it acknowledges, each attempt signed', async () => {
    const server = await createCaseTestServer();
    try {
      const tenant = await setup(server, 'retry');
      const created = await server.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth(tenant.keys.admin), payload: { url: `${receiver.url}/retry` } });
      const { secret } = created.json<{ secret: string }>();
      receiver.script([500, 503]);
      const caseId = await decideOne(server, tenant, 'retry');
      const attempts = await receiver.waitFor(3, (r) => caseOf(r.body) === caseId);
      expect(attempts.map((a) => a.answered)).toEqual([500, 503, 204]);
      expect(new Set(attempts.map((a) => a.headers['safeguard-delivery'])).size).toBe(1);
      expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      for (const a of attempts) {
        expect(verifySignature(secret, a.body, a.headers['safeguard-signature'] as string, Math.floor(Date.now() / 1000)).ok).toBe(true);
      }
      // Backoff: the gaps grow (base 150 ms, doubling, ±20% jitter; polling every 50 ms).
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(100);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(200);
      const items = await eventually(
        async () => (await server.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries', headers: auth(tenant.keys.admin) })).json<{ items: { status: string }[] }>().items,
        (list) => list[0]?.status === 'delivered',
      );
      expect(items).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3, lastStatus: 204, lastError: null })]);
    } finally {
      await server.close();
    }
  });

  it('holds events until an endpoint exists, and delivers what was pending after a restart', async () => {
    // Slow retries in the first process, so the delivery is still pending when it stops.
    const first = await createCaseTestServer({ webhooks: { ...FAST_WEBHOOKS, backoff: { baseMs: 60_000, maxMs: 60_000 } } });
    const tenant = await setup(first, 'restart');
    const caseId = await decideOne(first, tenant, 'restart');
    const held = await first.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?status=held', headers: auth(tenant.keys.admin) });
    expect(held.json<{ items: unknown[] }>().items).toHaveLength(1);
    receiver.script([500]);
    const created = await first.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth(tenant.keys.admin), payload: { url: `${receiver.url}/restart` } });
    const { secret } = created.json<{ secret: string }>();
    await receiver.waitFor(1, (r) => caseOf(r.body) === caseId);
    await first.stop();

    const second = await createCaseTestServer({ file: first.file, webhooks: { ...FAST_WEBHOOKS, backoff: { baseMs: 10, maxMs: 10 } } });
    try {
      // The first attempt's retry is a minute away; the admin retries now.
      const pending = await second.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?status=pending', headers: auth(tenant.keys.admin) });
      const [delivery] = pending.json<{ items: { id: string; attempts: number; lastStatus: number }[] }>().items;
      expect(delivery).toMatchObject({ attempts: 1, lastStatus: 500 });
      await second.app.inject({ method: 'POST', url: `/v1/webhooks/deliveries/${delivery!.id}/retry`, headers: auth(tenant.keys.admin) });
      const got = await receiver.waitFor(2, (r) => caseOf(r.body) === caseId);
      expect(got[1]!.answered).toBe(204);
      expect(got[1]!.headers['safeguard-delivery']).toBe(delivery!.id);
      expect(verifySignature(secret, got[1]!.body, got[1]!.headers['safeguard-signature'] as string, Math.floor(Date.now() / 1000)).ok).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('sends a signed test event on request', async () => {
    const server = await createCaseTestServer();
    try {
      const tenant = await setup(server, 'ping');
      const created = await server.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth(tenant.keys.admin), payload: { url: `${receiver.url}/ping`, events: ['webhook.test'] } });
      const { secret, endpoint } = created.json<{ secret: string; endpoint: { id: string } }>();
      const r = await server.app.inject({ method: 'POST', url: `/v1/webhooks/${endpoint.id}/test`, headers: auth(tenant.keys.admin) });
      expect(r.statusCode).toBe(202);
      const [hook] = await receiver.waitFor(1, (x) => x.headers['safeguard-event'] === 'webhook.test');
      expect(verifySignature(secret, hook!.body, hook!.headers['safeguard-signature'] as string, Math.floor(Date.now() / 1000)).ok).toBe(true);
      const rotated = await server.app.inject({ method: 'POST', url: `/v1/webhooks/${endpoint.id}/rotate-secret`, headers: auth(tenant.keys.admin) });
      expect(rotated.json<{ secret: string }>().secret).not.toBe(secret);
    } finally {
      await server.close();
    }
  });
});

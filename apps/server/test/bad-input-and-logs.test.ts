/**
 * Bad input gets a clear 4xx in one error shape and never a 500; logs never carry message text,
 * birth dates or keys; health, readiness, metrics and the OpenAPI document are served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, birthDateFor, createTestServer, type TestServer, type TestTenant } from './harness.js';

let server: TestServer;
let t: TestTenant;
const h = (): Record<string, string> => ({ ...auth(t.keys.platform), 'content-type': 'application/json' });

beforeAll(async () => {
  server = await createTestServer();
  t = await server.tenant('bad-input');
  await server.app.inject({ method: 'PUT', url: '/v1/accounts/kid', headers: h(), payload: { birthDate: birthDateFor(12) } });
  await server.app.inject({ method: 'PUT', url: '/v1/accounts/adult', headers: h(), payload: { birthDate: birthDateFor(30) } });
});
afterAll(async () => server.close());

function expectError(r: { statusCode: number; json: () => unknown }, status: number, code: string): void {
  expect(r.statusCode).toBe(status);
  expect(r.json()).toMatchObject({ error: { code, message: expect.any(String) as string } });
}

describe('bad input', () => {
  it('invalid JSON is a 400 invalid_json', async () => {
    const r = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: '{"action": "message.send",' });
    expectError(r, 400, 'invalid_json');
  });

  it('an empty JSON body is a 400', async () => {
    const r = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: '' });
    expect(r.statusCode).toBe(400);
  });

  it('unknown fields are a 400 naming the field', async () => {
    const r = await server.app.inject({ method: 'PUT', url: '/v1/accounts/kid', headers: h(), payload: { birthdate: '2014-01-01' } });
    expectError(r, 400, 'validation_failed');
    expect(JSON.stringify(r.json())).toContain('birthdate');
  });

  it('wrong types are a 400', async () => {
    const r = await server.app.inject({ method: 'PUT', url: '/v1/accounts/kid', headers: h(), payload: { ageBand: 12 } });
    expectError(r, 400, 'validation_failed');
    const r2 = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: { items: 'lots' } });
    expectError(r2, 400, 'validation_failed');
  });

  it('a body over 1 MiB is a 413', async () => {
    const big = JSON.stringify({ action: 'message.send', actor: 'kid', target: 'adult', context: { category: 'x'.repeat(1_100_000) } });
    const r = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: big });
    expectError(r, 413, 'payload_too_large');
  });

  it('a non-JSON content type is a 415', async () => {
    const r = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: { ...auth(t.keys.platform), 'content-type': 'text/plain' }, payload: 'hello' });
    expectError(r, 415, 'unsupported_media_type');
  });

  it('malformed ids are a 400, unknown ids a 404', async () => {
    const r = await server.app.inject({ method: 'GET', url: `/v1/accounts/${encodeURIComponent('bad id!')}`, headers: h() });
    expectError(r, 400, 'validation_failed');
    const long = await server.app.inject({ method: 'GET', url: `/v1/accounts/${'x'.repeat(200)}`, headers: h() });
    expectError(long, 400, 'validation_failed');
    const missing = await server.app.inject({ method: 'GET', url: '/v1/accounts/nobody', headers: h() });
    expectError(missing, 404, 'unknown_account');
  });

  it('an unknown route is a 404 in the same shape', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: h() });
    expectError(r, 404, 'not_found');
  });

  it('survives a fuzz of random bodies on every route without a 500', async () => {
    const bodies: unknown[] = [null, [], {}, 'x', 42, { items: [] }, { items: [{}] }, { action: null }, { changes: {} }, { '__proto__': { admin: true } }, { actor: 'kid', target: 'kid' }];
    for (const route of server.app.routeTable) {
      if (!route.config?.permission || route.method === 'HEAD' || route.method === 'GET') continue;
      const url = route.url.replace(/:([A-Za-z]+)/g, (_m, p: string) => (p === 'action' ? 'block' : p === 'verdict' ? 'approve' : 'kid'));
      for (const body of bodies) {
        const r = await server.app.inject({ method: route.method as 'POST', url, payload: JSON.stringify(body), headers: { ...auth(t.keys.admin), 'content-type': 'application/json' } });
        expect(r.statusCode, `${String(route.method)} ${url} ${JSON.stringify(body)}: ${r.body}`).toBeLessThan(500);
      }
    }
  });
});

describe('logs', () => {
  it('never contain birth dates, keys or request bodies', async () => {
    const secretDate = birthDateFor(9);
    await server.app.inject({ method: 'PUT', url: '/v1/accounts/logkid', headers: h(), payload: { birthDate: secretDate } });
    await server.app.inject({ method: 'PUT', url: '/v1/accounts/logkid', headers: h(), payload: { birthDate: secretDate, unknownField: 'a secret message text' } });
    await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: '{"broken json with message text' });
    const all = server.logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).toContain('"statusCode":201');
    expect(all).not.toContain(secretDate);
    expect(all).not.toContain('a secret message text');
    expect(all).not.toContain('broken json');
    expect(all).not.toContain(t.keys.platform);
    // The secret is everything after sgk_<id>_ (base64url may itself contain '_').
    expect(all).not.toContain(t.keys.platform.slice(t.keys.platform.indexOf('_', 4) + 1));
  });
});

describe('operations endpoints', () => {
  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await server.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('safeguard_http_request_duration_seconds');
    expect(metrics.body).toContain('safeguard_decisions_total');
    const doc = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    const paths = Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(expect.arrayContaining(['/v1/decisions', '/v1/accounts/{id}', '/v1/policy', '/v1/audit/verify']));
    const docs = await server.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('/v1/me tells a key its tenant, role and permissions', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/me', headers: auth(t.keys.moderator) });
    expect(r.json()).toMatchObject({ tenant: { id: t.id, name: 'bad-input' }, role: 'moderator' });
    expect(r.json<{ permissions: string[] }>().permissions).not.toContain('accounts:write');
  });
});

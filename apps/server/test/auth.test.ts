/** Key authentication under load: cached verifications, single-flight on expiry, revocation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyAuthenticator } from '../src/auth.js';
import { createTestServer, type TestServer, type TestTenant } from './harness.js';

let server: TestServer;
let t: TestTenant;
beforeAll(async () => {
  server = await createTestServer();
  t = await server.tenant('auth');
});
afterAll(async () => server.close());

describe('KeyAuthenticator', () => {
  it('serves a burst of requests after the cache expires with one verification, refusing none', async () => {
    const auth = new KeyAuthenticator(server.store, { positiveTtlMs: 1, maxConcurrentVerifications: 2 });
    await auth.authenticate(`Bearer ${t.keys.platform}`);
    await new Promise((r) => setTimeout(r, 5));
    const burst = await Promise.allSettled(Array.from({ length: 50 }, () => auth.authenticate(`Bearer ${t.keys.platform}`)));
    expect(burst.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(burst.every((r) => r.status === 'fulfilled' && r.value.role === 'platform')).toBe(true);
  });

  it('refuses a wrong secret for a real key id, and remembers the refusal', async () => {
    const auth = new KeyAuthenticator(server.store);
    const forged = `${t.keys.admin.slice(0, t.keys.admin.indexOf('_', 4) + 1)}${'A'.repeat(43)}`;
    await expect(auth.authenticate(`Bearer ${forged}`)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(auth.authenticate(`Bearer ${forged}`)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('forgets a revoked key at once', async () => {
    const created = await server.store.createApiKey(t.id, 'moderator', 'to revoke');
    const auth = new KeyAuthenticator(server.store);
    await expect(auth.authenticate(`Bearer ${created.key}`)).resolves.toMatchObject({ role: 'moderator' });
    await server.store.revokeApiKey(t.id, created.id);
    auth.forgetKey(created.id);
    await expect(auth.authenticate(`Bearer ${created.key}`)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

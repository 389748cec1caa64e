/**
 * Child accounts, protective defaults and explained decisions through the HTTP API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, birthDateFor, createTestServer, type TestServer, type TestTenant } from './harness.js';

let server: TestServer;
let t: TestTenant;
const h = (): { authorization: string } => auth(t.keys.platform);

async function put(id: string, body: Record<string, unknown>): Promise<number> {
  const r = await server.app.inject({ method: 'PUT', url: `/v1/accounts/${id}`, headers: h(), payload: body });
  return r.statusCode;
}

async function decide(action: string, actor: string, target?: string, context?: Record<string, unknown>) {
  const r = await server.app.inject({
    method: 'POST',
    url: '/v1/decisions',
    headers: h(),
    payload: { action, actor, ...(target ? { target } : {}), ...(context ? { context } : {}) },
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ outcome: string; ruleIds: string[]; explanation: string }>();
}

async function connect(a: string, b: string): Promise<void> {
  const r1 = await server.app.inject({ method: 'POST', url: '/v1/connections/request', headers: h(), payload: { actor: a, target: b } });
  expect([200], r1.body).toContain(r1.statusCode);
  const r2 = await server.app.inject({ method: 'POST', url: '/v1/connections/accept', headers: h(), payload: { actor: b, target: a } });
  expect(r2.statusCode, r2.body).toBe(200);
}

beforeAll(async () => {
  server = await createTestServer();
  t = await server.tenant('decisions');
  expect(await put('kid12', { birthDate: birthDateFor(12), jurisdiction: 'UK' })).toBe(201);
  expect(await put('teen15', { birthDate: birthDateFor(15), jurisdiction: 'UK', ageAssurance: { method: 'facial-estimation' } })).toBe(201);
  expect(await put('stranger', { birthDate: birthDateFor(34), ageAssurance: { method: 'self-declared' } })).toBe(201);
  expect(await put('parent', { birthDate: birthDateFor(41), ageAssurance: { method: 'id-document' } })).toBe(201);
  expect(await put('friend', { birthDate: birthDateFor(19), ageAssurance: { method: 'id-document' } })).toBe(201);
  expect(await put('noage', {})).toBe(201);
  const link = await server.app.inject({ method: 'PUT', url: '/v1/accounts/kid12/guardians/parent', headers: h() });
  expect(link.statusCode, link.body).toBe(200);
  // Children start connections with adults (an adult stranger cannot ask a child first).
  expect(await put('mutual', { birthDate: birthDateFor(16) })).toBe(201);
  await connect('teen15', 'friend');
  await connect('mutual', 'teen15');
  await connect('mutual', 'friend');
});
afterAll(async () => server.close());

describe('accounts', () => {
  it('derives the band, never echoes the birth date', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/accounts/kid12', headers: h() });
    expect(r.json()).toMatchObject({ id: 'kid12', ageBand: 'under13', child: true, jurisdiction: 'UK' });
    expect(r.body).not.toContain(birthDateFor(12));
  });

  it('treats an account with no age evidence as a child (AGE-01)', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/accounts/noage', headers: h() });
    expect(r.json()).toMatchObject({ ageBand: 'unknown', child: true });
    expect(await decide('message.send', 'stranger', 'noage')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-05'] });
    const settings = await server.app.inject({ method: 'GET', url: '/v1/accounts/noage/settings', headers: h() });
    const values = Object.fromEntries(settings.json<{ settings: { key: string; value: string }[] }>().settings.map((s) => [s.key, s.value]));
    expect(values).toMatchObject({ 'messages.from': 'connections', 'location.sharing': 'off', 'suggestions.includeMe': 'off' });
  });

  it('reports the assurance method and whether it is highly effective', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/accounts/teen15', headers: h() });
    expect(r.json()).toMatchObject({ ageAssurance: { method: 'facial-estimation', highlyEffective: true } });
  });

  it('rejects impossible and future birth dates', async () => {
    for (const birthDate of ['2015-02-30', '2999-01-01', '1800-01-01', '15/02/2015']) {
      const r = await server.app.inject({ method: 'PUT', url: '/v1/accounts/bad', headers: h(), payload: { birthDate } });
      expect(r.statusCode, birthDate).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'validation_failed' } });
    }
  });

  it('refuses a child or an unknown-age account as a guardian', async () => {
    const r = await server.app.inject({ method: 'PUT', url: '/v1/accounts/kid12/guardians/teen15', headers: h() });
    expect(r.statusCode).toBe(400);
    const r2 = await server.app.inject({ method: 'PUT', url: '/v1/accounts/stranger/guardians/parent', headers: h() });
    expect(r2.statusCode).toBe(400);
    expect(r2.json<{ error: { message: string } }>().error.message).toContain('not a child account');
  });
});

describe('ICU F1 defaults hold for the seeded children', () => {
  it('a stranger cannot message a child (DEF-05), a connection can', async () => {
    expect(await decide('message.send', 'stranger', 'kid12')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-05'] });
    expect(await decide('message.send', 'stranger', 'teen15')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-05'] });
    expect(await decide('message.send', 'friend', 'teen15')).toMatchObject({ outcome: 'allow' });
    expect(await decide('message.send', 'parent', 'kid12')).toMatchObject({ outcome: 'allow', ruleIds: ['PAR-01'] });
  });

  it('a child is never suggested to strangers, nor shown suggestions (DEF-01, DEF-02)', async () => {
    expect(await decide('suggestion.show', 'stranger', 'kid12')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-02'] });
    expect(await decide('suggestion.show', 'kid12', 'stranger')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-01'] });
    expect(await decide('suggestion.show', 'friend', 'stranger')).toMatchObject({ outcome: 'allow' });
  });

  it('a child never appears in search for strangers, nor is its profile shown to them', async () => {
    expect(await decide('search.appear', 'stranger', 'teen15')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-07'] });
    expect(await decide('profile.view', 'stranger', 'teen15')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-07'] });
    expect(await decide('profile.view', 'friend', 'teen15')).toMatchObject({ outcome: 'allow' });
  });

  it("a child's location is never visible (DEF-06)", async () => {
    expect(await decide('location.view', 'stranger', 'kid12')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-06'] });
    expect(await decide('location.view', 'friend', 'teen15')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-06'] });
  });

  it("a child's connection list is hidden and it never appears in others' lists (DEF-03, DEF-04)", async () => {
    const hidden = await server.app.inject({ method: 'GET', url: '/v1/accounts/teen15/connections?viewer=stranger', headers: h() });
    expect(hidden.statusCode).toBe(403);
    expect(hidden.json()).toMatchObject({ error: { code: 'policy_denied', details: { decision: { ruleIds: ['DEF-04'] } } } });
    const friendsList = await server.app.inject({ method: 'GET', url: '/v1/accounts/friend/connections?viewer=stranger', headers: h() });
    expect(friendsList.statusCode, friendsList.body).toBe(200);
    const ids = friendsList.json<{ connections: { accountId: string }[] }>().connections.map((c) => c.accountId);
    expect(ids).not.toContain('teen15');
    expect(ids).not.toContain('mutual');
    const own = await server.app.inject({ method: 'GET', url: '/v1/accounts/friend/connections', headers: h() });
    expect(own.json<{ connections: { accountId: string }[] }>().connections.map((c) => c.accountId).sort()).toEqual(['mutual', 'teen15']);
  });

  it('a child contacting a stranger gets a safety prompt (DEF-13)', async () => {
    expect(await decide('message.send', 'teen15', 'stranger')).toMatchObject({ outcome: 'allow_with_warning', ruleIds: ['DEF-13'] });
  });

  it('an under-13 needs a guardian to connect with an adult (SG-03), and a refused request is not stored', async () => {
    const r = await server.app.inject({ method: 'POST', url: '/v1/connections/request', headers: h(), payload: { actor: 'kid12', target: 'friend' } });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ error: { code: 'policy_denied', details: { decision: { outcome: 'require_guardian' } } } });
    const approved = await server.app.inject({
      method: 'POST',
      url: '/v1/connections/request',
      headers: h(),
      payload: { actor: 'kid12', target: 'friend', approvedByGuardian: 'parent' },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ state: 'pending-out' });
    const byStranger = await server.app.inject({
      method: 'POST',
      url: '/v1/connections/request',
      headers: h(),
      payload: { actor: 'kid12', target: 'friend', approvedByGuardian: 'stranger' },
    });
    expect(byStranger.statusCode).toBe(403);
  });

  it('a stranger with no mutual connections cannot even request a child (DEF-08)', async () => {
    const r = await server.app.inject({ method: 'POST', url: '/v1/connections/request', headers: h(), payload: { actor: 'stranger', target: 'teen15' } });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ error: { details: { decision: { ruleIds: ['DEF-08'] } } } });
  });

  it('blocks are enforced both ways (SG-02)', async () => {
    await put('blocker', { birthDate: birthDateFor(30) });
    await put('blocked', { birthDate: birthDateFor(30) });
    const b = await server.app.inject({ method: 'POST', url: '/v1/connections/block', headers: h(), payload: { actor: 'blocker', target: 'blocked' } });
    expect(b.statusCode).toBe(200);
    expect(await decide('message.send', 'blocked', 'blocker')).toMatchObject({ outcome: 'deny', ruleIds: ['SG-02'] });
    expect(await decide('message.send', 'blocker', 'blocked')).toMatchObject({ outcome: 'deny', ruleIds: ['SG-02'] });
  });

  it('gates primary priority content behind highly effective assurance (AGE-02)', async () => {
    expect(await decide('content.view', 'stranger', undefined, { category: 'pornography' })).toMatchObject({ outcome: 'deny', ruleIds: ['AGE-02'] });
    expect(await decide('content.view', 'parent', undefined, { category: 'pornography' })).toMatchObject({ outcome: 'allow' });
    expect(await decide('content.view', 'teen15', undefined, { category: 'self-harm' })).toMatchObject({ outcome: 'deny' });
    expect(await decide('content.view', 'teen15', undefined, { category: 'violence' })).toMatchObject({ outcome: 'allow_with_warning' });
  });

  it('a child is never added to a group without accepting (DEF-10)', async () => {
    expect(await decide('group.add', 'friend', 'teen15')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-10'] });
    expect(await decide('group.add', 'friend', 'teen15', { invitationAccepted: true })).toMatchObject({ outcome: 'allow' });
  });
});

describe('batches and bad decisions', () => {
  it('answers a batch in order', async () => {
    const r = await server.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: h(),
      payload: {
        items: [
          { action: 'message.send', actor: 'stranger', target: 'kid12' },
          { action: 'message.send', actor: 'friend', target: 'teen15' },
          { action: 'livestream.comment', actor: 'friend', target: 'teen15', context: { kind: 'gift' } },
        ],
      },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json<{ results: { outcome: string }[] }>().results.map((x) => x.outcome)).toEqual(['deny', 'allow', 'deny']);
  });

  it('an unknown action is a 400, never allow', async () => {
    const r = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: { action: 'teleport', actor: 'kid12', target: 'friend' } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'unknown_action' } });
  });

  it('an unknown account is a 404 naming it, for single and batch', async () => {
    const r = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: { action: 'message.send', actor: 'ghost', target: 'kid12' } });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error: { code: 'unknown_account', details: { accounts: ['ghost'] } } });
    const batch = await server.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: h(),
      payload: { items: [{ action: 'message.send', actor: 'friend', target: 'teen15' }, { action: 'message.send', actor: 'friend', target: 'ghost2' }] },
    });
    expect(batch.statusCode).toBe(404);
    expect(batch.json()).toMatchObject({ error: { details: { accounts: ['ghost2'] } } });
  });

  it('a missing target or category is a 400', async () => {
    const r = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: { action: 'message.send', actor: 'friend' } });
    expect(r.statusCode).toBe(400);
    const c = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: { action: 'content.view', actor: 'friend', context: { category: 'cats' } } });
    expect(c.statusCode).toBe(400);
  });

  it('rejects batches over 1,000 items', async () => {
    const items = Array.from({ length: 1001 }, () => ({ action: 'message.send', actor: 'friend', target: 'teen15' }));
    const r = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: { items } });
    expect(r.statusCode).toBe(400);
  });

  it('counts decisions by rule for transparency reporting', async () => {
    await server.app.services.stats.flush();
    const today = new Date().toISOString().slice(0, 10);
    const stats = await server.store.listDecisionStats(t.id, today, today);
    const def05 = stats.find((s) => s.action === 'message.send' && s.outcome === 'deny' && s.ruleId === 'DEF-05');
    expect(def05?.count).toBeGreaterThanOrEqual(3);
  });
});

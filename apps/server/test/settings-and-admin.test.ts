/**
 * Settings changes by children and guardians, sessions, policy exemptions, keys, audit and roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, birthDateFor, createTestServer, type TestServer, type TestTenant } from './harness.js';

let server: TestServer;
let t: TestTenant;
const h = (): { authorization: string } => auth(t.keys.platform);
const admin = (): { authorization: string } => auth(t.keys.admin);

interface ChangeResult {
  key: string;
  outcome: string;
  applied: boolean;
  ruleIds: string[];
  guardianRequestId: string | null;
}

async function change(id: string, body: Record<string, unknown>) {
  const r = await server.app.inject({ method: 'PATCH', url: `/v1/accounts/${id}/settings`, headers: h(), payload: body });
  return r;
}

async function valueOf(id: string, key: string): Promise<string | undefined> {
  const r = await server.app.inject({ method: 'GET', url: `/v1/accounts/${id}/settings`, headers: h() });
  return r.json<{ settings: { key: string; value: string }[] }>().settings.find((s) => s.key === key)?.value;
}

beforeAll(async () => {
  server = await createTestServer();
  t = await server.tenant('settings');
  for (const [id, body] of Object.entries({
    kid: { birthDate: birthDateFor(12), jurisdiction: 'EU' },
    teen: { birthDate: birthDateFor(16), jurisdiction: 'EU' },
    ukteen: { birthDate: birthDateFor(16), jurisdiction: 'UK' },
    mum: { birthDate: birthDateFor(40), ageAssurance: { method: 'id-document' } },
    adult: { birthDate: birthDateFor(30) },
  })) {
    const r = await server.app.inject({ method: 'PUT', url: `/v1/accounts/${id}`, headers: h(), payload: body });
    expect(r.statusCode).toBe(201);
  }
  for (const child of ['kid', 'teen']) {
    expect((await server.app.inject({ method: 'PUT', url: `/v1/accounts/${child}/guardians/mum`, headers: h() })).statusCode).toBe(200);
  }
});
afterAll(async () => server.close());

describe('settings', () => {
  it('no one may loosen a rule-locked protection for a child', async () => {
    const r = await change('teen', { changedBy: 'teen', changes: { 'messages.from': 'everyone' } });
    expect(r.statusCode).toBe(200);
    const [result] = r.json<{ results: ChangeResult[] }>().results;
    expect(result).toMatchObject({ outcome: 'deny', applied: false, ruleIds: ['DEF-05'] });
    const byMum = await change('teen', { changedBy: 'mum', changes: { 'messages.from': 'everyone' } });
    expect(byMum.json<{ results: ChangeResult[] }>().results[0]).toMatchObject({ outcome: 'deny', applied: false });
    expect(await valueOf('teen', 'messages.from')).toBe('connections');
  });

  it('shows a supportive prompt before a child loosens a setting, then applies it (DEF-13)', async () => {
    const first = await change('teen', { changedBy: 'teen', changes: { 'design.autoplay': 'on' } });
    expect(first.json<{ results: ChangeResult[] }>().results[0]).toMatchObject({ outcome: 'allow_with_warning', applied: false });
    expect(await valueOf('teen', 'design.autoplay')).toBe('off');
    const confirmed = await change('teen', { changedBy: 'teen', acknowledgedWarning: true, changes: { 'design.autoplay': 'on' } });
    expect(confirmed.json<{ results: ChangeResult[] }>().results[0]).toMatchObject({ outcome: 'allow', applied: true });
    expect(await valueOf('teen', 'design.autoplay')).toBe('on');
  });

  it('routes a change that needs a guardian through an approval request', async () => {
    const r = await change('teen', { changedBy: 'teen', changes: { 'profile.visibility': 'public' } });
    const [result] = r.json<{ results: ChangeResult[] }>().results;
    expect(result).toMatchObject({ outcome: 'require_guardian', applied: false });
    const requestId = result?.guardianRequestId ?? '';
    expect(requestId).toMatch(/^gr_/);
    const list = await server.app.inject({ method: 'GET', url: '/v1/accounts/teen/guardian-requests?status=pending', headers: h() });
    expect(list.json<{ requests: { id: string }[] }>().requests.map((x) => x.id)).toContain(requestId);
    const notGuardian = await server.app.inject({ method: 'POST', url: `/v1/guardian-requests/${requestId}/approve`, headers: h(), payload: { guardianId: 'adult' } });
    expect(notGuardian.statusCode).toBe(403);
    const approve = await server.app.inject({ method: 'POST', url: `/v1/guardian-requests/${requestId}/approve`, headers: h(), payload: { guardianId: 'mum' } });
    expect(approve.statusCode, approve.body).toBe(200);
    expect(approve.json()).toMatchObject({ request: { status: 'approved', decidedBy: 'mum' }, result: { applied: true } });
    expect(await valueOf('teen', 'profile.visibility')).toBe('public');
    const again = await server.app.inject({ method: 'POST', url: `/v1/guardian-requests/${requestId}/approve`, headers: h(), payload: { guardianId: 'mum' } });
    expect(again.statusCode).toBe(409);
  });

  it('only the account holder or a linked guardian may change settings', async () => {
    const r = await change('teen', { changedBy: 'adult', changes: { 'design.streaks': 'off' } });
    expect(r.statusCode).toBe(403);
  });

  it('location a child switched on reverts when the session ends (DEF-06, AADC 10)', async () => {
    const noSession = await change('teen', { changedBy: 'teen', acknowledgedWarning: true, changes: { 'location.sharing': 'connections' } });
    expect(noSession.statusCode).toBe(400);
    const on = await change('teen', { changedBy: 'teen', acknowledgedWarning: true, sessionId: 'sess-1', changes: { 'location.sharing': 'connections' } });
    expect(on.json<{ results: ChangeResult[] }>().results[0]).toMatchObject({ applied: true, sessionScoped: true });
    expect(await valueOf('teen', 'location.sharing')).toBe('connections');
    const end = await server.app.inject({ method: 'POST', url: '/v1/accounts/teen/sessions/sess-1/end', headers: h() });
    expect(end.json()).toEqual({ reverted: ['location.sharing'] });
    expect(await valueOf('teen', 'location.sharing')).toBe('off');
  });

  it('in the UK no one can make a child’s location visible to connections', async () => {
    const r = await change('ukteen', { changedBy: 'ukteen', acknowledgedWarning: true, sessionId: 's', changes: { 'location.sharing': 'connections' } });
    const [result] = r.json<{ results: ChangeResult[] }>().results;
    expect(result).toMatchObject({ outcome: 'deny', applied: false });
    expect(result?.ruleIds).toContain('DEF-06');
  });

  it('rejects unknown settings and values with a clear message', async () => {
    const r = await change('teen', { changedBy: 'teen', changes: { 'profile.colour': 'blue' } });
    expect(r.statusCode).toBe(400);
    expect(r.json<{ error: { message: string } }>().error.message).toContain('Unknown setting');
    const v = await change('teen', { changedBy: 'teen', changes: { 'messages.from': 'martians' } });
    expect(v.statusCode).toBe(400);
  });

  it('adults change their own settings freely', async () => {
    const r = await change('adult', { changedBy: 'adult', changes: { 'messages.from': 'connections' } });
    expect(r.json<{ results: ChangeResult[] }>().results[0]).toMatchObject({ outcome: 'allow', applied: true });
    const d = await server.app.inject({ method: 'POST', url: '/v1/decisions', headers: h(), payload: { action: 'message.send', actor: 'mum', target: 'adult' } });
    expect(d.json()).toMatchObject({ outcome: 'deny', ruleIds: ['SG-01'] });
  });

  it('audits every applied settings change', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/audit?action=settings.change&limit=100', headers: admin() });
    const entries = r.json<{ entries: { target: string; details: { key: string } }[] }>().entries;
    expect(entries.some((e) => e.target === 'teen' && e.details.key === 'design.autoplay')).toBe(true);
    expect(entries.some((e) => e.target === 'teen' && e.details.key === 'profile.visibility')).toBe(true);
  });
});

describe('policy', () => {
  it('shows the effective policy with rule sources', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/policy?jurisdiction=UK', headers: auth(t.keys.regulator) });
    expect(r.statusCode).toBe(200);
    const [uk] = r.json<{ profiles: { rules: { id: string; sources: string[]; inForce: boolean }[] }[] }>().profiles;
    const def05 = uk?.rules.find((rule) => rule.id === 'DEF-05');
    expect(def05?.inForce).toBe(true);
    expect(def05?.sources.join(' ')).toContain('ICU F1');
  });

  it('an admin can exempt a rule with a reason; it is audited and changes decisions', async () => {
    const put = await server.app.inject({
      method: 'PUT',
      url: '/v1/policy',
      headers: admin(),
      payload: { defaultJurisdiction: 'UK', exemptions: [{ ruleId: 'DEF-12', reason: 'Autoplay is needed for our video lessons', jurisdictions: ['EU'] }] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const eu = put.json<{ profiles: { jurisdiction: string; rules: { id: string; inForce: boolean; exemption: unknown }[] }[] }>().profiles.find((p) => p.jurisdiction === 'EU');
    expect(eu?.rules.find((r) => r.id === 'DEF-12')).toMatchObject({ inForce: false, exemption: { reason: 'Autoplay is needed for our video lessons' } });
    expect(await valueOf('kid', 'design.streaks')).toBe('on');
    const audit = await server.app.inject({ method: 'GET', url: '/v1/audit?action=policy.update', headers: admin() });
    expect(audit.json<{ entries: unknown[] }>().entries).toHaveLength(1);
    const reset = await server.app.inject({ method: 'PUT', url: '/v1/policy', headers: admin(), payload: { defaultJurisdiction: 'UK', exemptions: [] } });
    expect(reset.statusCode).toBe(200);
    expect(await valueOf('kid', 'design.streaks')).toBe('off');
  });

  it('refuses exemptions of unknown rules or without a reason', async () => {
    const bad = await server.app.inject({ method: 'PUT', url: '/v1/policy', headers: admin(), payload: { defaultJurisdiction: 'UK', exemptions: [{ ruleId: 'XYZ-1', reason: 'because we want to' }] } });
    expect(bad.statusCode).toBe(400);
    const short = await server.app.inject({ method: 'PUT', url: '/v1/policy', headers: admin(), payload: { defaultJurisdiction: 'UK', exemptions: [{ ruleId: 'DEF-12', reason: 'no' }] } });
    expect(short.statusCode).toBe(400);
  });
});

describe('keys, roles and audit', () => {
  it('creates a key once, lists without secrets, revokes it at once', async () => {
    const created = await server.app.inject({ method: 'POST', url: '/v1/keys', headers: admin(), payload: { role: 'platform', label: 'second backend' } });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json<{ key: string; id: string }>();
    expect((await server.app.inject({ method: 'GET', url: '/v1/accounts/kid', headers: auth(key) })).statusCode).toBe(200);
    const list = await server.app.inject({ method: 'GET', url: '/v1/keys', headers: admin() });
    // The secret is everything after sgk_<id>_ (base64url may itself contain '_').
    expect(list.body).not.toContain(key.slice(key.indexOf('_', 4) + 1));
    expect(list.json<{ keys: { id: string }[] }>().keys.map((k) => k.id)).toContain(id);
    const revoke = await server.app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: admin() });
    expect(revoke.statusCode).toBe(200);
    const after = await server.app.inject({ method: 'GET', url: '/v1/accounts/kid', headers: auth(key) });
    expect(after.statusCode).toBe(401);
  });

  it('applies least privilege per role', async () => {
    const cases: [string, string, string, unknown, number][] = [
      ['regulator', 'PUT', '/v1/accounts/x1', {}, 403],
      ['regulator', 'GET', '/v1/accounts/kid', undefined, 403],
      ['moderator', 'POST', '/v1/keys', { role: 'admin', label: 'x' }, 403],
      ['moderator', 'PUT', '/v1/policy', { defaultJurisdiction: 'UK', exemptions: [] }, 403],
      ['platform', 'GET', '/v1/audit', undefined, 403],
      ['platform', 'GET', '/v1/keys', undefined, 403],
      ['moderator', 'GET', '/v1/accounts/kid', undefined, 200],
      ['regulator', 'GET', '/v1/audit/verify', undefined, 200],
      // Entries reach a regulator only in bundles the tenant disclosed.
      ['regulator', 'GET', '/v1/audit', undefined, 403],
    ];
    for (const [role, method, url, payload, status] of cases) {
      const r = await server.app.inject({
        method: method as 'GET',
        url,
        headers: auth(t.keys[role as 'admin']),
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
      expect(r.statusCode, `${role} ${method} ${url}`).toBe(status);
      if (status === 403) expect(r.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('rejects missing, malformed and wrong keys with 401', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/v1/accounts/kid' })).statusCode).toBe(401);
    expect((await server.app.inject({ method: 'GET', url: '/v1/accounts/kid', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
    const forged = t.keys.platform.slice(0, -4) + 'AAAA';
    const r = await server.app.inject({ method: 'GET', url: '/v1/accounts/kid', headers: auth(forged) });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('keeps a verifiable audit chain of privileged actions', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: auth(t.keys.regulator) });
    expect(r.json()).toMatchObject({ ok: true, problems: [] });
    const log = await server.app.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: admin() });
    const actions = new Set(log.json<{ entries: { action: string }[] }>().entries.map((e) => e.action));
    for (const a of ['account.create', 'guardian.link', 'settings.change', 'guardian-request.approve', 'policy.update', 'key.create', 'key.revoke', 'session.end']) {
      expect(actions, a).toContain(a);
    }
    expect(log.body).not.toContain(birthDateFor(12));
  });
});

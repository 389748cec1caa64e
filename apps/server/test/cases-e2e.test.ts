/**
 * End to end through the real server: a grooming alert opened with openCaseFromAlert tops the
 * queue; a moderator opens it and sees why it was raised (signals at their messages, the child's
 * age band); bans the suspect; a schema-valid statement of reasons is produced and the platform's
 * real HTTP endpoint receives the signed webhook, whose signature verifies. Then an appeal is
 * reversed (handling time recorded, signed appeal.decided webhook), and a referral exports a
 * CyberTipline report in the documented element order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_ELEMENT_ORDER, validateStatementOfReasons, verifySignature } from '@safeguard/cases';
import { openCaseFromAlert } from '@safeguard/store';
import { auth, birthDateFor, type TestTenant } from './harness.js';
import { childrenOf, createCaseTestServer, eventually, startWebhookReceiver, type CaseTestServer, type WebhookReceiver } from './cases-support.js';

let server: CaseTestServer;
let platform: WebhookReceiver;
let tenant: TestTenant;
let secondModerator = '';
let secret = '';
let groomingCase = '';
let decisionId = '';

const groomingAlert = (alertId: string, suspect: string) => ({
  alertId,
  kind: 'grooming' as const,
  accountId: suspect,
  otherAccountIds: ['e2e-child'],
  conversationId: `conv-${suspect}`,
  score: 0.91,
  signals: [
    { type: 'age-probe', message: 1, participant: suspect },
    { type: 'secrecy', message: 3, participant: suspect },
    { type: 'media-request', message: 4, participant: suspect },
  ],
  timeline: [
    { index: 0, from: suspect, ts: '2026-03-01T09:00:00Z', text: 'hey there' },
    { index: 1, from: suspect, ts: '2026-03-01T09:01:00Z', text: 'how old are you' },
    { index: 2, from: 'e2e-child', ts: '2026-03-01T09:02:00Z', text: '13' },
    { index: 3, from: suspect, ts: '2026-03-01T09:03:00Z', text: 'dont tell your parents about me' },
    { index: 4, from: suspect, ts: '2026-03-01T09:04:00Z', text: 'send me a pic' },
  ],
  raisedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
});

const get = <T>(url: string, key: string) => server.app.inject({ method: 'GET', url, headers: auth(key) }).then((r) => ({ status: r.statusCode, body: r.json<T>() }));
const post = <T>(url: string, key: string, payload?: unknown) =>
  server.app
    .inject({ method: 'POST', url, headers: auth(key), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) })
    .then((r) => ({ status: r.statusCode, body: r.json<T>() }));

beforeAll(async () => {
  platform = await startWebhookReceiver();
  server = await createCaseTestServer();
  tenant = await server.tenant('e2e');
  secondModerator = (await server.store.createApiKey(tenant.id, 'moderator', 'second moderator')).key;
  const admin = tenant.keys.admin;
  for (const [id, age, jurisdiction] of [
    ['e2e-child', 13, 'UK'],
    ['e2e-suspect', 34, 'US'],
    ['e2e-suspect-2', 41, 'US'],
    ['e2e-bully', 30, 'EU'],
    ['e2e-reporter', 25, 'EU'],
  ] as const) {
    const r = await server.app.inject({ method: 'PUT', url: `/v1/accounts/${id}`, headers: auth(tenant.keys.platform), payload: { birthDate: birthDateFor(age), jurisdiction } });
    expect(r.statusCode).toBe(201);
  }
  const hook = await post<{ secret: string; endpoint: { id: string } }>('/v1/webhooks', admin, { url: platform.url });
  expect(hook.status).toBe(201);
  secret = hook.body.secret;
  const settings = await server.app.inject({
    method: 'PUT',
    url: '/v1/cases/settings',
    headers: auth(admin),
    payload: { referrals: { platform: 'E2E Chat', espService: 'E2E Chat messages', reporter: { firstName: 'Safety', lastName: 'Lead', email: 'safety@e2e.example' } }, sor: { termsUrl: 'https://e2e.example/terms' } },
  });
  expect(settings.statusCode).toBe(200);
  // Other work already in the queue.
  const bullying = await post('/v1/reports', tenant.keys.platform, {
    reporter: { kind: 'user', typeId: 'user', id: 'e2e-reporter' },
    reportedAt: new Date().toISOString(),
    reportedForReason: { policyId: 'bullying' },
    reportedItem: { id: 'p-1', typeId: 'post', data: { text: 'you are worthless', creatorId: 'e2e-bully' } },
  });
  expect(bullying.status).toBe(201);
});

afterAll(async () => {
  await server.close();
  await platform.close();
});

describe('a grooming alert, end to end', () => {
  it('opened with openCaseFromAlert, it appears at the top of the queue', async () => {
    const opened = await openCaseFromAlert(server.store, tenant.id, groomingAlert('e2e-alert-1', 'e2e-suspect'));
    expect(opened).toMatchObject({ created: true, severity: 'critical' });
    groomingCase = opened.caseId;
    const queue = await get<{ items: { id: string; severity: string; sla: { remainingMs: number; breached: boolean }; involvesChild: boolean }[]; counts: Record<string, { open: number }> }>(
      '/v1/cases',
      tenant.keys.moderator,
    );
    expect(queue.status).toBe(200);
    expect(queue.body.items[0]).toMatchObject({ id: groomingCase, severity: 'critical', involvesChild: true, sla: { breached: false } });
    expect(queue.body.items[0]?.sla.remainingMs).toBeGreaterThan(50 * 60_000);
    expect(queue.body.items[0]?.sla.remainingMs).toBeLessThanOrEqual(55 * 60_000);
    expect(queue.body.counts.critical?.open).toBe(1);
    expect(queue.body.items.length).toBe(2);
  });

  it('a moderator opens it and sees why it was raised; the view is audited', async () => {
    const view = await get<{
      why: { alerts: { kind: string; score: number; signals: { type: string; message: number }[] }[] };
      timeline: { items: { index: number; text: string; flagged: boolean; signals: { type: string }[] }[]; total: number };
      participants: { accountId: string; ageBand: string; child: boolean; roles: string[] }[];
      suggestedAction: string;
      priorCases: unknown[];
    }>(`/v1/cases/${groomingCase}`, tenant.keys.moderator);
    expect(view.status).toBe(200);
    expect(view.body.why.alerts[0]).toMatchObject({ kind: 'grooming', score: 0.91 });
    expect(view.body.timeline.total).toBe(5);
    const at = (i: number) => view.body.timeline.items.find((m) => m.index === i);
    expect(at(4)).toMatchObject({ text: 'send me a pic', flagged: true, signals: [{ type: 'media-request' }] });
    expect(at(2)?.signals).toEqual([]);
    expect(view.body.participants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountId: 'e2e-child', ageBand: '13-15', child: true, roles: ['counterpart'] }),
        expect.objectContaining({ accountId: 'e2e-suspect', ageBand: 'adult', child: false, roles: ['subject'] }),
      ]),
    );
    expect(view.body.suggestedAction).toBe('refer_law_enforcement');
    const audit = await get<{ entries: { action: string; target: string; details: { childData: boolean } }[] }>('/v1/audit?action=case.view', tenant.keys.admin);
    expect(audit.body.entries.find((e) => e.target === groomingCase)?.details.childData).toBe(true);
  });

  it('assignment is exclusive; the preview shows the statement of reasons without storing anything', async () => {
    expect((await post(`/v1/cases/${groomingCase}/assign`, tenant.keys.moderator, {})).status).toBe(200);
    const taken = await post<{ error: { code: string; details: { assignee: string } } }>(`/v1/cases/${groomingCase}/assign`, secondModerator, {});
    expect(taken.status).toBe(409);
    expect(taken.body.error.details.assignee).toBe(tenant.keyIds.moderator);
    const preview = await post<{ statementOfReasons: Record<string, unknown>; validation: { valid: boolean }; notifications: { recipient: string }[] }>(
      `/v1/cases/${groomingCase}/decision-preview`,
      tenant.keys.moderator,
      { action: 'ban', facts: 'Asked a 13-year-old for images and for secrecy.' },
    );
    expect(preview.status).toBe(200);
    expect(preview.body.validation.valid).toBe(true);
    expect(preview.body.statementOfReasons).toMatchObject({ decision_account: 'DECISION_ACCOUNT_TERMINATED', category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS' });
    expect(preview.body.notifications.map((n) => n.recipient)).toEqual(['reported-user']);
    const still = await get<{ case: { status: string } }>(`/v1/cases/${groomingCase}`, tenant.keys.moderator);
    expect(still.body.case.status).toBe('open');
  });

  it('bans the suspect: a valid statement of reasons, and a signed webhook the platform can verify', async () => {
    const decided = await post<{ decision: { id: string; statementOfReasons: Record<string, unknown> }; statementOfReasons: Record<string, unknown>; webhookDeliveries: number }>(
      `/v1/cases/${groomingCase}/decisions`,
      tenant.keys.moderator,
      { action: 'ban', facts: 'Asked a 13-year-old for images and for secrecy.' },
    );
    expect(decided.status).toBe(201);
    decisionId = decided.body.decision.id;
    expect(validateStatementOfReasons(decided.body.statementOfReasons)).toEqual({ valid: true, errors: [] });
    expect(decided.body.statementOfReasons).toMatchObject({ puid: decisionId, source_type: 'SOURCE_VOLUNTARY', automated_detection: 'Yes', decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT' });
    expect(decided.body.webhookDeliveries).toBe(1);

    const [hook] = await platform.waitFor(1, (r) => r.headers['safeguard-event'] === 'case.decided');
    const header = hook!.headers['safeguard-signature'] as string;
    expect(verifySignature(secret, hook!.body, header, Math.floor(Date.now() / 1000))).toMatchObject({ ok: true });
    expect(verifySignature(secret, hook!.body.replace('ban', 'warn'), header, Math.floor(Date.now() / 1000))).toMatchObject({ ok: false });
    const payload = JSON.parse(hook!.body) as { type: string; data: Record<string, unknown> };
    expect(payload.type).toBe('case.decided');
    expect(payload.data).toMatchObject({
      caseId: groomingCase,
      decisionId,
      item: { id: 'e2e-suspect', typeId: 'user' },
      action: { id: 'ban' },
      policies: [{ id: 'grooming', penalty: 'SEVERE' }],
      userStrikeCount: 5,
      restriction: { account: 'terminated' },
      statementOfReasons: decided.body.statementOfReasons,
    });
    expect(hook!.headers['safeguard-delivery']).toMatch(/^dl_/);
    const delivered = await eventually(
      () => get<{ items: { status: string; attempts: number; lastStatus: number }[] }>('/v1/webhooks/deliveries?status=delivered', tenant.keys.admin),
      (r) => r.body.items.length === 1,
    );
    expect(delivered.body.items).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1, lastStatus: 204 })]);
  });

  it('an appeal (Coop shape, naming the action) is reversed by another moderator, with its handling time', async () => {
    const lodged = await post<{ appealId: string; decisionId: string }>('/v1/appeals', tenant.keys.platform, {
      appealId: 'platform-appeal-1',
      appealedBy: { id: 'e2e-suspect', typeId: 'user' },
      appealedAt: new Date().toISOString(),
      actionedItem: { id: 'e2e-suspect', typeId: 'user', data: {} },
      actionsTaken: ['ban'],
      appealReason: 'That was my niece, we were planning a surprise.',
    });
    expect(lodged.status).toBe(201);
    expect(lodged.body.decisionId).toBe(decisionId);
    const queue = await get<{ items: { id: string; status: string; ageMs: number }[] }>('/v1/appeals', tenant.keys.moderator);
    expect(queue.body.items.map((a) => a.id)).toEqual([lodged.body.appealId]);
    const own = await post(`/v1/appeals/${lodged.body.appealId}/decision`, tenant.keys.moderator, { outcome: 'reversed' });
    expect(own.status).toBe(409);
    const reversed = await post<{ appeal: { outcome: string; handlingMs: number; status: string } }>(`/v1/appeals/${lodged.body.appealId}/decision`, secondModerator, {
      outcome: 'reversed',
      explanation: 'Family context confirmed.',
    });
    expect(reversed.status).toBe(200);
    expect(reversed.body.appeal).toMatchObject({ outcome: 'reversed', status: 'decided' });
    expect(reversed.body.appeal.handlingMs).toBeGreaterThanOrEqual(0);
    const [hook] = await platform.waitFor(1, (r) => r.headers['safeguard-event'] === 'appeal.decided');
    expect(verifySignature(secret, hook!.body, hook!.headers['safeguard-signature'] as string, Math.floor(Date.now() / 1000)).ok).toBe(true);
    expect(JSON.parse(hook!.body)).toMatchObject({ data: { appealId: 'platform-appeal-1', appealDecision: 'ACCEPT', outcome: 'reversed', restore: { account: true } } });
    const decision = await get<{ decisions: { id: string; status: string }[] }>(`/v1/cases/${groomingCase}`, tenant.keys.moderator);
    expect(decision.body.decisions.find((d) => d.id === decisionId)?.status).toBe('reversed');
    const stats = await get<{ appeals: { decided: number; outcomes: Record<string, number>; medianHandlingMs: number } }>('/v1/cases/stats', tenant.keys.regulator);
    expect(stats.status).toBe(200);
    expect(stats.body.appeals).toMatchObject({ decided: 1, outcomes: { reversed: 1 } });
  });

  it('a referral exports a CyberTipline report in the documented element order (text only, no media)', async () => {
    const opened = await openCaseFromAlert(server.store, tenant.id, groomingAlert('e2e-alert-2', 'e2e-suspect-2'));
    const decided = await post<{ referralIds: string[] }>(`/v1/cases/${opened.caseId}/decisions`, tenant.keys.moderator, { action: 'refer_law_enforcement' });
    expect(decided.status).toBe(201);
    // The child is in the UK: the NCA gets the UK variant too.
    expect(decided.body.referralIds).toHaveLength(2);
    const list = await get<{ items: { id: string; target: string; status: string }[] }>('/v1/referrals?status=queued', tenant.keys.admin);
    const ncmec = list.body.items.find((r) => r.target === 'ncmec')!;
    expect((await post(`/v1/referrals/${ncmec.id}/export`, tenant.keys.moderator)).status).toBe(403);
    const exported = await post<{ format: string; content: string; fileDetails: unknown[]; missing: string[] }>(`/v1/referrals/${ncmec.id}/export`, tenant.keys.admin);
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ format: 'cybertipline-xml', fileDetails: [], missing: [] });
    const order = childrenOf(exported.body.content, 'report');
    expect(order).toEqual(['incidentSummary', 'internetDetails', 'reporter', 'personOrUserReported', 'victim', 'additionalInfo']);
    const positions = order.map((n) => REPORT_ELEMENT_ORDER.indexOf(n as (typeof REPORT_ELEMENT_ORDER)[number]));
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    expect(childrenOf(exported.body.content, 'incidentSummary')).toEqual(['incidentType', 'platform', 'reportAnnotations', 'incidentDateTime', 'incidentDateTimeDescription']);
    expect(exported.body.content).toContain('<incidentType>Online Enticement of Children for Sexual Acts</incidentType>');
    expect(exported.body.content).toContain('<email>safety@e2e.example</email>');
    expect(exported.body.content).toContain('dont tell your parents about me');
    const submitted = await post<{ status: string; retainUntil: string }>(`/v1/referrals/${ncmec.id}/submitted`, tenant.keys.admin, { reportId: 'CT-1001' });
    expect(submitted.body.status).toBe('submitted');
    expect(Date.parse(submitted.body.retainUntil)).toBeGreaterThan(Date.now() + 364 * 86_400_000);
    const audit = await get<{ entries: { action: string }[] }>('/v1/audit?action=referral.export', tenant.keys.admin);
    expect(audit.body.entries).toHaveLength(1);
  });
});

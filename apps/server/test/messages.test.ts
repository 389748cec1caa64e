/**
 * Message ingestion with streaming grooming detection through the HTTP API. Conversation text here
 * is synthetic, written for the project, and deliberately non-explicit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionStore } from '@safeguard/store';
import { auth, birthDateFor, createTestServer, type TestServer, type TestTenant } from './harness.js';

let server: TestServer;
let t: TestTenant;
const h = (): { authorization: string } => auth(t.keys.platform);

interface Result {
  idempotencyKey: string;
  index: number;
  action: string;
  duplicate: boolean;
  alertId: string | null;
  senderRisk: number;
  signals: { type: string }[];
  warnings: string[];
}

const GROOMING_SCRIPT: [string, string][] = [
  ['adult', 'hey saw you in the lobby, you are really good at this game'],
  ['kid', 'thanks lol'],
  ['adult', 'how old are you btw?'],
  ['kid', 'im 12'],
  ['adult', 'you seem really mature for your age, way cooler than people my age'],
  ['adult', 'i can send you a gift card for skins if you want, our secret ok?'],
  ['kid', 'really? ok'],
  ['adult', 'dont tell your parents about me, they wouldnt get it. are they home right now?'],
  ['adult', 'add me on snap its easier to talk there, my handle is coolgamer_88'],
  ['adult', 'send me a pic of you so i know what you look like'],
  ['adult', 'we should meet up at the mall this weekend, just us'],
  ['adult', 'delete these messages after you read them ok'],
];

async function send(messages: unknown[]) {
  return server.app.inject({ method: 'POST', url: '/v1/messages', headers: h(), payload: { messages } });
}

beforeAll(async () => {
  server = await createTestServer();
  t = await server.tenant('messages');
  for (const [id, years] of [
    ['kid', 12],
    ['adult', 34],
    ['teen-a', 14],
    ['teen-b', 14],
  ] as const) {
    await server.app.inject({ method: 'PUT', url: `/v1/accounts/${id}`, headers: h(), payload: { birthDate: birthDateFor(years) } });
  }
});
afterAll(async () => server.close());

describe('POST /v1/messages', () => {
  let first: Result[] = [];

  it('scores a grooming conversation message by message and raises one alert early', async () => {
    const messages = GROOMING_SCRIPT.map(([from, text], i) => ({
      idempotencyKey: `g-${i}`,
      conversationId: 'conv-groom',
      sender: from,
      recipients: [from === 'adult' ? 'kid' : 'adult'],
      timestamp: new Date(Date.UTC(2026, 10, 1, 18, i)).toISOString(),
      text,
    }));
    // Streamed in three calls, as a platform would send them.
    for (const part of [messages.slice(0, 4), messages.slice(4, 8), messages.slice(8)]) {
      const r = await send(part);
      expect(r.statusCode, r.body).toBe(200);
      first.push(...r.json<{ results: Result[] }>().results);
    }
    first = first.sort((a, b) => a.index - b.index);
    expect(first.map((r) => r.index)).toEqual(GROOMING_SCRIPT.map((_, i) => i));
    const alerted = first.filter((r) => r.alertId !== null);
    expect(alerted).toHaveLength(1);
    expect(alerted[0]?.index).toBeLessThanOrEqual(10);
    expect(first.some((r) => r.action !== 'deliver')).toBe(true);
    const types = new Set(first.flatMap((r) => r.signals.map((s) => s.type)));
    expect(types).toContain('off-platform-move');
    expect(types).toContain('secrecy');
  });

  it('lists the alert with its signals, naming the adult as the suspect', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/alerts?kind=grooming', headers: h() });
    const [alert] = r.json<{ alerts: { id: string; accountId: string; conversationId: string; signals: { type: string; message: number; participant: string }[] }[] }>().alerts;
    expect(alert).toMatchObject({ accountId: 'adult', conversationId: 'conv-groom' });
    expect(alert?.signals.length).toBeGreaterThan(3);
    expect(alert?.signals.every((s) => s.participant === 'adult' || s.participant === 'kid')).toBe(true);
    const one = await server.app.inject({ method: 'GET', url: `/v1/alerts/${alert?.id ?? ''}`, headers: auth(t.keys.moderator) });
    expect(one.statusCode).toBe(200);
  });

  it('answers a retried batch from storage: same answers, nothing processed twice', async () => {
    const again = await send(
      GROOMING_SCRIPT.slice(0, 3).map(([from, text], i) => ({ idempotencyKey: `g-${i}`, conversationId: 'conv-groom', sender: from, recipients: ['kid'], text })),
    );
    const results = again.json<{ results: Result[] }>().results;
    expect(results.every((r) => r.duplicate)).toBe(true);
    expect(results.map((r) => r.action)).toEqual(first.slice(0, 3).map((r) => r.action));
    const stored = await new DetectionStore(server.store).conversationMessages(t.id, 'conv-groom');
    expect(stored).toHaveLength(GROOMING_SCRIPT.length);
    const alerts = await server.app.inject({ method: 'GET', url: '/v1/alerts', headers: h() });
    expect(alerts.json<{ alerts: unknown[] }>().alerts).toHaveLength(1);
  });

  it('does not alert on two 14-year-olds flirting', async () => {
    const lines: [string, string][] = [
      ['teen-a', 'hey did you finish the maths homework'],
      ['teen-b', 'yeah it was so hard lol'],
      ['teen-a', 'you looked really nice at the school disco btw'],
      ['teen-b', 'aw thanks, you too :)'],
      ['teen-a', 'do you want to go to the cinema with everyone on saturday'],
      ['teen-b', 'yes! my mum can drive us'],
      ['teen-a', 'cool see you in class tomorrow'],
    ];
    const r = await send(lines.map(([from, text], i) => ({ idempotencyKey: `t-${i}`, conversationId: 'conv-teens', sender: from, recipients: [from === 'teen-a' ? 'teen-b' : 'teen-a'], text })));
    const results = r.json<{ results: Result[] }>().results;
    expect(results.every((x) => x.alertId === null)).toBe(true);
  });

  it('accepts unregistered participants with a warning, empty and 1 MiB messages, and invalid Unicode', async () => {
    const r = await send([
      { idempotencyKey: 'u-1', conversationId: 'conv-odd', sender: 'ghost', recipients: ['kid'], text: '' },
      { idempotencyKey: 'u-2', conversationId: 'conv-odd', sender: 'ghost', recipients: ['kid'], text: 'a'.repeat(1024 * 1024) },
      { idempotencyKey: 'u-3', conversationId: 'conv-odd', sender: 'ghost', recipients: ['kid'], text: 'broken \ud800 surrogate and nul \u0000 here' },
    ]);
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    const results = r.json<{ results: Result[] }>().results;
    expect(results).toHaveLength(3);
    expect(results[0]?.warnings.join(' ')).toContain('"ghost" is not registered');
    const stored = await new DetectionStore(server.store).conversationMessages(t.id, 'conv-odd');
    expect(stored[2]?.text).toContain('\uFFFD');
    expect(stored[2]?.text).not.toContain('\u0000');
  });

  it('rejects malformed batches with a clear 4xx and stores nothing from them', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ idempotencyKey: `x-${i}`, conversationId: 'c', sender: 'kid', recipients: ['adult'], text: 'hi' }));
    expect((await send(tooMany)).statusCode).toBe(400);
    const noRecipients = await send([{ idempotencyKey: 'x', conversationId: 'c', sender: 'kid', recipients: [], text: 'hi' }]);
    expect(noRecipients.statusCode).toBe(400);
    const badTime = await send([{ idempotencyKey: 'y', conversationId: 'c', sender: 'kid', recipients: ['adult'], text: 'hi', timestamp: 'yesterday' }]);
    expect(badTime.statusCode).toBe(400);
    const oversized = await send([{ idempotencyKey: 'z', conversationId: 'c', sender: 'kid', recipients: ['adult'], text: 'a'.repeat(1024 * 1024 + 1) }]);
    expect(oversized.statusCode).toBe(400);
    expect(await new DetectionStore(server.store).findMessages(t.id, ['x', 'y', 'z', 'x-0'])).toHaveProperty('size', 0);
  });
});

describe('conversation view and privacy', () => {
  it('shows a moderator the retained conversation and audits the view of a child’s data', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/v1/conversations/conv-groom/messages', headers: auth(t.keys.moderator) });
    expect(r.statusCode).toBe(200);
    expect(r.json<{ messages: { text: string }[] }>().messages).toHaveLength(GROOMING_SCRIPT.length);
    const log = await server.app.inject({ method: 'GET', url: '/v1/audit?action=child-data.view', headers: auth(t.keys.admin) });
    expect(log.json<{ entries: { target: string }[] }>().entries.map((e) => e.target)).toContain('conv-groom');
    const platform = await server.app.inject({ method: 'GET', url: '/v1/conversations/conv-groom/messages', headers: h() });
    expect(platform.statusCode).toBe(403);
  });

  it('purges text of conversations without an alert after the window, keeps alerted ones', async () => {
    const store = new DetectionStore(server.store);
    const purged = await store.purgeUnretainedText(t.id, new Date(Date.now() + 60_000).toISOString());
    expect(purged).toBeGreaterThan(0);
    expect((await store.conversationMessages(t.id, 'conv-teens')).every((m) => m.text === null)).toBe(true);
    expect((await store.conversationMessages(t.id, 'conv-groom')).every((m) => m.text !== null)).toBe(true);
  });

  it('never logs message text', () => {
    const logs = server.logs.join('');
    expect(logs).not.toContain('gift card');
    expect(logs).not.toContain('maths homework');
  });
});

describe('contact-pattern risk', () => {
  it('alerts on an adult who sends connection requests to many unconnected children', async () => {
    const adult = 'collector';
    await server.app.inject({ method: 'PUT', url: `/v1/accounts/${adult}`, headers: h(), payload: { birthDate: birthDateFor(41) } });
    for (let i = 0; i < 8; i += 1) {
      await server.app.inject({ method: 'PUT', url: `/v1/accounts/target-${i}`, headers: h(), payload: { birthDate: birthDateFor(11 + (i % 4)) } });
      const r = await server.app.inject({ method: 'POST', url: '/v1/connections/request', headers: h(), payload: { actor: adult, target: `target-${i}` } });
      // Each request is refused by policy (no shared connection), yet each attempt is recorded.
      expect(r.statusCode).toBe(403);
    }
    const alerts = await server.app.inject({ method: 'GET', url: `/v1/alerts?kind=contact-risk&accountId=${adult}`, headers: h() });
    const [alert] = alerts.json<{ alerts: { accountId: string; score: number; details: { reasons: { code: string }[] } }[] }>().alerts;
    expect(alert?.accountId).toBe(adult);
    expect(alert?.details.reasons.map((r) => r.code)).toContain('requests-to-unconnected-children');
  });

  it('does not alert on an adult with ordinary adult contacts', async () => {
    await server.app.inject({ method: 'PUT', url: '/v1/accounts/sociable', headers: h(), payload: { birthDate: birthDateFor(30) } });
    for (let i = 0; i < 8; i += 1) {
      await server.app.inject({ method: 'PUT', url: `/v1/accounts/peer-${i}`, headers: h(), payload: { birthDate: birthDateFor(28 + i) } });
      await server.app.inject({ method: 'POST', url: '/v1/connections/request', headers: h(), payload: { actor: 'sociable', target: `peer-${i}` } });
    }
    const alerts = await server.app.inject({ method: 'GET', url: '/v1/alerts?kind=contact-risk&accountId=sociable', headers: h() });
    expect(alerts.json<{ alerts: unknown[] }>().alerts).toHaveLength(0);
  });
});

describe('alerts become cases', () => {
  it('opens a moderation case for the grooming alert with the conversation preserved as evidence', async () => {
    const alerts = await server.app.inject({ method: 'GET', url: '/v1/alerts?kind=grooming', headers: h() });
    const [alert] = alerts.json<{ alerts: { id: string; caseId: string | null }[] }>().alerts;
    expect(alert?.caseId).toMatch(/./);
    const kase = await server.app.inject({ method: 'GET', url: `/v1/cases/${alert?.caseId ?? ''}`, headers: auth(t.keys.moderator) });
    expect(kase.statusCode, kase.body.slice(0, 300)).toBe(200);
    expect(kase.body).toContain('adult');
    expect(kase.json()).toMatchObject({ case: { subjectAccountId: 'adult', severity: 'critical', involvesChild: true } });
    expect(kase.body).toContain('"type":"secrecy"');
    expect(kase.body).toContain('how old are you btw?');
    // Messages after the alert joined the case too.
    expect(kase.body).toContain('send me a pic of you so i know what you look like');
  });
});

describe('family conversations', () => {
  const FAMILY_LINES = [
    'how was school today?',
    'are you home alone right now? mum is at work',
    'dont tell your sister about the surprise party, its our secret',
    'send me a pic of your homework so i can check it',
    'i will pick you up after football, meet me at the gate',
    'delete that message i sent by mistake',
    'love you, see you soon',
  ];

  it('never escalates a linked guardian talking with their own child', async () => {
    await server.app.inject({ method: 'PUT', url: '/v1/accounts/dad', headers: h(), payload: { birthDate: birthDateFor(44) } });
    await server.app.inject({ method: 'PUT', url: '/v1/accounts/son', headers: h(), payload: { birthDate: birthDateFor(11) } });
    const link = await server.app.inject({ method: 'PUT', url: '/v1/accounts/son/guardians/dad', headers: h() });
    expect(link.statusCode).toBe(200);
    const r = await send(FAMILY_LINES.map((text, i) => ({ idempotencyKey: `fam-${i}`, conversationId: 'conv-family', sender: 'dad', recipients: ['son'], text })));
    const results = r.json<{ results: Result[] }>().results;
    expect(results.every((x) => x.alertId === null && x.action === 'deliver')).toBe(true);
    const alerts = await server.app.inject({ method: 'GET', url: '/v1/alerts?accountId=dad', headers: h() });
    expect(alerts.json<{ alerts: unknown[] }>().alerts).toHaveLength(0);
  });

  it('still alerts when the same words come from an adult who is not the child’s guardian', async () => {
    const r = await send(FAMILY_LINES.map((text, i) => ({ idempotencyKey: `nofam-${i}`, conversationId: 'conv-nofamily', sender: 'adult', recipients: ['son'], text })));
    expect(r.json<{ results: Result[] }>().results.some((x) => x.alertId !== null)).toBe(true);
  });
});

describe('privacy sweeper', () => {
  it('removes the text of conversations without an alert once past the retention window', async () => {
    await send([
      { idempotencyKey: 'sweep-1', conversationId: 'conv-sweep', sender: 'teen-a', recipients: ['teen-b'], text: 'see you at the bus stop' },
      { idempotencyKey: 'sweep-2', conversationId: 'conv-sweep', sender: 'teen-b', recipients: ['teen-a'], text: 'ok cool' },
    ]);
    const { PrivacySweeper } = await import('../src/services/privacy-sweeper.js');
    const later = { now: () => new Date(Date.now() + 73 * 3_600_000) };
    const result = await new PrivacySweeper(server.store, later, 72 * 3_600_000, () => undefined).sweep();
    expect(result.textsRemoved).toBeGreaterThanOrEqual(2);
    const store = new DetectionStore(server.store);
    expect((await store.conversationMessages(t.id, 'conv-sweep')).map((m) => m.text)).toEqual([null, null]);
    expect((await store.conversationMessages(t.id, 'conv-groom')).every((m) => m.text !== null)).toBe(true);
  });
});

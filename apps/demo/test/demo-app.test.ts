/**
 * The reference platform against a REAL Safeguard: the server app over a real SQLite file,
 * listening on a loopback port with the `npm start` demo tenant seeded; the demo app talks to it
 * through the generated client with a platform key, and its pages are driven with fastify.inject.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, seedDemo, type SafeguardApp } from '@safeguard/server';
import { migrateToLatest, openDatabase, SafeguardStore } from '@safeguard/store';
import { CAST, SafeguardClient, createDemoApp, platformKeyFor, type DemoApp } from '../src/index.js';

let dir: string;
let store: SafeguardStore;
let safeguard: SafeguardApp;
let demo: DemoApp;
let baseUrl: string;
let adminKey: string;

const as = (id: string): { cookie: string } => ({ cookie: `playground_as=${id}` });
const page = async (id: string, url: string) => demo.app.inject({ method: 'GET', url, headers: as(id) });
const post = async (id: string, url: string, form: Record<string, string> = {}) =>
  demo.app.inject({ method: 'POST', url, headers: { ...as(id), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-demo-'));
  const handle = openDatabase(join(dir, 'safeguard.sqlite'));
  await migrateToLatest(handle, null);
  store = SafeguardStore.fromHandle(handle);
  adminKey = (await seedDemo(store, dir)).adminKey;
  safeguard = await buildApp({ store, logLevel: 'silent' });
  await safeguard.listen({ port: 0, host: '127.0.0.1' });
  const address = safeguard.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const apiKey = await platformKeyFor(baseUrl, adminKey);
  demo = await createDemoApp({ safeguardUrl: baseUrl, apiKey });
}, 120_000);

afterAll(async () => {
  await demo.app.close();
  await safeguard.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reference platform', () => {
  it('uses a platform key, never the admin key, and reuses it across restarts', async () => {
    const key = await platformKeyFor(baseUrl, adminKey);
    expect((await new SafeguardClient({ baseUrl, apiKey: key }).getMe()).role).toBe('platform');
    expect(await platformKeyFor(baseUrl, adminKey, key)).toBe(key);
  });

  it('lists the cast on the sign-in page and signs in with a cookie', async () => {
    const res = await demo.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    for (const id of Object.values(CAST)) expect(res.body).toContain(`value="${id}"`);
    const signin = await demo.app.inject({ method: 'POST', url: '/signin', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `as=${CAST.child}` });
    expect(signin.statusCode).toBe(302);
    expect(signin.headers['set-cookie']).toContain(`playground_as=${CAST.child}`);
    expect((await demo.app.inject({ method: 'GET', url: '/home' })).statusCode).toBe(302); // not signed in
  });

  it("shows the child that the stranger's message and request were refused, with Safeguard's explanation", async () => {
    const home = await page(CAST.child, '/home');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('What Safeguard stopped');
    expect(home.body).toMatch(/Mark \(34\)<\/b> tried to message you: <b>refused<\/b>/);
    expect(home.body).toContain('DEF-05');
    expect(home.body).toContain('age band <b>under13</b>');
    // Children are never shown suggestions; the decision says why.
    expect(home.body).toContain('No suggestions for this account');
  });

  it("refuses the stranger's direct message to the child and shows the decision's explanation", async () => {
    const chat = await page(CAST.stranger, `/chat/${CAST.child}`);
    expect(chat.body).toContain('You can&#39;t message Lily (12)');
    expect(chat.body).not.toContain('name="text"'); // no composer
    const sent = await post(CAST.stranger, `/chat/${CAST.child}/send`, { text: 'hello there' });
    expect(sent.statusCode).toBe(403);
    expect(sent.body).toContain('Your message was not sent');
    const decision = await new SafeguardClient({ baseUrl, apiKey: await platformKeyFor(baseUrl, adminKey) }).postDecisions({ body: { action: 'message.send', actor: CAST.stranger, target: CAST.child } });
    expect('explanation' in decision).toBe(true);
    if ('explanation' in decision) expect(sent.body).toContain(decision.explanation.replace(/'/g, '&#39;').slice(0, 40));
    expect(demo.platform.conversation(CAST.child, CAST.stranger)).toHaveLength(0);
  });

  it('shows the child a safety prompt before writing to an adult she is not connected with', async () => {
    const chat = await page(CAST.child, `/chat/${CAST.friend}`);
    expect(chat.body).toContain('data-outcome="allow_with_warning"');
    expect(chat.body).toContain('Before you go on');
    expect(chat.body).toContain('I have read this and want to continue');
    const unconfirmed = await post(CAST.child, `/chat/${CAST.friend}/send`, { text: 'hi, is this the band?' });
    expect(unconfirmed.body).toContain('tick the box to continue');
    expect(demo.platform.conversation(CAST.child, CAST.friend)).toHaveLength(0);
    const confirmed = await post(CAST.child, `/chat/${CAST.friend}/send`, { text: 'hi, is this the band?', acknowledged: 'yes' });
    expect(confirmed.statusCode).toBe(302);
    expect(demo.platform.conversation(CAST.child, CAST.friend)).toHaveLength(1);
  });

  it('shows the teen a safety check beside the messages Safeguard flagged', async () => {
    const chat = await page(CAST.teen, `/chat/${CAST.friend}`);
    expect(chat.body).toContain('data-prompt="deliver_with_warning"');
    expect(chat.body).toMatch(/asks you to keep secrets|wants to move to another app/);
    // The sender does not get the prompt.
    expect((await page(CAST.friend, `/chat/${CAST.teen}`)).body).not.toContain('data-prompt=');
  });

  it('refuses a connection request the policy forbids and explains it', async () => {
    const res = await post(CAST.stranger, `/people/${CAST.teen}/connect`);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Request not sent');
    expect(res.body).toMatch(/rules [A-Z]+-\d+/);
  });

  it('files a report with the conversation and shows the acknowledgement', async () => {
    const form = await page(CAST.teen, `/report/${CAST.friend}`);
    expect(form.body).toContain('Report Dan (19)');
    const res = await post(CAST.teen, `/report/${CAST.friend}`, { reason: 'grooming', words: 'he wants me to keep secrets' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/data-report="[^"]+"/);
    const cases = await new SafeguardClient({ baseUrl, apiKey: adminKey }).getCases({ query: { subject: CAST.friend } });
    expect(cases.items.length).toBeGreaterThan(0);
  });

  it('sends pictures only when the server documents POST /v1/media', async () => {
    const supported = await new SafeguardClient({ baseUrl }).supports('POST', '/v1/media');
    const chat = await page(CAST.classmate, `/chat/${CAST.child}`);
    const res = await post(CAST.classmate, `/chat/${CAST.child}/picture`, { picture: 'sunset' });
    const pictures = demo.platform.conversation(CAST.child, CAST.classmate).filter((m) => m.image !== null);
    if (!supported) {
      expect(chat.body).toContain('data-images="unsupported"');
      expect(res.body).toContain('Not sent: this Safeguard server cannot check pictures');
      expect(pictures).toHaveLength(0);
    } else {
      expect(chat.body).toContain('Send picture');
      expect(res.statusCode).toBeLessThan(400);
      expect(pictures.length).toBe(1);
      const view = await page(CAST.child, `/chat/${CAST.classmate}`);
      expect(view.body).toContain('/pictures/sunset.png');
    }
  });
});

/**
 * `safeguard bundle create` and `safeguard bundle verify` on a real SQLite store: a directory bundle
 * and a tar bundle verify offline (exit 0) against the tenant's key fingerprint; an altered,
 * missing or extra file, a forged signature, a bundle signed by another key, and inputs that are not
 * bundles at all each get a named problem and the exit code scripts rely on.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, packTar, unpackTar } from '@safeguard/reporting';
import { RegulatorStore, SafeguardStore, migrateToLatest, openDatabase } from '@safeguard/store';
import { EXIT } from '../src/exit-codes.js';
import { runSafeguard, type CliRun } from './run-safeguard.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let fingerprint: string;
const TODAY = new Date().toISOString().slice(0, 10);
const FROM = `${TODAY.slice(0, 4)}-01-01`;

const run = (...args: string[]): Promise<CliRun> => runSafeguard(args, env);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-bundle-'));
  env = { SAFEGUARD_DATABASE_URL: `sqlite:${join(dir, 'safeguard.sqlite')}` };
  const handle = openDatabase(join(dir, 'safeguard.sqlite'));
  await migrateToLatest(handle);
  const store = SafeguardStore.fromHandle(handle);
  const tenant = await store.createTenant('bundle-co');
  await store.upsertAccount(tenant.id, { id: 'kid', birthDate: '2014-01-01', jurisdiction: 'UK' });
  await store.appendAudit(tenant.id, { actor: 'test', action: 'account.create', target: 'kid', details: { fields: ['birthDate'] } });
  await store.addDecisionStats(tenant.id, [{ day: TODAY, action: 'message.send', outcome: 'deny', ruleId: 'DEF-05', count: 3 }]);
  fingerprint = (await new RegulatorStore(store).signingKey(tenant.id)).fingerprint;
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safeguard bundle', () => {
  it('creates a directory bundle that verifies offline against the published fingerprint', async () => {
    const out = join(dir, 'b1');
    const created = await run('bundle', 'create', '--from', FROM, '--to', TODAY, '--output', out);
    expect(created.code).toBe(EXIT.ok);
    expect(created.out).toContain(`signed by key ${fingerprint}`);
    expect(created.out).toMatch(/data\/decision-stats\.jsonl {2}1 records/);
    const verified = await run('bundle', 'verify', out, '--key', fingerprint);
    expect(verified.code).toBe(EXIT.ok);
    expect(verified.out).toContain('OK: the bundle is intact');
    expect(verified.out).toContain('(trusted)');
    // The creation itself is audited.
    const audit = await run('audit', 'verify', '--format', 'json');
    expect(audit.code).toBe(EXIT.ok);
  });

  it('names an altered file, and exits 1', async () => {
    const out = join(dir, 'b2');
    await run('bundle', 'create', '--from', FROM, '--to', TODAY, '--output', out, '--scope', 'audit,decisions');
    const stats = join(out, 'data', 'decision-stats.jsonl');
    writeFileSync(stats, readFileSync(stats, 'utf8').replace('"count":3', '"count":0'));
    const r = await run('bundle', 'verify', out);
    expect(r.code).toBe(EXIT.findings);
    expect(r.err).toContain('ALTERED data/decision-stats.jsonl');
    expect(r.out).toContain('ok      data/audit.jsonl');
    const json = await run('bundle', 'verify', out, '--format', 'json');
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, problems: [{ kind: 'altered', file: 'data/decision-stats.jsonl' }] });
  });

  it('names missing and unexpected files and a forged manifest', async () => {
    const out = join(dir, 'b3');
    await run('bundle', 'create', '--from', FROM, '--to', TODAY, '--output', out, '--scope', 'audit,decisions,policy');
    unlinkSync(join(out, 'data', 'policy.jsonl'));
    writeFileSync(join(out, 'data', 'extra.jsonl'), '{}\n');
    appendFileSync(join(out, 'manifest.json'), ' ');
    let r = await run('bundle', 'verify', out);
    // Whitespace does not change the signed content: only the file problems show.
    expect(r.err).toContain('MISSING data/policy.jsonl');
    expect(r.err).toContain('UNEXPECTED data/extra.jsonl');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { period: { from: string } };
    manifest.period.from = '2000-01-01';
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest));
    r = await run('bundle', 'verify', out);
    expect(r.code).toBe(EXIT.findings);
    expect(r.err).toContain('SIGNATURE manifest.json');
  });

  it('writes and verifies tar archives, and spots a bundle re-signed by another key', async () => {
    const tar = join(dir, 'b4.tar');
    expect((await run('bundle', 'create', '--from', FROM, '--to', TODAY, '--output', tar, '--scope', 'decisions')).code).toBe(EXIT.ok);
    expect((await run('bundle', 'verify', tar, '--key', fingerprint)).code).toBe(EXIT.ok);
    // Someone rebuilds the bundle with their own key: self-consistent, but not the tenant's signer.
    const forger = generateSigningKey();
    const keyFile = join(dir, 'forger.pem');
    writeFileSync(keyFile, forger.privateKeyPem);
    const forged = join(dir, 'b5.tar');
    expect((await run('bundle', 'create', '--from', FROM, '--to', TODAY, '--output', forged, '--scope', 'decisions', '--signing-key', keyFile)).code).toBe(EXIT.ok);
    expect((await run('bundle', 'verify', forged)).code).toBe(EXIT.ok);
    const checked = await run('bundle', 'verify', forged, '--key', fingerprint);
    expect(checked.code).toBe(EXIT.findings);
    expect(checked.err).toContain('UNTRUSTED-SIGNER');
    const pub = join(dir, 'tenant.pub');
    // A public key file works as well as a fingerprint.
    const files = unpackTar(readFileSync(tar));
    const manifest = JSON.parse(Buffer.from(files.get('manifest.json')!).toString()) as { signer: { publicKey: string } };
    writeFileSync(pub, `-----BEGIN PUBLIC KEY-----\n${manifest.signer.publicKey}\n-----END PUBLIC KEY-----\n`);
    expect((await run('bundle', 'verify', tar, '--key', pub)).code).toBe(EXIT.ok);
    // Altered inside the archive.
    files.set('data/decision-stats.jsonl', Buffer.from('{}\n'));
    const altered = join(dir, 'b6.tar');
    writeFileSync(altered, packTar([...files].map(([name, bytes]) => ({ name, bytes }))));
    const r = await run('bundle', 'verify', altered);
    expect(r.code).toBe(EXIT.findings);
    expect(r.err).toContain('ALTERED data/decision-stats.jsonl');
  });

  it('exits 2 for inputs that are not bundles and for bad usage', async () => {
    expect((await run('bundle', 'verify', join(dir, 'nope'))).err).toContain('No such bundle');
    expect((await run('bundle', 'verify', join(dir, 'nope'))).code).toBe(EXIT.usage);
    const junk = join(dir, 'junk.tar');
    writeFileSync(junk, 'this is not a tar archive at all, just text'.repeat(30));
    const r = await run('bundle', 'verify', junk);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('not a tar archive');
    expect((await run('bundle', 'verify', join(dir, 'b1'), '--key', 'nonsense')).code).toBe(EXIT.usage);
    expect((await run('bundle', 'create', '--from', FROM, '--to', TODAY, '--scope', 'everything')).code).toBe(EXIT.usage);
    expect((await run('bundle', 'create', '--from', TODAY, '--to', FROM, '--output', join(dir, 'x'))).code).toBe(TODAY === FROM ? EXIT.ok : EXIT.usage);
  });
});

/**
 * `safeguard conformance` against the real embedded server listening on a local port: the default
 * deployment passes every rule it can probe (exit 0), a tenant whose defaults were loosened
 * (DEF-05 exempted with PUT /v1/policy) fails it (exit 1), and bad usage, a refused key and an
 * unreachable target get their own exit codes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_CATALOGUE } from '@safeguard/policy';
import { loadConfig, startServer, type RunningServer } from '@safeguard/server';
import { EXIT } from '../src/exit-codes.js';
import { runSafeguard, type CliRun } from './run-safeguard.js';

let dir: string;
let server: RunningServer;
let strictKey: string;
let loosenedKey: string;

const run = (...args: string[]): Promise<CliRun> => runSafeguard(args, { SAFEGUARD_DATA_DIR: dir });

interface Run {
  target: string;
  startedAt: string;
  results: { ruleId: string; status: 'pass' | 'fail' | 'not-applicable'; reason: string; evidence: { request: { method: string; path: string }; response: { status?: number } }[] }[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-conformance-'));
  server = await startServer(loadConfig({ port: 0, dataDir: dir, logLevel: 'warn' }, {}), { handleSignals: false, logStream: new Writable({ write: (_c, _e, cb) => cb() }) });
  const strict = await server.store.createTenant('strict-platform');
  strictKey = (await server.store.createApiKey(strict.id, 'admin', 'conformance')).key;
  // A deployment whose defaults were loosened: strangers may message children.
  const loose = await server.store.createTenant('loose-platform');
  loosenedKey = (await server.store.createApiKey(loose.id, 'admin', 'conformance')).key;
  const r = await fetch(`${server.url}/v1/policy`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${loosenedKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ defaultJurisdiction: 'UK', exemptions: [{ ruleId: 'DEF-05', reason: 'growth experiment: open messaging to everyone' }] }),
  });
  expect(r.status).toBe(200);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('safeguard conformance', () => {
  it('passes every probed rule of the embedded server, with evidence, and exits 0', async () => {
    const r = await run('conformance', '--target', server.url, '--key', strictKey);
    expect(r.err).toContain('0 fail');
    expect(r.code).toBe(EXIT.ok);
    const result = JSON.parse(r.out) as Run;
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['target', 'startedAt', 'results']));
    expect(result.target).toBe(server.url);
    // One result per seed rule, in catalogue order.
    expect(result.results.map((x) => x.ruleId)).toEqual(RULE_CATALOGUE.filter((x) => x.origin === 'seed').map((x) => x.id));
    const status = Object.fromEntries(result.results.map((x) => [x.ruleId, x.status]));
    for (const rule of ['AGE-01', 'AGE-02', 'DEF-01', 'DEF-02', 'DEF-03', 'DEF-04', 'DEF-05', 'DEF-06', 'DEF-07', 'DEF-13', 'RPT-01', 'RPT-04', 'RPT-08', 'TR-01']) {
      expect(status[rule], rule).toBe('pass');
    }
    expect(result.results.filter((x) => x.status === 'fail')).toEqual([]);
    const def05 = result.results.find((x) => x.ruleId === 'DEF-05')!;
    expect(def05.evidence.map((e) => `${e.request.method} ${e.request.path}`)).toEqual(['POST /v1/decisions', 'POST /v1/decisions', 'POST /v1/decisions']);
    expect(def05.evidence[0]?.response.status).toBe(200);
    // Rules no API client can check are marked with a reason, never silently passed.
    const gov = result.results.find((x) => x.ruleId === 'GOV-01')!;
    expect(gov).toMatchObject({ status: 'not-applicable', reason: 'governance records are documents' });
    expect(result.results.find((x) => x.ruleId === 'CSEA-01')?.reason).toContain('--include-csea');
  });

  it('fails a deployment whose defaults were loosened, naming the rule, and exits 1', async () => {
    const r = await run('conformance', '--target', server.url, '--key', loosenedKey, '--format', 'json');
    expect(r.code).toBe(EXIT.findings);
    expect(r.err).toMatch(/failing: .*DEF-05/);
    const result = JSON.parse(r.out) as Run;
    const def05 = result.results.find((x) => x.ruleId === 'DEF-05')!;
    expect(def05.status).toBe('fail');
    expect(def05.reason).toContain('a non-connected adult cannot message a child: expected deny, got allow');
    // Other defaults are untouched by that exemption.
    expect(result.results.find((x) => x.ruleId === 'DEF-01')?.status).toBe('pass');
    expect(result.results.find((x) => x.ruleId === 'AGE-01')?.status).toBe('pass');
  });

  it('writes a readable HTML page and can store the run on the target', async () => {
    const file = join(dir, 'conformance.html');
    const r = await run('conformance', '--target', server.url, '--key', loosenedKey, '--format', 'html', '--output', file, '--submit');
    expect(r.code).toBe(EXIT.findings);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<table>');
    expect(html).toMatch(/<th scope="row">DEF-05<\/th><td>[^<]*<\/td><td class="bad">fail<\/td>/);
    expect(r.err).toMatch(/stored on the target as cr_[a-z0-9]{16}/);
    const runs = await fetch(`${server.url}/v1/regulator/conformance`, { headers: { authorization: `Bearer ${loosenedKey}` } });
    expect(((await runs.json()) as { runs: { summary: { fail: number } }[] }).runs[0]?.summary.fail).toBeGreaterThanOrEqual(1);
  });

  it('probes CSEA referrals only when asked', async () => {
    const r = await run('conformance', '--target', server.url, '--key', strictKey, '--include-csea');
    const result = JSON.parse(r.out) as Run;
    expect(result.results.filter((x) => x.ruleId.startsWith('CSEA-0') && x.ruleId !== 'CSEA-04').map((x) => x.status)).toEqual(['pass', 'pass', 'pass']);
    expect(r.code).toBe(EXIT.ok);
  });

  it('exits 3 for an unreachable target and 2 for a refused key or bad usage', async () => {
    const unreachable = await run('conformance', '--target', 'http://127.0.0.1:9', '--key', strictKey, '--timeout', '2000');
    expect(unreachable.code).toBe(EXIT.unavailable);
    expect(unreachable.err).toContain('cannot reach http://127.0.0.1:9');
    expect(unreachable.out).toBe('');
    const refused = await run('conformance', '--target', server.url, '--key', 'sgk_nope');
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.err).toContain('refused the API key (401)');
    const badUrl = await run('conformance', '--target', 'ftp://example', '--key', strictKey);
    expect(badUrl.code).toBe(EXIT.usage);
    expect((await run('conformance', '--key', strictKey)).code).toBe(EXIT.usage);
  });
});

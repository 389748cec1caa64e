/**
 * `safeguard penalty` (statutory caps with citations) and `safeguard breach` (the register) on a
 * real SQLite store, with the exit codes for bad amounts, unknown rules and disallowed moves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafeguardStore, migrateToLatest, openDatabase } from '@safeguard/store';
import { parseAmount } from '../src/commands/penalty.js';
import { EXIT } from '../src/exit-codes.js';
import { runSafeguard, type CliRun } from './run-safeguard.js';

let dir: string;
let env: NodeJS.ProcessEnv;

const run = (...args: string[]): Promise<CliRun> => runSafeguard(args, env);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-penalty-'));
  env = { SAFEGUARD_DATABASE_URL: `sqlite:${join(dir, 'safeguard.sqlite')}` };
  const handle = openDatabase(join(dir, 'safeguard.sqlite'));
  await migrateToLatest(handle);
  const store = SafeguardStore.fromHandle(handle);
  await store.createTenant('fined-co');
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safeguard penalty', () => {
  it('computes the UK OSA cap with its arithmetic and citations', async () => {
    const r = await run('penalty', 'uk-osa', '--revenue', '500m');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('UK-OSA: maximum £50,000,000');
    expect(r.out).toContain('[P] OSA 2023 Sch 13 para 4(1)');
    expect((await run('penalty', 'uk-osa', '--revenue', '90,000,000')).out).toContain('maximum £18,000,000');
    expect((await run('penalty', 'uk-osa', '--revenue', '300m', '--period-months', '6')).out).toContain('maximum £60,000,000');
  });

  it('computes EU DSA and US 2258A caps, as text or JSON', async () => {
    const eu = await run('penalty', 'eu-dsa', '--turnover', '2bn', '--infringement', 'periodic', '--days', '30', '--format', 'json');
    // 5% of 2bn / 365 = €273,972.60 a day, for 30 days.
    expect(JSON.parse(eu.out)).toMatchObject({ regime: 'EU-DSA', currency: 'EUR', maximum: 8_219_178 });
    expect((await run('penalty', 'eu-dsa', '--turnover', '1bn', '--infringement', 'information')).out).toContain('maximum €10,000,000');
    expect((await run('penalty', 'us-2258a', '--mau', '150m', '--prior-failures', '1')).out).toContain('maximum $1,000,000');
  });

  it('refuses amounts that are not amounts', async () => {
    const r = await run('penalty', 'uk-osa', '--revenue', 'lots');
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('--revenue "lots" is not an amount');
    expect((await run('penalty', 'eu-dsa', '--turnover', '1m', '--infringement', 'bad')).code).toBe(EXIT.usage);
    expect((await run('penalty', 'eu-dsa', '--turnover', '1m')).code).toBe(EXIT.usage);
    expect(parseAmount('--x', '1.5bn')).toBe(1.5e9);
    expect(parseAmount('--x', '1_000_000')).toBe(1e6);
    expect(parseAmount('--x', '250k')).toBe(250_000);
  });
});

describe('safeguard breach', () => {
  it('records, lists and moves a breach through the process', async () => {
    const recorded = await run(
      'breach',
      'record',
      '--rule',
      'DEF-05',
      '--from',
      '2026-01-01',
      '--to',
      '2026-03-31',
      '--summary',
      'Strangers could message children while DEF-05 was exempted.',
      '--evidence',
      'conformance:cr_123:conformance run failed DEF-05',
      'audit:42:policy.update exempting DEF-05',
      '--penalty',
      '{"regime":"UK-OSA","qualifyingWorldwideRevenue":400000000}',
    );
    expect(recorded.code).toBe(EXIT.ok);
    const id = /breach (br_[a-z0-9]{16}) recorded/.exec(recorded.out)?.[1];
    expect(id).toBeDefined();
    expect(recorded.out).toContain('maximum penalty GBP 40,000,000');
    const list = await run('breach', 'list', '--format', 'json');
    expect(JSON.parse(list.out)).toMatchObject({ breaches: [{ id, ruleId: 'DEF-05', status: 'open', evidence: [{ kind: 'conformance', reference: 'cr_123' }, { kind: 'audit', reference: '42' }] }] });
    expect((await run('breach', 'status', id!, 'provisional', '--note', 's.130 notice')).out).toContain('is now provisional');
    const back = await run('breach', 'status', id!, 'open');
    expect(back.code).toBe(EXIT.usage);
    expect(back.err).toContain('cannot become open');
    expect((await run('breach', 'list', '--status', 'provisional')).out).toContain(id);
  });

  it('refuses unknown rules, malformed evidence and unknown breaches', async () => {
    const base = ['breach', 'record', '--from', '2026-01-01', '--to', '2026-01-31', '--summary', 'a long enough summary'];
    const unknown = await run(...base, '--rule', 'DEF-99', '--evidence', 'other:x:y');
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.err).toContain('"DEF-99" is not a rule of the catalogue');
    expect((await run(...base, '--rule', 'DEF-05', '--evidence', 'rumour:x:y')).code).toBe(EXIT.usage);
    expect((await run(...base, '--rule', 'DEF-05', '--evidence', 'other:x:y', '--penalty', '{nope')).code).toBe(EXIT.usage);
    expect((await run('breach', 'status', 'br_nope', 'closed')).code).toBe(EXIT.usage);
  });
});

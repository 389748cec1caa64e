/**
 * The operator commands, run in-process against a real SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '@safeguard/store';
import { EXIT } from '../src/exit-codes.js';
import { runSafeguard, type CliRun } from './run-safeguard.js';

let dir: string;
let env: NodeJS.ProcessEnv;

const run = (...args: string[]): Promise<CliRun> => runSafeguard(args, env);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-cli-'));
  env = { SAFEGUARD_DATA_DIR: dir };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safeguard CLI', () => {
  it('migrates', async () => {
    const r = await run('migrate');
    expect(r.code).toBe(0);
    expect(r.out).toContain('0001_initial');
    expect((await run('migrate')).out).toContain('up to date');
  });

  it('creates a tenant and prints its admin key once', async () => {
    const r = await run('tenant', 'create', 'acme');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/admin key .*: sgk_[a-z0-9]{16}_\S{43}/);
    const dup = await run('tenant', 'create', 'acme');
    expect(dup.code).toBe(EXIT.usage);
    expect(dup.err).toContain('already exists');
  });

  it('creates keys by role and refuses unknown roles', async () => {
    const r = await run('key', 'create', '--role', 'platform', '--tenant', 'acme');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/platform key for acme/);
    const bad = await run('key', 'create', '--role', 'superuser');
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toContain('Allowed choices');
  });

  it('shows the effective policy with sources, as text and JSON', async () => {
    const text = await run('policy', 'show', '--jurisdiction', 'UK');
    expect(text.code).toBe(0);
    expect(text.out).toContain('DEF-05');
    expect(text.out).toContain('ICU F1');
    const json = await run('policy', 'show', '--format', 'json');
    const parsed = JSON.parse(json.out) as { profiles: { jurisdiction: string }[] };
    expect(parsed.profiles.map((p) => p.jurisdiction)).toEqual(['UK', 'EU', 'US', 'other']);
  });

  it('decides like the API does, and names unknown accounts', async () => {
    const unknown = await run('decide', '--actor', 'x', '--target', 'y', '--action', 'message.send');
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.err).toContain('Unknown accounts');
    const handle = openDatabase(`sqlite:${join(dir, 'safeguard.sqlite')}`);
    await migrateToLatest(handle);
    const tenant = await handle.db.selectFrom('tenants').select('id').where('name', '=', 'acme').executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    for (const [id, birth] of [
      ['kid', `${new Date().getUTCFullYear() - 11}-01-01`],
      ['adult', '1980-01-01'],
    ] as const) {
      await handle.db
        .insertInto('accounts')
        .values({ tenant_id: tenant.id, id, birth_date: birth, declared_band: null, assurance_method: null, assurance_checked_at: null, jurisdiction: null, created_at: now, updated_at: now })
        .execute();
    }
    await handle.close();
    const r = await run('decide', '--actor', 'adult', '--target', 'kid', '--action', 'message.send');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-05'] });
    const bad = await run('decide', '--actor', 'adult', '--target', 'kid', '--action', 'fly');
    expect(bad.code).toBe(EXIT.usage);
  });

  it('verifies the audit chain and exits 1 naming a tampered entry', async () => {
    const ok = await run('audit', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('OK');
    const handle = openDatabase(`sqlite:${join(dir, 'safeguard.sqlite')}`);
    await handle.db.updateTable('audit_log').set({ action: 'key.create-forged' }).where('seq', '=', 2).execute();
    await handle.close();
    const broken = await run('audit', 'verify', '--tenant', 'acme');
    expect(broken.code).toBe(EXIT.findings);
    expect(broken.out).toContain('BROKEN');
    expect(broken.out).toContain('edited at entry 2');
  });
});

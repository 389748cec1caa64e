/**
 * `safeguard simulate` end to end: a small deterministic population plays a few days against a
 * real embedded server (real SQLite, real HTTP on a loopback port, the generated client). The
 * scripted groomers must be caught and benign accounts mostly not; the generator is deterministic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationReport } from '@safeguard/demo';
import { EXIT } from '../src/exit-codes.js';
import { runSafeguard, type CliRun } from './run-safeguard.js';

let dir: string;
let env: NodeJS.ProcessEnv;

const run = (...args: string[]): Promise<CliRun> => runSafeguard(args, env);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-sim-'));
  env = { SAFEGUARD_DATA_DIR: dir };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safeguard simulate', () => {
  it('catches the scripted groomers early and rarely alerts on benign accounts', async () => {
    const r = await run('simulate', '--accounts', '60', '--days', '5', '--seed', 'e2e', '--json');
    expect(r.code, r.err).toBe(EXIT.ok);
    const report = JSON.parse(r.out) as SimulationReport;
    expect(report.accounts).toBe(60);
    expect(report.groomers.total).toBeGreaterThanOrEqual(2);
    // Every groomer that reached a child was caught by a detection alert; at least one reached one.
    const reached = report.groomers.outcomes.filter((o) => o.childrenContacted > 0);
    expect(reached.length).toBeGreaterThan(0);
    for (const o of reached) expect(o.signals.filter((s) => s !== 'report' && s !== 'case'), o.id).not.toHaveLength(0);
    expect(report.benign.alertedAccountRate).toBeLessThan(0.15);
    // Every groomer was caught after at most a handful of its tactic-phase messages.
    for (const o of reached) expect(o.messagesAfterFirstTactic ?? Infinity).toBeLessThanOrEqual(o.tacticMessagesSent);
    expect(r.err).toMatch(/progress 100%/);
  }, 240_000);
});

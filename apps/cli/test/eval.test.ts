/**
 * `safeguard eval`: metrics overall and per source on a small labelled file written for the test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { runSafeguard, type CliRun } from './run-safeguard.js';

let dir: string;

const run = (...args: string[]): Promise<CliRun> => runSafeguard(args);

const groomer = (id: string, source: string) => ({
  id,
  source,
  label: 'grooming',
  alert_from: 4,
  participants: [{ id: 'g', age: 33, role: 'suspect' }, { id: 'k', age: 12 }],
  messages: [
    { from: 'g', text: 'hi, nice building today' },
    { from: 'k', text: 'thanks' },
    { from: 'g', text: 'how old are you' },
    { from: 'k', text: '12' },
    { from: 'g', text: 'you are so mature for your age. do you have snapchat?' },
    { from: 'g', text: 'keep this between us, dont tell your mum' },
    { from: 'g', text: 'send me a photo of you' },
    { from: 'g', text: 'are you alone at home?' },
  ],
});
const benign = (id: string, source: string) => ({
  id,
  source,
  label: 'benign',
  participants: [{ id: 'a', age: 13 }, { id: 'b', age: 13 }],
  messages: [
    { from: 'a', text: 'are you coming to practice' },
    { from: 'b', text: 'yes see you at 5' },
  ],
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-eval-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safeguard eval', () => {
  it('prints metrics overall and per source, with latency and groomer ranking', async () => {
    const input = join(dir, 'labelled.jsonl');
    writeFileSync(input, [groomer('g1', 'alpha'), benign('b1', 'alpha'), groomer('g2', 'beta'), benign('b2', 'beta')].map((c) => JSON.stringify(c)).join('\n'));
    const r = await run('eval', '--input', input);
    expect(r.code).toBe(EXIT.ok);
    for (const word of ['precision', 'recall', 'F1', 'F0.5', 'ROC-AUC', 'FPR', 'overall', 'alpha', 'beta']) expect(r.out).toContain(word);
    expect(r.out).toContain('groomer ranked first among participants: 2/2');
    expect(r.out).not.toContain('snapchat');
  });

  it('reports JSON with per-source metrics', async () => {
    const input = join(dir, 'labelled.jsonl');
    const r = await run('eval', '--input', input, '--json');
    const report = JSON.parse(r.out) as { overall: { recall: number; fpr: number; rocAuc: number; latency: { medianFromEscalation: number } }; bySource: Record<string, unknown> };
    expect(report.overall.recall).toBe(1);
    expect(report.overall.fpr).toBe(0);
    expect(report.overall.rocAuc).toBe(1);
    expect(report.overall.latency.medianFromEscalation).toBeLessThanOrEqual(5);
    expect(Object.keys(report.bySource).sort()).toEqual(['alpha', 'beta']);
  });

  it('reports unlabelled lines with their numbers and exits with the usage code', async () => {
    const input = join(dir, 'mixed.jsonl');
    const { label: _drop, ...unlabelled } = benign('b3', 'alpha');
    writeFileSync(input, [groomer('g1', 'alpha'), unlabelled, benign('b1', 'alpha')].map((c) => JSON.stringify(c)).join('\n'));
    const r = await run('eval', '--input', input);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('line 2: label must be "grooming" or "benign"');
    expect(r.out).toContain('overall');
  });
});

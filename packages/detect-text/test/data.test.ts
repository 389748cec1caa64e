/**
 * Quality on data the model never saw, as regression guards (aggregates only; never prints text):
 * - the held-out split of shared/data/grooming/train.jsonl (skipped, with a message, when the
 *   shared data set is absent);
 * - the modern evaluation sets in eval/ and the validation batches in validation/ (always present).
 * Floors are the measured results rounded down, so a change that makes detection worse fails.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateResults, groupRecords, isHeldOut, parseConversationLine, scoreConversation, type LabelledResult } from '../src/index.js';

const DATA = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'grooming', 'train.jsonl');
const haveData = existsSync(DATA);
if (!haveData) console.warn(`data.test: grooming data set not found at ${DATA}; held-out evaluation skipped`);

interface DataRecord {
  readonly id: string;
  readonly source: string;
  readonly label: string;
  readonly participants: readonly { readonly id: string }[];
  readonly messages: readonly { readonly from: string | null; readonly text: string }[];
}

describe.skipIf(!haveData)('held-out split of the real data set', () => {
  it('separates PJ offenders from decoys at author level and keeps benign false positives low', { timeout: 180_000 }, () => {
    const records = readFileSync(DATA, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as DataRecord);
    const groups = groupRecords(records);
    const results: LabelledResult[] = [];
    records.forEach((rec, i) => {
      if (!isHeldOut(groups[i] ?? '')) return;
      const s = scoreConversation({ id: rec.id, participants: rec.participants.map((p) => ({ id: p.id })), messages: rec.messages, truth: { suspects: [] } }, { maxSignals: 0 });
      results.push({ label: rec.label === 'grooming', score: s.score, alert: s.alert, alertAt: s.alert_at, source: rec.source });
    });
    const report = evaluateResults(results);
    const pj = report.bySource.pj;
    const vtpan = report.bySource.vtpan;
    expect(pj?.n).toBeGreaterThan(200);
    expect(pj?.f05 ?? 0).toBeGreaterThanOrEqual(0.96);
    expect(pj?.rocAuc ?? 0).toBeGreaterThanOrEqual(0.98);
    expect(pj?.fpr ?? 1).toBeLessThanOrEqual(0.05);
    expect(vtpan?.rocAuc ?? 0).toBeGreaterThanOrEqual(0.93);
    expect(vtpan?.f05 ?? 0).toBeGreaterThanOrEqual(0.77);
    expect(vtpan?.fpr ?? 1).toBeLessThanOrEqual(0.05);
  });
});

// Evaluation sets with platform ages, never trained or tuned on: the project's own (written by the
// engineer who wrote the lexicon) and five independent ones, each by a different author who never
// saw the lexicon, the code or the other sets (docs/detection.md reports every run of each).
// Floors are the measured results rounded down (FPR: the 5% bound).
interface Floors { rocAuc: number; maxFpr: number; ranked: number; recall: number; latency: number }
const EVAL_SETS: { file: string; source: string; floors: Floors }[] = [
  { file: 'modern-synthetic.jsonl', source: 'synthetic-modern', floors: { rocAuc: 0.99, maxFpr: 0.05, ranked: 0.95, recall: 0.95, latency: 5 } },
  { file: 'modern-independent.jsonl', source: 'synthetic-independent', floors: { rocAuc: 0.99, maxFpr: 0.05, ranked: 0.95, recall: 0.95, latency: 5 } },
  // Above the 5% bound on this set (4 of 40 benign): reported in docs/detection.md.
  { file: 'modern-independent-2.jsonl', source: 'synthetic-independent-2', floors: { rocAuc: 0.97, maxFpr: 0.1, ranked: 0.95, recall: 0.92, latency: 5 } },
  { file: 'modern-independent-3.jsonl', source: 'synthetic-independent-3', floors: { rocAuc: 0.99, maxFpr: 0.05, ranked: 0.95, recall: 0.97, latency: 5 } },
  { file: 'modern-independent-4.jsonl', source: 'synthetic-independent-4', floors: { rocAuc: 0.99, maxFpr: 0.05, ranked: 0.95, recall: 0.94, latency: 5 } },
  // Below the 0.9 recall on this set (35 of 40, at no false alert): reported in docs/detection.md.
  { file: 'modern-independent-5.jsonl', source: 'synthetic-independent-5', floors: { rocAuc: 0.99, maxFpr: 0.05, ranked: 0.95, recall: 0.87, latency: 5 } },
];

describe.each(EVAL_SETS)('evaluation set $file (never trained or tuned on)', ({ file, source, floors }) => {
  const lines = readFileSync(join(import.meta.dirname, '..', 'eval', file), 'utf8').split('\n').filter((l) => l.trim());

  it('is well formed: at least 60 conversations, half grooming, with ages, languages and escalation points', () => {
    const convs = lines.map((l) => {
      const p = parseConversationLine(l);
      if (!p.ok) throw new Error(p.error);
      return p.value;
    });
    expect(convs.length).toBeGreaterThanOrEqual(60);
    const grooming = convs.filter((c) => c.truth.label === 'grooming');
    expect(grooming.length).toBe(convs.length / 2);
    expect(new Set(convs.map((c) => c.truth.language))).toEqual(new Set(['en', 'es', 'de']));
    for (const c of grooming) {
      expect(typeof c.truth.alertFrom).toBe('number');
      expect(c.truth.suspects.length).toBe(1);
    }
    for (const c of convs) expect(c.truth.source).toBe(source);
    // Platform ages on (nearly) every conversation: that is what these sets measure.
    expect(convs.filter((c) => c.participants.some((p) => typeof p.age === 'number')).length).toBeGreaterThanOrEqual(convs.length - 2);
  });

  it('ranks conversations, keeps false positives bounded, ranks the groomer first and alerts promptly (floors = measured, rounded down)', () => {
    const results: LabelledResult[] = [];
    let ranked = 0;
    let groomers = 0;
    for (const line of lines) {
      const p = parseConversationLine(line);
      if (!p.ok) throw new Error(p.error);
      const s = scoreConversation(p.value);
      const label = p.value.truth.label === 'grooming';
      results.push({ label, score: s.score, alert: s.alert, alertAt: s.alert_at, alertFrom: p.value.truth.alertFrom ?? null, source });
      if (label) {
        groomers += 1;
        const top = Object.entries(s.participants).sort((a, b) => b[1].score - a[1].score)[0];
        if (top && p.value.truth.suspects.includes(top[0])) ranked += 1;
      }
    }
    const m = evaluateResults(results).overall;
    expect(m.rocAuc ?? 0).toBeGreaterThanOrEqual(floors.rocAuc);
    expect(m.fpr ?? 1).toBeLessThanOrEqual(floors.maxFpr);
    expect(ranked / groomers).toBeGreaterThanOrEqual(floors.ranked);
    expect(m.latency.medianFromEscalation ?? 99).toBeLessThanOrEqual(floors.latency);
    expect(m.recall ?? 0).toBeGreaterThanOrEqual(floors.recall);
  });
});

// Two author batches written with training briefs and kept out of training (docs/detection.md, run
// 13): they must stay out of it, and the shipped model's results on them are guarded like the sets'.
describe('validation batches (never trained on)', () => {
  const root = join(import.meta.dirname, '..');
  const idsIn = (dir: string, pattern: RegExp): Set<string> =>
    new Set(
      readdirSync(dir)
        .filter((f) => pattern.test(f))
        .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim()))
        .map((l) => (JSON.parse(l) as { id: string }).id),
    );

  it('share no conversation with the training or development data', () => {
    const validation = idsIn(join(root, 'validation'), /\.jsonl$/);
    expect(validation.size).toBe(120);
    const training = new Set([...idsIn(join(root, 'data'), /\.jsonl$/), ...idsIn(join(root, 'test', 'fixtures'), /^modern-dev.*\.jsonl$/)]);
    for (const id of validation) expect(training.has(id)).toBe(false);
  });

  it.each([
    { file: 'modern-validation-family.jsonl', recall: 0.7, maxFpr: 0.05 },
    { file: 'modern-validation-voices.jsonl', recall: 0.9, maxFpr: 0.05 },
  ])('$file: recall and false positives at least as measured', ({ file, recall, maxFpr }) => {
    const results: LabelledResult[] = readFileSync(join(root, 'validation', file), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((line) => {
        const p = parseConversationLine(line);
        if (!p.ok) throw new Error(p.error);
        const s = scoreConversation(p.value);
        return { label: p.value.truth.label === 'grooming', score: s.score, alert: s.alert, alertAt: s.alert_at, alertFrom: p.value.truth.alertFrom ?? null, source: 'validation' };
      });
    const m = evaluateResults(results).overall;
    expect(m.recall ?? 0).toBeGreaterThanOrEqual(recall);
    expect(m.fpr ?? 1).toBeLessThanOrEqual(maxFpr);
  });
});

/**
 * `safeguard score`: the command module run in-process on a fresh commander program, over files
 * written for the test (project-written text only).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { runSafeguard, type CliRun } from './run-safeguard.js';

let dir: string;

const run = (...args: string[]): Promise<CliRun> => runSafeguard(args);

const grooming = {
  id: 'c-groom',
  label: 'grooming',
  participants: [{ id: 'a', age: 34, role: 'suspect' }, { id: 'b', age: 12 }],
  messages: [
    { from: 'a', text: 'hey you were great in that match' },
    { from: 'b', text: 'thanks' },
    { from: 'a', text: 'how old are you?' },
    { from: 'b', text: '12' },
    { from: 'a', text: 'you are really mature for your age' },
    { from: 'a', text: 'i can get you robux, do you have snapchat?' },
    { from: 'a', text: 'dont tell your parents, its our secret' },
    { from: 'a', text: 'send me a pic of you' },
    { from: 'a', text: 'are you home alone right now?' },
  ],
};
const benign = {
  id: 'c-benign',
  participants: [{ id: 'p', age: 14 }, { id: 'q', age: 14 }],
  messages: [
    { ts: '2026-03-02T19:04:00Z', from: 'p', text: 'did you finish the science worksheet' },
    { ts: '2026-03-02T19:05:00Z', from: 'q', text: 'yes, question 4 was hard' },
  ],
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-score-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safeguard score', () => {
  it('writes one score per conversation in input order, in the documented format', async () => {
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, `${JSON.stringify(grooming)}\n${JSON.stringify(benign)}\n`);
    const r = await run('score', '--input', input, '--output', output);
    expect(r.code).toBe(EXIT.ok);
    const lines = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.id)).toEqual(['c-groom', 'c-benign']);
    const [g, b] = lines as [Record<string, unknown>, Record<string, unknown>];
    expect(Object.keys(g).sort()).toEqual(['alert', 'alert_at', 'id', 'participants', 'score', 'signals']);
    expect(g.alert).toBe(true);
    expect(typeof g.alert_at).toBe('number');
    const parts = g.participants as Record<string, { score: number }>;
    expect(parts.a?.score).toBeGreaterThan(parts.b?.score ?? 1);
    expect((g.signals as { type: string }[]).map((s) => s.type)).toContain('secrecy');
    expect(b.alert).toBe(false);
    expect(b.alert_at).toBeNull();
    expect(r.out).toBe('');
    expect(r.err).toContain('2 conversations scored');
  });

  it('alert_at comes from replay: truncating the conversation after alert_at still alerts at the same index', async () => {
    const input = join(dir, 'replay.jsonl');
    writeFileSync(input, `${JSON.stringify(grooming)}\n`);
    const full = JSON.parse((await run('score', '--input', input)).out) as { alert_at: number };
    const truncated = { ...grooming, messages: grooming.messages.slice(0, full.alert_at + 1) };
    writeFileSync(input, `${JSON.stringify(truncated)}\n`);
    const cut = JSON.parse((await run('score', '--input', input)).out) as { alert_at: number };
    expect(cut.alert_at).toBe(full.alert_at);
    const before = { ...grooming, messages: grooming.messages.slice(0, full.alert_at) };
    writeFileSync(input, `${JSON.stringify(before)}\n`);
    expect((JSON.parse((await run('score', '--input', input)).out) as { alert: boolean }).alert).toBe(false);
  });

  it('reports bad lines with their line numbers, keeps going, and exits with the usage code', async () => {
    const input = join(dir, 'bad.jsonl');
    writeFileSync(input, [JSON.stringify(benign), '{not json', '', JSON.stringify({ id: 'x', messages: [{ from: 'a', text: 7 }] }), JSON.stringify(benign), JSON.stringify(grooming)].join('\n'));
    const r = await run('score', '--input', input);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('line 2: invalid JSON');
    expect(r.err).toContain('line 4: messages[0].text must be a string');
    expect(r.err).toContain('line 5: duplicate conversation id "c-benign"');
    expect(r.out.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['c-benign', 'c-groom']);
  });

  it('handles empty, huge and odd messages without crashing', async () => {
    const input = join(dir, 'odd.jsonl');
    const odd = {
      id: 'odd',
      participants: [],
      messages: [{ from: null, text: '' }, { from: 'ghost', text: 'x'.repeat(1 << 20) }, { from: 'ghost', text: '\ud800 lone surrogate' }],
    };
    writeFileSync(input, `${JSON.stringify(odd)}\n${JSON.stringify({ id: 'empty', participants: [], messages: [] })}\n`);
    const r = await run('score', '--input', input);
    expect(r.code).toBe(EXIT.ok);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; score: number; alert_at: number | null });
    expect(lines.map((l) => l.id)).toEqual(['odd', 'empty']);
    expect(lines[1]?.alert_at).toBeNull();
    for (const l of lines) expect(l.score).toBeGreaterThanOrEqual(0);
  });

  it('fails clearly on a missing file and on a bad threshold', async () => {
    const missing = await run('score', '--input', join(dir, 'nope.jsonl'));
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toContain('no such file');
    const bad = await run('score', '--input', join(dir, 'in.jsonl'), '--threshold', '2');
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toContain('--threshold');
  });
});

describe('safeguard score output', () => {
  it('writes signals with exactly type, message and participant', async () => {
    const input = join(dir, 'exact.jsonl');
    writeFileSync(input, `${JSON.stringify(grooming)}\n`);
    const out = JSON.parse((await run('score', '--input', input)).out) as { signals: Record<string, unknown>[] };
    expect(out.signals.length).toBeGreaterThan(0);
    for (const s of out.signals) expect(Object.keys(s).sort()).toEqual(['message', 'participant', 'type']);
  });
});

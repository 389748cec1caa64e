/**
 * `safeguard hash`: the command module run in-process on a fresh commander program, over benign
 * reference images (ThreatExchange PDQ test data) and files written for the test.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { runSafeguard, type CliRun } from './run-safeguard.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIXTURES = join(repo, 'packages', 'media-node', 'test', 'fixtures');
// Reference values (cpp-core-fullres) for the two fixture images.
const Q2821 = {
  pdq: 'b150231ffae4710ffcf4f18bb574b109a576f14bb8543189f8743289f174b109',
  quality: 100,
};
const WEE = { pdq: '6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d', quality: 100 };

let dir: string;

const run = (...args: string[]): Promise<CliRun> => runSafeguard(args);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-hash-'));
  copyFileSync(join(FIXTURES, 'q2821.jpg'), join(dir, 'scene.jpg'));
  copyFileSync(join(FIXTURES, 'wee.jpg'), join(dir, 'wee.jpg'));
  writeFileSync(join(dir, 'empty.jpg'), '');
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  writeFileSync(join(dir, 'truncated.jpg'), readFileSync(join(FIXTURES, 'q2821.jpg')).subarray(0, 5000));
  mkdirSync(join(dir, 'folder'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safeguard hash --format jsonl', () => {
  it('prints one JSON line per file with pdq, quality, 8 dihedral hashes, md5 and sha256', async () => {
    const scene = join(dir, 'scene.jpg');
    const wee = join(dir, 'wee.jpg');
    const { code, out, err } = await run('hash', '--format', 'jsonl', scene, wee);
    expect(err).toBe('');
    expect(code).toBe(EXIT.ok);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    const bytes = readFileSync(scene);
    expect(lines[0]).toEqual({
      file: scene,
      pdq: Q2821.pdq,
      quality: Q2821.quality,
      dihedral: expect.any(Array) as unknown,
      md5: createHash('md5').update(bytes).digest('hex'),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(Object.keys(lines[0]!)).toEqual(['file', 'pdq', 'quality', 'dihedral', 'md5', 'sha256']);
    const dihedral = lines[0]!.dihedral as string[];
    expect(dihedral).toHaveLength(8);
    expect(dihedral[0]).toBe(Q2821.pdq);
    expect(dihedral.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
    expect(lines[1]).toMatchObject({ file: wee, pdq: WEE.pdq, quality: WEE.quality });
  });

  it('keeps argument order with many files', async () => {
    const files = Array.from({ length: 9 }, (_, i) => join(dir, i % 2 ? 'wee.jpg' : 'scene.jpg'));
    const { out } = await run('hash', ...files);
    expect(out.trim().split('\n').map((l) => (JSON.parse(l) as { pdq: string }).pdq)).toEqual(files.map((f) => (f.endsWith('wee.jpg') ? WEE.pdq : Q2821.pdq)));
  });

  it('reports each unhashable file on stderr, still prints the others, and exits with the usage code', async () => {
    const names = ['empty.jpg', 'notes.txt', 'truncated.jpg', 'missing.jpg', 'folder', 'scene.jpg'];
    const { code, out, err } = await run('hash', '--format', 'jsonl', ...names.map((n) => join(dir, n)));
    expect(code).toBe(EXIT.usage);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(err).toContain(`${join(dir, 'empty.jpg')}: the upload is empty`);
    expect(err).toContain(`${join(dir, 'notes.txt')}: not an image in a supported format`);
    expect(err).toMatch(/truncated\.jpg: image data is (truncated|corrupt)/);
    expect(err).toContain(`${join(dir, 'missing.jpg')}: no such file`);
    expect(err).toContain(`${join(dir, 'folder')}: not a regular file`);
  });

  it('rejects an unknown format and missing arguments', async () => {
    expect((await run('hash', '--format', 'csv', join(dir, 'scene.jpg'))).code).toBe(EXIT.usage);
    expect((await run('hash')).code).toBe(EXIT.usage);
  });
});

// Every image of the shared PDQ reference set, decoded with sharp as the README prescribes,
// against the C++ reference's values (cpp-core-fullres): hash, quality and all 8 dihedral hashes.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PDQ_DIHEDRAL_NAMES, pdqHashPixels } from '@safeguard/media';
import { decodeImage, hashImageFile } from '../src/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DATA = process.env.SAFEGUARD_PDQ_DATA ?? resolve(repoRoot, '..', 'shared', 'data', 'pdq');
const present = existsSync(join(DATA, 'expected', 'cpp-core-fullres.json'));

interface Row {
  file: string;
  width: number;
  height: number;
  quality: number;
  hash: string;
  dihedral: Record<string, string>;
}

describe.skipIf(!present)(`PDQ reference set (${DATA})`, () => {
  const rows = present ? (JSON.parse(readFileSync(join(DATA, 'expected', 'cpp-core-fullres.json'), 'utf8')) as Row[]) : [];

  it('covers every image listed in the expected values (49)', () => {
    expect(rows.length).toBe(49);
  });

  for (const row of rows) {
    it(`${row.file}: bit-exact hash, quality and 8 dihedral hashes`, async () => {
      const image = await decodeImage(readFileSync(join(DATA, 'data', row.file)));
      expect([image.width, image.height]).toEqual([row.width, row.height]);
      const result = pdqHashPixels(image);
      expect(result.quality).toBe(row.quality);
      expect(result.hash).toBe(row.hash);
      for (const name of PDQ_DIHEDRAL_NAMES) expect(result.dihedral[name], name).toBe(row.dihedral[name]);
    });
  }

  it('with EXIF orientation applied, matches exif-applied-fullres.csv (the documented option)', async () => {
    const lines = readFileSync(join(DATA, 'expected', 'exif-applied-fullres.csv'), 'utf8').trim().split('\n').slice(1);
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const [label, quality, size, hash] = line.split(',');
      const file = (label ?? '').replace(/ \(EXIF orientation applied\)$/, '');
      const hashes = await hashImageFile(join(DATA, 'data', file), { applyExifOrientation: true });
      expect(`${hashes.width}x${hashes.height}`, file).toBe(size);
      expect(hashes.quality, file).toBe(Number(quality));
      expect(hashes.pdq, file).toBe(hash);
    }
  });
});

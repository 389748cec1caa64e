import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BankImportError,
  bankConfig,
  decideMatch,
  HashBank,
  matchBanks,
  md5Signal,
  MultiIndexPdqIndex,
  parseBankFile,
  pdqHashPixels,
  type MediaSignals,
} from '../src/index.js';
import { FIXTURES, flipBits, randomHex, readPpm, rng } from './helpers.js';

const clock = { now: () => new Date('2026-03-01T12:00:00Z') };
const next = rng(2024);
const A = randomHex(next);
const B = randomHex(next);
const C = randomHex(next);
const MD5 = md5Signal.hashBytes(new TextEncoder().encode('synthetic benign file'));

const pdq = (hash: string, quality = 100): MediaSignals => ({ pdq: { hash, quality } });

describe('bank configuration', () => {
  it('defaults: PDQ distance 31, quality floor 50, transforms on, all signal types', () => {
    const c = bankConfig({ id: 'ncmec-images', action: 'block' });
    expect(c).toMatchObject({ pdqThreshold: 31, pdqBlockDistance: 31, qualityFloor: 50, enabled: true, matchTransforms: true });
    expect(c.signalTypes).toContain('md5');
  });

  it('rejects bad ids, actions, thresholds and block distances naming the field', () => {
    expect(() => bankConfig({ id: 'bad id!', action: 'block' })).toThrow(/bank id/);
    expect(() => bankConfig({ id: 'x', action: 'delete' as 'block' })).toThrow(/bank action/);
    expect(() => bankConfig({ id: 'x', action: 'block', pdqThreshold: 300 })).toThrow(/pdqThreshold/);
    expect(() => bankConfig({ id: 'x', action: 'block', pdqThreshold: 20, pdqBlockDistance: 25 })).toThrow(/pdqBlockDistance/);
    expect(() => bankConfig({ id: 'x', action: 'block', qualityFloor: -1 })).toThrow(/qualityFloor/);
  });
});

describe('HashBank: imports, duplicates, tombstones, provenance', () => {
  it('imports parsed records atomically with provenance and labels', () => {
    const bank = new HashBank({ id: 'iwf', action: 'block' }, { clock });
    const result = bank.import(parseBankFile(`hash,label,source\n${A},A1,iwf\n${B},B2,iwf\n${A},disputed,iwf\n`, { fileName: 'iwf.csv' }).records);
    expect(result).toMatchObject({ added: 2, duplicates: 1, tombstoned: 0 });
    expect(bank.size).toBe(2);
    const [first] = bank.entries();
    expect(first).toMatchObject({ id: 1, signalType: 'pdq', hash: A, labels: ['A1', 'disputed'], tombstoned: false, addedAt: '2026-03-01T12:00:00.000Z' });
    expect(first?.provenance).toMatchObject({ source: 'iwf', file: 'iwf.csv', line: 2 });
  });

  it('a failed import changes nothing and names the line', () => {
    const bank = new HashBank({ id: 'pdq-only', action: 'block', signalTypes: ['pdq'] }, { clock });
    bank.import(parseBankFile(`${A}\n`).records);
    const before = bank.entries();
    const records = parseBankFile(`${B}\n${C}\n${MD5}\n`).records;
    expect(() => bank.import(records, 'mixed.txt')).toThrow(BankImportError);
    try {
      bank.import(records, 'mixed.txt');
    } catch (err) {
      expect((err as BankImportError).message).toMatch(/^mixed\.txt:3: bank pdq-only does not accept md5/);
    }
    expect(bank.entries()).toEqual(before);
    expect(bank.query(pdq(B)).matches).toEqual([]);
  });

  it('skips PDQ entries below the quality floor and NEGATIVE_CLASS opinions in positive banks', () => {
    const bank = new HashBank({ id: 'b', action: 'block' }, { clock });
    const r1 = bank.import(parseBankFile(`${A},49,a.jpg\n${B},50,b.jpg\n`).records);
    expect(r1).toMatchObject({ added: 1, skippedLowQuality: 1 });
    const r2 = bank.import(parseBankFile(`signal_type,signal_str,collab,category,tags\npdq,${C},c,NEGATIVE_CLASS,\n`).records);
    expect(r2).toMatchObject({ added: 0, skippedNegative: 1 });
    const allow = new HashBank({ id: 'fp', action: 'allow' }, { clock });
    expect(allow.import(parseBankFile(`signal_type,signal_str,collab,category,tags\npdq,${C},c,NEGATIVE_CLASS,\n`).records).added).toBe(1);
  });

  it('tombstones by hash, by entry id and by upstream id (NCMEC deletedImage); tombstoned entries stop matching', () => {
    const bank = new HashBank({ id: 'ncmec', action: 'block' }, { clock });
    const xml = `<images><image><member id="9"/><id>e1</id><fingerprints><pdq>${A}</pdq><md5>${MD5}</md5></fingerprints></image><image><member id="9"/><id>e2</id><fingerprints><pdq>${B}</pdq></fingerprints></image></images>`;
    bank.import(parseBankFile(xml).records);
    expect(bank.size).toBe(3);
    expect(bank.query(pdq(A)).matches).toHaveLength(1);
    const deletion = parseBankFile(`<images><deletedImage><member id="9"/><id>e1</id></deletedImage><deletedImage><member id="9"/><id>nope</id></deletedImage></images>`);
    expect(bank.import(deletion.records)).toMatchObject({ tombstoned: 2, tombstonesUnmatched: 1 });
    expect(bank.query({ ...pdq(A), md5: MD5 }).matches).toEqual([]);
    expect(bank.size).toBe(1);
    const e1 = bank.entries().find((e) => e.hash === A);
    expect(e1).toMatchObject({ tombstoned: true, tombstonedAt: '2026-03-01T12:00:00.000Z' });
    expect(bank.tombstone({ signalType: 'pdq', hash: B.toUpperCase() })).toBe(1);
    expect(bank.tombstone({ entryId: 1 })).toBe(0);
    expect(bank.size).toBe(0);
    // Re-adding a tombstoned hash creates a fresh entry.
    expect(bank.import(parseBankFile(`${A}\n`).records).added).toBe(1);
    expect(bank.query(pdq(A)).matches).toHaveLength(1);
  });

  it('restores from stored entries, keeping ids', () => {
    const bank = new HashBank({ id: 'b', action: 'review' }, { clock });
    bank.import(parseBankFile(`${A}\n${B}\n`).records);
    bank.tombstone({ entryId: 1 });
    const restored = new HashBank(bank.config, { clock, entries: bank.entries() });
    expect(restored.entries()).toEqual(bank.entries());
    expect(restored.query(pdq(A)).matches).toEqual([]);
    expect(restored.query(pdq(B)).matches[0]?.entryId).toBe(2);
    expect(restored.add({ signalType: 'pdq', hash: C, labels: [], provenance: { source: 'manual' } }).id).toBe(3);
  });

  it('exports active entries in formats that import back to the same hashes and labels', () => {
    const bank = new HashBank({ id: 'b', action: 'block' }, { clock });
    bank.import(parseBankFile(`hash,label,source\n${A},A1 x,"iwf, uk"\n${B},,n\n`).records);
    bank.import(parseBankFile(`md5 ${MD5}\n`).records);
    bank.tombstone({ signalType: 'pdq', hash: B });
    for (const format of ['hex', 'csv', 'local_file', 'pytx_csv'] as const) {
      const copy = new HashBank({ id: 'copy', action: 'block' }, { clock });
      copy.import(parseBankFile(bank.export(format)).records);
      const expected = format === 'hex' || format === 'csv' ? [A] : [A, MD5];
      expect(copy.entries().map((e) => e.hash), format).toEqual(expected);
      if (format === 'csv' || format === 'pytx_csv') expect(copy.entries()[0]?.labels).toEqual(['A1', 'x']);
    }
  });
});

describe('matching: thresholds, quality floor, transforms, allow-lists, decisions', () => {
  it('matches PDQ within the bank threshold (inclusive), exact hashes only when equal', () => {
    const bank = new HashBank({ id: 'b', action: 'block', pdqThreshold: 20 }, { clock });
    bank.import(parseBankFile(`${A}\n${MD5}\n`).records);
    expect(bank.query(pdq(flipBits(A, 20, next))).matches[0]?.distance).toBe(20);
    expect(bank.query(pdq(flipBits(A, 21, next))).matches).toEqual([]);
    expect(bank.query({ md5: MD5.toUpperCase() }).matches[0]).toMatchObject({ signalType: 'md5', distance: 0 });
  });

  it('does not match PDQ below the quality floor, but still matches exact hashes', () => {
    const bank = new HashBank({ id: 'b', action: 'block' }, { clock });
    bank.import(parseBankFile(`${A}\n${MD5}\n`).records);
    const result = bank.query({ pdq: { hash: A, quality: 49 }, md5: MD5 });
    expect(result.lowQuality).toBe(true);
    expect(result.matches.map((m) => m.signalType)).toEqual(['md5']);
  });

  it('matches a rotated copy through the dihedral hashes (real image), only when transforms are on', () => {
    const image = readPpm(join(FIXTURES, 'q2821.jpg.ppm'));
    const { width: w, height: h, data } = image;
    const rotated = new Uint8Array(data.length);
    // rotate 90° counter-clockwise: (x, y) -> (y, w - 1 - x)
    for (let y = 0; y < h; y += 1) for (let x = 0; x < w; x += 1) rotated.set(data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3), ((w - 1 - x) * h + y) * 3);
    const original = pdqHashPixels(image);
    const upload = pdqHashPixels({ width: h, height: w, channels: 3, data: rotated });
    const withTransforms = new HashBank({ id: 't', action: 'block' }, { clock });
    const without = new HashBank({ id: 'n', action: 'block', matchTransforms: false }, { clock });
    for (const b of [withTransforms, without]) b.import(parseBankFile(`${original.hash}\n`).records);
    const signals: MediaSignals = { pdq: { hash: upload.hash, quality: upload.quality, dihedral: upload.dihedral } };
    const m = withTransforms.query(signals).matches[0];
    expect(m?.transform).not.toBe('original');
    expect(m?.distance).toBeLessThanOrEqual(31);
    expect(without.query(signals).matches).toEqual([]);
  });

  it('decides block / hold_for_review / allow, honouring block distance and disabled banks', () => {
    const block = new HashBank({ id: 'csam', action: 'block', pdqBlockDistance: 10 }, { clock });
    const review = new HashBank({ id: 'seeds', action: 'review' }, { clock });
    block.import(parseBankFile(`${A}\n${MD5}\n`).records);
    review.import(parseBankFile(`${B}\n`).records);
    const banks = [block, review];
    const decide = (s: MediaSignals) => decideMatch(matchBanks(banks, s), banks);
    expect(decide(pdq(flipBits(A, 5, next)))).toMatchObject({ outcome: 'block', ruleIds: ['MOD-02'] });
    expect(decide({ md5: MD5 }).outcome).toBe('block');
    expect(decide(pdq(flipBits(A, 25, next))).outcome).toBe('hold_for_review');
    expect(decide(pdq(B))).toMatchObject({ outcome: 'hold_for_review', ruleIds: ['MOD-02', 'MOD-01'] });
    expect(decide(pdq(C))).toMatchObject({ outcome: 'allow', explanation: 'Allowed: no match in any enabled bank.' });
    block.configure({ enabled: false });
    expect(decide(pdq(A)).outcome).toBe('allow');
    block.configure({ enabled: true });
    expect(decide(pdq(A)).decisive[0]?.hash).toBe(A);
  });

  it('allow-lists suppress positive matches only when at least as close (exact allow suppresses all)', () => {
    const block = new HashBank({ id: 'csam', action: 'block' }, { clock });
    const allow = new HashBank({ id: 'known-fp', action: 'allow' }, { clock });
    const fp = flipBits(A, 12, next);
    block.import(parseBankFile(`${A}\n`).records);
    allow.import(parseBankFile(`${fp}\n${MD5}\n`).records);
    const banks = [block, allow];
    // The upload is the allow-listed image itself: distance 0 to it, 12 to the bank entry.
    const onFp = matchBanks(banks, pdq(fp));
    expect(onFp.matches).toEqual([]);
    expect(onFp.suppressed[0]?.by.bankId).toBe('known-fp');
    expect(decideMatch(onFp, banks)).toMatchObject({ outcome: 'allow', explanation: expect.stringMatching(/suppressed by allow-list bank known-fp/) as string });
    // The upload is the listed image itself: closer to it than to the allow-listed one: stays.
    const onA = matchBanks(banks, pdq(A));
    expect(onA.matches.map((m) => m.bankId)).toEqual(['csam']);
    expect(onA.allowListMatches).toHaveLength(1);
    expect(decideMatch(onA, banks).outcome).toBe('block');
    // Known-benign bytes suppress everything.
    expect(decideMatch(matchBanks(banks, { ...pdq(A), md5: MD5 }), banks).outcome).toBe('allow');
  });

  it('reports low quality in the explanation when that is why nothing matched', () => {
    const bank = new HashBank({ id: 'b', action: 'block' }, { clock });
    bank.import(parseBankFile(`${A}\n`).records);
    const report = matchBanks([bank], { pdq: { hash: A, quality: 10 } });
    expect(report.lowQualityBanks).toEqual(['b']);
    expect(decideMatch(report, [bank]).explanation).toMatch(/too low quality/);
  });
});

describe('index-backed banks (millions of hashes, entries in storage)', () => {
  it('match through a prebuilt index with storage ids, apply tombstones, and refuse imports', () => {
    const index = new MultiIndexPdqIndex();
    const hashes = Array.from({ length: 3000 }, () => randomHex(next));
    hashes.forEach((h, i) => index.add(h, 1000 + i));
    const lean = HashBank.fromIndex({ id: 'ncmec-pdq', action: 'block' }, { pdqIndex: index, tombstoned: [1001] });
    expect(lean.indexBacked).toBe(true);
    expect(lean.size).toBe(2999);
    const m = lean.query(pdq(flipBits(hashes[5]!, 4, next))).matches[0];
    expect(m).toMatchObject({ entryId: 1005, hash: hashes[5], distance: 4, labels: [], action: 'block' });
    expect(m?.entry).toBeUndefined();
    expect(lean.query(pdq(hashes[1]!)).matches).toEqual([]);
    expect(lean.tombstone({ signalType: 'pdq', hash: hashes[7]! })).toBe(1);
    expect(lean.query(pdq(hashes[7]!)).matches).toEqual([]);
    expect(lean.tombstone({ entryId: 1009 })).toBe(1);
    expect(lean.size).toBe(2997);
    expect(() => lean.import(parseBankFile(`${C}\n`).records)).toThrow(/prebuilt index/);
    expect(() => lean.tombstone({ externalId: 'x' })).toThrow(/entry id/);
    const banks = [lean];
    expect(decideMatch(matchBanks(banks, pdq(hashes[9]!)), banks).outcome).toBe('allow');
    expect(decideMatch(matchBanks(banks, pdq(hashes[10]!)), banks)).toMatchObject({ outcome: 'block', explanation: expect.stringContaining('entry 1010') as string });
  });
});

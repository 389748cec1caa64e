import { describe, expect, it } from 'vitest';
import { BankImportError, detectBankFileFormat, parseBankFile, parseXml, splitCsvLine, XmlSyntaxError, type AddRecord } from '../src/index.js';

// Synthetic hashes only (never real list content).
const P1 = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const P2 = '30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af';
const M1 = '900150983cd24fb0d6963f7d28e17f72';

const adds = (records: readonly { op: string }[]): AddRecord[] => records.filter((r): r is AddRecord => r.op === 'add');

function expectImportError(fn: () => unknown, line: number, message: RegExp): BankImportError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BankImportError);
    const e = err as BankImportError;
    expect(e.line).toBe(line);
    expect(e.code).toBe('validation_failed');
    expect(e.message).toMatch(message);
    return e;
  }
  throw new Error('expected a BankImportError');
}

describe('plain hex, one hash per line', () => {
  it('reads PDQ and MD5 by length, skipping blank lines and # comments, normalising case', () => {
    const parsed = parseBankFile(`# synthetic test bank\n${P1.toUpperCase()}\n\n  ${M1}  \r\n${P2}\n`);
    expect(parsed.format).toBe('hex');
    expect(adds(parsed.records).map((r) => [r.signalType, r.hash, r.provenance.line])).toEqual([
      ['pdq', P1, 2],
      ['md5', M1, 4],
      ['pdq', P2, 5],
    ]);
  });

  it('treats 64-hex lines as SHA-256 when told to', () => {
    expect(adds(parseBankFile(P1, { signalType: 'sha256' }).records)[0]?.signalType).toBe('sha256');
  });

  it('reports the line of a malformed hash and returns nothing', () => {
    const e = expectImportError(() => parseBankFile(`${P1}\n${P2}\n${P1.slice(0, 60)}zzzz\n`, { fileName: 'bank.txt' }), 3, /^bank\.txt:3: not a valid pdq hash/);
    expect(e.issues).toHaveLength(1);
  });

  it('lists several problems but reports the first line', () => {
    const e = expectImportError(() => parseBankFile(`${P1}\nnope\n${P2}\nabc\n`, { format: 'hex' }), 2, /and 1 more problem/);
    expect(e.issues.map((i) => i.line)).toEqual([2, 4]);
  });
});

describe('CSV hash,label,source', () => {
  it('reads labels (space-separated) and sources, with or without a header, with quoting', () => {
    const text = `hash,label,source\n${P1},A1,ncmec\n${P2},"B2 disputed","iwf, uk"\n${M1},,\n`;
    const parsed = parseBankFile(text);
    expect(parsed.format).toBe('csv');
    const records = adds(parsed.records);
    expect(records.map((r) => [r.hash, r.labels, r.provenance.source])).toEqual([
      [P1, ['A1'], 'ncmec'],
      [P2, ['B2', 'disputed'], 'iwf, uk'],
      [M1, [], 'csv'],
    ]);
    expect(adds(parseBankFile(`${P1},A1,ncmec\n`, { format: 'csv' }).records)).toHaveLength(1);
  });

  it('reports unterminated quotes and too many fields with their line numbers', () => {
    expectImportError(() => parseBankFile(`hash,label,source\n${P1},"A1,ncmec\n`), 2, /unterminated quoted field/);
    expectImportError(() => parseBankFile(`hash,label,source\n${P1},A1,ncmec\n${P2},a,b,c\n`), 3, /3 fields/);
  });

  it('splits CSV lines per RFC 4180', () => {
    expect(splitCsvLine('a,"b,""c""",')).toEqual(['a', 'b,"c"', '']);
    expect(splitCsvLine('"x"y')).toBe('unexpected text after a quoted field');
  });
});

describe('python-threatexchange formats', () => {
  it('local_file: "<signal_type> <hash>" or bare hashes', () => {
    const parsed = parseBankFile(`pdq ${P1}\nvideo_md5 ${M1}\n${P2}\nurl example.com\n`);
    expect(parsed.format).toBe('local_file');
    expect(adds(parsed.records).map((r) => [r.signalType, r.hash])).toEqual([
      ['pdq', P1],
      ['video_md5', M1],
      ['pdq', P2],
    ]);
    expect(parsed.skipped).toEqual({ url: 1 });
    expectImportError(() => parseBankFile(`pdq ${P1}\nbogus_type ${P2}\n`), 2, /unknown signal type/);
  });

  it('dataset --csv: categories and tags become provenance and labels', () => {
    const text = `signal_type,signal_str,collab,category,tags\npdq,${P1},Synthetic Collab,POSITIVE_CLASS,tag_a tag_b\npdq,${P2},Synthetic Collab,NEGATIVE_CLASS,\nraw_text,hello,Synthetic Collab,POSITIVE_CLASS,\n`;
    const parsed = parseBankFile(text);
    expect(parsed.format).toBe('pytx_csv');
    const [a, b] = adds(parsed.records);
    expect(a).toMatchObject({ hash: P1, labels: ['tag_a', 'tag_b'], provenance: { source: 'Synthetic Collab', category: 'POSITIVE_CLASS', line: 2 } });
    expect(b?.provenance.category).toBe('NEGATIVE_CLASS');
    expect(parsed.skipped).toEqual({ raw_text: 1 });
    expectImportError(() => parseBankFile(`signal_type,signal_str,collab,category,tags\npdq,${P1},c,MAYBE,\n`), 2, /unknown category/);
  });

  it('HMA 1.0 / pytx simple .te CSV, both row shapes', () => {
    const hmaRow = `${P1},2880742865368386,2020-07-31T18:47:52+0000,media_priority_pdq_samples disputed media_type_photo\n`;
    const cliRow = `4471271226235470,${P2},4471271226235471,2021-05-07T18:07:52+0000,media_type_photo\n`;
    const parsed = parseBankFile(hmaRow + cliRow);
    expect(parsed.format).toBe('te_simple');
    const [a, b] = adds(parsed.records);
    expect(a).toMatchObject({ signalType: 'pdq', hash: P1, labels: ['media_priority_pdq_samples', 'disputed', 'media_type_photo'], provenance: { externalId: '2880742865368386', addedOn: '2020-07-31T18:47:52+0000' } });
    expect(b).toMatchObject({ hash: P2, provenance: { externalId: '4471271226235470' } });
  });

  it('.te files take their indicator type from the file name (simple.HASH_MD5.te)', () => {
    const row = `${M1},1,2020-07-31T18:47:52+0000,media_type_video\n`;
    const parsed = parseBankFile(row, { fileName: 'simple.HASH_MD5.te' });
    expect(adds(parsed.records)[0]?.signalType).toBe('video_md5');
    expect(parseBankFile(`${P1},1,mine,x\n`, { fileName: 'simple.HASH_PDQ_OCR.te' }).skipped).toEqual({ hash_pdq_ocr: 1 });
  });

  it('the reference PDQ hasher output carries quality', () => {
    const parsed = parseBankFile(`${P1},100,photos/a.jpg\n${P2},12,photos/b.png\n`);
    expect(parsed.format).toBe('pdq_hasher');
    expect(adds(parsed.records).map((r) => r.quality)).toEqual([100, 12]);
    expectImportError(() => parseBankFile(`${P1},101,a.jpg\n`, { format: 'pdq_hasher' }), 1, /quality/);
  });
});

describe('HMA 2.x JSON', () => {
  it('signal bodies ({"pdq": …, "note": …}) as one object, an array, or JSON lines', () => {
    expect(adds(parseBankFile(JSON.stringify({ pdq: P1, video_md5: M1, note: 'x' })).records).map((r) => r.signalType)).toEqual(['pdq', 'video_md5']);
    const array = parseBankFile(JSON.stringify([{ pdq: P1 }, { pdq: P2 }], null, 2));
    expect(adds(array.records).map((r) => [r.hash, r.provenance.line])).toEqual([
      [P1, 2],
      [P2, 5],
    ]);
    const jsonl = parseBankFile(`{"pdq":"${P1}"}\n{"pdq":"${P2}"}\n`);
    expect(adds(jsonl.records).map((r) => r.provenance.line)).toEqual([1, 2]);
  });

  it('content items keep their id and bank, skip disabled content', () => {
    const items = [
      { id: 7, bank: { name: 'SYNTHETIC_BANK', matching_enabled_ratio: 1 }, disable_until_ts: 1, signals: { pdq: P1 }, metadata: { content_id: 'c1' } },
      { id: 8, bank: { name: 'SYNTHETIC_BANK' }, disable_until_ts: 0, signals: { pdq: P2 } },
    ];
    const parsed = parseBankFile(JSON.stringify(items));
    expect(adds(parsed.records)).toHaveLength(1);
    expect(adds(parsed.records)[0]?.provenance).toMatchObject({ source: 'hma:SYNTHETIC_BANK', externalId: '7' });
    expect(parsed.skipped).toEqual({ disabled: 1 });
  });

  it('reports JSON syntax errors and bad hashes by line', () => {
    expectImportError(() => parseBankFile(`[\n  {"pdq": "${P1}"},\n  {"pdq": }\n]`), 3, /invalid JSON/);
    expectImportError(() => parseBankFile(`[\n{"pdq": "${P1}"},\n{"pdq": "abc"}\n]`), 3, /not a valid pdq hash/);
    expectImportError(() => parseBankFile(`{"pdq":"${P1}"}\n{"pdq":\n`), 2, /invalid JSON/);
  });
});

describe('NCMEC hash-sharing XML', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">
  <images count="3" maxTimestamp="2026-01-02T00:00:00Z">
    <image>
      <member id="42">Synthetic ESP &amp; Co</member>
      <id>img-1</id>
      <timestamp>2026-01-01T00:00:00Z</timestamp>
      <classification>A1</classification>
      <fingerprints>
        <md5>${M1}</md5>
        <sha1>a9993e364706816aba3e25717850c26c9cd0d89d</sha1>
        <pdq>${P1}</pdq>
      </fingerprints>
    </image>
    <deletedImage>
      <member id="42">Synthetic ESP &amp; Co</member>
      <id>img-0</id>
      <timestamp>2026-01-02T00:00:00Z</timestamp>
    </deletedImage>
  </images>
  <videos count="1">
    <video><member id="7">Other</member><id>vid-1</id><fingerprints><md5>${M1}</md5></fingerprints></video>
  </videos>
</queryResult>`;

  it('imports image PDQ/MD5 and video MD5 with classification labels, and tombstones', () => {
    const parsed = parseBankFile(xml);
    expect(parsed.format).toBe('ncmec_xml');
    expect(parsed.skipped).toEqual({ sha1: 1 });
    const records = parsed.records;
    expect(records.map((r) => r.op)).toEqual(['add', 'add', 'tombstone', 'add']);
    const [md5, pdq, tomb, video] = records;
    expect(md5).toMatchObject({ signalType: 'md5', hash: M1, labels: ['A1'], provenance: { source: 'ncmec', externalId: 'img-1', member: '42', line: 10 } });
    expect(pdq).toMatchObject({ signalType: 'pdq', hash: P1, labels: ['A1'] });
    expect(tomb).toMatchObject({ op: 'tombstone', externalId: 'img-0', member: '42' });
    expect(video).toMatchObject({ signalType: 'video_md5', provenance: { member: '7' } });
  });

  it('reports malformed XML and entries without fingerprints by line; refuses DTDs', () => {
    expectImportError(() => parseBankFile('<images>\n<image><id>x</id>\n</images>'), 3, /closes <image>/);
    expectImportError(() => parseBankFile('<images>\n  <image><id>x</id></image>\n</images>'), 2, /no fingerprints/);
    expectImportError(() => parseBankFile('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<images/>'), 2, /DOCTYPE/);
    expect(() => parseXml('<a>&bogus;</a>')).toThrow(XmlSyntaxError);
  });
});

describe('format detection', () => {
  it('recognises each format from its content', () => {
    expect(detectBankFileFormat(`${P1}\n`)).toBe('hex');
    expect(detectBankFileFormat(`pdq ${P1}\n`)).toBe('local_file');
    expect(detectBankFileFormat(`hash,label,source\n`)).toBe('csv');
    expect(detectBankFileFormat(`${P1},A1,iwf\n`)).toBe('csv');
    expect(detectBankFileFormat('signal_type,signal_str,collab,category,tags\n')).toBe('pytx_csv');
    expect(detectBankFileFormat(`${P1},1,2020-07-31T18:47:52+0000,x\n`)).toBe('te_simple');
    expect(detectBankFileFormat(`${P1},88,a/b.jpg\n`)).toBe('pdq_hasher');
    expect(detectBankFileFormat('  [{"pdq":"x"}]')).toBe('hma_json');
    expect(detectBankFileFormat('<?xml version="1.0"?><images/>')).toBe('ncmec_xml');
  });

  it('rejects an unknown explicit format', () => {
    expect(() => parseBankFile('', { format: 'nope' as 'hex' })).toThrow(/unknown bank file format/);
  });
});

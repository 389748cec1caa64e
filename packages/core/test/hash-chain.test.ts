import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, hashChainEntry, verifyHashChain, type ChainedEntry } from '../src/hash-chain.js';

function chain(contents: unknown[]): ChainedEntry[] {
  const out: ChainedEntry[] = [];
  let prev = GENESIS_HASH;
  contents.forEach((content, i) => {
    const seq = i + 1;
    const hash = hashChainEntry(seq, prev, content);
    out.push({ seq, prevHash: prev, hash, content });
    prev = hash;
  });
  return out;
}

describe('canonicalJson', () => {
  it('is independent of key order and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('gives equal strings for deeply equal values with shuffled keys (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const shuffled = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(shuffled)).toBe(canonicalJson(value));
      }),
    );
  });
});

describe('verifyHashChain', () => {
  const contents = Array.from({ length: 6 }, (_, i) => ({ action: `a${i}`, details: { i } }));

  it('accepts an intact chain and reports its head', () => {
    const entries = chain(contents);
    const result = verifyHashChain(entries, { seq: 6, hash: entries[5]?.hash ?? '' });
    expect(result).toMatchObject({ ok: true, entries: 6, headHash: entries[5]?.hash, problems: [] });
    expect(verifyHashChain([])).toMatchObject({ ok: true, entries: 0, headHash: GENESIS_HASH });
  });

  it('names an edited entry', () => {
    const entries = chain(contents);
    entries[2] = { ...entries[2]!, content: { action: 'forged' } };
    expect(verifyHashChain(entries).problems).toEqual([expect.objectContaining({ kind: 'edited', seq: 3 })]);
  });

  it('names an entry rewritten with a fresh hash by its broken successor link', () => {
    const entries = chain(contents);
    const forged = { action: 'forged' };
    entries[2] = { ...entries[2]!, content: forged, hash: hashChainEntry(3, entries[2]!.prevHash, forged) };
    const problems = verifyHashChain(entries).problems;
    expect(problems).toEqual([expect.objectContaining({ kind: 'edited', seq: 4 })]);
    expect(problems[0]?.message).toContain('one of them was rewritten');
  });

  it('names deleted entries and a truncated tail', () => {
    const entries = chain(contents);
    const gap = [...entries.slice(0, 2), ...entries.slice(4)];
    expect(verifyHashChain(gap).problems).toEqual([expect.objectContaining({ kind: 'deleted', seq: 3 })]);
    expect(verifyHashChain(gap).problems[0]?.message).toContain('entries 3..4 missing');
    const truncated = entries.slice(0, 4);
    expect(verifyHashChain(truncated, { seq: 6, hash: entries[5]!.hash }).problems).toEqual([
      expect.objectContaining({ kind: 'deleted', seq: 5 }),
    ]);
  });

  it('names reordered entries', () => {
    const entries = chain(contents);
    const a = entries[1]!;
    const b = entries[2]!;
    const swapped = [entries[0]!, { ...b, seq: 2 }, { ...a, seq: 3 }, ...entries.slice(3)];
    const kinds = verifyHashChain(swapped).problems.map((p) => `${p.kind}@${p.seq}`);
    expect(kinds).toContain('reordered@2');
    expect(kinds).toContain('reordered@3');
  });

  it('names a duplicated sequence number', () => {
    const entries = chain(contents);
    expect(verifyHashChain([...entries.slice(0, 3), entries[2]!, ...entries.slice(3)]).problems).toContainEqual(
      expect.objectContaining({ kind: 'inserted', seq: 3 }),
    );
  });

  it('detects any single change to any entry (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 12 }), fc.nat(), fc.jsonValue(), (values, at, replacement) => {
        const entries = chain(values);
        const i = at % entries.length;
        fc.pre(canonicalJson(replacement) !== canonicalJson(values[i]));
        entries[i] = { ...entries[i]!, content: replacement };
        expect(verifyHashChain(entries).ok).toBe(false);
      }),
    );
  });
});

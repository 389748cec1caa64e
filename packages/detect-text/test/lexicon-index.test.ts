/**
 * The indexed lexicon is an optimisation only: it must say exactly what one RegExp per entry says,
 * on every message of the project's conversation sets and on generated text made of the lexicon's
 * own words, punctuation and digits.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEXICON, buildLexiconIndex, compileLexicon, firstWords, lexiconMatches, normalizeText } from '../src/index.js';

const index = buildLexiconIndex();
const plain = compileLexicon();
const expected = (text: string): number[] => plain.map((p) => (p.re.test(text) ? 1 : 0));
const actual = (text: string): number[] => Array.from(lexiconMatches(index, text));

const root = join(import.meta.dirname, '..');
const messages = ['data', 'test/fixtures', 'eval'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(root, dir, f), 'utf8').split('\n').filter((l) => l.trim()))
    .flatMap((l) => (JSON.parse(l) as { messages: { text: string }[] }).messages.map((m) => normalizeText(m.text))),
);

// Separators (spaces weighted three times, so generated text is mostly separate words) and digits.
const SEPARATORS = [...'   !?_/#@', ', ', '. ', '13', '5551234567'];

describe('indexed lexicon', () => {
  it('indexes the same entries as compileLexicon, most alternatives by their first word', () => {
    expect(index.types).toEqual(plain.map((p) => p.type));
    const sources = Object.values(LEXICON).flatMap((e) => [...e.en, ...e.es, ...e.de]);
    const unindexed = sources.filter((s) => firstWords(s) === null).length;
    expect(unindexed / sources.length).toBeLessThan(0.05);
  });

  it('agrees with one RegExp per entry on every message of the conversation sets', () => {
    expect(messages.length).toBeGreaterThan(5000);
    for (const text of messages) expect(actual(text), text).toEqual(expected(text));
  });

  it('agrees on generated text built from the lexicon\'s own words', () => {
    const words = [...new Set(Object.values(LEXICON).flatMap((e) => [...e.en, ...e.es, ...e.de]).flatMap((s) => s.match(/[a-z]{2,}/g) ?? []))];
    const piece = fc.oneof(fc.constantFrom(...words), fc.constantFrom(...SEPARATORS));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const text = normalizeText(parts.join(''));
        expect(actual(text)).toEqual(expected(text));
      }),
      { numRuns: 3000, seed: 20261129 },
    );
  });

  it('reads first words from literal words, groups, optional letters and spaces, and assertions', () => {
    expect([...(firstWords('how old (?:are|r) you') ?? [])]).toEqual(['how']);
    expect(new Set(firstWords('(?:add|follow) me'))).toEqual(new Set(['add', 'follow']));
    expect(new Set(firstWords('cams? on'))).toEqual(new Set(['cams', 'cam']));
    expect(new Set(firstWords('grown ?ups'))).toEqual(new Set(['grownups', 'grown']));
    expect(new Set(firstWords('(?:is )?any ?one home'))).toEqual(new Set(['is', 'anyone', 'any']));
    expect(firstWords('hotel\\w*')).toBeNull(); // a prefix, not a whole word
    expect(firstWords('snap ?me')).toEqual(new Set(['snapme', 'snap']));
    expect(firstWords('(\\d{1,2}) yo')).toBeNull();
  });
});

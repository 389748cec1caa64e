/**
 * Normalisation undoes filter evasions (confusables, leetspeak, spacing, emoji, number words) in
 * English, Spanish and German, keeps real numbers intact, and is total and bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText, tokenize } from '../src/index.js';

describe('normalizeText', () => {
  it.each([
    ['Add me on D I S C O R D', 'add me on discord'],
    ['my sn@p is cool', 'my snap is cool'],
    ['d1sc0rd', 'discord'],
    ['s.n.a.p', 'snap'],
    ['ѕnаpchat', 'snapchat'],
    ['Ｓｎａｐ', 'snap'],
    ['𝓭𝓲𝓼𝓬𝓸𝓻𝓭', 'discord'],
    ['👻 me', 'snapchat me'],
    ['📸 pls', 'photo pls'],
    ["don't tell", 'dont tell'],
    ['five five five one two three four', '5551234'],
    ['I am thirteen', 'i am 13'],
    ['twenty five', '25'],
    ['tengo catorce años', 'tengo 14 anos'],
    ['ich bin fünfzehn', 'ich bin 15'],
    ['fünfundzwanzig', '25'],
    ['Straße', 'strasse'],
    ['+49 151 2345 678', '+491512345678'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('keeps numbers and chat words that are not evasions', () => {
    expect(normalizeText('i am 13')).toBe('i am 13');
    expect(normalizeText('b4 u go')).toBe('b4 u go');
    expect(normalizeText('u r a star')).toBe('u r a star');
    expect(normalizeText('1337')).toBe('1337');
  });

  it('scores only a bounded prefix of huge messages', () => {
    const huge = 'a'.repeat(1 << 20);
    expect(normalizeText(huge).length).toBeLessThanOrEqual(8192);
    expect(normalizeText(huge, 100).length).toBe(100);
  });

  it('is total: any string in, printable ASCII out', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (s) => {
        const out = normalizeText(s);
        expect(out).toMatch(/^[\x20-\x7e]*$/);
        expect(out.length).toBeLessThanOrEqual(Math.max(8192, s.length) * 12);
      }),
      { numRuns: 300 },
    );
  });

  it('tokenizes into letter and digit runs', () => {
    expect(tokenize(normalizeText("Hey, what's up? 14/f"))).toEqual(['hey', 'whats', 'up', '14', 'f']);
  });
});

/**
 * A faster way to run the tactic lexicon, with exactly the results of `compileLexicon`.
 *
 * Why: one RegExp per tactic tries every alternative at every word boundary of every message, so
 * its cost grows with the size of the lexicon (it was most of the streaming step). Most
 * alternatives must begin with one of a few known words ("how old…", "(add|hmu|text) me…"). Those
 * are indexed by that first word and run only where the message has that word as a token, as a
 * sticky RegExp anchored at the token. Alternatives whose first word cannot be read off the source
 * (a look-behind, a digit class, `^`, an optional space after the first word…) stay in one
 * ordinary RegExp per tactic that runs on every message.
 *
 * Contract: `lexiconMatches(index, text)` returns, per lexicon entry (in `index.types` order),
 * whether `compileLexicon()`'s RegExp for it matches `text`. Exact because a match of an indexed
 * alternative starts at a word boundary with its first word, which is followed (in the pattern)
 * by a mandatory space or by the end of the alternative; so that word is a whole [a-z0-9] token
 * of the text whose preceding character is not a word character. A test checks the equivalence on
 * every message of the project's conversation sets and on generated text.
 */
import { LEXICON, type ContextCue, type SignalType } from './lexicon.js';

type EntryType = SignalType | ContextCue;

export interface LexiconIndex {
  readonly types: readonly EntryType[];
  /** First word → (entry index, sticky RegExp of that entry's alternatives beginning with it). */
  readonly byWord: ReadonlyMap<string, readonly { readonly entry: number; readonly re: RegExp }[]>;
  /** Per entry: the alternatives that could not be indexed, or null. */
  readonly rest: readonly (RegExp | null)[];
}

/** Index just past the pattern token at `i`: an escape and a character class are one token each. */
function nextToken(src: string, i: number): number {
  if (src[i] === '\\') return i + 2;
  if (src[i] !== '[') return i + 1;
  let j = i + 1;
  while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Index just past the group opening at `start`, honouring escapes and character classes; -1 if unbalanced. */
function groupEnd(src: string, start: number): number {
  let depth = 0;
  for (let i = start; i < src.length; i = nextToken(src, i)) {
    if (src[i] === '(') depth += 1;
    else if (src[i] === ')') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Top-level `|` branches of a group body. */
function branches(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < body.length; i = nextToken(body, i)) {
    const c = body[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === '|' && depth === 0) {
      out.push(body.slice(from, i));
      from = i + 1;
    }
  }
  out.push(body.slice(from));
  return out;
}

const QUANTIFIER = /^[?*+{]/;
const MAX_EXPANSION = 2000;
const ASSERTION = /^\(\?(?:<!|<=|!|=)/;
/** Literal characters that end a token and are not regex syntax. */
const BOUNDARY_CHARS = ' /,#!:-';

function union(parts: readonly (Set<string> | null)[]): Set<string> | null {
  const out = new Set<string>();
  for (const p of parts) {
    if (p === null) return null;
    for (const w of p) out.add(w);
  }
  return out;
}

/**
 * The words a match of `src` must begin with (as a whole token), or null when that cannot be read
 * off the source. Understood: literal words, groups (capturing or not) with `?`, optional single
 * characters and simple letter classes, `^`, and zero-width assertions (skipped: they consume
 * nothing, and the full source still runs).
 */
export function firstWords(src: string, budget = { left: MAX_EXPANSION }): Set<string> | null {
  if ((budget.left -= 1) < 0) return null;
  if (src.startsWith('^')) return firstWords(src.slice(1), budget);
  if (ASSERTION.test(src)) {
    const end = groupEnd(src, 0);
    return end < 0 ? null : firstWords(src.slice(end), budget);
  }
  if (src.startsWith('(')) return expandGroup('', src, budget);
  const m = /^[a-z0-9]+/.exec(src);
  if (m === null) return null;
  return afterWord(m[0], src.slice(m[0].length), budget);
}

/** `prefix` + the group at the start of `src` (+ what follows), each branch spelled out. */
function expandGroup(prefix: string, src: string, budget: { left: number }): Set<string> | null {
  if (src.startsWith('(?') && !src.startsWith('(?:')) return null;
  const end = groupEnd(src, 0);
  if (end < 0) return null;
  const body = src.slice(src.startsWith('(?:') ? 3 : 1, end - 1);
  let after = src.slice(end);
  let optional = false;
  if (after.startsWith('?') && !after.startsWith('??')) {
    optional = true;
    after = after.slice(1);
  } else if (QUANTIFIER.test(after)) return null;
  const parts = branches(body).map((b) => firstWords(prefix + b + after, budget));
  if (optional) parts.push(prefix === '' ? firstWords(after, budget) : firstWords(prefix + after, budget));
  return union(parts);
}

/** The literal `word` has been read; `next` is the rest of the source. */
function afterWord(word: string, next: string, budget: { left: number }): Set<string> | null {
  if ((budget.left -= 1) < 0) return null;
  if (next === '') return new Set([word]);
  if (ASSERTION.test(next)) {
    const end = groupEnd(next, 0);
    return end < 0 ? null : afterWord(word, next.slice(end), budget);
  }
  // "cams?": the last letter is optional.
  if (next.startsWith('?')) {
    if (next.startsWith('??')) return null;
    const shorter = word.slice(0, -1);
    return union([firstWords(word + next.slice(1), budget), shorter === '' ? firstWords(next.slice(1), budget) : firstWords(shorter + next.slice(1), budget)]);
  }
  if (next.startsWith('(')) return expandGroup(word, next, budget);
  // The end of the text, or `\b` (the word ends here), or an escaped punctuation character.
  if (next.startsWith('$') || next.startsWith('\\b')) return new Set([word]);
  if (/^\\[^a-zA-Z0-9]/.test(next) && !QUANTIFIER.test(next.slice(2))) return new Set([word]);
  // A class of punctuation ("[,!]?", "[!.?]*"): present, it ends the word; absent, look further.
  const punct = /^\[([^\]\\a-z0-9]+)\]([?*]?)/.exec(next);
  if (punct !== null) {
    const tail = next.slice(punct[0].length);
    if (QUANTIFIER.test(tail)) return null;
    return punct[2] === '' ? new Set([word]) : union([new Set([word]), afterWord(word, tail, budget)]);
  }
  if (next.startsWith('[')) {
    const m = /^\[([a-z]+)\](\??)/.exec(next);
    if (m === null || m[1] === undefined) return null;
    const tail = next.slice(m[0].length);
    if (QUANTIFIER.test(tail)) return null;
    const parts = [...m[1]].map((c) => firstWords(word + c + tail, budget));
    if (m[2] === '?') parts.push(firstWords(word + tail, budget));
    return union(parts);
  }
  // "grown ?ups": the space is optional.
  if (next.startsWith(' ?')) return union([firstWords(word + next.slice(2), budget), afterWord(word, ' ' + next.slice(2), budget)]);
  // ",? (…)": an optional comma after the word leaves the word whole.
  if (next.startsWith(',?')) return afterWord(word, next.slice(2), budget);
  const c = next[0] ?? '';
  if (BOUNDARY_CHARS.includes(c) && !QUANTIFIER.test(next.slice(1))) return new Set([word]);
  return null;
}

/** Builds the index from the lexicon's sources (the same sources `compileLexicon` joins). */
export function buildLexiconIndex(): LexiconIndex {
  const types = Object.keys(LEXICON) as EntryType[];
  const grouped = new Map<string, Map<number, string[]>>();
  const rest: (RegExp | null)[] = [];
  types.forEach((type, entry) => {
    const entrySources = LEXICON[type];
    const unindexed: string[] = [];
    // A source may itself be an alternation at its top level: each branch is indexed on its own.
    for (const source of [...entrySources.en, ...entrySources.es, ...entrySources.de].flatMap(branches)) {
      const words = firstWords(source);
      if (words === null || words.size === 0) {
        unindexed.push(source);
        continue;
      }
      for (const w of words) {
        let perEntry = grouped.get(w);
        if (perEntry === undefined) grouped.set(w, (perEntry = new Map<number, string[]>()));
        let list = perEntry.get(entry);
        if (list === undefined) perEntry.set(entry, (list = []));
        list.push(source);
      }
    }
    rest.push(unindexed.length > 0 ? new RegExp(`\\b(?:${unindexed.join('|')})(?![a-z0-9])`) : null);
  });
  const byWord = new Map<string, { entry: number; re: RegExp }[]>();
  for (const [word, perEntry] of grouped) {
    byWord.set(
      word,
      [...perEntry].map(([entry, sources]) => ({ entry, re: new RegExp(`(?:${sources.join('|')})(?![a-z0-9])`, 'y') })),
    );
  }
  return { types, byWord, rest };
}

const isTokenChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const isWordChar = (c: number): boolean => isTokenChar(c) || (c >= 65 && c <= 90) || c === 95;

/** Which lexicon entries match `text` (normalised), in `index.types` order. */
export function lexiconMatches(index: LexiconIndex, text: string, out: Uint8Array = new Uint8Array(index.types.length)): Uint8Array {
  out.fill(0);
  for (let e = 0; e < index.rest.length; e += 1) {
    const re = index.rest[e];
    if (re !== null && re !== undefined && re.test(text)) out[e] = 1;
  }
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && !isTokenChar(text.charCodeAt(i))) i += 1;
    if (i >= n) break;
    const start = i;
    while (i < n && isTokenChar(text.charCodeAt(i))) i += 1;
    // A RegExp `\b` before the token: the character before it is not a word character.
    if (start > 0 && isWordChar(text.charCodeAt(start - 1))) continue;
    const candidates = index.byWord.get(text.slice(start, i));
    if (candidates === undefined) continue;
    for (const { entry, re } of candidates) {
      if (out[entry] === 1) continue;
      re.lastIndex = start;
      if (re.test(text)) out[entry] = 1;
    }
  }
  return out;
}

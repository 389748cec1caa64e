// Shared I/O helpers for the grooming training and evaluation scripts (outside src: may use fs).
// Never prints message text: the data set contains real solicitation chat.
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(packageRoot, '..', '..');
export const DEFAULT_DATA = resolve(repoRoot, '..', 'shared', 'data', 'grooming', 'train.jsonl');
export const MODERN_EVAL = join(packageRoot, 'eval', 'modern-synthetic.jsonl');

/** Imports the built package (run `npm run build` first). */
export async function loadPackage() {
  const dist = join(packageRoot, 'dist', 'index.js');
  if (!existsSync(dist)) {
    console.error(`detect-text is not built: ${dist} is missing. Run \`npm run build\` first.`);
    process.exit(2);
  }
  return import(pathToFileURL(dist).href);
}

export function dataPath(argv) {
  const i = argv.indexOf('--data');
  return i >= 0 && argv[i + 1] ? resolve(argv[i + 1]) : (process.env.SAFEGUARD_GROOMING_DATA ?? DEFAULT_DATA);
}

/** Reads the JSONL data set, or exits with a clear message when it is absent. */
export function readDataset(path) {
  if (!existsSync(path)) {
    console.error(`Grooming data set not found at ${path}.`);
    console.error('It lives in the shared data folder (shared/data/grooming/train.jsonl) and is not part of the repository.');
    process.exit(3);
  }
  const raw = readFileSync(path);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const records = raw.toString('utf8').split('\n').filter((l) => l.trim().length > 0).map((l) => JSON.parse(l));
  return { records, sha256 };
}

/** Perverted-Justice conversation name of a pj-p-/pj-d- record (decoy files may end in _1.._6). */
export function pjConversation(id) {
  const name = id.replace(/^pj-[pd]-/, '');
  return id.startsWith('pj-d-') ? name.replace(/_[1-9]$/, '') : name;
}

function fnv(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const words = (text) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

/** Sampled word 6-gram hashes of a token stream (1 in 4 kept, by hash, so samples align across records). */
function shingles(tokens) {
  const out = new Set();
  for (let i = 0; i + 6 <= tokens.length; i += 1) {
    const h = fnv(tokens.slice(i, i + 6).join(' '));
    if ((h & 3) === 0) out.add(h);
  }
  return out;
}

/**
 * Groups records so that everything that shares text ends up on one side of the split, as the
 * data README requires: both sides of a PJ conversation share a group, and a VTPAN segment joins
 * the PJ conversation (or other segments) it shares at least 3 sampled word 6-grams with.
 * Shingles that occur in more than 5 groups are common phrases and do not link.
 */
export function groupRecords(records) {
  const parent = new Map();
  const find = (x) => {
    while (parent.get(x) !== x) {
      parent.set(x, parent.get(parent.get(x)));
      x = parent.get(x);
    }
    return x;
  };
  const union = (a, b) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  const base = records.map((r) => (r.source === 'pj' ? `pj:${pjConversation(r.id)}` : `vt:${r.id}`));
  for (const g of base) parent.set(g, g);
  const owners = new Map();
  records.forEach((r, i) => {
    const tokens = [];
    for (const m of r.messages) for (const w of words(m.text)) tokens.push(w);
    for (const h of shingles(tokens)) {
      const set = owners.get(h) ?? new Set();
      set.add(base[i]);
      owners.set(h, set);
    }
  });
  const pairCounts = new Map();
  for (const set of owners.values()) {
    if (set.size < 2 || set.size > 5) continue;
    const list = [...set].sort();
    for (let a = 0; a < list.length; a += 1) {
      for (let b = a + 1; b < list.length; b += 1) {
        if (list[a].startsWith('pj:') && list[b].startsWith('pj:')) continue;
        const k = `${list[a]}\u0000${list[b]}`;
        pairCounts.set(k, (pairCounts.get(k) ?? 0) + 1);
      }
    }
  }
  for (const [k, n] of pairCounts) {
    if (n >= 3) {
      const [a, b] = k.split('\u0000');
      union(a, b);
    }
  }
  return base.map((g) => find(g));
}

/** Deterministic held-out assignment of a group: about 25% of groups. Never trained or tuned on. */
export function isHeldOut(group) {
  return fnv(`holdout:${group}`) % 100 < 25;
}

/** Deterministic fold (0..k-1) of a training group for cross-validation. */
export function foldOf(group, k) {
  return fnv(`fold:${group}`) % k;
}

/** Converts a data-set record to the scorer's conversation input (no labels reach the scorer). */
export function toConversation(record) {
  return {
    id: record.id,
    participants: (record.participants ?? []).map((p) => ({ id: p.id })),
    messages: record.messages.map((m) => ({ from: m.from ?? null, text: m.text })),
    truth: { suspects: [] },
  };
}

export const fmt = (x, digits = 3) => (x === null || x === undefined ? 'n/a' : Number(x).toFixed(digits));

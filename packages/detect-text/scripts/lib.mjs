// Shared I/O helpers for the grooming training and evaluation scripts (outside src: may use fs).
// Never prints message text: the data set contains real solicitation chat.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(packageRoot, '..', '..');
export const DEFAULT_DATA = resolve(repoRoot, '..', 'shared', 'data', 'grooming', 'train.jsonl');
/** Every evaluation set (never trained or tuned on): eval/*.jsonl, the project's own first. */
export const MODERN_EVAL_SETS = () => {
  const dir = join(packageRoot, 'eval');
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort((a, b) => (a === 'modern-synthetic.jsonl' ? -1 : b === 'modern-synthetic.jsonl' ? 1 : a.localeCompare(b))).map((f) => join(dir, f));
};
/**
 * Validation batches: written with training briefs by two further authors, never trained on;
 * scored once to choose between the platform model with and without them (docs/detection.md).
 */
export const MODERN_VALIDATION = () => {
  const dir = join(packageRoot, 'validation');
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(dir, f));
};
/** The development sets: written for tuning, separate from the evaluation set. */
export const MODERN_DEV = () => {
  const dir = join(packageRoot, 'test', 'fixtures');
  return readdirSync(dir).filter((f) => /^modern-dev.*\.jsonl$/.test(f)).sort().map((f) => join(dir, f));
};

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

/**
 * `safeguard match --bank FILE --queries FILE --threshold 31 --format jsonl`: for each query PDQ
 * hash, the bank hashes within the threshold, one JSON line per query in input order:
 * `{"query","matches":[{"hash","distance"}]}` (closest first; a hash listed twice in the bank is
 * reported once).
 *
 * Scale: the bank is either a file of hex hashes (one per line, streamed straight into flat arrays,
 * then indexed with multi-index hashing — exact, 100% recall) or a persisted index written by
 * `--save-index`, which loads a 10M-hash bank in seconds instead of rebuilding it. Queries are read
 * and validated before anything is printed, so a malformed query file prints nothing.
 * Exit codes: EXIT.ok when the run completes (with or without matches); EXIT.usage for bad options
 * or unreadable/malformed files (stderr names the file and line).
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { formatPdqHex, MultiIndexPdqIndex, PDQ_WORDS, type IndexMatch } from '@safeguard/media';
import { isPdqIndexFile, loadPdqIndex, readPdqHexFile, savePdqIndex } from '@safeguard/media-node';
import { EXIT } from '../exit-codes.js';
import { commandOutput } from './hash.js';

interface MatchOptions {
  readonly bank: string;
  readonly queries: string;
  readonly threshold: string;
  readonly format: string;
  readonly saveIndex?: string;
  readonly verify: boolean;
}

/** Loads the bank: a persisted index as is, or a hex list indexed in memory (ids = line order). */
export function loadBank(path: string, verify = true): { index: MultiIndexPdqIndex; source: 'index' | 'list' } {
  if (isPdqIndexFile(path)) return { index: loadPdqIndex(path, { verify }).index, source: 'index' };
  // 65 bytes per line: allocate once for the whole list rather than growing (and copying) 20 times.
  const index = new MultiIndexPdqIndex({ expectedSize: Math.ceil(statSync(path).size / 65) + 1 });
  let id = 0;
  readPdqHexFile(path, (words) => index.addWords(words, 0, id++));
  index.build();
  return { index, source: 'list' };
}

/** Reads every query before any output (all-or-nothing); returns their words back to back. */
function readQueries(path: string): { words: Uint32Array; count: number } {
  let words = new Uint32Array(1024 * PDQ_WORDS);
  let count = 0;
  readPdqHexFile(path, (w) => {
    if ((count + 1) * PDQ_WORDS > words.length) {
      const grown = new Uint32Array(words.length * 2);
      grown.set(words);
      words = grown;
    }
    words.set(w, count * PDQ_WORDS);
    count += 1;
  });
  return { words, count };
}

/** Distinct hashes, closest first (ties by hash), as printed. */
function distinctMatches(matches: readonly IndexMatch[]): { hash: string; distance: number }[] {
  const sorted = [...matches].sort((a, b) => a.distance - b.distance || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const out: { hash: string; distance: number }[] = [];
  for (const m of sorted) if (out[out.length - 1]?.hash !== m.hash) out.push({ hash: m.hash, distance: m.distance });
  return out;
}

function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return `${e.path ?? 'file'}: no such file`;
  if (e.code === 'EISDIR') return `${e.path ?? 'file'}: is a directory`;
  if (e.code === 'EACCES') return `${e.path ?? 'file'}: permission denied`;
  return e.message;
}

export function registerMatchCommand(program: Command): Command {
  return program
    .command('match')
    .description('match PDQ hashes against a hash bank (exact multi-index search; 10M-hash banks)')
    .requiredOption('--bank <path>', 'bank: hex PDQ hashes one per line, or an index file written by --save-index')
    .requiredOption('--queries <path>', 'query PDQ hashes, one per line')
    .option('--threshold <n>', 'match when Hamming distance ≤ n (0..256)', '31')
    .option('--format <format>', 'output format: jsonl', 'jsonl')
    .option('--save-index <path>', 'also write the bank\'s index to this file, for fast loading next time')
    .option('--no-verify', 'skip the checksum when loading an index file (faster, trusts the file)')
    .action((opts: MatchOptions, cmd: Command) => {
      const io = commandOutput(cmd);
      const usage = (message: string): void => {
        io.err(`safeguard match: ${message}\n`);
        process.exitCode = EXIT.usage;
      };
      if (opts.format !== 'jsonl') return usage(`unsupported --format "${opts.format}" (supported: jsonl)`);
      const threshold = Number(opts.threshold);
      if (!/^\d+$/.test(opts.threshold.trim()) || threshold > 256) return usage(`--threshold must be an integer from 0 to 256, got "${opts.threshold}"`);
      let index: MultiIndexPdqIndex;
      let queries: { words: Uint32Array; count: number };
      try {
        const started = performance.now();
        const bank = loadBank(opts.bank, opts.verify);
        index = bank.index;
        const loadSeconds = (performance.now() - started) / 1000;
        if (opts.saveIndex) savePdqIndex(index, opts.saveIndex, { source: opts.bank });
        queries = readQueries(opts.queries);
        io.err(
          `safeguard match: bank ${index.size} hashes (${bank.source === 'index' ? 'index loaded' : 'list read and indexed'} in ${loadSeconds.toFixed(2)} s), ${queries.count} queries, threshold ${threshold}\n`,
        );
      } catch (error) {
        return usage(describeError(error));
      }
      let buffer = '';
      for (let q = 0; q < queries.count; q += 1) {
        const offset = q * PDQ_WORDS;
        const matches = distinctMatches(index.queryWords(queries.words, offset, threshold));
        buffer += `${JSON.stringify({ query: formatPdqHex(queries.words, offset), matches })}\n`;
        if (buffer.length > 1 << 16) {
          io.out(buffer);
          buffer = '';
        }
      }
      if (buffer) io.out(buffer);
    });
}

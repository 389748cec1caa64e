/**
 * `safeguard hash --format jsonl FILE...`: the hashes of image files, one JSON line per file:
 * `{"file","pdq","quality","dihedral":[8 hex],"md5","sha256"}` (pdq and dihedral as 64 hex).
 *
 * Decoding follows the PDQ reference pipeline (EXIF orientation ignored unless --apply-exif), so
 * hashes equal what HMA/pytx/NCMEC lists hold for the same file. Files are decoded a few at a time
 * (sharp decodes off the main thread) but printed in argument order. A file that cannot be hashed
 * (missing, empty, too large, corrupt, not an image) is reported on stderr with the reason and
 * skipped; the exit code is then EXIT.usage, otherwise EXIT.ok.
 */
import type { Command } from 'commander';
import { hashImageFile, type ImageHashes } from '@safeguard/media-node';
import { EXIT } from '../exit-codes.js';

/** The program's configured output (tests capture it), else stdout/stderr. */
export function commandOutput(cmd: Command): { out: (s: string) => void; err: (s: string) => void } {
  const config = cmd.configureOutput();
  return {
    out: (s) => (config.writeOut ? config.writeOut(s) : process.stdout.write(s)),
    err: (s) => (config.writeErr ? config.writeErr(s) : process.stderr.write(s)),
  };
}

/** Decodes at most this many files at once: enough to keep sharp's threads busy, bounded memory. */
const CONCURRENCY = 4;

export function hashLine(file: string, h: ImageHashes): string {
  return `${JSON.stringify({ file, pdq: h.pdq, quality: h.quality, dihedral: h.dihedral, md5: h.md5, sha256: h.sha256 })}\n`;
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'EISDIR') return 'is a directory';
  return e.message;
}

export function registerHashCommand(program: Command): Command {
  return program
    .command('hash')
    .description('print PDQ (with quality and the 8 dihedral variants), MD5 and SHA-256 of image files, one JSON line per file')
    .argument('<files...>', 'image files (JPEG, PNG, WebP, GIF, TIFF, AVIF)')
    .option('--format <format>', 'output format: jsonl', 'jsonl')
    .option('--apply-exif', 'rotate/flip by the EXIF orientation before hashing (the reference ignores it)', false)
    .action(async (files: string[], opts: { format: string; applyExif: boolean }, cmd: Command) => {
      const io = commandOutput(cmd);
      if (opts.format !== 'jsonl') {
        io.err(`safeguard hash: unsupported --format "${opts.format}" (supported: jsonl)\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      let failed = 0;
      const options = { applyExifOrientation: opts.applyExif };
      // In-flight results by position; each is dropped once printed so memory stays bounded.
      const results = new Map<number, Promise<ImageHashes | Error>>();
      const start = (i: number): void => {
        const file = files[i];
        if (file !== undefined) results.set(i, hashImageFile(file, options).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
      };
      for (let i = 0; i < Math.min(CONCURRENCY, files.length); i += 1) start(i);
      for (let i = 0; i < files.length; i += 1) {
        const file = files[i]!;
        const result = await results.get(i)!;
        results.delete(i);
        start(i + CONCURRENCY);
        if (result instanceof Error) {
          failed += 1;
          io.err(`safeguard hash: ${file}: ${reason(result)}\n`);
        } else {
          io.out(hashLine(file, result));
        }
      }
      if (failed > 0) process.exitCode = EXIT.usage;
    });
}

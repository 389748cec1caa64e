/**
 * `safeguard score --input conversations.jsonl --output scores.jsonl`: grooming risk for each
 * conversation, in exactly the formats of shared/formats/conversation.md.
 *
 * Streams: reads one line at a time and writes each score as soon as it is known, so files of any
 * size run in bounded memory. Each conversation is replayed message by message, so `alert_at` is
 * the streaming decision. A bad line (invalid JSON, wrong shape, duplicate id) is reported on
 * stderr with its line number and skipped; the exit code is then EXIT.usage, otherwise EXIT.ok.
 * Message text is never printed.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { createGroomingDetector, parseConversationLine, scoreConversation, type GroomingDetector, type InputConversation } from '@safeguard/detect-text';
import { EXIT } from '../exit-codes.js';

export interface ConversationLine {
  readonly line: number;
  readonly conversation?: InputConversation;
  readonly error?: string;
}

/** Where a command writes: the program's configured output (tests capture it) or stdout. */
export function outputOf(cmd: Command): { out: (s: string) => void; err: (s: string) => void } {
  const config = cmd.configureOutput();
  return {
    out: (s) => (config.writeOut ? config.writeOut(s) : process.stdout.write(s)),
    err: (s) => (config.writeErr ? config.writeErr(s) : process.stderr.write(s)),
  };
}

/**
 * Reads a JSONL file ("-" for stdin) and yields each non-blank line parsed as a conversation, or
 * the reason it is not one. Duplicate ids are errors (ids must be unique per file).
 */
export async function* readConversations(path: string): AsyncGenerator<ConversationLine> {
  const input = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const seen = new Set<string>();
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim().length === 0) continue;
    const parsed = parseConversationLine(text);
    if (!parsed.ok) yield { line, error: parsed.error };
    else if (seen.has(parsed.value.id)) yield { line, error: `duplicate conversation id "${parsed.value.id}"` };
    else {
      seen.add(parsed.value.id);
      yield { line, conversation: parsed.value };
    }
  }
}

export function detectorFromOptions(threshold: string | undefined): GroomingDetector {
  if (threshold === undefined) return createGroomingDetector();
  const t = Number(threshold);
  if (!Number.isFinite(t) || t < 0 || t > 1) throw new RangeError(`--threshold must be a number between 0 and 1, got "${threshold}"`);
  return createGroomingDetector({ policy: { threshold: t } });
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

export function registerScoreCommand(program: Command): Command {
  return program
    .command('score')
    .description('score conversations (JSON Lines) for grooming risk, one score line per conversation')
    .requiredOption('--input <path>', 'conversations.jsonl ("-" for stdin)')
    .option('--output <path>', 'scores.jsonl (default: stdout)')
    .option('--threshold <p>', 'alert threshold 0..1 (default: the model\'s)')
    .action(async (opts: { input: string; output?: string; threshold?: string }, cmd: Command) => {
      const io = outputOf(cmd);
      let detector: GroomingDetector;
      try {
        detector = detectorFromOptions(opts.threshold);
      } catch (error) {
        io.err(`safeguard score: ${(error as Error).message}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      const file = opts.output !== undefined && opts.output !== '-' ? createWriteStream(opts.output, { encoding: 'utf8' }) : null;
      let bad = 0;
      let scored = 0;
      try {
        for await (const item of readConversations(opts.input)) {
          if (item.conversation === undefined) {
            bad += 1;
            io.err(`safeguard score: line ${item.line}: ${item.error ?? 'invalid'}\n`);
            continue;
          }
          const line = `${JSON.stringify(scoreConversation(item.conversation, { detector }))}\n`;
          if (file) await write(file, line);
          else io.out(line);
          scored += 1;
        }
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        io.err(`safeguard score: cannot read ${opts.input}: ${e.code === 'ENOENT' ? 'no such file' : e.message}\n`);
        process.exitCode = EXIT.usage;
        return;
      } finally {
        if (file) await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
      }
      io.err(`safeguard score: ${scored} conversations scored${bad > 0 ? `, ${bad} bad lines skipped` : ''}\n`);
      process.exitCode = bad > 0 ? EXIT.usage : EXIT.ok;
    });
}

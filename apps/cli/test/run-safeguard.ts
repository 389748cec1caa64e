/** Runs the `safeguard` program in-process, capturing what it prints and its exit code. */
import { Writable } from 'node:stream';
import { runCli } from '../src/main.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runSafeguard(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  // Bytes are collected and decoded once, so a character split across two writes stays whole.
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        into.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
        callback();
      },
    });
  process.exitCode = undefined;
  const code = await runCli(['node', 'safeguard', ...args], { stdout: sink(out), stderr: sink(err), env });
  process.exitCode = undefined;
  return { code, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') };
}

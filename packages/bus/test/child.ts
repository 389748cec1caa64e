/**
 * Child worker processes for the crash tests: builds @safeguard/bus (the child runs the built
 * package, as a deployed worker would), spawns test/fixtures/bus-child.mjs, and reads its log.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const script = join(import.meta.dirname, 'fixtures', 'bus-child.mjs');

/** Brings packages/bus/dist up to date (tsc -b), one test process at a time. */
export function ensureBusBuilt(): void {
  const lock = join(repoRoot, 'node_modules', '.cache', 'safeguard-bus-build.lock');
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Held by another test process; a lock older than two minutes is left over from a crash.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // removed meanwhile
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for the bus build lock');
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/bus'], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface ChildConfig {
  readonly bus: Record<string, unknown>;
  readonly publish?: { count: number; conversations: number; batch: number; pauseMs: number };
  readonly consume: boolean;
  readonly log: string;
  readonly delayMs: number;
  readonly maxBatch?: number;
  readonly stallAfter?: number;
}

export interface Child {
  readonly process: ChildProcess;
  /** Highest message index (exclusive) whose publish the bus acknowledged. */
  acked(): number;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

export function spawnChild(config: ChildConfig): Child {
  const child = spawn(process.execPath, [script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let acked = 0;
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const match of chunk.toString().matchAll(/^acked \d+ (\d+)$/gm)) acked = Math.max(acked, Number(match[1]));
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    process: child,
    acked: () => acked,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(output)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`child did not print ${String(pattern)} within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (!pattern.test(output)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`child exited before printing ${String(pattern)}:\n${output}`));
          }
        });
        check();
      }),
  };
}

export interface LogEntry {
  readonly id: string;
  readonly key: string;
  readonly idx: number;
  readonly dc: number;
  readonly p: number;
  readonly pid: number;
}

/** The worker's persisted effects, in the order they were written (a torn last line is dropped). */
export function readLog(path: string): LogEntry[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const entries: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      entries.push(JSON.parse(line) as LogEntry);
    } catch {
      // the process was killed mid-line
    }
  }
  return entries;
}

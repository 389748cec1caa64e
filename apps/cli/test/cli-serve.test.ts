/**
 * `safeguard serve --demo` as a real process: it migrates, seeds the demo tenant idempotently,
 * prints the URL, /docs and a working admin key, answers requests, and exits cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'bin', 'safeguard.js');
const dir = mkdtempSync(join(tmpdir(), 'sg-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(): Promise<{ child: ChildProcess; url: string; key: string; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--demo', '--port', '0', '--log-level', 'warn'], {
    env: { ...process.env, SAFEGUARD_DATA_DIR: dir, SAFEGUARD_DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /API:\s+(http:\/\/\S+)/.exec(output)?.[1];
      const key = /admin key: (sgk_\S+)/.exec(output)?.[1];
      if (url && key && output.includes('Ctrl+C')) {
        clearTimeout(timer);
        resolve({ child, url, key, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${String(code)}: ${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('safeguard serve --demo', () => {
  it('runs the real thing on the embedded default and shuts down cleanly', async () => {
    const first = await start();
    expect(first.output()).toContain('/docs');
    const health = await fetch(`${first.url}/readyz`);
    expect(await health.json()).toEqual({ status: 'ready' });
    const decision = await fetch(`${first.url}/v1/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'message.send', actor: 'demo-stranger', target: 'demo-child-12' }),
    });
    expect(await decision.json()).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-05'] });
    const friend = await fetch(`${first.url}/v1/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'message.send', actor: 'demo-friend', target: 'demo-teen-15' }),
    });
    expect(await friend.json()).toMatchObject({ outcome: 'allow' });
    expect(await stop(first.child)).toBe(0);

    // A second start reuses the seeded tenant and the same key.
    const second = await start();
    expect(second.key).toBe(first.key);
    const me = await fetch(`${second.url}/v1/me`, { headers: { authorization: `Bearer ${second.key}` } });
    expect(await me.json()).toMatchObject({ tenant: { name: 'demo' }, role: 'admin' });
    expect(await stop(second.child)).toBe(0);
  }, 90_000);
});

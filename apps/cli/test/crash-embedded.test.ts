/**
 * Crash safety of the embedded default (issue 7): the server is killed with SIGKILL in the middle
 * of message ingestion; after a restart every message whose batch was acknowledged is stored, and
 * re-sending the unacknowledged batch completes it without duplicates.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DetectionStore, SafeguardStore, migrateToLatest, openDatabase } from '@safeguard/store';

const bin = join(import.meta.dirname, '..', 'bin', 'safeguard.js');
const dir = mkdtempSync(join(tmpdir(), 'sg-crash-'));
const env = { ...process.env, SAFEGUARD_DATA_DIR: dir, SAFEGUARD_DATABASE_URL: '', SAFEGUARD_LOG_LEVEL: 'warn' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Listen for the exit from the start: it can happen before the test gets round to waiting for it.
  const exited = new Promise((r) => child.once('exit', r));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /API:\s+(http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

describe('kill -9 of the embedded server during ingest', () => {
  it('keeps every acknowledged message', async () => {
    const created = execFileSync(process.execPath, [bin, 'tenant', 'create', 'crash'], { env, encoding: 'utf8' });
    const key = /(sgk_\S+)/.exec(created)?.[1] ?? '';
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const first = await start();
    const batch = (n: number) =>
      Array.from({ length: 200 }, (_, i) => ({
        idempotencyKey: `b${n}-m${i}`,
        conversationId: `conv-${(n * 7 + i) % 50}`,
        sender: `s${i % 20}`,
        recipients: [`r${i % 20}`],
        text: `message ${i} of batch ${n}`,
      }));
    const acked: string[] = [];
    let n = 0;
    let killed = false;
    const inFlight = new Set<number>();
    const sender = async (): Promise<void> => {
      while (!killed) {
        const mine = n++;
        inFlight.add(mine);
        try {
          const r = await fetch(`${first.url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ messages: batch(mine) }) });
          if (r.status === 200) {
            await r.arrayBuffer();
            acked.push(...batch(mine).map((m) => m.idempotencyKey));
          }
        } catch {
          // the connection died with the server: this batch was not acknowledged
        } finally {
          inFlight.delete(mine);
        }
      }
    };
    const senders = [sender(), sender(), sender()];
    await new Promise((r) => setTimeout(r, 2500));
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(senders);
    await first.exited;
    expect(acked.length).toBeGreaterThan(0);

    // Restart: the database opens cleanly and holds every acknowledged message.
    const second = await start();
    const handle = openDatabase(`sqlite:${join(dir, 'safeguard.sqlite')}`);
    await migrateToLatest(handle);
    const store = SafeguardStore.fromHandle(handle);
    const tenant = await store.findTenantByName('crash');
    const stored = await new DetectionStore(store).findMessages(tenant?.id ?? '', acked);
    expect(stored.size).toBe(acked.length);

    // The platform retries what was not acknowledged: everything completes, nothing doubles.
    for (let b = 0; b < n; b += 1) {
      const r = await fetch(`${second.url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ messages: batch(b) }) });
      expect(r.status).toBe(200);
    }
    const total = await store.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('c'))
      .where('tenant_id', '=', tenant?.id ?? '')
      .executeTakeFirstOrThrow();
    expect(Number(total.c)).toBe(n * 200);
    await store.close();
    second.child.kill('SIGTERM');
    await second.exited;
  }, 120_000);
});

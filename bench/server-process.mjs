// Starts a real Safeguard server in its own process (embedded SQLite in a temp directory, or the
// database URL given), with a fresh tenant and admin key, for load tests driven from this process.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './lib.mjs';

const bin = join(repoRoot, 'apps', 'cli', 'bin', 'safeguard.js');

export async function startServerProcess({ databaseUrl = '', tenant = 'bench', env: extraEnv = {} } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sg-bench-'));
  const env = { ...process.env, SAFEGUARD_DATA_DIR: dataDir, SAFEGUARD_DATABASE_URL: databaseUrl, SAFEGUARD_LOG_LEVEL: 'warn', ...extraEnv };
  const created = execFileSync(process.execPath, [bin, 'tenant', 'create', `${tenant}-${Date.now()}`], { env, encoding: 'utf8' });
  const key = /(sgk_\S+)/.exec(created)?.[1];
  if (!key) throw new Error(`could not create a tenant: ${created}`);
  // BENCH_SERVER_NODE_ARGS passes flags to the server's node only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  // to profile the server under the benchmark's load; node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk.toString();
      const found = /API:\s+(http:\/\/\S+)/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${output}`)));
  });
  return {
    url,
    key,
    pid: child.pid,
    async stop() {
      child.removeAllListeners('exit');
      await new Promise((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function api(server, method, path, body) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path} -> ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

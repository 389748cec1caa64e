/**
 * Starting the reference platform next to a running Safeguard (`safeguard serve --demo --demo-app`,
 * which `npm start` runs): a platform-role key for the demo tenant is made once with the demo admin
 * key and kept in the data directory (mode 0600), so restarts reuse it instead of piling up keys.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { platformKeyFor, startDemoApp, type RunningDemoApp } from './server.js';

export interface PlaygroundOptions {
  readonly safeguardUrl: string;
  readonly adminKey: string;
  readonly dataDir: string;
  readonly port: number;
  readonly host?: string;
}

export async function startPlayground(options: PlaygroundOptions): Promise<RunningDemoApp> {
  const file = join(options.dataDir, 'demo-platform-key.txt');
  const saved = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  const apiKey = await platformKeyFor(options.safeguardUrl, options.adminKey, saved);
  if (apiKey !== saved) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, `${apiKey}\n`, { mode: 0o600 });
  }
  return startDemoApp({ safeguardUrl: options.safeguardUrl, apiKey, port: options.port, ...(options.host ? { host: options.host } : {}) });
}

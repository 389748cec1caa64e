/**
 * What every command shares: where output goes, configuration from the environment and global
 * flags, and opening the store. Commands print results to stdout and problems to stderr.
 */
import { SafeguardError } from '@safeguard/core';
import { loadConfig, openStore, type SafeguardConfig } from '@safeguard/server';
import type { SafeguardStore, Tenant } from '@safeguard/store';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

export interface GlobalOptions {
  readonly databaseUrl?: string;
  readonly dataDir?: string;
}

export class CliContext {
  constructor(
    readonly io: CliIo,
    private readonly globals: () => GlobalOptions,
  ) {}

  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  config(overrides: Record<string, unknown> = {}): SafeguardConfig {
    const g = this.globals();
    return loadConfig({ databaseUrl: g.databaseUrl, dataDir: g.dataDir, ...overrides }, this.io.env);
  }

  /** Opens (and migrates) the configured store, runs `work`, and always closes it. */
  async withStore<T>(work: (store: SafeguardStore) => Promise<T>): Promise<T> {
    const store = await openStore(this.config());
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  }
}

/** The tenant named or identified by `ref`, or the only tenant when there is exactly one. */
export async function resolveTenant(store: SafeguardStore, ref: string | undefined): Promise<Tenant> {
  if (ref) {
    const tenant = (await store.getTenant(ref)) ?? (await store.findTenantByName(ref));
    if (!tenant) throw new SafeguardError('not_found', `No tenant "${ref}" (give its name or id; \`safeguard tenant list\` shows them)`);
    return tenant;
  }
  const tenants = await store.listTenants();
  if (tenants.length === 1 && tenants[0]) return tenants[0];
  if (tenants.length === 0) throw new SafeguardError('not_found', 'No tenants yet: create one with `safeguard tenant create <name>`');
  throw new SafeguardError('validation_failed', `There are ${tenants.length} tenants: choose one with --tenant <name>`);
}

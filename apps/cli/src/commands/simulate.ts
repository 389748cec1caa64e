/**
 * `safeguard simulate`: a deterministic synthetic population (children, teens, parents, adults,
 * scripted groomers, spammers) living D days with daily rhythms, played against Safeguard's public
 * API through the generated client; prints what was caught, how early, and the false alerts.
 *
 *   --target URL --key KEY   drive a running server (a platform or admin key; --cases-key for cases)
 *   (no --target)            embedded: a real server in this process on a fresh temporary database,
 *                            or with --persist in the configured database (tenant --tenant) so the
 *                            console shows the simulated alerts and cases afterwards.
 * Exit code 0 when the run completed (whatever it caught: this is a measurement, not a test);
 * --min-caught makes it exit 1 when fewer groomers were caught, for CI quality gates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SafeguardError } from '@safeguard/core';
import { ProgressBar, SafeguardClient, formatReport, generatePopulation, generateScript, runSimulation, type SimulationReport } from '@safeguard/demo';
import { buildApp, openStore, type SafeguardApp } from '@safeguard/server';
import type { SafeguardStore } from '@safeguard/store';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

interface SimulateOptions {
  accounts: string;
  days: string;
  seed: string;
  asOf?: string;
  target?: string;
  key?: string;
  casesKey?: string;
  persist: boolean;
  tenant?: string;
  json: boolean;
  progress: boolean;
  minCaught?: string;
  intensity: string;
}

function positiveInt(value: string, name: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new SafeguardError('validation_failed', `${name} must be a whole number from 1 to ${max}`);
  return n;
}

/** A real server in this process, listening on a loopback port, with a platform and an admin key. */
async function embeddedServer(ctx: CliContext, persist: boolean, tenantName: string): Promise<{ url: string; platformKey: string; adminKey: string; close(): Promise<void> }> {
  const temp = persist ? null : mkdtempSync(join(tmpdir(), 'safeguard-sim-'));
  const config = temp ? ctx.config({ databaseUrl: `sqlite:${join(temp, 'sim.sqlite')}`, dataDir: temp }) : ctx.config();
  const store: SafeguardStore = await openStore(config);
  let app: SafeguardApp | undefined;
  try {
    if (await store.findTenantByName(tenantName)) {
      throw new SafeguardError('conflict', `Tenant "${tenantName}" exists already: a second run would only repeat its messages; choose another --tenant`);
    }
    const tenant = await store.createTenant(tenantName);
    const platform = await store.createApiKey(tenant.id, 'platform', 'simulator');
    const admin = await store.createApiKey(tenant.id, 'admin', 'simulator (cases)');
    app = await buildApp({ store, logLevel: 'silent', cacheTtlMs: 60_000 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const running = app;
    return {
      url: `http://127.0.0.1:${port}`,
      platformKey: platform.key,
      adminKey: admin.key,
      async close() {
        await running.close();
        await store.close();
        if (temp) rmSync(temp, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.close();
    await store.close();
    if (temp) rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

export function registerSimulateCommand(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description('simulate a platform population against the public API and report what Safeguard caught')
    .option('--accounts <n>', 'accounts in the population (at least 20)', '200')
    .option('--days <d>', 'simulated days', '7')
    .option('--seed <s>', 'random seed: the same seed gives the same population and messages', 'safeguard')
    .option('--as-of <date>', "the simulated 'today' (YYYY-MM-DD); ages are derived for it (default: today)")
    .option('--intensity <x>', 'how chatty benign accounts are (1 = a few conversations a day)', '1')
    .option('--target <url>', 'a running Safeguard server (default: an embedded one)')
    .option('--key <key>', 'API key for --target (platform or admin role)')
    .option('--cases-key <key>', 'a key that may read cases (moderator or admin), to count cases about groomers')
    .option('--persist', 'embedded: write into the configured database instead of a temporary one', false)
    .option('--tenant <name>', 'embedded: tenant to create for the run (default sim-<seed>)')
    .option('--min-caught <n>', 'exit 1 when fewer scripted groomers were caught')
    .option('--json', 'print the report as JSON', false)
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (opts: SimulateOptions) => {
      const accounts = positiveInt(opts.accounts, '--accounts', 100_000);
      const days = positiveInt(opts.days, '--days', 365);
      const intensity = Number(opts.intensity);
      if (!Number.isFinite(intensity) || intensity <= 0 || intensity > 20) throw new SafeguardError('validation_failed', '--intensity must be a number above 0 and at most 20');
      const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
      if (Math.abs(Date.parse(`${asOf}T00:00:00Z`) - Date.now()) > 31 * 86_400_000) {
        ctx.err(`simulate: warning: --as-of ${asOf} is more than a month from today; Safeguard derives ages for its own today, so some accounts will be in another age band than scripted`);
      }
      if (opts.target && !opts.key) throw new SafeguardError('validation_failed', '--target needs --key (a platform or admin API key)');
      if (!opts.target && (opts.key || opts.casesKey)) throw new SafeguardError('validation_failed', '--key and --cases-key go with --target');

      let population;
      let script;
      try {
        population = generatePopulation({ accounts, seed: opts.seed, asOf });
        script = generateScript(population, { days, intensity });
      } catch (error) {
        throw new SafeguardError('validation_failed', (error as Error).message);
      }

      const server = opts.target
        ? { url: opts.target, platformKey: opts.key ?? '', adminKey: opts.casesKey, close: async () => {} }
        : await embeddedServer(ctx, opts.persist, opts.tenant ?? `sim-${opts.seed}`);
      const bar = opts.progress ? new ProgressBar(ctx.io.stderr) : null;
      let report: SimulationReport;
      try {
        if (!opts.target) ctx.err(`simulate: embedded server at ${server.url}${opts.persist ? ` (tenant ${opts.tenant ?? `sim-${opts.seed}`}, kept)` : ' (temporary database)'}`);
        const client = new SafeguardClient({ baseUrl: server.url, apiKey: server.platformKey, timeoutMs: 120_000 });
        const casesClient = server.adminKey ? new SafeguardClient({ baseUrl: server.url, apiKey: server.adminKey, timeoutMs: 120_000 }) : undefined;
        report = await runSimulation(script, {
          client,
          ...(casesClient ? { casesClient } : {}),
          onProgress: (p) => bar?.update(p.done, p.total, `day ${Math.min(p.day + 1, p.days)}/${p.days} · ${p.messages} messages · ${p.alerts} alerts`),
        });
        bar?.done(`${report.traffic.messagesSent} messages · ${Object.values(report.traffic.alerts).reduce((a, b) => a + b, 0)} alerts`);
      } finally {
        await server.close();
      }
      if (opts.json) ctx.json(report);
      else ctx.out(formatReport(report));
      if (opts.minCaught !== undefined && report.groomers.caught < Number(opts.minCaught)) {
        ctx.err(`simulate: ${report.groomers.caught} groomers caught, fewer than --min-caught ${opts.minCaught}`);
        process.exitCode = EXIT.findings;
      }
    });
}

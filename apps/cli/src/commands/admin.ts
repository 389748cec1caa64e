/**
 * Operator commands that act on the store directly: migrate, tenants, keys, policy, decisions and
 * audit verification. The same use cases as the HTTP API, for the people who run the deployment.
 */
import { Option, type Command } from 'commander';
import { JURISDICTIONS, ROLES, SafeguardError, type Jurisdiction, type Role } from '@safeguard/core';
import { describePolicy } from '@safeguard/policy';
import { PolicyService } from '@safeguard/server';
import { migrateToLatest, openDatabase, schemaOf } from '@safeguard/store';
import type { CliContext } from '../context.js';
import { resolveTenant } from '../context.js';
import { EXIT } from '../exit-codes.js';

const OPERATOR = 'operator:cli';

export function registerAdminCommands(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const config = ctx.config();
      const handle = openDatabase(config.databaseUrl);
      try {
        const report = await migrateToLatest(handle, schemaOf(config.databaseUrl));
        ctx.out(report.applied.length > 0 ? `applied: ${report.applied.join(', ')}` : 'schema is up to date');
        ctx.out(`database: ${handle.description}`);
      } finally {
        await handle.close();
      }
    });

  const tenant = program.command('tenant').description('manage tenants (platforms)');
  tenant
    .command('create <name>')
    .description('create a tenant and print its first admin API key (shown once)')
    .addOption(new Option('--jurisdiction <j>', 'default jurisdiction').choices([...JURISDICTIONS]).default('UK'))
    .action(async (name: string, opts: { jurisdiction: Jurisdiction }) => {
      await ctx.withStore(async (store) => {
        const created = await store.transaction(async (tx) => {
          const t = await tx.createTenant(name, { defaultJurisdiction: opts.jurisdiction, exemptions: [] });
          const key = await tx.createApiKey(t.id, 'admin', 'first admin key (safeguard tenant create)');
          await tx.appendAudit(t.id, { actor: OPERATOR, action: 'tenant.create', target: t.id, details: { name } });
          await tx.appendAudit(t.id, { actor: OPERATOR, action: 'key.create', target: key.id, details: { role: 'admin', label: key.label } });
          return { tenant: t, key };
        });
        ctx.out(`tenant:   ${created.tenant.name} (${created.tenant.id})`);
        ctx.out(`admin key (shown once, store it now): ${created.key.key}`);
      });
    });
  tenant
    .command('list')
    .description('list tenants')
    .action(async () => {
      await ctx.withStore(async (store) => {
        for (const t of await store.listTenants()) ctx.out(`${t.id}\t${t.name}\t${t.policy.defaultJurisdiction}\t${t.createdAt}`);
      });
    });

  const key = program.command('key').description('manage API keys');
  key
    .command('create')
    .description('create an API key for a tenant (shown once)')
    .addOption(new Option('--role <role>', 'role of the key').choices([...ROLES]).makeOptionMandatory())
    .option('--tenant <tenant>', 'tenant name or id (default: the only tenant)')
    .option('--label <label>', 'what the key is for', 'created with safeguard key create')
    .action(async (opts: { role: Role; tenant?: string; label: string }) => {
      await ctx.withStore(async (store) => {
        const t = await resolveTenant(store, opts.tenant);
        const created = await store.transaction(async (tx) => {
          const k = await tx.createApiKey(t.id, opts.role, opts.label);
          await tx.appendAudit(t.id, { actor: OPERATOR, action: 'key.create', target: k.id, details: { role: k.role, label: k.label } });
          return k;
        });
        ctx.out(`${opts.role} key for ${t.name} (shown once, store it now): ${created.key}`);
      });
    });

  const policy = program.command('policy').description('the effective policy');
  policy
    .command('show')
    .description('print the effective policy with rule sources (a tenant’s, or the defaults)')
    .option('--tenant <tenant>', 'tenant name or id (default: the only tenant, else the built-in defaults)')
    .addOption(new Option('--jurisdiction <j>', 'only this jurisdiction').choices([...JURISDICTIONS]))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { tenant?: string; jurisdiction?: Jurisdiction; format: 'text' | 'json' }) => {
      await ctx.withStore(async (store) => {
        const tenants = await store.listTenants();
        const service = new PolicyService(store);
        const engine =
          opts.tenant || tenants.length === 1
            ? await service.engine((await resolveTenant(store, opts.tenant)).id)
            : (await import('@safeguard/policy')).createPolicyEngine();
        const view = describePolicy(engine, opts.jurisdiction);
        if (opts.format === 'json') return ctx.json(view);
        ctx.out(`Safeguard policy — catalogue ${view.catalogueVersion}, default jurisdiction ${view.defaultJurisdiction}`);
        for (const profile of view.profiles) {
          ctx.out(`\n== ${profile.jurisdiction}: ${profile.name}`);
          ctx.out(`   ${profile.summary}`);
          ctx.out(`   accounts with no age evidence are treated as children: ${profile.unknownAgeTreatedAsChild ? 'yes (AGE-01)' : 'no'}`);
          ctx.out('   rules:');
          for (const rule of profile.rules) {
            const state = rule.inForce ? rule.status : `EXEMPTED (${rule.exemption?.reason ?? ''})`;
            ctx.out(`   ${rule.id.padEnd(8)} ${state.padEnd(12)} ${rule.title} [${rule.sources.join('; ')}]`);
          }
          ctx.out('   settings (child default; who may loosen for under13 / 13-15 / 16-17):');
          for (const s of profile.settings) {
            const loosen = Object.entries(s.loosen)
              .map(([value, who]) => `${value}: ${who.under13}/${who['13-15']}/${who['16-17']}`)
              .join('; ');
            ctx.out(`   ${s.key.padEnd(32)} ${s.childDefault.padEnd(18)} ${loosen || '-'}  (${s.ruleIds.join(', ')})`);
          }
        }
      });
    });

  program
    .command('decide')
    .description('decide one interaction, as POST /v1/decisions does')
    .requiredOption('--actor <id>', 'account doing it')
    .option('--target <id>', 'account it is done to')
    .requiredOption('--action <action>', 'e.g. message.send, suggestion.show, location.view')
    .option('--context <json>', 'context as JSON, e.g. {"category":"violence"}')
    .option('--tenant <tenant>', 'tenant name or id (default: the only tenant)')
    .action(async (opts: { actor: string; target?: string; action: string; context?: string; tenant?: string }) => {
      let context: Record<string, unknown> | undefined;
      if (opts.context) {
        try {
          context = JSON.parse(opts.context) as Record<string, unknown>;
        } catch {
          throw new SafeguardError('validation_failed', '--context is not valid JSON');
        }
      }
      await ctx.withStore(async (store) => {
        const t = await resolveTenant(store, opts.tenant);
        const [decision] = await new PolicyService(store).decide(t.id, [
          { action: opts.action, actor: opts.actor, target: opts.target, context },
        ]);
        ctx.json(decision);
      });
    });

  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('verify the hash chain; names any edited, deleted or reordered entry; exit 1 if broken')
    .option('--tenant <tenant>', 'tenant name or id (default: every tenant)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { tenant?: string; format: 'text' | 'json' }) => {
      await ctx.withStore(async (store) => {
        const tenants = opts.tenant ? [await resolveTenant(store, opts.tenant)] : await store.listTenants();
        const results = [];
        for (const t of tenants) results.push({ tenant: t.name, tenantId: t.id, ...(await store.verifyAudit(t.id)) });
        if (opts.format === 'json') ctx.json(results);
        else {
          for (const r of results) {
            ctx.out(`${r.ok ? 'OK     ' : 'BROKEN '} ${r.tenant} (${r.tenantId}): ${r.entries} entries, head ${r.headHash.slice(0, 16)}…`);
            for (const p of r.problems) ctx.out(`        ${p.kind} at entry ${p.seq}: ${p.message}`);
          }
        }
        if (results.some((r) => !r.ok)) process.exitCode = EXIT.findings;
      });
    });
}

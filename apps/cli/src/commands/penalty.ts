/**
 * Penalty caps and the breach register from the command line.
 *
 *   safeguard penalty uk-osa   --revenue N [--period-months M] [--estimated] [--not-provider]
 *   safeguard penalty eu-dsa   --turnover N --infringement obligation|information|periodic [--days N] [--commission]
 *   safeguard penalty us-2258a --mau N [--prior-failures N]
 *       The statutory maximum with its arithmetic and citations (REGULATION.md §9) — a cap, not a fine.
 *   safeguard breach record --rule ID --from DATE --to DATE --summary TEXT --evidence KIND:REF:DESCRIPTION… [--penalty JSON]
 *   safeguard breach list [--status S]
 *   safeguard breach status ID STATUS [--note TEXT]
 *
 * Amounts accept digits with optional separators (1,000,000 or 1_000_000) and k/m/bn suffixes.
 * Exit codes: 0 done; 2 bad input (unknown rule, bad amount, a move the process does not allow is
 * a conflict and also 2); 3 database unreachable.
 */
import { Option, type Command } from 'commander';
import { SafeguardError } from '@safeguard/core';
import { isKnownRuleId } from '@safeguard/policy';
import {
  BREACH_STATUSES,
  EVIDENCE_KINDS,
  calculatePenalty,
  transitionBreach,
  validateBreachInput,
  type BreachEvidence,
  type BreachStatus,
  type EvidenceKind,
  type PenaltyRequest,
  type PenaltyResult,
} from '@safeguard/reporting';
import { RegulatorStore } from '@safeguard/store';
import type { CliContext } from '../context.js';
import { resolveTenant } from '../context.js';

const OPERATOR = 'operator:cli';

/** "500m", "1.2bn", "18,000,000", "250k" → a number; anything else is a usage error naming the option. */
export function parseAmount(option: string, value: string): number {
  const m = /^(\d+(?:[.,_]\d+)*)(k|m|bn)?$/i.exec(value.trim());
  if (!m) throw new SafeguardError('validation_failed', `${option} "${value}" is not an amount (e.g. 250000000, 250m, 1.2bn)`);
  const digits = m[1]!;
  // A single dot (or comma) followed by 1-2 digits is a decimal point; otherwise separators are grouping.
  const decimal = /^\d+[.,]\d{1,2}$/.test(digits) && m[2] !== undefined;
  const base = decimal ? Number(digits.replace(',', '.')) : Number(digits.replace(/[.,_]/g, ''));
  const scale = { k: 1e3, m: 1e6, bn: 1e9 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'bn'] ?? 1;
  const n = base * scale;
  if (!Number.isFinite(n)) throw new SafeguardError('validation_failed', `${option} "${value}" is too large`);
  return n;
}

function wholeNumber(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new SafeguardError('validation_failed', `${option} must be a whole number ≥ 0`);
  return n;
}

function print(ctx: CliContext, result: PenaltyResult, format: 'text' | 'json'): void {
  if (format === 'json') return ctx.json(result);
  const symbol = result.currency === 'GBP' ? '£' : result.currency === 'EUR' ? '€' : '$';
  ctx.out(`${result.regime}: maximum ${symbol}${result.maximum.toLocaleString('en-GB', { maximumFractionDigits: 2 })}`);
  ctx.out(`  ${result.basis}`);
  ctx.out('  citations:');
  for (const c of result.citations) ctx.out(`   [${c.confidence}] ${c.provision}: ${c.text}`);
  ctx.out('  This is a statutory cap; the penalty imposed depends on the regulator’s penalty guidance.');
}

function parseEvidence(items: readonly string[]): BreachEvidence[] {
  return items.map((item) => {
    const [kind, reference, ...rest] = item.split(':');
    if (!kind || !reference || !(EVIDENCE_KINDS as readonly string[]).includes(kind)) {
      throw new SafeguardError('validation_failed', `--evidence "${item}": use KIND:REFERENCE:DESCRIPTION with KIND one of ${EVIDENCE_KINDS.join(', ')}`);
    }
    return { kind: kind as EvidenceKind, reference, description: rest.join(':') };
  });
}

export function registerPenaltyCommand(program: Command, ctx: CliContext): void {
  const penalty = program.command('penalty').description('statutory maximum penalties, with citations');
  const format = (): Option => new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');

  penalty
    .command('uk-osa')
    .description('UK Online Safety Act, Sch 13 para 4: greater of £18m and 10% of qualifying worldwide revenue')
    .option('--revenue <amount>', 'qualifying worldwide revenue (GBP) of the most recent complete accounting period')
    .option('--period-months <n>', 'length of that accounting period in months (pro-rated to 12)', '12')
    .option('--estimated', "the revenue is Ofcom's estimate for a first period not yet ended", false)
    .option('--not-provider', 'the person penalised is not the provider', false)
    .addOption(format())
    .action((opts: { revenue?: string; periodMonths: string; estimated: boolean; notProvider: boolean; format: 'text' | 'json' }) => {
      const revenue = opts.revenue === undefined ? undefined : parseAmount('--revenue', opts.revenue);
      const request: PenaltyRequest = {
        regime: 'UK-OSA',
        ...(revenue !== undefined ? (opts.estimated ? { estimatedRevenueFirstPeriod: revenue } : { qualifyingWorldwideRevenue: revenue }) : {}),
        accountingPeriodMonths: Number(opts.periodMonths),
        notProvider: opts.notProvider,
      };
      print(ctx, calculatePenalty(request), opts.format);
    });

  penalty
    .command('eu-dsa')
    .description('EU Digital Services Act: 6% of worldwide turnover, 1% for information failures, periodic penalties up to 5% of average daily turnover')
    .requiredOption('--turnover <amount>', 'annual worldwide turnover (EUR) in the preceding financial year')
    .addOption(new Option('--infringement <kind>', 'kind of infringement').choices(['obligation', 'information', 'periodic']).makeOptionMandatory())
    .option('--days <n>', 'days of continued non-compliance (periodic penalties)', '1')
    .option('--commission', 'imposed by the Commission on a VLOP/VLOSE (Arts 74, 76) rather than a Member State (Art 52)', false)
    .addOption(format())
    .action((opts: { turnover: string; infringement: 'obligation' | 'information' | 'periodic'; days: string; commission: boolean; format: 'text' | 'json' }) => {
      const request: PenaltyRequest = {
        regime: 'EU-DSA',
        annualWorldwideTurnover: parseAmount('--turnover', opts.turnover),
        infringement: opts.infringement,
        days: wholeNumber('--days', opts.days),
        enforcer: opts.commission ? 'commission' : 'member-state',
      };
      print(ctx, calculatePenalty(request), opts.format);
    });

  penalty
    .command('us-2258a')
    .description('18 USC 2258A(e): fines for knowing and wilful failures to report to the CyberTipline')
    .requiredOption('--mau <n>', 'monthly active users of the provider')
    .option('--prior-failures <n>', 'earlier failures (0 = this is the first)', '0')
    .addOption(format())
    .action((opts: { mau: string; priorFailures: string; format: 'text' | 'json' }) => {
      print(ctx, calculatePenalty({ regime: 'US-2258A', monthlyActiveUsers: parseAmount('--mau', opts.mau), priorFailures: wholeNumber('--prior-failures', opts.priorFailures) }), opts.format);
    });

  const breach = program.command('breach').description('the breach register (rule, evidence, period, status, penalty)');

  breach
    .command('record')
    .description('record a breach of a catalogue rule in a period, with evidence')
    .requiredOption('--rule <id>', 'catalogue rule id, e.g. DEF-05')
    .requiredOption('--from <date>', 'first day of the breach, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
    .requiredOption('--summary <text>', 'what was found')
    .requiredOption('--evidence <items...>', `KIND:REFERENCE:DESCRIPTION (KIND: ${EVIDENCE_KINDS.join(', ')})`)
    .option('--penalty <json>', 'penalty inputs as JSON, e.g. {"regime":"UK-OSA","qualifyingWorldwideRevenue":5e8}')
    .option('--tenant <tenant>', 'tenant name or id (default: the only tenant)')
    .action(async (opts: { rule: string; from: string; to: string; summary: string; evidence: string[]; penalty?: string; tenant?: string }) => {
      let penaltyRequest: PenaltyRequest | null = null;
      if (opts.penalty) {
        try {
          penaltyRequest = JSON.parse(opts.penalty) as PenaltyRequest;
        } catch {
          throw new SafeguardError('validation_failed', '--penalty is not valid JSON');
        }
      }
      const { input, penaltyResult } = validateBreachInput(
        { ruleId: opts.rule, period: { from: opts.from, to: opts.to }, summary: opts.summary, evidence: parseEvidence(opts.evidence), penalty: penaltyRequest },
        isKnownRuleId,
      );
      await ctx.withStore(async (store) => {
        const tenant = await resolveTenant(store, opts.tenant);
        const now = new Date().toISOString();
        const recorded = await store.transaction(async (tx) => {
          const b = await new RegulatorStore(tx).recordBreach(tenant.id, {
            ...input,
            status: 'open',
            penaltyResult,
            history: [{ at: now, status: 'open', by: OPERATOR, note: null }],
            recordedAt: now,
            recordedBy: OPERATOR,
            updatedAt: now,
          });
          await tx.appendAudit(tenant.id, { actor: OPERATOR, action: 'breach.record', target: b.id, details: { ruleId: b.ruleId, period: b.period, evidence: b.evidence.length, maximumPenalty: penaltyResult?.maximum ?? null } });
          return b;
        });
        ctx.out(`breach ${recorded.id} recorded: ${recorded.ruleId}, ${recorded.period.from}..${recorded.period.to}${penaltyResult ? `, maximum penalty ${penaltyResult.currency} ${penaltyResult.maximum.toLocaleString('en-GB')}` : ''}`);
      });
    });

  breach
    .command('list')
    .description('list the breach register, newest first')
    .addOption(new Option('--status <status>', 'only this status').choices([...BREACH_STATUSES]))
    .option('--tenant <tenant>', 'tenant name or id (default: the only tenant)')
    .addOption(format())
    .action(async (opts: { status?: BreachStatus; tenant?: string; format: 'text' | 'json' }) => {
      await ctx.withStore(async (store) => {
        const tenant = await resolveTenant(store, opts.tenant);
        const breaches = await new RegulatorStore(store).listBreaches(tenant.id, opts.status ? { status: opts.status } : {});
        if (opts.format === 'json') return ctx.json({ breaches });
        if (breaches.length === 0) ctx.out('no breaches recorded');
        for (const b of breaches) {
          ctx.out(`${b.id}\t${b.ruleId}\t${b.status}\t${b.period.from}..${b.period.to}\t${b.penaltyResult ? `${b.penaltyResult.currency} ${b.penaltyResult.maximum}` : '-'}\t${b.summary}`);
        }
      });
    });

  breach
    .command('status <id> <status>')
    .description(`move a breach through the process (${BREACH_STATUSES.join(' → ')})`)
    .option('--note <text>', 'why, e.g. "provisional notice under s.130"')
    .option('--tenant <tenant>', 'tenant name or id (default: the only tenant)')
    .action(async (id: string, status: string, opts: { note?: string; tenant?: string }) => {
      if (!(BREACH_STATUSES as readonly string[]).includes(status)) throw new SafeguardError('validation_failed', `status must be one of ${BREACH_STATUSES.join(', ')}`);
      await ctx.withStore(async (store) => {
        const tenant = await resolveTenant(store, opts.tenant);
        const moved = await store.transaction(async (tx) => {
          const reg = new RegulatorStore(tx);
          const b = await reg.getBreach(tenant.id, id);
          if (!b) throw new SafeguardError('not_found', `No breach "${id}"`);
          const next = transitionBreach(b, status as BreachStatus, OPERATOR, new Date().toISOString(), opts.note ?? null);
          await reg.updateBreach(tenant.id, next);
          await tx.appendAudit(tenant.id, { actor: OPERATOR, action: 'breach.status', target: id, details: { from: b.status, to: next.status } });
          return next;
        });
        ctx.out(`breach ${moved.id} is now ${moved.status}`);
      });
    });
}

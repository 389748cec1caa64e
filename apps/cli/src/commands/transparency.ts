/**
 * `safeguard transparency --from DATE --to DATE --format json|csv|html|pdf [--output FILE] [--tenant T]`:
 * the transparency report for a period, computed from the store by streaming aggregation. With
 * --format csv and --output DIR/ (an existing directory or a path ending in /) it writes the EU
 * template parts as separate files. A progress bar goes to stderr on long runs (or with
 * --progress). Exit codes: 0 written; 1 totals do not reconcile (nothing written) or, with
 * --fail-if-empty, nothing happened in the period; 2 bad usage (bad period, unknown tenant);
 * 3 database unreachable.
 *
 * `safeguard statements --from DATE --to DATE --output DIR`: the period's statements of reasons as
 * EU Transparency Database batches (batch-0001.json … each ≤ 100 statements, each a valid body for
 * POST /api/v1/statements).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { SafeguardError } from '@safeguard/core';
import {
  STREAM_NAMES,
  computeTransparencyReport,
  parsePeriod,
  reconciliationError,
  renderCsv,
  renderJson,
  statementBatches,
  templateCsvParts,
  toCsv,
  type ProgressEvent,
  type TransparencyReport,
} from '@safeguard/reporting';
import { renderHtmlWithCharts, renderPdf } from '@safeguard/reporting-render';
import { StoreTransparencySource, withReportingSnapshot } from '@safeguard/store';
import type { CliContext } from '../context.js';
import { resolveTenant } from '../context.js';
import { EXIT } from '../exit-codes.js';

type Format = 'json' | 'csv' | 'html' | 'pdf';

/**
 * Progress on stderr: a redrawn bar on a terminal (after the run has lasted half a second, so short
 * runs stay quiet), or one line per finished stream when forced on a non-terminal.
 */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly forced: boolean,
  ) {}

  update(e: ProgressEvent): void {
    const tty = this.stream.isTTY === true;
    if (!tty) {
      if (this.forced && e.done) this.stream.write(`transparency: ${e.stream} ${e.records.toLocaleString('en-GB')} records (${e.total.toLocaleString('en-GB')} in all)\n`);
      return;
    }
    const now = Date.now();
    if (!this.forced && now - this.started < 500) return;
    if (!e.done && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const fraction = e.expectedTotal ? Math.min(1, e.total / e.expectedTotal) : (STREAM_NAMES.indexOf(e.stream) + (e.done ? 1 : 0.5)) / STREAM_NAMES.length;
    const width = 30;
    const filled = Math.round(fraction * width);
    const rate = e.total / Math.max(0.001, (now - this.started) / 1000);
    this.stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${e.stream.padEnd(24)} ${e.total.toLocaleString('en-GB')} records, ${Math.round(rate).toLocaleString('en-GB')}/s  `);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\n');
  }
}

function isDirectoryTarget(path: string): boolean {
  if (path.endsWith('/')) return true;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function render(report: TransparencyReport, format: Format): Promise<string | Buffer> {
  switch (format) {
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtmlWithCharts(report);
    case 'pdf':
      return renderPdf(report);
    default:
      return renderJson(report);
  }
}

export function registerTransparencyCommand(program: Command, ctx: CliContext): void {
  program
    .command('transparency')
    .description('the transparency report for a period (EU template, Ofcom items, child safety), computed from stored events')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day (inclusive), YYYY-MM-DD')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'html', 'pdf']).default('json'))
    .option('--output <path>', 'write to a file (csv: a directory gets one file per template part)')
    .option('--tenant <tenant>', 'tenant name or id (default: the only tenant)')
    .option('--progress', 'always show progress on stderr (default: on a terminal, for runs over half a second)', false)
    .option('--fail-if-empty', 'exit 1 when nothing happened in the period', false)
    .action(async (opts: { from: string; to: string; format: Format; output?: string; tenant?: string; progress: boolean; failIfEmpty: boolean }) => {
      const period = parsePeriod(opts.from, opts.to, { now: () => new Date() });
      if (opts.format === 'pdf' && !opts.output) throw new SafeguardError('validation_failed', 'PDF is binary: give --output FILE.pdf');
      await ctx.withStore(async (store) => {
        const tenant = await resolveTenant(store, opts.tenant);
        const bar = new ProgressBar(ctx.io.stderr, opts.progress);
        const report = await withReportingSnapshot(store, (snapshot) =>
          computeTransparencyReport(new StoreTransparencySource(snapshot, tenant.id, { description: tenant.name }), period, {
            onProgress: (e) => bar.update(e),
            progressEvery: 50_000,
            allowUnreconciled: true,
          }),
        );
        bar.finish();
        if (!report.reconciliation.ok) {
          const error = reconciliationError(report);
          ctx.err(`safeguard: ${error.message}`);
          ctx.err('nothing written: a report whose totals do not reconcile is not published');
          process.exitCode = EXIT.findings;
          return;
        }
        if (report.empty) ctx.err(`warning: no events were recorded for ${tenant.name} between ${period.from} and ${period.to}`);
        if (period.partial) ctx.err(`note: the period has not ended; figures up to ${new Date().toISOString()}`);
        if (opts.output && opts.format === 'csv' && isDirectoryTarget(opts.output)) {
          mkdirSync(opts.output, { recursive: true });
          for (const part of templateCsvParts(report)) writeFileSync(join(opts.output, part.name), toCsv(part.header, part.rows));
          ctx.err(`wrote ${templateCsvParts(report).length} template parts to ${opts.output}`);
        } else {
          const body = await render(report, opts.format);
          if (opts.output) {
            writeFileSync(opts.output, body);
            ctx.err(`wrote ${opts.output}`);
          } else ctx.io.stdout.write(body);
        }
        if (report.empty && opts.failIfEmpty) process.exitCode = EXIT.findings;
      });
    });

  program
    .command('statements')
    .description('export the period’s statements of reasons as EU Transparency Database batches (≤ 100 per file)')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day (inclusive), YYYY-MM-DD')
    .requiredOption('--output <dir>', 'directory for batch-0001.json, batch-0002.json, …')
    .option('--tenant <tenant>', 'tenant name or id (default: the only tenant)')
    .option('--batch-size <n>', 'statements per batch (1-100)', '100')
    .action(async (opts: { from: string; to: string; output: string; tenant?: string; batchSize: string }) => {
      const period = parsePeriod(opts.from, opts.to, { now: () => new Date() });
      await ctx.withStore(async (store) => {
        const tenant = await resolveTenant(store, opts.tenant);
        const source = new StoreTransparencySource(store, tenant.id);
        mkdirSync(opts.output, { recursive: true });
        let batches = 0;
        let statements = 0;
        const size = Number(opts.batchSize);
        if (!Number.isInteger(size) || size < 1 || size > 100) throw new SafeguardError('validation_failed', '--batch-size must be a whole number from 1 to 100 (the EU database accepts at most 100 per call)');
        try {
          for await (const batch of statementBatches(source.statementsOfReasons(period), { batchSize: size })) {
            writeFileSync(join(opts.output, `batch-${String(batch.batch).padStart(4, '0')}.json`), `${JSON.stringify(batch.body, null, 2)}\n`);
            batches += 1;
            statements += batch.body.statements.length;
          }
        } catch (error) {
          // A stored statement the database would refuse is a finding about the data, not bad usage.
          if (!(error instanceof SafeguardError) || error.code !== 'validation_failed') throw error;
          ctx.err(`safeguard: ${error.message}`);
          ctx.err(`${batches} valid batch(es) were written before it; fix the decision's statement and export again`);
          process.exitCode = EXIT.findings;
          return;
        }
        ctx.out(`${statements} statements of reasons in ${batches} batch(es) written to ${opts.output}`);
      });
    });
}

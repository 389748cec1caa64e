/**
 * `safeguard eval --input labelled.jsonl`: scores labelled conversations by streaming replay and
 * prints precision, recall, F1, F0.5, ROC-AUC, false positive rate and alert latency, overall and
 * per `source`.
 *
 * A labelled line is a conversation (shared/formats/conversation.md) with `label` "grooming" or
 * "benign"; `source` groups results and `alert_from` (the message where a reviewer would escalate)
 * enables latency after the escalation point. Participants with role "suspect" enable the
 * "groomer ranked first" rate. Bad or unlabelled lines are reported with their line number and
 * skipped (exit EXIT.usage). Never prints message text.
 */
import type { Command } from 'commander';
import { evaluateResults, scoreConversation, type BinaryMetrics, type GroomingDetector, type LabelledResult } from '@safeguard/detect-text';
import { EXIT } from '../exit-codes.js';
import { detectorFromOptions, outputOf, readConversations } from './score.js';

const f = (x: number | null, digits = 3): string => (x === null ? 'n/a' : x.toFixed(digits));

export function formatMetricsTable(rows: readonly (readonly [string, BinaryMetrics])[]): string {
  const header = ['source', 'n', 'pos', 'precision', 'recall', 'F1', 'F0.5', 'ROC-AUC', 'FPR', 'alert@ median', 'after escalation median'];
  const lines = rows.map(([name, m]) => [
    name,
    String(m.n),
    String(m.positives),
    f(m.precision),
    f(m.recall),
    f(m.f1),
    f(m.f05),
    f(m.rocAuc),
    f(m.fpr),
    f(m.latency.medianFromStart, 1),
    f(m.latency.medianFromEscalation, 1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmtRow = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [fmtRow(header), ...lines.map(fmtRow)].join('\n');
}

export function registerEvalCommand(program: Command): Command {
  return program
    .command('eval')
    .description('evaluate grooming detection on labelled conversations (JSON Lines), overall and per source')
    .requiredOption('--input <path>', 'labelled.jsonl ("-" for stdin)')
    .option('--threshold <p>', 'alert threshold 0..1 (default: the model\'s)')
    .option('--json', 'print the report as JSON', false)
    .action(async (opts: { input: string; threshold?: string; json: boolean }, cmd: Command) => {
      const io = outputOf(cmd);
      let detector: GroomingDetector;
      try {
        detector = detectorFromOptions(opts.threshold);
      } catch (error) {
        io.err(`safeguard eval: ${(error as Error).message}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      const results: LabelledResult[] = [];
      let bad = 0;
      let withSuspect = 0;
      let rankedFirst = 0;
      try {
        for await (const item of readConversations(opts.input)) {
          const conv = item.conversation;
          const label = conv?.truth.label;
          if (conv === undefined || (label !== 'grooming' && label !== 'benign')) {
            bad += 1;
            io.err(`safeguard eval: line ${item.line}: ${item.error ?? 'label must be "grooming" or "benign"'}\n`);
            continue;
          }
          const s = scoreConversation(conv, { detector, maxSignals: 0 });
          results.push({
            label: label === 'grooming',
            score: s.score,
            alert: s.alert,
            alertAt: s.alert_at,
            alertFrom: conv.truth.alertFrom ?? null,
            source: conv.truth.source ?? 'unknown',
          });
          if (label === 'grooming' && conv.truth.suspects.length > 0) {
            withSuspect += 1;
            const ranked = Object.entries(s.participants).sort((a, b) => b[1].score - a[1].score);
            const top = ranked[0];
            if (top !== undefined && conv.truth.suspects.includes(top[0]) && (ranked[1]?.[1].score ?? -1) < top[1].score) rankedFirst += 1;
          }
        }
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        io.err(`safeguard eval: cannot read ${opts.input}: ${e.code === 'ENOENT' ? 'no such file' : e.message}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      if (results.length === 0) {
        io.err('safeguard eval: no labelled conversations to evaluate\n');
        process.exitCode = EXIT.usage;
        return;
      }
      const report = evaluateResults(results);
      const groomerRankedFirst = withSuspect > 0 ? rankedFirst / withSuspect : null;
      if (opts.json) {
        io.out(`${JSON.stringify({ threshold: detector.policy.threshold, ...report, groomerRankedFirst, badLines: bad }, null, 2)}\n`);
      } else {
        const rows: [string, BinaryMetrics][] = [['overall', report.overall], ...Object.entries(report.bySource)];
        io.out(`${formatMetricsTable(rows)}\n`);
        io.out(`alert threshold ${detector.policy.threshold}; alert@ = messages after the first message; after escalation = alert_at - alert_from\n`);
        if (groomerRankedFirst !== null) io.out(`groomer ranked first among participants: ${rankedFirst}/${withSuspect} (${f(groomerRankedFirst)})\n`);
      }
      process.exitCode = bad > 0 ? EXIT.usage : EXIT.ok;
    });
}

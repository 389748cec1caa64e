/**
 * A self-contained HTML page for a transparency report: summary, charts (inline SVG from the
 * ChartRenderer given — ECharts from reporting-render on the server, or the built-in basic one),
 * the EU template sections, the UK Ofcom items, child-safety metrics, data coverage and every
 * reconciliation check. All text is escaped; the page loads nothing from elsewhere.
 */
import type { DurationSummary } from '../median.js';
import { MEASURE_COLUMNS, type TransparencyReport } from '../report.js';
import { STATEMENT_CATEGORIES } from '../sor/sor-enums.generated.js';
import { basicSvgChart, reportCharts, type ChartRenderer } from './charts.js';

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const num = (v: number | null): string => (v === null ? '—' : Number.isInteger(v) ? v.toLocaleString('en-GB') : v.toLocaleString('en-GB', { maximumFractionDigits: 4 }));
const dur = (d: DurationSummary): string => (d.count === 0 ? '—' : `${num(d.medianHours)} h${d.approximate ? ' (approx.)' : ''} over ${num(d.count)}`);
const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

function table(head: readonly string[], rows: readonly (readonly string[])[], caption?: string): string {
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const kv = (pairs: readonly (readonly [string, string])[], caption?: string): string => table(['indicator', 'value'], pairs.map(([k, v]) => [k, v]), caption);
const label = (c: string): string => (STATEMENT_CATEGORIES as Record<string, string>)[c] ?? c;

export interface HtmlOptions {
  readonly chartRenderer?: ChartRenderer;
  readonly title?: string;
}

export function renderHtml(report: TransparencyReport, options: HtmlOptions = {}): string {
  const { eu, childSafety: cs } = report;
  const render = options.chartRenderer ?? basicSvgChart;
  const title = options.title ?? `Transparency report — ${report.service}, ${report.period.from} to ${report.period.to}`;
  const charts = reportCharts(report).map((spec) => `<figure>${render(spec, { width: 640, height: 320 })}<figcaption>${escapeHtml(spec.title)}</figcaption></figure>`);
  const failed = report.reconciliation.checks.filter((c) => !c.ok);
  const notCollected = Object.entries(report.coverage).filter(([, c]) => !c.collected);

  const noticeRows = Object.entries(eu.notices.byCategory)
    .filter(([, r]) => r.received > 0)
    .map(([c, r]) => [label(c), num(r.received), num(r.trustedFlaggers.received), num(r.actionsBasisLaw), num(r.actionsBasisTerms), num(r.noAction), num(r.pending), dur(r.timeToAction)]);
  const measureRows = (t: TransparencyReport['eu']['ownInitiative']['illegal']): string[][] =>
    Object.entries(t.byCategory)
      .filter(([, r]) => r.measures_total > 0)
      .map(([c, r]) => [label(c), num(r.measures_total), num(r.measures_solely_automated), ...MEASURE_COLUMNS.map((k) => num(r[k]))]);

  const sections = [
    `<section><h2>Summary</h2>${kv([
      ['Period', `${report.period.from} to ${report.period.to} (${report.period.days} days${report.period.partial ? ', not yet ended' : ''})`],
      ['Totals reconcile', report.reconciliation.ok ? `yes (${report.reconciliation.checks.length} checks)` : `NO — ${failed.length} check(s) failed`],
      ['Accounts / treated as children', `${num(cs.accounts.total)} / ${num(cs.accounts.treatedAsChild)}`],
      ['Child accounts keeping every protective default', `${num(cs.defaults.kept)} (${pct(cs.defaults.keptShare)})`],
      ['Interactions denied (rule citations)', num(cs.interactions.byOutcome.deny ?? 0)],
      ['Notices received / median time to action', `${num(eu.notices.total.received)} / ${dur(eu.notices.total.timeToAction)}`],
      ['Complaints received / reversed', `${num(eu.complaints.received)} / ${num(eu.complaints.reversed + eu.complaints.partiallyReversed)}`],
      ['Safety alerts / hash matches / referrals', `${num(cs.alerts.total)} / ${num(cs.hashMatches.total)} / ${num(cs.referrals.total)}`],
    ])}${report.empty ? '<p class="warn">No events were recorded in this period.</p>' : ''}${
      notCollected.length > 0 ? `<p class="warn">Not collected (shown as —, never as zero): ${escapeHtml(notCollected.map(([s, c]) => `${s}${c.note ? ` (${c.note})` : ''}`).join('; '))}</p>` : ''
    }</section>`,
    charts.length > 0 ? `<section><h2>Charts</h2><div class="charts">${charts.join('')}</div></section>` : '',
    `<section><h2>EU harmonised template (Implementing Regulation (EU) 2024/2835)</h2>
<h3>Orders from Member-State authorities (Art 15(1)(a))</h3>${table(
      ['article', 'received', 'items', 'median time to inform receipt', 'median time to give effect'],
      [
        ['Art 9 (act)', num(eu.orders.article9.received), num(eu.orders.article9.items), dur(eu.orders.article9.timeToInformReceipt), dur(eu.orders.article9.timeToGiveEffect)],
        ['Art 10 (information)', num(eu.orders.article10.received), num(eu.orders.article10.items), dur(eu.orders.article10.timeToInformReceipt), dur(eu.orders.article10.timeToGiveEffect)],
      ],
    )}
<h3>Notices (Art 15(1)(b))</h3>${kv([
      ['Received', num(eu.notices.total.received)],
      ['From trusted flaggers', num(eu.notices.total.trustedFlaggers.received)],
      ['Concerning children', num(eu.notices.concerningChildren)],
      ['Actioned on the basis of law / terms', `${num(eu.notices.total.actionsBasisLaw)} / ${num(eu.notices.total.actionsBasisTerms)}`],
      ['No action / pending', `${num(eu.notices.total.noAction)} / ${num(eu.notices.total.pending)}`],
      ['Processed by automated means', num(eu.notices.total.processedByAutomatedMeans)],
      ['Median time to action', dur(eu.notices.total.timeToAction)],
    ])}${noticeRows.length > 0 ? table(['category', 'received', 'trusted flaggers', 'law', 'terms', 'no action', 'pending', 'median time'], noticeRows) : ''}
<h3>Own-initiative moderation (Art 15(1)(c))</h3>${table(['category', 'total', 'solely automated', ...MEASURE_COLUMNS], measureRows(eu.ownInitiative.illegal), 'Illegal content')}${table(
      ['category', 'total', 'solely automated', ...MEASURE_COLUMNS],
      measureRows(eu.ownInitiative.termsAndConditions),
      'Terms and conditions',
    )}${kv(Object.entries(eu.ownInitiative.byDetectionMethod).map(([k, v]) => [k, num(v)]), 'By detection method')}
<h3>Complaints (Art 15(1)(d), Art 20)</h3>${kv([
      ['Received', num(eu.complaints.received)],
      ['Upheld / reversed / partially reversed / omitted', `${num(eu.complaints.upheld)} / ${num(eu.complaints.reversed)} / ${num(eu.complaints.partiallyReversed)} / ${num(eu.complaints.omitted)}`],
      ['Pending at period end', num(eu.complaints.pending)],
      ['Median time to decision', dur(eu.complaints.decisionTime)],
      ['Restrictions newly imposed', num(eu.complaints.restrictionsNewlyImposed)],
      ['Decided without human review (must be 0)', num(eu.complaints.decidedWithoutHumanReview)],
      ['Age-assessment appeals', num(eu.complaints.byKind.AGE_ASSESSMENT_APPEAL)],
    ])}
<h3>Out-of-court disputes (Art 24(1)(a))</h3>${kv([
      ['Submitted', num(eu.outOfCourtDisputes.submitted)],
      ['Upheld / reversed / partially reversed / omitted', `${num(eu.outOfCourtDisputes.upheld)} / ${num(eu.outOfCourtDisputes.reversed)} / ${num(eu.outOfCourtDisputes.partiallyReversed)} / ${num(eu.outOfCourtDisputes.omitted)}`],
      ['Pending', num(eu.outOfCourtDisputes.pending)],
      ['Median time to complete', dur(eu.outOfCourtDisputes.timeToComplete)],
      ['Share of decisions implemented', pct(eu.outOfCourtDisputes.implementedShare)],
    ])}
<h3>Suspensions (Art 23, Art 24(1)(b))</h3>${kv([...Object.entries(eu.suspensions.byGround).map(([k, v]): [string, string] => [k, num(v)]), ['Without prior warning', num(eu.suspensions.withoutPriorWarning)]])}
<h3>Automated means (Art 15(1)(e))</h3>${kv([
      ['Decisions solely automated / partially / not', `${num(eu.automatedMeans.decisionsByAutomation.FULLY)} / ${num(eu.automatedMeans.decisionsByAutomation.PARTIALLY)} / ${num(eu.automatedMeans.decisionsByAutomation.NOT)}`],
      ['Accuracy of automated decisions (not reversed on complaint)', `${pct(eu.automatedMeans.automatedDecisionsReviewed.accuracy)} of ${num(eu.automatedMeans.automatedDecisionsReviewed.decided)}`],
      ['Hash-matching precision', `${pct(eu.automatedMeans.hashMatchPrecision.precision)} of ${num(eu.automatedMeans.hashMatchPrecision.reviewed)} reviewed`],
      ...Object.entries(eu.automatedMeans.alertPrecision).map(([k, p]): [string, string] => [`${k} detection precision`, `${pct(p.precision)} of ${num(p.reviewed)} reviewed`]),
    ])}
<h3>Moderation staff (Art 42(2)) and recipients (Art 24(2))</h3>${kv([
      ['Moderation staff', eu.moderationStaff.month ? `${num(eu.moderationStaff.total)} in ${eu.moderationStaff.month}` : '—'],
      ...Object.entries(eu.moderationStaff.byLanguage).map(([k, v]): [string, string] => [`staff (${k})`, num(v)]),
      ['Average monthly active recipients (EU)', eu.averageMonthlyRecipients.eu === null ? '—' : `${num(eu.averageMonthlyRecipients.eu)} over ${eu.averageMonthlyRecipients.monthsReported} month(s)`],
      ...Object.entries(eu.averageMonthlyRecipients.byMemberState).map(([k, v]): [string, string] => [`recipients (${k})`, num(v)]),
    ])}</section>`,
    `<section><h2>UK: Ofcom transparency items (OSA s.77, Schedule 8)</h2>${table(
      ['item', 'basis', 'supported', 'figures', 'note'],
      report.uk.map((i) => [i.title, i.basis, i.supported ? 'yes' : 'no', Object.entries(i.metrics).map(([k, v]) => `${k}: ${num(v)}`).join('; ') || '—', i.note]),
    )}</section>`,
    `<section><h2>Child safety</h2>${table(
      ['band', 'accounts'],
      Object.entries(cs.accounts.byBand).map(([b, n]) => [b, num(n)]),
      'Accounts by age band',
    )}${table(
      ['band', ...Object.keys(cs.accounts.byAssuranceMethod)],
      Object.entries(cs.accounts.childrenByBandAndMethod).map(([band, row]) => [band, ...Object.keys(cs.accounts.byAssuranceMethod).map((m) => num(row[m] ?? 0))]),
      'Child accounts by band and assurance method',
    )}${kv([
      ['Child accounts', num(cs.defaults.childAccounts)],
      ['Kept every protective default', `${num(cs.defaults.kept)} (${pct(cs.defaults.keptShare)})`],
      ['Changed at least one', num(cs.defaults.changed)],
      ['Setting changes in period: loosened / tightened / by a guardian', `${num(cs.defaults.changesInPeriod.loosened)} / ${num(cs.defaults.changesInPeriod.tightened)} / ${num(cs.defaults.changesInPeriod.byGuardian)}`],
    ], 'Protective defaults')}${table(
      ['rule', 'denied', 'safety prompts', 'guardian required'],
      [...new Set([...Object.keys(cs.interactions.deniedByRule), ...Object.keys(cs.interactions.warnedByRule), ...Object.keys(cs.interactions.guardianRequiredByRule)])]
        .sort()
        .map((r) => [r, num(cs.interactions.deniedByRule[r] ?? 0), num(cs.interactions.warnedByRule[r] ?? 0), num(cs.interactions.guardianRequiredByRule[r] ?? 0)]),
      'Interactions by rule (a decision citing two rules counts under each)',
    )}${table(
      ['kind', 'raised', 'concerning children', 'confirmed', 'dismissed', 'open', 'median time to action'],
      Object.entries(cs.alerts.byKind).map(([k, a]) => [k, num(a.raised), num(a.concerningChildren), num(a.confirmed), num(a.dismissed), num(a.open), dur(a.timeToAction)]),
      'Grooming and contact-risk alerts',
    )}${kv([
      ['Hash matches', num(cs.hashMatches.total)],
      ['Reviewed / confirmed', `${num(cs.hashMatches.reviewed)} / ${num(cs.hashMatches.confirmed)}`],
      ...Object.entries(cs.hashMatches.byList).map(([k, v]): [string, string] => [`list ${k}`, num(v)]),
      ['Referrals to law enforcement', num(cs.referrals.total)],
      ...Object.entries(cs.referrals.byAgency).map(([k, v]): [string, string] => [`referrals to ${k}`, num(v)]),
      ['Median time from detection to referral', dur(cs.referrals.timeFromDetection)],
    ], 'Hash matching and referrals')}</section>`,
    `<section><h2>Data coverage</h2>${table(
      ['stream', 'collected', 'records in period', 'note'],
      Object.entries(report.coverage).map(([s, c]) => [s, c.collected ? 'yes' : 'no', num(c.records), c.note ?? '']),
    )}</section>`,
    `<section><h2>Reconciliation</h2>${table(
      ['check', 'expected', 'actual', 'result'],
      report.reconciliation.checks.map((c) => [c.description, num(c.expected), num(c.actual), c.ok ? 'ok' : 'FAILED']),
    )}</section>`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1a1a1a;line-height:1.4}
table{border-collapse:collapse;margin:.75rem 0 1.25rem;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
td{font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:.25rem 0}thead th{background:#f1f3f5}
.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}figcaption{font-size:.8rem;color:#555}
.warn{background:#fff3bf;padding:.5rem}.ok{color:#2b8a3e}.bad{color:#c92a2a}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Computed from stored events and decisions (${escapeHtml(report.format)}), generated ${escapeHtml(report.generatedAt)}. <strong class="${report.reconciliation.ok ? 'ok' : 'bad'}">${
    report.reconciliation.ok ? 'Totals reconcile.' : 'Totals do NOT reconcile.'
  }</strong></p>
${sections.filter(Boolean).join('\n')}
</body></html>
`;
}

export function renderJson(report: TransparencyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

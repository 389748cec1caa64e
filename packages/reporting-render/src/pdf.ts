/**
 * The transparency report as a PDF (PDFKit): a summary, the same charts as the HTML page (ECharts
 * SVG drawn as vectors), the EU template sections, the UK Ofcom items, child-safety metrics, data
 * coverage and the reconciliation checks. Deterministic for a given report: the document dates
 * come from the report, not the clock.
 */
import PDFDocument from 'pdfkit';
import { MEASURE_COLUMNS, reportCharts, type ChartRenderer, type DurationSummary, type TransparencyReport } from '@safeguard/reporting';
import { echartsSvgChart } from './echarts-svg.js';
import { drawSvg } from './svg-to-pdf.js';

type Doc = InstanceType<typeof PDFDocument>;

export interface PdfOptions {
  readonly chartRenderer?: ChartRenderer;
  /** Leave content streams uncompressed (tests read them). */
  readonly uncompressed?: boolean;
}

const num = (v: number | null): string => (v === null ? '—' : Number.isInteger(v) ? v.toLocaleString('en-GB') : v.toLocaleString('en-GB', { maximumFractionDigits: 4 }));
const dur = (d: DurationSummary): string => (d.count === 0 ? '—' : `${num(d.medianHours)} h${d.approximate ? ' (approx.)' : ''} over ${num(d.count)}`);
const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

const MARGIN = 50;

function heading(doc: Doc, text: string, size = 14): void {
  if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(size).fillColor('#111').text(text, MARGIN, doc.y);
  doc.moveDown(0.3);
}

function rows(doc: Doc, pairs: readonly (readonly [string, string])[]): void {
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica').fontSize(9).fillColor('#222');
  for (const [k, v] of pairs) {
    if (doc.y > doc.page.height - MARGIN - 20) doc.addPage();
    const y = doc.y;
    doc.font('Helvetica').text(k, MARGIN, y, { width: width * 0.55 });
    const after = doc.y;
    doc.font('Helvetica-Bold').text(v, MARGIN + width * 0.57, y, { width: width * 0.43 });
    doc.y = Math.max(after, doc.y) + 2;
  }
  doc.x = MARGIN;
}

/** Renders the report to PDF bytes. */
export function renderPdf(report: TransparencyReport, options: PdfOptions = {}): Promise<Buffer> {
  const render = options.chartRenderer ?? echartsSvgChart;
  const created = new Date(report.generatedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: !options.uncompressed,
    info: {
      Title: `Transparency report — ${report.service}, ${report.period.from} to ${report.period.to}`,
      Author: 'Safeguard',
      Subject: report.format,
      CreationDate: created,
      ModDate: created,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { eu, childSafety: cs } = report;
  const failed = report.reconciliation.checks.filter((c) => !c.ok);

  doc.font('Helvetica-Bold').fontSize(18).text('Transparency report', MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(11).fillColor('#333').text(`${report.service} — ${report.period.from} to ${report.period.to} (${report.period.days} days${report.period.partial ? ', not yet ended' : ''})`);
  doc.fontSize(9).fillColor('#555').text(`Computed from stored events and decisions (${report.format}); generated ${report.generatedAt}.`);
  doc
    .moveDown(0.5)
    .font('Helvetica-Bold')
    .fontSize(11)
    .fillColor(report.reconciliation.ok ? '#2b8a3e' : '#c92a2a')
    .text(report.reconciliation.ok ? `Totals reconcile (${report.reconciliation.checks.length} checks).` : `Totals do NOT reconcile: ${failed.length} check(s) failed.`);
  if (report.empty) doc.fillColor('#8a6d00').text('No events were recorded in this period.');

  heading(doc, 'Summary');
  rows(doc, [
    ['Accounts / treated as children', `${num(cs.accounts.total)} / ${num(cs.accounts.treatedAsChild)}`],
    ['Child accounts keeping every protective default', `${num(cs.defaults.kept)} (${pct(cs.defaults.keptShare)})`],
    ['Interactions denied (rule citations)', num(cs.interactions.byOutcome.deny ?? 0)],
    ['Notices received / median time to action', `${num(eu.notices.total.received)} / ${dur(eu.notices.total.timeToAction)}`],
    ['Complaints received / reversed', `${num(eu.complaints.received)} / ${num(eu.complaints.reversed + eu.complaints.partiallyReversed)}`],
    ['Safety alerts / hash matches / referrals', `${num(cs.alerts.total)} / ${num(cs.hashMatches.total)} / ${num(cs.referrals.total)}`],
  ]);

  const charts = reportCharts(report);
  if (charts.length > 0) {
    heading(doc, 'Charts');
    const width = doc.page.width - 2 * MARGIN;
    for (const spec of charts) {
      const svg = render(spec, { width: 640, height: 320 });
      const height = (width * 320) / 640;
      if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
      const top = doc.y;
      drawSvg(doc, svg, MARGIN, top, width);
      doc.y = top + height + 8;
      doc.x = MARGIN;
    }
  }

  heading(doc, 'EU harmonised template (Implementing Regulation (EU) 2024/2835)');
  rows(doc, [
    ['Orders to act (Art 9) / items / median time to give effect', `${num(eu.orders.article9.received)} / ${num(eu.orders.article9.items)} / ${dur(eu.orders.article9.timeToGiveEffect)}`],
    ['Orders for information (Art 10) / median time to give effect', `${num(eu.orders.article10.received)} / ${dur(eu.orders.article10.timeToGiveEffect)}`],
    ['Notices received / from trusted flaggers', `${num(eu.notices.total.received)} / ${num(eu.notices.total.trustedFlaggers.received)}`],
    ['Notices actioned: law / terms / no action / pending', `${num(eu.notices.total.actionsBasisLaw)} / ${num(eu.notices.total.actionsBasisTerms)} / ${num(eu.notices.total.noAction)} / ${num(eu.notices.total.pending)}`],
    ['Notices: median time to action', dur(eu.notices.total.timeToAction)],
    ['Own-initiative measures: illegal content / terms', `${num(eu.ownInitiative.illegal.total.measures_total)} / ${num(eu.ownInitiative.termsAndConditions.total.measures_total)}`],
    ...MEASURE_COLUMNS.filter((c) => eu.ownInitiative.illegal.total[c] + eu.ownInitiative.termsAndConditions.total[c] > 0).map(
      (c): [string, string] => [`  ${c}`, num(eu.ownInitiative.illegal.total[c] + eu.ownInitiative.termsAndConditions.total[c])],
    ),
    ['Complaints received / upheld / reversed / partially / omitted / pending', `${num(eu.complaints.received)} / ${num(eu.complaints.upheld)} / ${num(eu.complaints.reversed)} / ${num(eu.complaints.partiallyReversed)} / ${num(eu.complaints.omitted)} / ${num(eu.complaints.pending)}`],
    ['Complaints: median time to decision', dur(eu.complaints.decisionTime)],
    ['Complaints decided without human review (must be 0)', num(eu.complaints.decidedWithoutHumanReview)],
    ['Out-of-court disputes submitted / pending / implemented', `${num(eu.outOfCourtDisputes.submitted)} / ${num(eu.outOfCourtDisputes.pending)} / ${pct(eu.outOfCourtDisputes.implementedShare)}`],
    ['Suspensions: illegal content / unfounded notices / unfounded complaints', `${num(eu.suspensions.byGround.MANIFESTLY_ILLEGAL_CONTENT)} / ${num(eu.suspensions.byGround.MANIFESTLY_UNFOUNDED_NOTICES)} / ${num(eu.suspensions.byGround.MANIFESTLY_UNFOUNDED_COMPLAINTS)}`],
    ['Decisions solely / partially / not automated', `${num(eu.automatedMeans.decisionsByAutomation.FULLY)} / ${num(eu.automatedMeans.decisionsByAutomation.PARTIALLY)} / ${num(eu.automatedMeans.decisionsByAutomation.NOT)}`],
    ['Accuracy of automated decisions (not reversed on complaint)', pct(eu.automatedMeans.automatedDecisionsReviewed.accuracy)],
    ['Moderation staff', eu.moderationStaff.month ? `${num(eu.moderationStaff.total)} in ${eu.moderationStaff.month}` : '—'],
    ['Average monthly active recipients (EU)', num(eu.averageMonthlyRecipients.eu)],
  ]);

  heading(doc, 'UK: Ofcom transparency items (OSA s.77, Schedule 8)');
  rows(
    doc,
    report.uk.map((i): [string, string] => [`${i.title} (${i.basis})`, i.supported ? Object.entries(i.metrics).map(([k, v]) => `${k}: ${num(v)}`).join('; ') : `not supported: ${i.note}`]),
  );

  heading(doc, 'Child safety');
  rows(doc, [
    ...Object.entries(cs.accounts.byBand).map(([b, n]): [string, string] => [`Accounts, band ${b}`, num(n)]),
    ...Object.entries(cs.accounts.byAssuranceMethod).map(([m, n]): [string, string] => [`Accounts, assurance ${m}`, num(n)]),
    ['Protective defaults kept / changed', `${num(cs.defaults.kept)} / ${num(cs.defaults.changed)}`],
    ...Object.entries(cs.interactions.deniedByRule).map(([r, n]): [string, string] => [`Denied by ${r}`, num(n)]),
    ...Object.entries(cs.alerts.byKind).map(([k, a]): [string, string] => [`Alerts (${k}): raised / confirmed / median time to action`, `${num(a.raised)} / ${num(a.confirmed)} / ${dur(a.timeToAction)}`]),
    ['Hash matches / confirmed / referred', `${num(cs.hashMatches.total)} / ${num(cs.hashMatches.confirmed)} / ${num(cs.hashMatches.referred)}`],
    ['Referrals: NCMEC / NCA / police / other', `${num(cs.referrals.byAgency.NCMEC)} / ${num(cs.referrals.byAgency.NCA)} / ${num(cs.referrals.byAgency.POLICE)} / ${num(cs.referrals.byAgency.OTHER)}`],
  ]);

  heading(doc, 'Data coverage');
  rows(doc, Object.entries(report.coverage).map(([s, c]): [string, string] => [s, c.collected ? `${num(c.records)} records` : `not collected${c.note ? `: ${c.note}` : ''}`]));

  heading(doc, 'Reconciliation');
  rows(doc, report.reconciliation.checks.map((c): [string, string] => [c.description, c.ok ? `ok (${num(c.actual)})` : `FAILED: expected ${num(c.expected)}, got ${num(c.actual)}`]));

  doc.end();
  return done;
}

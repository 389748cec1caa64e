/**
 * CSV in the shape of the EU harmonised template (Implementing Regulation (EU) 2024/2835, Annex I),
 * as its published CSV parts name them (REGULATION.md §5.1): 01 identification, 02 categories,
 * 03 orders, 04 notices, 05/06 own-initiative measures (illegal content / terms and conditions),
 * 07 complaints, out-of-court disputes and suspensions (long format), 08 automated means,
 * 09 human resources, 10 average monthly active recipients. Every numeric row carries a context
 * column; median times are in hours. RFC 4180: CRLF line ends, fields quoted when needed, UTF-8.
 *
 * `templateCsvParts` gives each part as its own CSV; `renderCsv` gives all parts in one long-format
 * file (part, section, indicator, category, scope, value, context) for a single download.
 */
import { MEASURE_COLUMNS, type MeasureRow, type NoticeCounts, type TransparencyReport } from '../report.js';
import type { DurationSummary } from '../median.js';
import { STATEMENT_CATEGORIES } from '../sor/sor-enums.generated.js';

export interface CsvPart {
  /** File name, e.g. '04_notices.csv'. */
  readonly name: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

const cell = (v: string | number | null): string => {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : String(Math.round(v * 10_000) / 10_000)) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

const hours = (d: DurationSummary): number | null => d.medianHours;
const timeContext = (d: DurationSummary): string =>
  d.count === 0 ? 'no durations in period' : `median over ${d.count}${d.approximate ? `, approximate (resolution ${d.resolutionSeconds / 60} min)` : ''}; hours`;

const CATEGORIES = Object.keys(STATEMENT_CATEGORIES);

export function templateCsvParts(report: TransparencyReport): CsvPart[] {
  const { eu } = report;
  const generated = `computed by Safeguard from stored events (${report.format})`;
  const coverageNote = (stream: keyof TransparencyReport['coverage']): string =>
    report.coverage[stream].collected ? '' : `not collected: ${report.coverage[stream].note ?? 'no data source'}`;

  const id: CsvPart = {
    name: '01_ID.csv',
    header: ['indicator', 'value'],
    rows: [
      ['service_name', report.service],
      ['reporting_period_start', report.period.from],
      ['reporting_period_end', report.period.to],
      ['report_generated_at', report.generatedAt],
      ['report_format', report.format],
      ['period_partial', report.period.partial ? 'yes' : 'no'],
      ['totals_reconciled', report.reconciliation.ok ? 'yes' : 'no'],
      ['source', generated],
    ],
  };
  const categories: CsvPart = {
    name: '02_categories.csv',
    header: ['category', 'label'],
    rows: CATEGORIES.map((c) => [c, (STATEMENT_CATEGORIES as Record<string, string>)[c] ?? c]),
  };

  const orderRows: (string | number | null)[][] = [];
  const a9 = eu.orders.article9;
  const a10 = eu.orders.article10;
  orderRows.push([
    'TOTAL',
    'TOTAL',
    a9.received,
    a9.items,
    hours(a9.timeToInformReceipt),
    hours(a9.timeToGiveEffect),
    a10.received,
    hours(a10.timeToInformReceipt),
    hours(a10.timeToGiveEffect),
    coverageNote('orders') || `Art 9: ${timeContext(a9.timeToGiveEffect)}; Art 10: ${timeContext(a10.timeToGiveEffect)}`,
  ]);
  for (const [state, n] of Object.entries(eu.orders.byMemberState)) {
    orderRows.push(['TOTAL', state, n.article9, null, null, null, n.article10, null, null, 'orders by issuing Member State']);
  }
  for (const c of CATEGORIES) {
    const r9 = a9.byCategory[c as keyof typeof a9.byCategory];
    const r10 = a10.byCategory[c as keyof typeof a10.byCategory];
    orderRows.push([c, 'TOTAL', r9.received, r9.items, null, null, r10.received, null, null, '']);
  }
  const orders: CsvPart = {
    name: '03_MSO.csv',
    header: [
      'category',
      'scope',
      'orders_act_received',
      'items_in_orders_act',
      'median_time_inform_receipt_act',
      'median_time_give_effect_act',
      'orders_info_received',
      'median_time_inform_receipt_info',
      'median_time_give_effect_info',
      'context',
    ],
    rows: orderRows,
  };

  const noticeCells = (n: NoticeCounts): (number | null)[] => [n.received, n.items, hours(n.timeToAction), n.actionsBasisLaw, n.actionsBasisTerms];
  const notices: CsvPart = {
    name: '04_notices.csv',
    header: [
      'category',
      'notices_received',
      'items_in_notices',
      'median_time_to_action',
      'actions_basis_law',
      'actions_basis_tc',
      'notices_received_tf',
      'items_in_notices_tf',
      'median_time_to_action_tf',
      'actions_basis_law_tf',
      'actions_basis_tc_tf',
      'notices_processed_automated',
      'notices_no_action',
      'notices_pending',
      'context',
    ],
    rows: [
      ['TOTAL', ...noticeCells(eu.notices.total), ...noticeCells(eu.notices.total.trustedFlaggers), eu.notices.total.processedByAutomatedMeans, eu.notices.total.noAction, eu.notices.total.pending, coverageNote('notices') || timeContext(eu.notices.total.timeToAction)],
      ...CATEGORIES.map((c) => {
        const r = eu.notices.byCategory[c as keyof typeof eu.notices.byCategory];
        return [c, ...noticeCells(r), ...noticeCells(r.trustedFlaggers), r.processedByAutomatedMeans, r.noAction, r.pending, r.received > 0 ? timeContext(r.timeToAction) : ''];
      }),
    ],
  };

  const measureHeader = ['category', 'measures_total', 'measures_solely_automated', ...MEASURE_COLUMNS, 'context'];
  const measureCells = (r: MeasureRow): number[] => [r.measures_total, r.measures_solely_automated, ...MEASURE_COLUMNS.map((c) => r[c])];
  const measures = (name: string, table: TransparencyReport['eu']['ownInitiative']['illegal'], context: string): CsvPart => ({
    name,
    header: measureHeader,
    rows: [['TOTAL', ...measureCells(table.total), coverageNote('moderationDecisions') || context], ...CATEGORIES.map((c) => [c, ...measureCells(table.byCategory[c as keyof typeof table.byCategory]), ''])],
  });

  const c = eu.complaints;
  const ods = eu.outOfCourtDisputes;
  const appealsRows: (string | number | null)[][] = [
    ['internal_complaints', 'complaints_received', 'TOTAL', c.received, coverageNote('complaints') || 'complaints lodged in the period'],
    ['internal_complaints', 'decisions_upheld', 'TOTAL', c.upheld, 'original decision upheld'],
    ['internal_complaints', 'decisions_reversed', 'TOTAL', c.reversed, ''],
    ['internal_complaints', 'decisions_partially_reversed', 'TOTAL', c.partiallyReversed, ''],
    ['internal_complaints', 'decisions_omitted', 'TOTAL', c.omitted, 'not decided on the merits (withdrawn, manifestly unfounded)'],
    ['internal_complaints', 'complaints_pending', 'TOTAL', c.pending, 'undecided at the end of the period'],
    ['internal_complaints', 'median_time_to_decision', 'TOTAL', hours(c.decisionTime), timeContext(c.decisionTime)],
    ['internal_complaints', 'restrictions_newly_imposed', 'TOTAL', c.restrictionsNewlyImposed, 'restrictions newly imposed as a result of a complaint'],
    ['internal_complaints', 'decided_without_human_review', 'TOTAL', c.decidedWithoutHumanReview, 'DSA Art 20(6): must be 0'],
    ['internal_complaints', 'basis_law', 'TOTAL', c.byBasis.law, ''],
    ['internal_complaints', 'basis_terms_and_conditions', 'TOTAL', c.byBasis.terms, ''],
  ];
  for (const [type, r] of Object.entries(c.byOriginalDecision)) {
    appealsRows.push(
      ['internal_complaints', 'complaints_received', type, r.received, 'by type of original decision'],
      ['internal_complaints', 'decisions_upheld', type, r.upheld, ''],
      ['internal_complaints', 'decisions_reversed', type, r.reversed, ''],
      ['internal_complaints', 'decisions_partially_reversed', type, r.partiallyReversed, ''],
      ['internal_complaints', 'decisions_omitted', type, r.omitted, ''],
    );
  }
  appealsRows.push(
    ['out_of_court_dispute_settlement', 'disputes_submitted', 'TOTAL', ods.submitted, coverageNote('outOfCourtDisputes') || 'DSA Art 21 bodies'],
    ['out_of_court_dispute_settlement', 'decisions_upheld', 'TOTAL', ods.upheld, ''],
    ['out_of_court_dispute_settlement', 'decisions_reversed', 'TOTAL', ods.reversed, ''],
    ['out_of_court_dispute_settlement', 'decisions_partially_reversed', 'TOTAL', ods.partiallyReversed, ''],
    ['out_of_court_dispute_settlement', 'decisions_omitted', 'TOTAL', ods.omitted, ''],
    ['out_of_court_dispute_settlement', 'disputes_pending', 'TOTAL', ods.pending, ''],
    ['out_of_court_dispute_settlement', 'median_time_to_complete', 'TOTAL', hours(ods.timeToComplete), timeContext(ods.timeToComplete)],
    ['out_of_court_dispute_settlement', 'share_of_outcomes_implemented', 'TOTAL', ods.implementedShare, 'fraction 0-1'],
    ['suspensions', 'manifestly_illegal_content', 'TOTAL', eu.suspensions.byGround.MANIFESTLY_ILLEGAL_CONTENT, coverageNote('suspensions') || 'DSA Art 23(1)'],
    ['suspensions', 'manifestly_unfounded_notices', 'TOTAL', eu.suspensions.byGround.MANIFESTLY_UNFOUNDED_NOTICES, 'DSA Art 23(2)'],
    ['suspensions', 'manifestly_unfounded_complaints', 'TOTAL', eu.suspensions.byGround.MANIFESTLY_UNFOUNDED_COMPLAINTS, 'DSA Art 23(2)'],
  );
  const appeals: CsvPart = { name: '07_appeals.csv', header: ['section', 'indicator', 'scope', 'value', 'context'], rows: appealsRows };

  const am = eu.automatedMeans;
  const autoRows: (string | number | null)[][] = [
    ['measures_solely_automated', 'TOTAL', am.measuresSolelyAutomated, 'decisions taken solely by automated means'],
    ['measures_partially_automated', 'TOTAL', am.decisionsByAutomation.PARTIALLY, ''],
    ['measures_automated_detection', 'TOTAL', am.automatedDetection, 'decisions on content detected by automated means'],
    ['notices_processed_automated', 'TOTAL', am.noticesProcessedByAutomatedMeans, ''],
    ['accuracy_automated_decisions', 'TOTAL', am.automatedDecisionsReviewed.accuracy, `fraction 0-1: automated decisions not reversed on complaint (${am.automatedDecisionsReviewed.decided} reviewed)`],
    ['error_rate_automated_decisions', 'TOTAL', am.automatedDecisionsReviewed.errorRate, 'fraction 0-1: reversed in full or part on complaint'],
    ['precision_hash_matching', 'TOTAL', am.hashMatchPrecision.precision, coverageNote('hashMatches') || `fraction 0-1: confirmed / reviewed (${am.hashMatchPrecision.reviewed} reviewed)`],
  ];
  if (!report.coverage.alerts.collected) autoRows.push(['precision_alert_detection', 'TOTAL', null, coverageNote('alerts')]);
  for (const [kind, p] of Object.entries(am.alertPrecision)) {
    autoRows.push([`precision_${kind.replace(/[^A-Za-z0-9]+/g, '_')}_detection`, 'TOTAL', p.precision, `fraction 0-1: confirmed / reviewed (${p.reviewed} reviewed)`]);
  }
  const auto: CsvPart = { name: '08_automated_means.csv', header: ['indicator', 'scope', 'value', 'context'], rows: autoRows };

  const staff = eu.moderationStaff;
  const human: CsvPart = {
    name: '09_human_resources.csv',
    header: ['language', 'human_resources', 'context'],
    rows: [
      ['TOTAL', staff.total, staff.month ? `headcount in ${staff.month}` : coverageNote('moderationStaff') || 'no figures reported in the period'],
      ...Object.entries(staff.byLanguage).map(([lang, n]) => [lang, n, '']),
    ],
  };
  const amar = eu.averageMonthlyRecipients;
  const recipients: CsvPart = {
    name: '10_AMAR.csv',
    header: ['scope', 'average_monthly_active_recipients', 'context'],
    rows: [
      ['EU', amar.eu, amar.monthsReported > 0 ? `average over ${amar.monthsReported} month(s)` : coverageNote('monthlyActiveRecipients') || 'no figures reported in the period'],
      ...Object.entries(amar.byMemberState).map(([s, n]) => [s, n, '']),
    ],
  };

  return [
    id,
    categories,
    orders,
    notices,
    measures('05_own_initiative_illegal.csv', eu.ownInitiative.illegal, 'own-initiative measures against illegal content'),
    measures('06_own_initiative_tc.csv', eu.ownInitiative.termsAndConditions, 'own-initiative measures for terms and conditions violations'),
    appeals,
    auto,
    human,
    recipients,
  ];
}

/** All template parts in one long-format CSV. */
export function renderCsv(report: TransparencyReport): string {
  const rows: (string | number | null)[][] = [];
  for (const part of templateCsvParts(report)) {
    const name = part.name.replace(/\.csv$/, '');
    const h = part.header;
    const col = (row: readonly (string | number | null)[], key: string): string | number | null => {
      const i = h.indexOf(key);
      return i >= 0 ? (row[i] ?? null) : null;
    };
    for (const row of part.rows) {
      if (h[0] === 'indicator' && h.length === 2) {
        rows.push([name, '', String(row[0]), '', '', row[1] ?? null, '']);
      } else if (h.includes('section')) {
        rows.push([name, String(col(row, 'section')), String(col(row, 'indicator')), '', String(col(row, 'scope')), col(row, 'value'), String(col(row, 'context') ?? '')]);
      } else if (h[0] === 'indicator') {
        rows.push([name, '', String(row[0]), '', String(col(row, 'scope')), col(row, 'value'), String(col(row, 'context') ?? '')]);
      } else if (name === '02_categories') {
        rows.push([name, '', 'label', String(row[0]), '', row[1] ?? null, '']);
      } else {
        // Wide parts: one long row per numeric column.
        const keyColumns = new Set(['category', 'scope', 'language', 'context']);
        const category = h[0] === 'category' ? String(row[0]) : '';
        const scope = col(row, 'scope') ?? (h[0] === 'language' || h[0] === 'scope' ? row[0] ?? '' : 'TOTAL');
        const context = String(col(row, 'context') ?? '');
        for (const [i, key] of h.entries()) {
          if (keyColumns.has(key)) continue;
          rows.push([name, '', key, category, String(scope), row[i] ?? null, context]);
        }
      }
    }
  }
  return toCsv(['part', 'section', 'indicator', 'category', 'scope', 'value', 'context'], rows);
}

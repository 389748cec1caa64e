/**
 * Side-by-side figures from each tenant's transparency report and case statistics. Pure functions
 * (no fetching): the server computes every figure; this only picks and labels them, so the console
 * and the server's report can never disagree.
 */
import type { CaseStats } from '../api/types';
import type { TransparencyReport } from './types';

export interface TenantFigures {
  readonly name: string;
  readonly report: TransparencyReport | null;
  readonly stats: CaseStats | null;
}

export type Figure = number | null;

export interface MetricRow {
  readonly group: string;
  readonly label: string;
  readonly unit?: 'hours' | 'percent' | 'count';
  /** A figure the law says must be zero (or a failed check): shown as a problem when it is not. */
  readonly mustBeZero?: boolean;
  readonly value: (t: TenantFigures) => Figure;
}

const sum = (values: Iterable<number>): number => {
  let n = 0;
  for (const v of values) n += v;
  return n;
};

const fromReport = (pick: (r: TransparencyReport) => Figure) => (t: TenantFigures): Figure => (t.report ? pick(t.report) : null);
const fromStats = (pick: (s: CaseStats) => Figure) => (t: TenantFigures): Figure => (t.stats ? pick(t.stats) : null);

export const METRICS: readonly MetricRow[] = [
  { group: 'Notices and orders (DSA Arts 9, 10, 16)', label: 'Orders received from authorities', value: fromReport((r) => r.eu.orders.article9.received + r.eu.orders.article10.received) },
  { group: 'Notices and orders (DSA Arts 9, 10, 16)', label: 'Notices received', value: fromReport((r) => r.eu.notices.total.received) },
  { group: 'Notices and orders (DSA Arts 9, 10, 16)', label: 'Notices concerning children', value: fromReport((r) => r.eu.notices.concerningChildren) },
  { group: 'Notices and orders (DSA Arts 9, 10, 16)', label: 'Median time to act on a notice', unit: 'hours', value: fromReport((r) => r.eu.notices.total.timeToAction.medianHours) },
  { group: 'Moderation (DSA Arts 15, 17, 23)', label: 'Own-initiative measures', value: fromReport((r) => r.eu.ownInitiative.illegal.total.measures_total + r.eu.ownInitiative.termsAndConditions.total.measures_total) },
  { group: 'Moderation (DSA Arts 15, 17, 23)', label: 'Restricting decisions', value: fromReport((r) => r.eu.decisions.total) },
  { group: 'Moderation (DSA Arts 15, 17, 23)', label: 'Suspensions for misuse', value: fromReport((r) => r.eu.suspensions.total) },
  { group: 'Moderation (DSA Arts 15, 17, 23)', label: 'Suspensions without a prior warning', mustBeZero: true, value: fromReport((r) => r.eu.suspensions.withoutPriorWarning) },
  { group: 'Moderation (DSA Arts 15, 17, 23)', label: 'Cases decided after their SLA', value: fromStats((s) => sum(s.slaBreaches.map((d) => d.breached))) },
  { group: 'Moderation (DSA Arts 15, 17, 23)', label: 'Cases decided within their SLA', unit: 'percent', value: fromStats((s) => {
    const decided = sum(s.slaBreaches.map((d) => d.decided));
    return decided > 0 ? Math.round(((decided - sum(s.slaBreaches.map((d) => d.breached))) / decided) * 1000) / 10 : null;
  }) },
  { group: 'Moderation (DSA Arts 15, 17, 23)', label: 'Open cases past their SLA now', value: fromStats((s) => sum(Object.values(s.backlog).map((b) => b.breached))) },
  { group: 'Complaints (DSA Art 20)', label: 'Complaints received', value: fromReport((r) => r.eu.complaints.received) },
  { group: 'Complaints (DSA Art 20)', label: 'Decisions reversed in full or in part', value: fromReport((r) => r.eu.complaints.reversed + r.eu.complaints.partiallyReversed) },
  { group: 'Complaints (DSA Art 20)', label: 'Median time to decide a complaint', unit: 'hours', value: fromReport((r) => r.eu.complaints.decisionTime.medianHours) },
  { group: 'Complaints (DSA Art 20)', label: 'Complaints decided without human review', mustBeZero: true, value: fromReport((r) => r.eu.complaints.decidedWithoutHumanReview) },
  { group: 'Child safety', label: 'Accounts treated as children', value: fromReport((r) => r.childSafety.accounts.treatedAsChild) },
  { group: 'Child safety', label: 'Children with highly effective age assurance', value: fromReport((r) => r.childSafety.accounts.highlyEffectiveAssurance.children) },
  { group: 'Child safety', label: 'Child accounts keeping every protective default', unit: 'percent', value: fromReport((r) => (r.childSafety.defaults.keptShare === null ? null : Math.round(r.childSafety.defaults.keptShare * 1000) / 10)) },
  { group: 'Child safety', label: 'Interactions denied by a rule', value: fromReport((r) => sum(Object.values(r.childSafety.interactions.deniedByRule))) },
  { group: 'Child safety', label: 'Grooming alerts', value: fromReport((r) => r.childSafety.alerts.byKind.grooming?.raised ?? 0) },
  { group: 'Child safety', label: 'Median time to act on a grooming alert', unit: 'hours', value: fromReport((r) => r.childSafety.alerts.byKind.grooming?.timeToAction.medianHours ?? null) },
  { group: 'Child safety', label: 'Hash matches', value: fromReport((r) => r.childSafety.hashMatches.total) },
  { group: 'Child safety', label: 'Referrals to law enforcement', value: fromReport((r) => r.childSafety.referrals.total) },
  { group: 'Report checks', label: 'Reconciliation checks failed', mustBeZero: true, value: fromReport((r) => r.reconciliation.checks.filter((c) => !c.ok).length) },
];

export function formatFigure(value: Figure, unit: MetricRow['unit']): string {
  if (value === null) return '—';
  // Medians arrive in hours rounded to 0.01 (36 s): below an hour, minutes read better.
  if (unit === 'hours') return value === 0 ? 'under 1 min' : value < 1 ? `${Math.max(1, Math.round(value * 60))} min` : `${value.toLocaleString('en-GB', { maximumFractionDigits: 2 })} h`;
  if (unit === 'percent') return `${value.toLocaleString('en-GB', { maximumFractionDigits: 1 })}%`;
  return value.toLocaleString('en-GB');
}

export interface CompareChart {
  readonly title: string;
  readonly categories: string[];
  readonly series: { name: string; type: 'bar'; stack?: string; color?: string; data: (number | null)[] }[];
  readonly yName?: string;
  readonly tableHeader: string;
}

const PALETTE = ['#2f6f9f', '#d9480f', '#5c940d', '#862e9c', '#0b7285', '#b08900', '#495057', '#a4161a'];

/** Charts comparing tenants: one category per tenant (tenants without a report are left out). */
export function compareCharts(tenants: readonly TenantFigures[]): CompareChart[] {
  const withReport = tenants.filter((t): t is TenantFigures & { report: TransparencyReport } => t.report !== null);
  const names = withReport.map((t) => t.name);
  const series = (list: readonly [string, (r: TransparencyReport) => Figure][], stack?: string) =>
    list.map(([name, pick], i) => ({ name, type: 'bar' as const, color: PALETTE[i % PALETTE.length] as string, ...(stack ? { stack } : {}), data: withReport.map((t) => pick(t.report)) }));
  const rules = [...new Set(withReport.flatMap((t) => Object.keys(t.report.childSafety.interactions.deniedByRule)))].sort();
  const bands: readonly [string, string][] = [
    ['under13', 'Under 13'],
    ['13-15', '13–15'],
    ['16-17', '16–17'],
    ['unknown', 'Age unknown'],
  ];
  return [
    {
      title: 'Notices, complaints and restricting decisions',
      categories: names,
      tableHeader: 'Tenant',
      series: series([
        ['Notices received', (r) => r.eu.notices.total.received],
        ['Complaints received', (r) => r.eu.complaints.received],
        ['Restricting decisions', (r) => r.eu.decisions.total],
        ['Own-initiative measures', (r) => r.eu.ownInitiative.illegal.total.measures_total + r.eu.ownInitiative.termsAndConditions.total.measures_total],
      ]),
    },
    {
      title: 'Child-safety detections and referrals',
      categories: names,
      tableHeader: 'Tenant',
      series: series([
        ['Grooming alerts', (r) => r.childSafety.alerts.byKind.grooming?.raised ?? 0],
        ['Other alerts', (r) => r.childSafety.alerts.total - (r.childSafety.alerts.byKind.grooming?.raised ?? 0)],
        ['Hash matches', (r) => r.childSafety.hashMatches.total],
        ['Referrals to law enforcement', (r) => r.childSafety.referrals.total],
      ]),
    },
    {
      title: 'Median time to act (hours)',
      categories: names,
      tableHeader: 'Tenant',
      yName: 'hours',
      series: series([
        ['Notices', (r) => r.eu.notices.total.timeToAction.medianHours],
        ['Complaints', (r) => r.eu.complaints.decisionTime.medianHours],
        ['Grooming alerts', (r) => r.childSafety.alerts.byKind.grooming?.timeToAction.medianHours ?? null],
      ]),
    },
    {
      title: 'Child accounts by age band',
      categories: names,
      tableHeader: 'Tenant',
      series: series(
        bands.map(([band, label]) => [label, (r: TransparencyReport) => r.childSafety.accounts.byBand[band] ?? 0] as [string, (r: TransparencyReport) => Figure]),
        'bands',
      ),
    },
    {
      title: 'Interactions denied, by rule',
      categories: names,
      tableHeader: 'Tenant',
      series: series(
        rules.map((rule) => [rule, (r: TransparencyReport) => r.childSafety.interactions.deniedByRule[rule] ?? 0] as [string, (r: TransparencyReport) => Figure]),
        'rules',
      ),
    },
  ];
}

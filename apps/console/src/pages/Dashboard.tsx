/**
 * The moderation dashboard (GET /v1/cases/stats): volumes (cases opened, reports and alerts per
 * day), handling times against the SLA targets, SLA breaches per day, decisions by action, and the
 * open backlog. ECharts is bundled and loaded with this page only. Every chart has its numbers in
 * a table too.
 */
import { useState, type ReactNode } from 'react';
import { SEVERITIES, type CaseStats } from '../api/types';
import { Chart, type Series } from '../components/Chart';
import { ErrorNotice, Loading, Page } from '../components/Common';
import { ACTION_LABELS, SEVERITY_LABELS, formatDuration, humanize } from '../format';
import { useLoad } from '../hooks';
import { useSignedIn } from '../session';

export const SEVERITY_COLOURS = { critical: '#a4161a', high: '#d9480f', medium: '#b08900', low: '#2f6f9f' } as const;
const PALETTE = ['#2f6f9f', '#d9480f', '#5c940d', '#862e9c', '#0b7285', '#b08900', '#495057', '#a4161a'];

/** Every UTC day from `from` up to (not including) `to`, as YYYY-MM-DD. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const start = Date.UTC(new Date(from).getUTCFullYear(), new Date(from).getUTCMonth(), new Date(from).getUTCDate());
  const end = Date.parse(to);
  for (let t = start; t < end && out.length < 400; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Rows {day, key, count} pivoted to one series per key over `days`. */
export function pivot<R extends { day: string; count: number }>(rows: readonly R[], keyOf: (r: R) => string, days: readonly string[]): Map<string, number[]> {
  const index = new Map(days.map((d, i) => [d, i]));
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const i = index.get(r.day.slice(0, 10));
    if (i === undefined) continue;
    const key = keyOf(r);
    const list = out.get(key) ?? days.map(() => 0);
    list[i] = (list[i] ?? 0) + r.count;
    out.set(key, list);
  }
  return out;
}

export interface DashboardChart {
  readonly title: string;
  readonly categories: string[];
  readonly series: Series[];
  readonly yName?: string;
  readonly y2Name?: string;
  readonly tableHeader?: string;
  readonly note?: string;
}

export function dashboardCharts(stats: CaseStats): DashboardChart[] {
  const days = daysBetween(stats.from, stats.to);
  const opened = pivot(stats.casesOpened, (r) => r.severity, days);
  const intake = new Map<string, number[]>();
  for (const [k, v] of pivot(stats.reports, (r) => `Reports: ${humanize(r.source)}`, days)) intake.set(k, v);
  for (const [k, v] of pivot(stats.alerts, (r) => `Alerts: ${humanize(r.kind)}`, days)) intake.set(k, v);
  const decisions = pivot(stats.decisions, (r) => r.action, days);
  const slaIndex = new Map(stats.slaBreaches.map((r) => [r.day.slice(0, 10), r]));
  return [
    {
      title: 'Cases opened per day, by severity',
      categories: days,
      yName: 'cases',
      series: SEVERITIES.filter((s) => opened.has(s)).map((s) => ({ name: SEVERITY_LABELS[s], type: 'bar', stack: 'opened', color: SEVERITY_COLOURS[s], data: opened.get(s) ?? [] })),
    },
    {
      title: 'Reports and detection alerts per day',
      categories: days,
      yName: 'received',
      series: [...intake.entries()].map(([name, data], i) => ({ name, type: 'bar', stack: 'intake', color: PALETTE[i % PALETTE.length] as string, data })),
    },
    (() => {
      // Minutes when every handling time is under two hours (hours would flatten the bars to nothing).
      const all = SEVERITIES.flatMap((sev) => [stats.handlingTimes[sev]?.medianMs, stats.handlingTimes[sev]?.p90Ms]).filter((v): v is number => typeof v === 'number');
      const inMinutes = all.length > 0 && Math.max(...all) < 2 * 3_600_000;
      const unit = inMinutes ? 60_000 : 3_600_000;
      const scale = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : Math.round((ms / unit) * 100) / 100);
      return {
        title: `Handling time to first decision, by severity (${inMinutes ? 'minutes' : 'hours'})`,
        categories: SEVERITIES.map((sev) => SEVERITY_LABELS[sev]),
        tableHeader: 'Severity',
        yName: inMinutes ? 'minutes' : 'hours',
        series: [
          { name: 'Median', type: 'bar' as const, color: '#2f6f9f', data: SEVERITIES.map((sev) => scale(stats.handlingTimes[sev]?.medianMs)) },
          { name: '90th percentile', type: 'bar' as const, color: '#862e9c', data: SEVERITIES.map((sev) => scale(stats.handlingTimes[sev]?.p90Ms)) },
        ],
        note: `SLA targets: ${SEVERITIES.map((sev) => `${SEVERITY_LABELS[sev].toLowerCase()} ${formatDuration((stats.slaMinutes[sev] ?? 0) * 60_000)}`).join(', ')}.`,
      };
    })(),
    {
      title: 'Decisions per day within and beyond the SLA',
      categories: days,
      yName: 'decisions',
      y2Name: '% breached',
      series: [
        { name: 'Within SLA', type: 'bar', stack: 'sla', color: '#5c940d', data: days.map((d) => (slaIndex.get(d) ? (slaIndex.get(d)?.decided ?? 0) - (slaIndex.get(d)?.breached ?? 0) : 0)) },
        { name: 'SLA breached', type: 'bar', stack: 'sla', color: '#a4161a', data: days.map((d) => slaIndex.get(d)?.breached ?? 0) },
        {
          name: 'Breach rate (%)',
          type: 'line',
          secondAxis: true,
          color: '#495057',
          data: days.map((d) => {
            const r = slaIndex.get(d);
            return r && r.decided > 0 ? Math.round((r.breached / r.decided) * 1000) / 10 : null;
          }),
        },
      ],
    },
    {
      title: 'Decisions per day, by action',
      categories: days,
      yName: 'decisions',
      series: [...decisions.entries()].map(([action, data], i) => ({
        name: ACTION_LABELS[action as keyof typeof ACTION_LABELS] ?? humanize(action),
        type: 'bar',
        stack: 'actions',
        color: PALETTE[i % PALETTE.length] as string,
        data,
      })),
    },
  ];
}

const PERIODS = [
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
] as const;

export function Dashboard(): ReactNode {
  const { api } = useSignedIn();
  const [days, setDays] = useState<number>(30);
  const stats = useLoad(() => {
    const to = new Date(Date.now() + 60_000);
    const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate() - days + 1));
    return api.get<CaseStats>('/v1/cases/stats', { from: from.toISOString(), to: to.toISOString() });
  }, [api, days]);

  const s = stats.data;
  const backlog = s ? SEVERITIES.reduce((acc, k) => ({ open: acc.open + s.backlog[k].open, breached: acc.breached + s.backlog[k].breached }), { open: 0, breached: 0 }) : null;
  const decided = s ? s.slaBreaches.reduce((n, r) => n + r.decided, 0) : 0;
  const breached = s ? s.slaBreaches.reduce((n, r) => n + r.breached, 0) : 0;

  return (
    <Page title="Dashboard">
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Dashboard period">
        <div className="field">
          <label htmlFor="dashboard-period">Period</label>
          <select id="dashboard-period" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((p) => (
              <option key={p.days} value={p.days}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {stats.error ? <ErrorNotice error={stats.error} onRetry={stats.reload} /> : null}
      {!s && stats.loading ? <Loading what="statistics" /> : null}
      {s && backlog ? (
        <>
          <ul className="tiles" aria-label="Summary">
            <li className="tile">
              <span className="tile-value">{backlog.open}</span>
              <span className="tile-label">open cases now</span>
            </li>
            <li className={`tile ${backlog.breached > 0 ? 'tile-bad' : ''}`}>
              <span className="tile-value">{backlog.breached}</span>
              <span className="tile-label">open cases past their SLA</span>
            </li>
            <li className="tile">
              <span className="tile-value">{decided}</span>
              <span className="tile-label">cases decided in the period</span>
            </li>
            <li className={`tile ${breached > 0 ? 'tile-bad' : ''}`}>
              <span className="tile-value">{decided > 0 ? `${Math.round((breached / decided) * 100)}%` : '—'}</span>
              <span className="tile-label">decided after the SLA ({breached})</span>
            </li>
            <li className="tile">
              <span className="tile-value">
                {s.appeals.decided}/{s.appeals.lodged}
              </span>
              <span className="tile-label">appeals decided / lodged{s.appeals.medianHandlingMs !== null ? `; median ${formatDuration(s.appeals.medianHandlingMs)}` : ''}</span>
            </li>
            <li className="tile">
              <span className="tile-value">{s.referrals.reduce((n, r) => n + r.count, 0)}</span>
              <span className="tile-label">law-enforcement referrals</span>
            </li>
          </ul>
          <div className="chart-grid">
            {dashboardCharts(s).map((c) => (
              <Chart key={c.title} {...c} />
            ))}
          </div>
        </>
      ) : null}
    </Page>
  );
}

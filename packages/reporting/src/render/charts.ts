/**
 * Charts of a report, as data: what each chart shows, not how it is drawn. Renderers turn a
 * ChartSpec into SVG — `@safeguard/reporting-render` with ECharts on the server, or the minimal
 * built-in `basicSvgChart` here (so the pure package can produce a complete HTML page on its own).
 */
import type { TransparencyReport } from '../report.js';
import { STATEMENT_CATEGORIES } from '../sor/sor-enums.generated.js';

export interface ChartSeries {
  readonly name: string;
  readonly values: readonly number[];
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly kind: 'bar' | 'line';
  /** Category axis labels. */
  readonly categories: readonly string[];
  readonly series: readonly ChartSeries[];
  /** Draw bars horizontally (long labels). */
  readonly horizontal?: boolean;
  readonly stacked?: boolean;
}

/** Turns a chart into an SVG document (a string starting with <svg). */
export type ChartRenderer = (spec: ChartSpec, size: { readonly width: number; readonly height: number }) => string;

const top = (record: Readonly<Record<string, number>>, n: number): [string, number][] =>
  Object.entries(record)
    .filter(([, v]) => v > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, n);

const shortCategory = (c: string): string => (STATEMENT_CATEGORIES as Record<string, string>)[c] ?? c;

/** The charts of a report, skipping charts with nothing to show. */
export function reportCharts(report: TransparencyReport): ChartSpec[] {
  const cs = report.childSafety;
  const charts: ChartSpec[] = [];
  const denied = top(cs.interactions.deniedByRule, 15);
  if (denied.length > 0) {
    charts.push({ id: 'denied-by-rule', title: 'Interactions denied, by rule', kind: 'bar', categories: denied.map(([k]) => k), series: [{ name: 'denied', values: denied.map(([, v]) => v) }] });
  }
  const days = Object.entries(cs.interactions.deniedByDay);
  if (days.length > 1) {
    charts.push({ id: 'denied-by-day', title: 'Interactions denied per day', kind: 'line', categories: days.map(([d]) => d), series: [{ name: 'denied', values: days.map(([, v]) => v) }] });
  }
  if (cs.accounts.total > 0) {
    const bands = Object.entries(cs.accounts.byBand);
    charts.push({ id: 'accounts-by-band', title: 'Accounts by age band', kind: 'bar', categories: bands.map(([b]) => b), series: [{ name: 'accounts', values: bands.map(([, v]) => v) }] });
    const methods = top(cs.accounts.byAssuranceMethod, 12);
    charts.push({ id: 'accounts-by-assurance', title: 'Accounts by age-assurance method', kind: 'bar', horizontal: true, categories: methods.map(([m]) => m), series: [{ name: 'accounts', values: methods.map(([, v]) => v) }] });
  }
  if (cs.defaults.childAccounts > 0) {
    charts.push({
      id: 'defaults-kept',
      title: 'Child accounts: protective defaults kept vs changed',
      kind: 'bar',
      categories: ['kept', 'changed'],
      series: [{ name: 'child accounts', values: [cs.defaults.kept, cs.defaults.changed] }],
    });
  }
  const notices = Object.entries(report.eu.notices.byCategory).filter(([, r]) => r.received > 0);
  if (notices.length > 0) {
    charts.push({
      id: 'notices-by-category',
      title: 'Notices received, by category',
      kind: 'bar',
      horizontal: true,
      categories: notices.map(([c]) => shortCategory(c)),
      series: [{ name: 'received', values: notices.map(([, r]) => r.received) }],
    });
  }
  const c = report.eu.complaints;
  if (c.received > 0) {
    charts.push({
      id: 'complaint-outcomes',
      title: 'Complaints by outcome',
      kind: 'bar',
      categories: ['upheld', 'reversed', 'partially reversed', 'omitted', 'pending'],
      series: [{ name: 'complaints', values: [c.upheld, c.reversed, c.partiallyReversed, c.omitted, c.pending] }],
    });
  }
  const alerts = Object.entries(cs.alerts.byKind);
  if (alerts.length > 0) {
    charts.push({
      id: 'alerts-by-kind',
      title: 'Safety alerts by kind and outcome',
      kind: 'bar',
      stacked: true,
      categories: alerts.map(([k]) => k),
      series: [
        { name: 'confirmed', values: alerts.map(([, a]) => a.confirmed) },
        { name: 'dismissed', values: alerts.map(([, a]) => a.dismissed) },
        { name: 'open', values: alerts.map(([, a]) => a.open) },
      ],
    });
  }
  return charts;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const PALETTE = ['#3b5bdb', '#e8590c', '#2f9e44', '#c2255c', '#7048e8'];

/** A plain SVG bar or line chart without dependencies (ECharts in reporting-render draws nicer ones). */
export const basicSvgChart: ChartRenderer = (spec, { width, height }) => {
  const pad = { left: spec.horizontal ? 160 : 50, right: 20, top: 36, bottom: spec.horizontal ? 24 : 48 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const totals = spec.categories.map((_, i) => (spec.stacked ? spec.series.reduce((s, x) => s + (x.values[i] ?? 0), 0) : Math.max(0, ...spec.series.map((x) => x.values[i] ?? 0))));
  const max = Math.max(1, ...totals);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(spec.title)}">`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-family="sans-serif" font-size="14" font-weight="bold">${esc(spec.title)}</text>`,
  ];
  const n = Math.max(1, spec.categories.length);
  if (spec.kind === 'line') {
    for (const [si, s] of spec.series.entries()) {
      const points = s.values.map((v, i) => `${(pad.left + (n === 1 ? w / 2 : (i * w) / (n - 1))).toFixed(1)},${(pad.top + h - (v / max) * h).toFixed(1)}`);
      parts.push(`<polyline fill="none" stroke="${PALETTE[si % PALETTE.length]}" stroke-width="2" points="${points.join(' ')}"/>`);
    }
    const label = (i: number): string => `<text x="${(pad.left + (n === 1 ? w / 2 : (i * w) / (n - 1))).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle" font-family="sans-serif" font-size="10">${esc(spec.categories[i] ?? '')}</text>`;
    parts.push(label(0));
    if (n > 1) parts.push(label(n - 1));
  } else {
    const slot = (spec.horizontal ? h : w) / n;
    for (let i = 0; i < n; i += 1) {
      let offset = 0;
      for (const [si, s] of spec.series.entries()) {
        const v = s.values[i] ?? 0;
        const len = (v / max) * (spec.horizontal ? w : h);
        const fill = PALETTE[si % PALETTE.length] ?? '#333';
        if (spec.horizontal) {
          parts.push(`<rect x="${(pad.left + offset).toFixed(1)}" y="${(pad.top + i * slot + slot * 0.15).toFixed(1)}" width="${len.toFixed(1)}" height="${(slot * 0.7).toFixed(1)}" fill="${fill}"><title>${esc(`${spec.categories[i] ?? ''} ${s.name}: ${v}`)}</title></rect>`);
        } else {
          parts.push(`<rect x="${(pad.left + i * slot + slot * 0.15).toFixed(1)}" y="${(pad.top + h - offset - len).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${len.toFixed(1)}" fill="${fill}"><title>${esc(`${spec.categories[i] ?? ''} ${s.name}: ${v}`)}</title></rect>`);
        }
        if (spec.stacked) offset += len;
      }
      const labelText = esc(spec.categories[i] ?? '');
      parts.push(
        spec.horizontal
          ? `<text x="${pad.left - 6}" y="${(pad.top + i * slot + slot / 2 + 4).toFixed(1)}" text-anchor="end" font-family="sans-serif" font-size="11">${labelText}</text>`
          : `<text x="${(pad.left + i * slot + slot / 2).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle" font-family="sans-serif" font-size="11">${labelText}</text>`,
      );
    }
  }
  parts.push(`<text x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end" font-family="sans-serif" font-size="10">${max}</text>`);
  parts.push('</svg>');
  return parts.join('');
};

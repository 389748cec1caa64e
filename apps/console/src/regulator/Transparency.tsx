/**
 * Transparency side by side: for one period, each tenant's figures from its transparency report
 * (computed by the server from what happened — EU template, child-safety metrics) and its case
 * statistics, in one table with a column per tenant, then charts. A tenant that has not disclosed
 * the period says so in its column. Full reports download in the server's formats.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { CaseStats } from '../api/types';
import { Chart } from '../components/Chart';
import { ErrorNotice, Loading, Page } from '../components/Common';
import { useLoad } from '../hooks';
import { METRICS, compareCharts, formatFigure, type TenantFigures } from './metrics';
import { perTenant, useTenants, type TenantView } from './tenants';
import type { Disclosure, TransparencyReport } from './types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The previous full calendar month (UTC), as the default period when nothing is disclosed. */
export function previousMonth(now = new Date()): { from: string; to: string } {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString();
}

async function saveBlob(tenant: TenantView, path: string, filename: string): Promise<void> {
  const blob = await tenant.api.blob(path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function TransparencyPage(props: { tenantBar: ReactNode }): ReactNode {
  const tenants = useTenants();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const tenantKey = tenants.map((t) => t.tenantId).join(',');

  const disclosures = useLoad(() => perTenant(tenants, (t) => t.api.get<{ disclosures: Disclosure[] }>('/v1/regulator/disclosures')), [tenantKey]);
  const disclosed = (disclosures.data ?? []).flatMap((d) => (d.value?.disclosures ?? []).filter((x) => x.kind === 'transparency' && x.period && !x.revokedAt).map((x) => ({ tenant: d.tenant.name, period: x.period as { from: string; to: string } })));
  const periods = new Map<string, { from: string; to: string; tenants: string[] }>();
  for (const d of disclosed) {
    const k = `${d.period.from}..${d.period.to}`;
    const entry = periods.get(k) ?? { ...d.period, tenants: [] };
    entry.tenants.push(d.tenant);
    periods.set(k, entry);
  }
  const sortedPeriods = [...periods.values()].sort((a, b) => b.to.localeCompare(a.to) || b.from.localeCompare(a.from));

  const fromParam = params.get('from');
  const toParam = params.get('to');
  const period =
    fromParam && toParam && DATE.test(fromParam) && DATE.test(toParam)
      ? { from: fromParam, to: toParam }
      : disclosures.data
        ? (sortedPeriods[0] ?? previousMonth())
        : null;

  const [fromInput, setFromInput] = useState('');
  const [toInput, setToInput] = useState('');
  const shownFrom = fromInput || period?.from || '';
  const shownTo = toInput || period?.to || '';

  const figures = useLoad(async () => {
    if (!period) return null;
    return perTenant(tenants, async (t) => {
      const [report, stats] = await Promise.allSettled([
        t.api.get<TransparencyReport>('/v1/transparency', { from: period.from, to: period.to, format: 'json' }),
        t.api.get<CaseStats>('/v1/cases/stats', { from: `${period.from}T00:00:00Z`, to: nextDay(period.to) }),
      ]);
      if (report.status === 'rejected') throw report.reason;
      return { report: report.value, stats: stats.status === 'fulfilled' ? stats.value : null };
    });
  }, [tenantKey, period?.from, period?.to]);

  const choose = (p: { from: string; to: string }): void => {
    setFromInput('');
    setToInput('');
    setParams({ from: p.from, to: p.to });
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (DATE.test(shownFrom) && DATE.test(shownTo)) choose({ from: shownFrom, to: shownTo });
  };

  const columns: TenantFigures[] = (figures.data ?? []).map((f) => ({ name: f.tenant.name, report: f.value?.report ?? null, stats: f.value?.stats ?? null }));
  const groups = [...new Set(METRICS.map((m) => m.group))];

  return (
    <Page title="Transparency side by side" subtitle={period ? `Period ${period.from} to ${period.to} (inclusive), computed by each platform's Safeguard server from what happened.` : null}>
      {props.tenantBar}
      <form className="filters card" onSubmit={submit} aria-label="Reporting period">
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="date" value={shownFrom} onChange={(e) => setFromInput(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To (inclusive)</label>
          <input id={`${id}-to`} type="date" value={shownTo} onChange={(e) => setToInput(e.target.value)} required />
        </div>
        <button type="submit" className="primary">
          Compare
        </button>
        {sortedPeriods.length > 0 ? (
          <div className="field grow">
            <span id={`${id}-disclosed`} className="label-like">
              Disclosed periods
            </span>
            <div className="button-row" role="group" aria-labelledby={`${id}-disclosed`}>
              {sortedPeriods.slice(0, 6).map((p) => (
                <button key={`${p.from}..${p.to}`} type="button" onClick={() => choose(p)} aria-pressed={period?.from === p.from && period.to === p.to}>
                  {p.from} – {p.to} <span className="muted small">({p.tenants.join(', ')})</span>
                </button>
              ))}
            </div>
          </div>
        ) : null}
      </form>

      {disclosures.error ? <ErrorNotice error={disclosures.error} /> : null}
      {figures.error ? <ErrorNotice error={figures.error} onRetry={figures.reload} /> : null}
      {!figures.data && (figures.loading || disclosures.loading) ? <Loading what="the transparency reports" /> : null}
      {figures.data ? (
        <>
          {figures.data
            .filter((f) => f.error)
            .map((f) => (
              <p key={f.tenant.tenantId} className="notice" role="status">
                <strong>{f.tenant.name}:</strong> {f.error?.message}
              </p>
            ))}
          <div className="table-wrap">
            <table className="compare-table">
              <caption className="visually-hidden">Transparency figures, one column per tenant</caption>
              <thead>
                <tr>
                  <th scope="col">Figure</th>
                  {columns.map((c) => (
                    <th scope="col" key={c.name}>
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              {groups.map((g) => (
                <tbody key={g}>
                  <tr className="group-row">
                    <th scope="colgroup" colSpan={columns.length + 1}>
                      {g}
                    </th>
                  </tr>
                  {METRICS.filter((m) => m.group === g).map((m) => (
                    <tr key={m.label}>
                      <th scope="row">{m.label}</th>
                      {columns.map((c) => {
                        const v = m.value(c);
                        const bad = Boolean(m.mustBeZero && v !== null && v > 0);
                        return (
                          <td key={c.name} className={bad ? 'text-bad' : ''}>
                            {c.report ? formatFigure(v, m.unit) : <span className="muted">not available</span>}
                            {bad ? <span className="visually-hidden"> (should be zero)</span> : null}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              ))}
              <tbody>
                <tr>
                  <th scope="row">Full report</th>
                  {(figures.data ?? []).map((f) => (
                    <td key={f.tenant.tenantId}>
                      {f.value && period ? (
                        <span className="button-row">
                          {(['csv', 'html', 'pdf'] as const).map((format) => (
                            <button
                              key={format}
                              type="button"
                              className="small-button"
                              onClick={() =>
                                void saveBlob(f.tenant, `/v1/transparency?from=${period.from}&to=${period.to}&format=${format}`, `transparency-${f.tenant.name}-${period.from}-${period.to}.${format}`)
                              }
                              aria-label={`Download ${f.tenant.name}'s report as ${format.toUpperCase()}`}
                            >
                              {format.toUpperCase()}
                            </button>
                          ))}
                        </span>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  ))}
                </tr>
              </tbody>
            </table>
          </div>
          {columns.some((c) => c.report) ? (
            <div className="chart-grid spaced">
              {compareCharts(columns).map((c) => (
                <Chart key={c.title} {...c} height={260} />
              ))}
            </div>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

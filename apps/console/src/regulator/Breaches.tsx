/**
 * The breach register side by side (rule, period, status in the enforcement process, evidence,
 * history and the statutory maximum penalty with its citations), and the penalty calculator:
 * POST /v1/regulator/penalties computes the cap — UK OSA, EU DSA or US 18 U.S.C. §2258A — with
 * the arithmetic and the provisions it applies. Caps, not fines.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Chart } from '../components/Chart';
import { ErrorNotice, Loading, Page, Tag } from '../components/Common';
import { formatDateTime, humanize } from '../format';
import { useLoad } from '../hooks';
import { useSession } from '../session';
import { perTenant, useTenants } from './tenants';
import type { Breach, PenaltyResult } from './types';

const STATUSES = ['open', 'provisional', 'confirmed', 'remedied', 'closed'] as const;

export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount);
  } catch {
    return `${amount.toLocaleString('en-GB')} ${currency}`;
  }
}

function PenaltyDetails(props: { result: PenaltyResult }): ReactNode {
  const r = props.result;
  return (
    <div className="penalty">
      <p>
        <strong>Maximum: {money(r.maximum, r.currency)}</strong> ({r.regime})
      </p>
      <p>{r.basis}</p>
      <ul>
        {r.citations.map((c) => (
          <li key={c.provision}>
            <strong>{c.provision}</strong>: {c.text} <span className="muted small">(source confidence {c.confidence})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function BreachesPage(props: { tenantBar: ReactNode }): ReactNode {
  const tenants = useTenants();
  const registers = useLoad(() => perTenant(tenants, (t) => t.api.get<{ breaches: Breach[] }>('/v1/regulator/breaches')), [tenants.map((t) => t.tenantId).join(',')]);
  const rows = (registers.data ?? []).flatMap((r) => (r.value?.breaches ?? []).map((b) => ({ tenant: r.tenant, breach: b })));
  const withRegister = (registers.data ?? []).filter((r) => r.value);

  return (
    <Page title="Breaches and penalties" subtitle="Findings that a rule was not met in a period, where each stands in the enforcement process, and the statutory maximum penalty.">
      {props.tenantBar}
      {registers.error ? <ErrorNotice error={registers.error} onRetry={registers.reload} /> : null}
      {!registers.data && registers.loading ? <Loading what="the breach registers" /> : null}
      {(registers.data ?? [])
        .filter((r) => r.error)
        .map((r) => (
          <p key={r.tenant.tenantId} className="notice" role="status">
            <strong>{r.tenant.name}:</strong> {r.error?.message}
          </p>
        ))}
      {registers.data ? (
        rows.length === 0 ? (
          <p className="empty">No breaches recorded{withRegister.length < (registers.data.length ?? 0) ? ' in the registers disclosed' : ''}.</p>
        ) : (
          <>
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Breach register, all tenants compared</caption>
                <thead>
                  <tr>
                    <th scope="col">Tenant</th>
                    <th scope="col">Rule</th>
                    <th scope="col">Period</th>
                    <th scope="col">Status</th>
                    <th scope="col">Finding</th>
                    <th scope="col">Maximum penalty</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map(({ tenant, breach: b }) => (
                    <tr key={`${tenant.tenantId}-${b.id}`}>
                      <th scope="row">{tenant.name}</th>
                      <td>
                        <code>{b.ruleId}</code>
                      </td>
                      <td className="nowrap">
                        {b.period.from} –<br />
                        {b.period.to}
                      </td>
                      <td>
                        <Tag tone={b.status === 'confirmed' ? 'bad' : b.status === 'remedied' || b.status === 'closed' ? 'ok' : 'neutral'}>{humanize(b.status)}</Tag>
                      </td>
                      <td>
                        {b.summary}
                        <details>
                          <summary>Evidence, history{b.penaltyResult ? ' and penalty' : ''}</summary>
                          <h3>Evidence</h3>
                          <ul>
                            {b.evidence.map((e, i) => (
                              <li key={i}>
                                {humanize(e.kind)}: <code>{e.reference}</code> — {e.description}
                                {e.sha256 ? <span className="code"> sha256 {e.sha256.slice(0, 16)}…</span> : null}
                              </li>
                            ))}
                          </ul>
                          <h3>History</h3>
                          <ol>
                            {b.history.map((h, i) => (
                              <li key={i}>
                                {formatDateTime(h.at)}: {humanize(h.status)} <span className="muted small">by {h.by}</span>
                                {h.note ? ` — ${h.note}` : ''}
                              </li>
                            ))}
                          </ol>
                          {b.penaltyResult ? <PenaltyDetails result={b.penaltyResult} /> : null}
                        </details>
                      </td>
                      <td>{b.penaltyResult ? money(b.penaltyResult.maximum, b.penaltyResult.currency) : <span className="muted">not assessed</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="chart-grid spaced">
              <Chart
                title="Breaches by status, per tenant"
                categories={withRegister.map((r) => r.tenant.name)}
                tableHeader="Tenant"
                height={240}
                series={STATUSES.map((s, i) => ({
                  name: humanize(s),
                  type: 'bar' as const,
                  stack: 'status',
                  color: ['#d9480f', '#b08900', '#a4161a', '#5c940d', '#adb5bd'][i] as string,
                  data: withRegister.map((r) => (r.value?.breaches ?? []).filter((b) => b.status === s).length),
                }))}
              />
            </div>
          </>
        )
      ) : null}
      <PenaltyCalculator />
    </Page>
  );
}

type Regime = 'UK-OSA' | 'EU-DSA' | 'US-2258A';

function PenaltyCalculator(): ReactNode {
  const { session, can } = useSession();
  const id = useId();
  const [regime, setRegime] = useState<Regime>('UK-OSA');
  const [amount, setAmount] = useState('');
  const [infringement, setInfringement] = useState<'obligation' | 'information' | 'periodic'>('obligation');
  const [days, setDays] = useState('');
  const [priorFailures, setPriorFailures] = useState('0');
  const [result, setResult] = useState<PenaltyResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!session || !can('penalties:calculate')) return null;

  const amountLabel = regime === 'UK-OSA' ? 'Qualifying worldwide revenue (GBP)' : regime === 'EU-DSA' ? 'Annual worldwide turnover (EUR)' : 'Monthly active users';

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    const n = Number(amount.replace(/[, _]/g, ''));
    const body =
      regime === 'UK-OSA'
        ? { regime, ...(amount.trim() ? { qualifyingWorldwideRevenue: n } : {}) }
        : regime === 'EU-DSA'
          ? { regime, annualWorldwideTurnover: n, infringement, ...(infringement === 'periodic' && days ? { days: Number(days) } : {}) }
          : { regime, monthlyActiveUsers: n, priorFailures: Number(priorFailures) || 0 };
    try {
      setResult(await session.api.post<PenaltyResult>('/v1/regulator/penalties', body));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Penalty calculator</h2>
      <p className="muted small">The statutory maximum for the figures you determine, with the provisions it applies. The actual penalty follows the regulator's guidance.</p>
      <form onSubmit={(e) => void submit(e)}>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-regime`}>Regime</label>
            <select id={`${id}-regime`} value={regime} onChange={(e) => setRegime(e.target.value as Regime)}>
              <option value="UK-OSA">UK Online Safety Act 2023</option>
              <option value="EU-DSA">EU Digital Services Act</option>
              <option value="US-2258A">US 18 U.S.C. §2258A (failure to report)</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-amount`}>{amountLabel}</label>
            <input id={`${id}-amount`} inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} required={regime !== 'UK-OSA'} aria-describedby={`${id}-amount-hint`} />
            <span id={`${id}-amount-hint`} className="hint">
              {regime === 'UK-OSA' ? 'Leave empty when the provider has no complete accounting period.' : 'Digits only; separators are ignored.'}
            </span>
          </div>
          {regime === 'EU-DSA' ? (
            <div className="field">
              <label htmlFor={`${id}-infringement`}>Infringement</label>
              <select id={`${id}-infringement`} value={infringement} onChange={(e) => setInfringement(e.target.value as typeof infringement)}>
                <option value="obligation">Failure to comply with an obligation (up to 6%)</option>
                <option value="information">Incorrect, incomplete or misleading information (up to 1%)</option>
                <option value="periodic">Periodic penalty (up to 5% of average daily turnover per day)</option>
              </select>
            </div>
          ) : null}
          {regime === 'EU-DSA' && infringement === 'periodic' ? (
            <div className="field">
              <label htmlFor={`${id}-days`}>Days</label>
              <input id={`${id}-days`} type="number" min={1} max={3660} value={days} onChange={(e) => setDays(e.target.value)} />
            </div>
          ) : null}
          {regime === 'US-2258A' ? (
            <div className="field">
              <label htmlFor={`${id}-prior`}>Prior failures</label>
              <input id={`${id}-prior`} type="number" min={0} max={1000} value={priorFailures} onChange={(e) => setPriorFailures(e.target.value)} />
            </div>
          ) : null}
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Calculating…' : 'Calculate the maximum'}
        </button>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
      <div aria-live="polite">{result ? <PenaltyDetails result={result} /> : null}</div>
    </section>
  );
}

/**
 * Conformance results side by side: each tenant's latest stored conformance run (the regulator's
 * black-box probes of the live deployment, `safeguard conformance`), as a matrix of catalogue
 * rules × tenants with pass / fail / not applicable in words, a chart of the counts, and every
 * failure with its reason and the requests and responses that show it.
 */
import type { ReactNode } from 'react';
import { Chart } from '../components/Chart';
import { ErrorNotice, Loading, Page } from '../components/Common';
import { formatDateTime } from '../format';
import { useLoad } from '../hooks';
import { perTenant, useTenants } from './tenants';
import type { ConformanceRun, ConformanceStatus } from './types';

const STATUS_TEXT: Readonly<Record<ConformanceStatus, string>> = { pass: 'Pass', fail: 'Fail', 'not-applicable': 'Not applicable' };
const STATUS_CLASS: Readonly<Record<ConformanceStatus, string>> = { pass: 'status-pass', fail: 'status-fail', 'not-applicable': 'status-na' };

function ResultDetails(props: { result: ConformanceRun['results'][number]; open: boolean }): ReactNode {
  const r = props.result;
  return (
    <details open={props.open}>
      <summary>
        <span className={STATUS_CLASS[r.status]}>{STATUS_TEXT[r.status]}</span> <code>{r.ruleId}</code> {r.title}
      </summary>
      <p>{r.reason}</p>
      {r.evidence.length > 0 ? (
        <ol className="evidence">
          {r.evidence.map((e, i) => (
            <li key={i}>
              <code>
                {e.request.method} {e.request.path}
              </code>
              {e.note ? <span className="muted"> — {e.note}</span> : null}
              <pre className="json">{JSON.stringify(e.response, null, 2)}</pre>
            </li>
          ))}
        </ol>
      ) : null}
    </details>
  );
}

export function ConformancePage(props: { tenantBar: ReactNode }): ReactNode {
  const tenants = useTenants();
  const runs = useLoad(() => perTenant(tenants, (t) => t.api.get<{ runs: ConformanceRun[] }>('/v1/regulator/conformance', { limit: 20 })), [tenants.map((t) => t.tenantId).join(',')]);

  const latest = (runs.data ?? []).map((r) => ({ tenant: r.tenant, run: r.value?.runs[0] ?? null, count: r.value?.runs.length ?? 0, error: r.error }));
  // Rules in catalogue order, as the probes report them; failures anywhere first.
  const rules = new Map<string, string>();
  for (const l of latest) for (const res of l.run?.results ?? []) if (!rules.has(res.ruleId)) rules.set(res.ruleId, res.title);
  const failing = new Set(latest.flatMap((l) => (l.run?.results ?? []).filter((r) => r.status === 'fail').map((r) => r.ruleId)));
  const ruleIds = [...rules.keys()].sort((a, b) => Number(failing.has(b)) - Number(failing.has(a)));
  const withRuns = latest.filter((l) => l.run);

  return (
    <Page title="Conformance results" subtitle="Each platform's latest stored conformance run: the catalogue rules an API client can check, probed against the live deployment.">
      {props.tenantBar}
      {runs.error ? <ErrorNotice error={runs.error} onRetry={runs.reload} /> : null}
      {!runs.data && runs.loading ? <Loading what="conformance runs" /> : null}
      {runs.data ? (
        <>
          <ul className="tiles" aria-label="Latest run per tenant">
            {latest.map((l) => (
              <li key={l.tenant.tenantId} className={`tile ${l.run && l.run.summary.fail > 0 ? 'tile-bad' : ''}`}>
                <span className="tile-label">{l.tenant.name}</span>
                {l.run ? (
                  <>
                    <span className="tile-value">
                      {l.run.summary.fail === 0 ? 'All pass' : `${l.run.summary.fail} failed`}
                    </span>
                    <span className="tile-label">
                      {l.run.summary.pass} pass · {l.run.summary.fail} fail · {l.run.summary.notApplicable} not applicable
                      <br />
                      {l.run.target} · {formatDateTime(l.run.finishedAt)}
                      {l.count > 1 ? ` · ${l.count - 1} earlier runs` : ''}
                    </span>
                  </>
                ) : (
                  <span className="tile-label">{l.error ? l.error.message : 'No conformance run disclosed.'}</span>
                )}
              </li>
            ))}
          </ul>
          {withRuns.length > 0 ? (
            <>
              <div className="table-wrap">
                <table className="compare-table">
                  <caption className="visually-hidden">Result per rule and tenant (latest run)</caption>
                  <thead>
                    <tr>
                      <th scope="col">Rule</th>
                      {withRuns.map((l) => (
                        <th scope="col" key={l.tenant.tenantId}>
                          {l.tenant.name}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {ruleIds.map((ruleId) => (
                      <tr key={ruleId}>
                        <th scope="row">
                          <code>{ruleId}</code> {rules.get(ruleId)}
                        </th>
                        {withRuns.map((l) => {
                          const res = l.run?.results.find((r) => r.ruleId === ruleId);
                          return (
                            <td key={l.tenant.tenantId} className={res ? STATUS_CLASS[res.status] : 'status-na'} title={res?.reason}>
                              {res ? STATUS_TEXT[res.status] : 'Not probed'}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="chart-grid spaced">
                <Chart
                  title="Conformance results per tenant (latest run)"
                  categories={withRuns.map((l) => l.tenant.name)}
                  tableHeader="Tenant"
                  height={240}
                  series={[
                    { name: 'Pass', type: 'bar', stack: 'r', color: '#5c940d', data: withRuns.map((l) => l.run?.summary.pass ?? 0) },
                    { name: 'Fail', type: 'bar', stack: 'r', color: '#a4161a', data: withRuns.map((l) => l.run?.summary.fail ?? 0) },
                    { name: 'Not applicable', type: 'bar', stack: 'r', color: '#adb5bd', data: withRuns.map((l) => l.run?.summary.notApplicable ?? 0) },
                  ]}
                />
              </div>
              {withRuns.map((l) => {
                const failed = l.run?.results.filter((r) => r.status === 'fail') ?? [];
                return (
                  <section key={l.tenant.tenantId} className="card" aria-label={`${l.tenant.name}: failures and evidence`}>
                    <h2>
                      {l.tenant.name}: {failed.length === 0 ? 'no failures' : `${failed.length} failed ${failed.length === 1 ? 'rule' : 'rules'}`}
                    </h2>
                    {failed.map((r) => (
                      <ResultDetails key={r.ruleId} result={r} open={failed.length <= 3} />
                    ))}
                    <details>
                      <summary>The other {(l.run?.results.length ?? 0) - failed.length} results (pass or not applicable)</summary>
                      {(l.run?.results ?? [])
                        .filter((r) => r.status !== 'fail')
                        .map((r) => (
                          <ResultDetails key={r.ruleId} result={r} open={false} />
                        ))}
                    </details>
                  </section>
                );
              })}
            </>
          ) : (
            <p className="empty">No tenant has disclosed a conformance run yet.</p>
          )}
        </>
      ) : null}
    </Page>
  );
}

/**
 * The appeals queue (oldest first, as the server orders it) and one appeal: the decision appealed
 * with its statement of reasons, the appellant's words, and the outcome form. The server refuses a
 * decision by the moderator who made the original one (409), and says so.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { APPEAL_OUTCOMES, DECISION_ACTIONS, type AppealDecisionResult, type AppealDetail, type AppealOutcome, type AppealsPage, type DecisionAction } from '../api/types';
import { ErrorNotice, Loading, Page, SeverityBadge, Tag } from '../components/Common';
import { StatementOfReasons } from '../components/StatementOfReasons';
import { ACTION_LABELS, formatDateTime, formatDuration, humanize } from '../format';
import { useInterval, useLoad } from '../hooks';
import { useSession, useSignedIn } from '../session';

const OUTCOME_LABELS: Readonly<Record<AppealOutcome, string>> = {
  upheld: 'Upheld — the decision stands',
  reversed: 'Reversed — lift the restriction and its strikes',
  partially_reversed: 'Partially reversed — replace with a lighter action',
};

const WEIGHT: Readonly<Record<DecisionAction, number>> = Object.fromEntries(DECISION_ACTIONS.map((a, i) => [a, i])) as Record<DecisionAction, number>;

export function AppealsQueue(): ReactNode {
  const { api } = useSignedIn();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') === 'decided' ? 'decided' : 'pending';
  const appeals = useLoad(() => api.get<AppealsPage>('/v1/appeals', { status, limit: 100 }), [api, status]);
  useInterval(appeals.reload, 30_000);

  return (
    <Page title="Appeals">
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter appeals">
        <div className="field">
          <label htmlFor="appeal-status">Status</label>
          <select id="appeal-status" value={status} onChange={(e) => setParams(e.target.value === 'decided' ? { status: 'decided' } : {})}>
            <option value="pending">Waiting for a decision</option>
            <option value="decided">Decided</option>
          </select>
        </div>
      </form>
      {appeals.error ? <ErrorNotice error={appeals.error} onRetry={appeals.reload} /> : null}
      {!appeals.data && appeals.loading ? <Loading what="appeals" /> : null}
      {appeals.data ? (
        appeals.data.items.length === 0 ? (
          <p className="empty">{status === 'pending' ? 'No appeals are waiting.' : 'No decided appeals yet.'}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{status === 'pending' ? 'Appeals waiting, oldest first' : 'Decided appeals'}</caption>
              <thead>
                <tr>
                  <th scope="col">Appeal</th>
                  <th scope="col">Against</th>
                  <th scope="col">By</th>
                  <th scope="col">Lodged</th>
                  <th scope="col">{status === 'pending' ? 'Waiting' : 'Outcome'}</th>
                </tr>
              </thead>
              <tbody>
                {appeals.data.items.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">
                      <Link to={`/appeals/${a.id}`}>{a.id}</Link>
                    </th>
                    <td>{ACTION_LABELS[a.originalAction]}</td>
                    <td>
                      {a.appellantRole === 'reporter' ? 'Reporter' : 'Reported user'} <code>{a.appellantId}</code>
                      {a.appellantIsChild ? (
                        <>
                          {' '}
                          <Tag tone="child">child</Tag>
                        </>
                      ) : null}
                    </td>
                    <td>{formatDateTime(a.lodgedAt)}</td>
                    <td>{a.status === 'pending' ? formatDuration(a.ageMs) : `${humanize(a.outcome ?? '')} in ${formatDuration(a.ageMs)}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
    </Page>
  );
}

export function AppealView(): ReactNode {
  const { appealId = '' } = useParams();
  const { api } = useSignedIn();
  const { can } = useSession();
  const id = useId();
  const detail = useLoad(() => api.get<AppealDetail>(`/v1/appeals/${encodeURIComponent(appealId)}`), [api, appealId]);
  const [outcome, setOutcome] = useState<AppealOutcome | null>(null);
  const [explanation, setExplanation] = useState('');
  const [replacement, setReplacement] = useState<DecisionAction | ''>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<AppealDecisionResult | null>(null);

  if (!detail.data) {
    return <Page title="Appeal">{detail.error ? <ErrorNotice error={detail.error} onRetry={detail.reload} /> : <Loading what="the appeal" />}</Page>;
  }
  const { appeal, decision } = detail.data;
  const lighter = DECISION_ACTIONS.filter((a) => WEIGHT[a] < WEIGHT[decision.action]);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!outcome) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<AppealDecisionResult>(`/v1/appeals/${encodeURIComponent(appeal.id)}/decision`, {
        outcome,
        ...(explanation.trim() ? { explanation: explanation.trim() } : {}),
        ...(outcome === 'partially_reversed' && replacement ? { replacementAction: replacement } : {}),
      });
      setResult(answer);
      detail.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={`Appeal against “${decision.actionLabel}”`} subtitle={<>Appeal <code>{appeal.id}</code> (platform id <code>{appeal.externalId}</code>)</>}>
      <p className="breadcrumbs">
        <Link to="/appeals">← Appeals</Link> · <Link to={`/cases/${appeal.caseId}`}>Case {appeal.caseId}</Link> <SeverityBadge severity={detail.data.case.severity} />
      </p>
      <div className="case-grid">
        <div className="case-main">
          <section className="card" aria-labelledby={`${id}-appeal`}>
            <h2 id={`${id}-appeal`}>The appeal</h2>
            <p>
              By the {appeal.appellantRole === 'reporter' ? 'reporter' : 'reported user'} <code>{appeal.appellantId}</code>
              {appeal.appellantIsChild ? (
                <>
                  {' '}
                  <Tag tone="child">child</Tag>
                </>
              ) : null}
              , lodged {formatDateTime(appeal.lodgedAt)};{' '}
              {appeal.status === 'pending' ? `waiting ${formatDuration(appeal.ageMs)}` : `${humanize(appeal.outcome ?? '')} after ${formatDuration(appeal.ageMs)}`}.
            </p>
            {appeal.reasonText ? <blockquote>{appeal.reasonText}</blockquote> : <p className="muted">No reason given.</p>}
            {appeal.explanation ? <p>Explanation given: {appeal.explanation}</p> : null}
          </section>
          {appeal.status === 'pending' && can('appeals:decide') ? (
            <section className="card" aria-labelledby={`${id}-decide`}>
              <h2 id={`${id}-decide`}>Decide the appeal</h2>
              <form onSubmit={(e) => void submit(e)}>
                <fieldset>
                  <legend>Outcome</legend>
                  {APPEAL_OUTCOMES.map((o) => (
                    <label key={o} className="radio">
                      <input type="radio" name={`${id}-outcome`} value={o} checked={outcome === o} onChange={() => setOutcome(o)} /> {OUTCOME_LABELS[o]}
                    </label>
                  ))}
                </fieldset>
                {outcome === 'partially_reversed' ? (
                  <div className="field">
                    <label htmlFor={`${id}-replacement`}>Replacement action</label>
                    <select id={`${id}-replacement`} value={replacement} onChange={(e) => setReplacement(e.target.value as DecisionAction | '')} required>
                      <option value="">Choose a lighter action</option>
                      {lighter.map((a) => (
                        <option key={a} value={a}>
                          {ACTION_LABELS[a]}
                        </option>
                      ))}
                    </select>
                  </div>
                ) : null}
                <div className="field">
                  <label htmlFor={`${id}-explanation`}>Explanation for the appellant</label>
                  <textarea id={`${id}-explanation`} rows={3} maxLength={2000} value={explanation} onChange={(e) => setExplanation(e.target.value)} />
                </div>
                {error ? <ErrorNotice error={error} /> : null}
                <button type="submit" className="primary" disabled={!outcome || busy || (outcome === 'partially_reversed' && !replacement)}>
                  {busy ? 'Recording…' : 'Record the appeal outcome'}
                </button>
              </form>
            </section>
          ) : null}
          {result ? (
            <section className="card decided" aria-live="polite">
              <h2>Appeal {humanize(result.appeal.outcome ?? '')}</h2>
              <p>
                Handled in {formatDuration(result.appeal.handlingMs ?? result.appeal.ageMs)}.{' '}
                {result.webhookDeliveries > 0 ? 'The platform is being notified by a signed webhook.' : 'No webhook endpoint is configured.'}
              </p>
              {result.replacement ? <StatementOfReasons statement={result.replacement.statementOfReasons} heading="Statement of reasons for the replacement decision" /> : null}
            </section>
          ) : null}
        </div>
        <aside className="case-side">
          <section className="card" aria-labelledby={`${id}-decision`}>
            <h2 id={`${id}-decision`}>The decision appealed</h2>
            <p>
              {decision.actionLabel} · {humanize(decision.status)} · by <code>{decision.decidedBy}</code> on {formatDateTime(decision.decidedAt)}
            </p>
            <StatementOfReasons statement={decision.statementOfReasons} headingLevel={3} />
          </section>
        </aside>
      </div>
    </Page>
  );
}

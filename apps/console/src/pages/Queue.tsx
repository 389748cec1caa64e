/**
 * The moderation queue: open cases by severity (critical first — child sexual abuse and grooming),
 * then by SLA deadline, as the server orders them, with live countdowns. Counts per severity link
 * to the filtered queue; "Take the most urgent case" claims the next unassigned case.
 */
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { SEVERITIES, type QueueItem, type QueuePage } from '../api/types';
import { ErrorNotice, Loading, Page, SeverityBadge, Tag } from '../components/Common';
import { SlaCountdown } from '../components/SlaCountdown';
import { ACTION_LABELS, SEVERITY_LABELS, formatDateTime, formatTime, humanize, plural } from '../format';
import { useInterval, useLoad } from '../hooks';
import { useSession, useSignedIn } from '../session';

const REFRESH_MS = 30_000;

export function Queue(): ReactNode {
  const { api } = useSignedIn();
  const { can } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const severity = SEVERITIES.find((s) => s === params.get('severity'));
  const assigned = params.get('assigned') ?? 'any';
  const status = params.get('status') === 'decided' ? 'decided' : 'open';
  const [more, setMore] = useState<{ items: QueueItem[]; cursor: string | null; loadedAt: number } | null>(null);
  const [taking, setTaking] = useState(false);
  const [takeMessage, setTakeMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const queue = useLoad(() => {
    setMore(null);
    return api.get<QueuePage>('/v1/cases', { status, severity, assigned, limit: 50 });
  }, [api, status, severity, assigned]);
  useInterval(queue.reload, REFRESH_MS);

  const setFilter = (name: string, value: string | undefined): void => {
    const next = new URLSearchParams(params);
    if (value && value !== 'any' && !(name === 'status' && value === 'open')) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };

  const takeNext = async (): Promise<void> => {
    setTaking(true);
    setTakeMessage(null);
    setActionError(null);
    try {
      const taken = await api.post<{ case: QueueItem | null }>('/v1/cases/next', severity ? { severity } : {});
      if (taken.case) void navigate(`/cases/${taken.case.id}`);
      else setTakeMessage(severity ? `No unassigned ${SEVERITY_LABELS[severity].toLowerCase()} cases.` : 'No unassigned cases: the queue is clear.');
    } catch (e) {
      setActionError(e);
    } finally {
      setTaking(false);
    }
  };

  const loadMore = async (): Promise<void> => {
    const cursor = more ? more.cursor : queue.data?.nextCursor;
    if (!cursor) return;
    try {
      const page = await api.get<QueuePage>('/v1/cases', { status, severity, assigned, limit: 50, cursor });
      setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], cursor: page.nextCursor, loadedAt: Date.now() }));
    } catch (e) {
      setActionError(e);
    }
  };

  const counts = queue.data?.counts;
  const items = [...(queue.data?.items ?? []), ...(more?.items ?? [])];
  const nextCursor = more ? more.cursor : (queue.data?.nextCursor ?? null);

  return (
    <Page
      title="Moderation queue"
      subtitle={queue.loadedAt ? <span aria-live="off">Updated {formatTime(new Date(queue.loadedAt).toISOString())} UTC · refreshes every 30 seconds</span> : null}
      actions={
        <>
          <button type="button" onClick={queue.reload}>
            Refresh
          </button>
          {can('cases:assign') && status === 'open' ? (
            <button type="button" className="primary" onClick={() => void takeNext()} disabled={taking}>
              {taking ? 'Taking…' : 'Take the most urgent case'}
            </button>
          ) : null}
        </>
      }
    >
      {takeMessage ? (
        <p className="notice" role="status">
          {takeMessage}
        </p>
      ) : null}
      {actionError ? <ErrorNotice error={actionError} /> : null}

      {counts ? (
        <nav aria-label="Open cases by severity">
          <ul className="severity-cards">
            {SEVERITIES.map((s) => (
              <li key={s}>
                <Link
                  to={s === severity ? '/queue' : `/queue?severity=${s}`}
                  className={`severity-card severity-border-${s} ${s === severity ? 'selected' : ''}`}
                  aria-current={s === severity ? 'true' : undefined}
                >
                  <span className="severity-card-title">
                    <SeverityBadge severity={s} />
                  </span>
                  <span className="severity-card-count">{counts[s].open}</span>
                  <span className="severity-card-detail">
                    open · <span className={counts[s].breached > 0 ? 'text-bad' : ''}>{counts[s].breached} overdue</span> · {counts[s].unassigned} unassigned
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}

      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the queue">
        <div className="field">
          <label htmlFor="queue-status">Status</label>
          <select id="queue-status" value={status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="open">Open</option>
            <option value="decided">Decided</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="queue-severity">Severity</label>
          <select id="queue-severity" value={severity ?? 'any'} onChange={(e) => setFilter('severity', e.target.value)}>
            <option value="any">All severities</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="queue-assigned">Assigned</label>
          <select id="queue-assigned" value={assigned} onChange={(e) => setFilter('assigned', e.target.value)}>
            <option value="any">Anyone or no one</option>
            <option value="me">To me</option>
            <option value="unassigned">Unassigned</option>
          </select>
        </div>
      </form>

      {queue.error ? <ErrorNotice error={queue.error} onRetry={queue.reload} /> : null}
      {!queue.data && queue.loading ? <Loading what="the queue" /> : null}
      {queue.data ? (
        items.length === 0 ? (
          <p className="empty">{status === 'open' ? 'No open cases match. Nothing is waiting.' : 'No decided cases match.'}</p>
        ) : (
          <div className="table-wrap">
            <table className="queue-table">
              <caption className="visually-hidden">
                {status === 'open' ? 'Open' : 'Decided'} cases{severity ? `, ${SEVERITY_LABELS[severity].toLowerCase()} severity` : ''}, most urgent first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Case</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Reason</th>
                  <th scope="col">About</th>
                  <th scope="col">Sources</th>
                  <th scope="col">{status === 'open' ? 'SLA' : 'Outcome'}</th>
                  <th scope="col">Assigned</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id} className={c.sla.breached && c.status === 'open' ? 'row-breached' : ''}>
                    <th scope="row">
                      <Link to={`/cases/${c.id}`} aria-label={`Open case ${c.id}: ${c.reasonLabel}`}>
                        {c.id}
                      </Link>
                      <div className="muted small">opened {formatDateTime(c.openedAt)}</div>
                    </th>
                    <td>
                      <SeverityBadge severity={c.severity} />
                    </td>
                    <td>
                      {c.reasonLabel}
                      {c.involvesChild ? (
                        <>
                          {' '}
                          <Tag tone="child">child involved</Tag>
                        </>
                      ) : null}
                    </td>
                    <td>
                      <code>{c.subjectAccountId}</code>
                    </td>
                    <td>
                      {c.alertCount > 0 ? plural(c.alertCount, 'alert') : ''}
                      {c.alertCount > 0 && c.reportCount > 0 ? ', ' : ''}
                      {c.reportCount > 0 ? plural(c.reportCount, 'report') : ''}
                      <div className="muted small">{c.sources.map(humanize).join(', ')}</div>
                    </td>
                    <td>
                      {c.status === 'open' ? (
                        <SlaCountdown sla={c.sla} loadedAt={more?.items.includes(c) ? more.loadedAt : queue.loadedAt} />
                      ) : (
                        <>
                          {c.latestAction ? ACTION_LABELS[c.latestAction] : '—'}
                          <div>
                            <SlaCountdown sla={c.sla} loadedAt={queue.loadedAt} decided />
                          </div>
                        </>
                      )}
                    </td>
                    <td>{c.assignment ? (c.assignment.mine ? <strong>You</strong> : <code>{c.assignment.assignee}</code>) : <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      {nextCursor ? (
        <button type="button" onClick={() => void loadMore()}>
          Load more cases
        </button>
      ) : null}
    </Page>
  );
}

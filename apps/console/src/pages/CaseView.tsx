/**
 * A case: why it was raised (triage, detection alerts with their signals, reports in the
 * reporters' words), the conversation with each signal shown at the message it fired on,
 * participants with their age bands (never birth dates), prior cases, hash matches, and the
 * decision form. Opening the case is audited by the server (case.view); media stays hidden until an
 * audited reveal.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { ApiClient } from '../api/client';
import type { CaseDetail, DecisionResult, Evidence, Participant } from '../api/types';
import { ErrorNotice, Loading, Page, SeverityBadge, Tag } from '../components/Common';
import { DecisionForm } from '../components/DecisionForm';
import { MediaPreview } from '../components/MediaPreview';
import { SlaCountdown } from '../components/SlaCountdown';
import { StatementOfReasons } from '../components/StatementOfReasons';
import { ACTION_LABELS, AGE_BAND_LABELS, formatDateTime, formatDuration, formatTime, humanize, plural } from '../format';
import { useLoad } from '../hooks';
import { useSession, useSignedIn } from '../session';

export function CaseView(): ReactNode {
  const { caseId = '' } = useParams();
  const { api } = useSignedIn();
  const detail = useLoad(() => api.get<CaseDetail>(`/v1/cases/${encodeURIComponent(caseId)}`), [api, caseId]);
  const [decided, setDecided] = useState<DecisionResult | null>(null);

  if (detail.error && !detail.data) {
    return (
      <Page title="Case">
        <ErrorNotice error={detail.error} onRetry={detail.reload} />
        <p>
          <Link to="/queue">Back to the queue</Link>
        </p>
      </Page>
    );
  }
  if (!detail.data) {
    return (
      <Page title="Case">
        <Loading what="the case" />
      </Page>
    );
  }
  return (
    <CaseBody
      key={caseId}
      api={api}
      data={detail.data}
      loadedAt={detail.loadedAt}
      reload={detail.reload}
      decided={decided}
      onDecided={(r) => {
        setDecided(r);
        detail.reload();
      }}
    />
  );
}

function CaseBody(props: { api: ApiClient; data: CaseDetail; loadedAt: number; reload: () => void; decided: DecisionResult | null; onDecided: (r: DecisionResult) => void }): ReactNode {
  const { api, data, loadedAt } = props;
  const { can } = useSession();
  const c = data.case;
  const [lockError, setLockError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [extra, setExtra] = useState<{ items: Evidence[]; cursor: string | null }>({ items: [], cursor: data.timeline.nextCursor });

  const participants = useMemo(() => new Map(data.participants.map((p) => [p.accountId, p])), [data.participants]);
  const evidence = [...data.timeline.items, ...extra.items];
  /** Where each (conversation, message index) is in the timeline, for links from the signal list. */
  const anchorOf = useMemo(() => {
    const map = new Map<string, string>();
    for (const e of evidence) if (e.conversationId !== null && e.index !== null) map.set(`${e.conversationId}#${e.index}`, `ev-${e.id}`);
    return map;
  }, [evidence]);

  const lock = async (path: 'assign' | 'release'): Promise<void> => {
    setBusy(true);
    setLockError(null);
    try {
      await api.post(`/v1/cases/${encodeURIComponent(c.id)}/${path}`, {});
      props.reload();
    } catch (e) {
      setLockError(e);
    } finally {
      setBusy(false);
    }
  };

  const loadMore = async (): Promise<void> => {
    if (!extra.cursor) return;
    try {
      const page = await api.get<{ items: Evidence[]; nextCursor: string | null }>(`/v1/cases/${encodeURIComponent(c.id)}/evidence`, { cursor: extra.cursor });
      setExtra((x) => ({ items: [...x.items, ...page.items], cursor: page.nextCursor }));
    } catch (e) {
      setLockError(e);
    }
  };

  const heldByOther = c.assignment && !c.assignment.mine;
  const signalCount = evidence.reduce((n, e) => n + e.signals.length, 0);

  return (
    <Page
      title={`${c.reasonLabel} — case ${c.id}`}
      subtitle={
        <>
          <SeverityBadge severity={c.severity} /> {c.status === 'open' ? 'Open' : 'Decided'} · about <code>{c.subjectAccountId}</code> · opened {formatDateTime(c.openedAt)} ·{' '}
          <SlaCountdown sla={c.sla} loadedAt={loadedAt} decided={c.status === 'decided'} />
        </>
      }
      actions={
        c.status === 'open' && can('cases:assign') ? (
          c.assignment?.mine ? (
            <button type="button" onClick={() => void lock('release')} disabled={busy}>
              Release case
            </button>
          ) : heldByOther ? null : (
            <button type="button" className="primary" onClick={() => void lock('assign')} disabled={busy}>
              Take case
            </button>
          )
        ) : null
      }
    >
      <p className="breadcrumbs">
        <Link to="/queue">← Queue</Link>
      </p>
      <div role="status" className="lock-status">
        {c.assignment ? (
          c.assignment.mine ? (
            <span>You hold this case until {formatTime(c.assignment.expiresAt)} UTC; other moderators cannot decide it.</span>
          ) : (
            <span className="text-bad">
              Held by <code>{c.assignment.assignee}</code> until {formatTime(c.assignment.expiresAt)} UTC — you can read it but not decide it.
            </span>
          )
        ) : c.status === 'open' ? (
          <span className="muted">Nobody holds this case. Take it before deciding so no one else decides it at the same time.</span>
        ) : null}
      </div>
      {lockError ? <ErrorNotice error={lockError} /> : null}

      <div className="case-grid">
        <div className="case-main">
          <section aria-labelledby="why-title" className="card">
            <h2 id="why-title">Why this case was raised</h2>
            {data.why.triage.length > 0 ? (
              <ul className="triage">
                {data.why.triage.map((t) => (
                  <li key={t}>{t}</li>
                ))}
              </ul>
            ) : null}
            {data.why.alerts.map((a) => (
              <div key={a.alertId} className="alert-summary">
                <h3>
                  {humanize(a.kind)} alert · score {Math.round(a.score * 100)}%
                </h3>
                <p className="muted small">
                  Raised by detection {formatDateTime(a.raisedAt)}
                  {a.conversationId ? (
                    <>
                      {' '}
                      in conversation <code>{a.conversationId}</code>
                    </>
                  ) : null}
                  {a.summary ? ` — ${/^[a-z0-9_.-]+$/.test(a.summary) ? humanize(a.summary).toLowerCase() : a.summary}` : ''}
                </p>
                {a.signals.length > 0 ? (
                  <ol className="signal-list" aria-label={`Signals of the ${a.kind} alert, in message order`}>
                    {a.signals.map((s, i) => {
                      const anchor = a.conversationId ? anchorOf.get(`${a.conversationId}#${s.message}`) : undefined;
                      const label = `${humanize(s.type)}${s.detail ? ` (${s.detail})` : ''}`;
                      return (
                        <li key={`${s.type}-${s.message}-${i}`}>
                          <Tag tone="signal">{label}</Tag> at{' '}
                          {anchor ? <a href={`#${anchor}`}>message {s.message + 1}</a> : <span>message {s.message + 1}</span>}
                          {s.participant ? (
                            <>
                              {' '}
                              by <code>{s.participant}</code>
                              {participants.get(s.participant)?.child ? ' (child)' : ''}
                            </>
                          ) : null}
                        </li>
                      );
                    })}
                  </ol>
                ) : null}
              </div>
            ))}
            {data.why.reports.map((r) => (
              <div key={r.id} className="report-summary">
                <h3>
                  Report: {r.reasonLabel}
                  {r.reporterIsChild ? (
                    <>
                      {' '}
                      <Tag tone="child">reported by a child</Tag>
                    </>
                  ) : null}
                </h3>
                <p className="muted small">
                  From {r.reporterKind === 'user' ? 'a user' : humanize(r.reporterKind)}
                  {r.reporterName ? ` (${r.reporterName})` : ''}
                  {r.order ? ` — order ${r.order.reference} by ${r.order.authority}` : ''}, received {formatDateTime(r.receivedAt)}; reported item{' '}
                  <code>{r.reportedItem.id}</code> ({r.reportedItem.typeId})
                </p>
                {r.reasonText ? <blockquote>{r.reasonText}</blockquote> : null}
              </div>
            ))}
          </section>

          <section aria-labelledby="timeline-title" className="card">
            <h2 id="timeline-title">Conversation</h2>
            <p className="muted small">
              {plural(data.timeline.total, 'item')} of evidence, in time order; {plural(signalCount, 'detection signal')} shown at the messages they fired on.
            </p>
            <Timeline api={api} caseId={c.id} items={evidence} participants={participants} subject={c.subjectAccountId} />
            {extra.cursor ? (
              <button type="button" onClick={() => void loadMore()}>
                Load more messages
              </button>
            ) : null}
          </section>

          {c.status === 'open' && can('cases:decide') ? (
            <section aria-labelledby="decide-title" className="card">
              <h2 id="decide-title">Decide</h2>
              {heldByOther ? (
                <p className="notice">Another moderator holds this case.</p>
              ) : (
                <DecisionForm api={api} caseId={c.id} primaryReason={c.primaryReason} suggestedAction={data.suggestedAction} onDecided={props.onDecided} />
              )}
            </section>
          ) : null}

          {props.decided ? <DecidedNotice result={props.decided} /> : null}

          {data.decisions.length > 0 ? (
            <section aria-labelledby="decisions-title" className="card">
              <h2 id="decisions-title">Decisions</h2>
              {data.decisions.map((d) => (
                <div key={d.id} className="decision">
                  <h3>
                    {d.actionLabel} · {humanize(d.status)}
                  </h3>
                  <p className="muted small">
                    <code>{d.id}</code> by <code>{d.decidedBy}</code> on {formatDateTime(d.decidedAt)}
                    {d.endDate ? `, until ${formatDateTime(d.endDate)}` : ''} · {plural(d.strikesAdded, 'strike')} added
                  </p>
                  <details>
                    <summary>Statement of reasons</summary>
                    <StatementOfReasons statement={d.statementOfReasons} headingLevel={4} />
                  </details>
                </div>
              ))}
            </section>
          ) : null}
        </div>

        <aside className="case-side" aria-label="About the people and history">
          <section aria-labelledby="people-title" className="card">
            <h2 id="people-title">Participants</h2>
            <table className="compact">
              <caption className="visually-hidden">Participants and their age bands</caption>
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col">Age band</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {data.participants.map((p) => (
                  <tr key={p.accountId}>
                    <th scope="row">
                      <code>{p.accountId}</code>
                      {p.jurisdiction ? <span className="muted small"> {p.jurisdiction}</span> : null}
                    </th>
                    <td>
                      <AgeBand p={p} />
                    </td>
                    <td>{p.roles.map(humanize).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="small">
              Active strikes on <code>{c.subjectAccountId}</code>: <strong>{data.strikes.active}</strong>. Suggested action: {ACTION_LABELS[data.suggestedAction]}.
            </p>
          </section>

          <section aria-labelledby="hash-title" className="card">
            <h2 id="hash-title">Hash matches</h2>
            {data.hashMatches.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <table className="compact">
                <caption className="visually-hidden">Hash-bank matches</caption>
                <thead>
                  <tr>
                    <th scope="col">Bank</th>
                    <th scope="col">Label</th>
                    <th scope="col">Distance</th>
                  </tr>
                </thead>
                <tbody>
                  {data.hashMatches.map((m, i) => (
                    <tr key={`${m.alertId}-${i}`}>
                      <th scope="row">{m.bank}</th>
                      <td>{m.label ?? '—'}</td>
                      <td>{m.distance ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section aria-labelledby="prior-title" className="card">
            <h2 id="prior-title">Prior cases</h2>
            {data.priorCases.length === 0 ? (
              <p className="muted">No earlier cases about this account.</p>
            ) : (
              <ul className="plain">
                {data.priorCases.map((p) => (
                  <li key={p.id}>
                    <Link to={`/cases/${p.id}`}>{p.reasonLabel}</Link> <SeverityBadge severity={p.severity} />
                    <div className="muted small">
                      {formatDateTime(p.openedAt)} · {p.latestAction ? ACTION_LABELS[p.latestAction] : humanize(p.status)}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>

          {data.appeals.length > 0 ? (
            <section aria-labelledby="appeals-title" className="card">
              <h2 id="appeals-title">Appeals</h2>
              <ul className="plain">
                {data.appeals.map((a) => (
                  <li key={a.id}>
                    <Link to={`/appeals/${a.id}`}>{a.status === 'pending' ? 'Pending appeal' : `Appeal ${humanize(a.outcome ?? 'decided')}`}</Link>
                    <div className="muted small">
                      by the {a.appellantRole === 'reporter' ? 'reporter' : 'reported user'}, {a.status === 'pending' ? `waiting ${formatDuration(a.ageMs)}` : `handled in ${formatDuration(a.ageMs)}`}
                    </div>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          <section aria-labelledby="history-title" className="card">
            <h2 id="history-title">History</h2>
            <ol className="plain history">
              {data.events.map((e) => (
                <li key={e.seq}>
                  <span className="muted small">{formatDateTime(e.at)}</span> {humanize(e.type)} <span className="muted small">by {e.actor}</span>
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </Page>
  );
}

function AgeBand(props: { p: Participant }): ReactNode {
  const { p } = props;
  const label = AGE_BAND_LABELS[p.ageBand] ?? p.ageBand;
  return p.child ? <Tag tone="child">{label} · child</Tag> : <span>{label}</span>;
}

export function Timeline(props: { api: ApiClient; caseId: string; items: readonly Evidence[]; participants: ReadonlyMap<string, Participant>; subject: string }): ReactNode {
  const groups: { conversation: string | null; items: Evidence[] }[] = [];
  for (const item of props.items) {
    const last = groups[groups.length - 1];
    if (last && last.conversation === item.conversationId) last.items.push(item);
    else groups.push({ conversation: item.conversationId, items: [item] });
  }
  if (props.items.length === 0) return <p className="muted">No evidence stored (it may have been deleted after its retention period).</p>;
  return (
    <>
      {groups.map((g, gi) => (
        <div key={`${g.conversation ?? 'items'}-${gi}`} className="conversation">
          {groups.length > 1 || g.conversation ? <h3 className="conversation-title">{g.conversation ? <>Conversation <code>{g.conversation}</code></> : 'Reported items'}</h3> : null}
          <ol className="timeline">
            {g.items.map((e) => {
              const who = e.from ? props.participants.get(e.from) : undefined;
              const isSubject = e.from === props.subject;
              return (
                <li key={e.id} id={`ev-${e.id}`} className={`message ${e.flagged ? 'flagged' : ''} ${isSubject ? 'from-subject' : ''} ${who?.child ? 'from-child' : ''}`} tabIndex={-1}>
                  <div className="message-head">
                    <span className="message-from">
                      <code>{e.from ?? 'unknown'}</code> {who ? <AgeBand p={who} /> : null}
                      {isSubject ? (
                        <>
                          {' '}
                          <Tag tone="bad">case subject</Tag>
                        </>
                      ) : null}
                    </span>
                    <span className="muted small">
                      {e.index !== null ? `message ${e.index + 1}` : humanize(e.kind)}
                      {e.sentAt ? ` · ${formatDateTime(e.sentAt)}` : ''}
                    </span>
                  </div>
                  {e.text !== null ? <p className="message-text">{e.text}</p> : <p className="muted">(no text)</p>}
                  {e.signals.length > 0 ? (
                    <p className="message-signals">
                      <span className="visually-hidden">Detection signals at this message: </span>
                      <span aria-hidden="true" className="signal-mark">
                        ⚑
                      </span>
                      {e.signals.map((s, i) => (
                        <Tag key={`${s.alertId}-${s.type}-${i}`} tone="signal" title={`Signal from alert ${s.alertId}`}>
                          {humanize(s.type)}
                          {s.detail ? ` (${s.detail})` : ''}
                        </Tag>
                      ))}
                    </p>
                  ) : e.flagged ? (
                    <p className="message-signals">
                      <Tag tone="signal">Reported</Tag>
                    </p>
                  ) : null}
                  {e.media ? <MediaPreview api={props.api} caseId={props.caseId} evidenceId={e.id} count={e.media.count} /> : null}
                </li>
              );
            })}
          </ol>
        </div>
      ))}
    </>
  );
}

function DecidedNotice(props: { result: DecisionResult }): ReactNode {
  const r = props.result;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // The form that had focus is gone: bring the moderator to the outcome.
    heading.current?.focus();
  }, []);
  return (
    <section aria-labelledby="decided-title" className="card decided">
      <h2 id="decided-title" tabIndex={-1} ref={heading}>
        Decision recorded: {r.decision.actionLabel}
      </h2>
      <p>
        Decision <code>{r.decision.id}</code>. The statement of reasons below was stored
        {r.statementRequired ? ' and is queued for the EU Transparency Database' : ''}.{' '}
        {r.webhookDeliveries > 0
          ? `The platform will be told by ${r.webhookDeliveries === 1 ? 'a signed webhook' : plural(r.webhookDeliveries, 'signed webhook')}, retried until it is acknowledged.`
          : 'No webhook delivery was queued.'}
        {r.referralIds.length > 0 ? ` ${plural(r.referralIds.length, 'law-enforcement referral')} queued.` : ''}
      </p>
      <StatementOfReasons statement={r.statementOfReasons} heading="Statement of reasons produced" />
    </section>
  );
}

/**
 * The decision form. As the moderator chooses, the server's preview (POST …/decision-preview,
 * nothing stored) shows the statement of reasons the decision will produce, who will be told what,
 * the strikes and any law-enforcement referral. The decision can be recorded only when the preview
 * on screen is the preview of the form as it stands and the statement is valid against the EU
 * schema — what the moderator read is what gets stored and sent.
 */
import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiClient } from '../api/client';
import { DECISION_ACTIONS, type DecisionAction, type DecisionInput, type DecisionPreview, type DecisionResult, type Reason } from '../api/types';
import { ACTION_LABELS, formatDateTime, humanize } from '../format';
import { useLoad } from '../hooks';
import { ErrorNotice } from './Common';
import { StatementOfReasons } from './StatementOfReasons';

const NEEDS_DURATION: ReadonlySet<DecisionAction> = new Set(['suspend', 'restrict']);
const PREVIEW_DELAY_MS = 350;

export interface DecisionFormProps {
  readonly api: ApiClient;
  readonly caseId: string;
  readonly primaryReason: string;
  readonly suggestedAction: DecisionAction;
  readonly onDecided: (result: DecisionResult) => void;
  /** Preview debounce (tests set 0). */
  readonly previewDelayMs?: number;
}

export function decisionBody(form: { action: DecisionAction; reasonCode: string; basis: string; facts: string; durationDays: string; removeContent: boolean }, primaryReason: string): DecisionInput {
  const days = Number.parseInt(form.durationDays, 10);
  return {
    action: form.action,
    ...(form.reasonCode && form.reasonCode !== primaryReason ? { reasonCode: form.reasonCode } : {}),
    ...(form.basis === 'illegal' || form.basis === 'terms' ? { basis: form.basis } : {}),
    ...(form.facts.trim() ? { facts: form.facts.trim() } : {}),
    ...(NEEDS_DURATION.has(form.action) && Number.isFinite(days) && days > 0 ? { durationDays: days } : {}),
    ...(form.removeContent ? { removeContent: true } : {}),
  };
}

export function DecisionForm(props: DecisionFormProps): ReactNode {
  const { api, caseId, primaryReason, suggestedAction } = props;
  const id = useId();
  const reasons = useLoad(() => api.get<{ reasons: Reason[] }>('/v1/report-reasons'), [api]);
  const [action, setAction] = useState<DecisionAction | null>(null);
  const [reasonCode, setReasonCode] = useState(primaryReason);
  const [basis, setBasis] = useState('');
  const [facts, setFacts] = useState('');
  const [durationDays, setDurationDays] = useState('');
  const [removeContent, setRemoveContent] = useState(false);
  const [preview, setPreview] = useState<{ key: string; result: DecisionPreview } | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const [previewing, setPreviewing] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);

  const body = useMemo(
    () => (action ? decisionBody({ action, reasonCode, basis, facts, durationDays, removeContent }, primaryReason) : null),
    [action, reasonCode, basis, facts, durationDays, removeContent, primaryReason],
  );
  const bodyKey = body ? JSON.stringify(body) : '';

  useEffect(() => {
    if (!body) return undefined;
    let cancelled = false;
    setPreviewing(true);
    const timer = setTimeout(() => {
      api.post<DecisionPreview>(`/v1/cases/${encodeURIComponent(caseId)}/decision-preview`, body).then(
        (result) => {
          if (cancelled) return;
          setPreview({ key: bodyKey, result });
          setPreviewError(null);
          setPreviewing(false);
        },
        (error: unknown) => {
          if (cancelled) return;
          setPreviewError(error);
          setPreviewing(false);
        },
      );
    }, props.previewDelayMs ?? PREVIEW_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // bodyKey stands for body: a new object with the same content does not preview again.
  }, [api, caseId, bodyKey]);

  const current = preview && preview.key === bodyKey ? preview.result : null;
  const canSubmit = Boolean(body && current && current.validation.valid && !submitting && !previewing);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!body || !canSubmit) return;
    setSubmitting(true);
    setSubmitError(null);
    try {
      const result = await api.post<DecisionResult>(`/v1/cases/${encodeURIComponent(caseId)}/decisions`, body);
      props.onDecided(result);
    } catch (error) {
      setSubmitError(error);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form className="decision-form" onSubmit={(e) => void submit(e)} aria-describedby={`${id}-intro`}>
      <p id={`${id}-intro`} className="muted">
        Choose an action. The statement of reasons it will produce appears below before anything is recorded.
      </p>
      <fieldset>
        <legend>Action</legend>
        <div className="radio-grid">
          {DECISION_ACTIONS.map((a) => (
            <label key={a} className={`radio ${a === action ? 'checked' : ''}`}>
              <input type="radio" name={`${id}-action`} value={a} checked={a === action} onChange={() => setAction(a)} />
              <span>{ACTION_LABELS[a]}</span>
              {a === suggestedAction ? <span className="tag tag-neutral">suggested</span> : null}
            </label>
          ))}
        </div>
      </fieldset>

      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <select id={`${id}-reason`} value={reasonCode} onChange={(e) => setReasonCode(e.target.value)}>
            {(reasons.data?.reasons ?? [{ code: primaryReason, label: humanize(primaryReason), categoryLabel: '' } as Reason]).map((r) => (
              <option key={r.code} value={r.code}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-basis`}>Ground</label>
          <select id={`${id}-basis`} value={basis} onChange={(e) => setBasis(e.target.value)} aria-describedby={`${id}-basis-hint`}>
            <option value="">From the reason</option>
            <option value="illegal">Illegal content</option>
            <option value="terms">Incompatible with the terms</option>
          </select>
          <span id={`${id}-basis-hint`} className="hint">
            The legal or contractual ground cited.
          </span>
        </div>
        {action && NEEDS_DURATION.has(action) ? (
          <div className="field">
            <label htmlFor={`${id}-days`}>Duration (days)</label>
            <input id={`${id}-days`} type="number" min={1} max={3650} inputMode="numeric" value={durationDays} onChange={(e) => setDurationDays(e.target.value)} placeholder={action === 'suspend' ? '7' : '30'} />
          </div>
        ) : null}
      </div>

      <div className="field">
        <label htmlFor={`${id}-facts`}>Facts for the statement of reasons</label>
        <textarea
          id={`${id}-facts`}
          rows={3}
          maxLength={2000}
          value={facts}
          onChange={(e) => setFacts(e.target.value)}
          aria-describedby={`${id}-facts-hint`}
        />
        <span id={`${id}-facts-hint`} className="hint">
          What you found, in your words — without names, account ids or message text (the statement is published).
        </span>
      </div>

      <label className="checkbox">
        <input type="checkbox" checked={removeContent} onChange={(e) => setRemoveContent(e.target.checked)} /> Also remove the reported content
      </label>

      <section className="preview" aria-labelledby={`${id}-preview-title`} aria-busy={previewing}>
        <h3 id={`${id}-preview-title`}>What this decision will produce</h3>
        <p role="status" className="muted">
          {!action ? 'Choose an action to see the statement of reasons.' : previewing ? 'Updating the preview…' : current ? 'Preview up to date.' : ''}
        </p>
        {previewError ? <ErrorNotice error={previewError} /> : null}
        {current ? <PreviewDetails preview={current} /> : null}
      </section>

      {submitError ? <ErrorNotice error={submitError} /> : null}
      <div className="button-row">
        <button type="submit" className="primary" disabled={!canSubmit} aria-describedby={`${id}-submit-hint`}>
          {submitting ? 'Recording…' : action ? `Record decision: ${ACTION_LABELS[action]}` : 'Record decision'}
        </button>
        <span id={`${id}-submit-hint`} className="hint">
          {canSubmit
            ? 'Stores the decision and its statement of reasons and notifies the platform.'
            : current && !current.validation.valid
              ? 'The statement of reasons is not valid yet: see the errors above.'
              : 'Enabled once the preview matches the form.'}
        </span>
      </div>
    </form>
  );
}

function PreviewDetails(props: { preview: DecisionPreview }): ReactNode {
  const p = props.preview;
  return (
    <div className="preview-details">
      {p.validation.valid ? (
        <p className="notice notice-ok">
          Valid against the EU statement-of-reasons schema.{' '}
          {p.statementRequired ? 'It will be submitted to the EU Transparency Database.' : 'Kept for the transparency report (no restriction, so not submitted).'}
        </p>
      ) : (
        <div className="notice notice-error">
          <p>The statement of reasons is not valid:</p>
          <ul>
            {p.validation.errors.map((e) => (
              <li key={`${e.path}:${e.message}`}>
                <code>{e.path}</code> {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <StatementOfReasons statement={p.statementOfReasons} headingLevel={4} />
      <h4>Who will be told</h4>
      {p.notifications.length === 0 ? (
        <p className="muted">Nobody is notified.</p>
      ) : (
        <ul className="notifications">
          {p.notifications.map((n, i) => (
            <li key={`${n.recipient}-${i}`}>
              <strong>{humanize(n.recipient)}</strong>
              {n.plainLanguage ? ' (a child: plain words)' : ''}: <q>{n.message}</q>
            </li>
          ))}
        </ul>
      )}
      <p>
        Strikes: {p.strikes.before} → <strong>{p.strikes.after}</strong> (+{p.strikes.added}).
        {p.endDate ? ` Ends ${formatDateTime(p.endDate)}.` : ''}
      </p>
      {p.referrals.length > 0 ? (
        <p>
          Law-enforcement referral queued:{' '}
          {p.referrals.map((r) => `${r.target.toUpperCase()} (${humanize(r.incidentType)}${r.includeMedia ? ', with media' : ', no media'})`).join('; ')}.
        </p>
      ) : null}
    </div>
  );
}

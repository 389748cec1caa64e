/**
 * Small shared pieces: the page frame (the heading takes focus after navigation, so screen-reader
 * users hear where they are), error and loading notices, severity badges that carry their
 * meaning in text (never colour alone).
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { Severity } from '../api/types';
import { SEVERITY_LABELS } from '../format';
import { usePageTitle } from '../hooks';

/** Whether a page has been shown in this document yet. */
let firstPageShown = false;

export function Page(props: { title: string; children: ReactNode; actions?: ReactNode; subtitle?: ReactNode }): ReactNode {
  usePageTitle(props.title);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // After navigating inside the console, focus the new page's heading (screen readers announce it,
    // Tab continues from there). Not for the first page of the document: there the skip link comes first.
    if (firstPageShown) heading.current?.focus({ preventScroll: true });
    firstPageShown = true;
  }, [props.title]);
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <div>
          <h1 id="page-title" tabIndex={-1} ref={heading}>
            {props.title}
          </h1>
          {props.subtitle ? <p className="subtitle">{props.subtitle}</p> : null}
        </div>
        {props.actions ? <div className="page-actions">{props.actions}</div> : null}
      </header>
      {props.children}
    </section>
  );
}

export function ErrorNotice(props: { error: unknown; onRetry?: () => void }): ReactNode {
  const error = props.error;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="notice notice-error" role="alert">
      <p>
        <strong>Something went wrong.</strong> {message}
        {code && code !== 'network' ? <span className="muted"> ({code})</span> : null}
      </p>
      {props.onRetry ? (
        <button type="button" onClick={props.onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Loading(props: { what: string }): ReactNode {
  return (
    <p className="muted" role="status">
      Loading {props.what}…
    </p>
  );
}

export function SeverityBadge(props: { severity: Severity }): ReactNode {
  return <span className={`badge severity-${props.severity}`}>{SEVERITY_LABELS[props.severity]}</span>;
}

export function Tag(props: { children: ReactNode; tone?: 'child' | 'signal' | 'neutral' | 'ok' | 'bad'; title?: string }): ReactNode {
  return (
    <span className={`tag tag-${props.tone ?? 'neutral'}`} {...(props.title ? { title: props.title } : {})}>
      {props.children}
    </span>
  );
}

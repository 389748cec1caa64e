/**
 * Conformance results: a regulator's black-box test of a live deployment, per catalogue rule —
 * pass, fail or not-applicable (with the reason), and the requests and responses as evidence. The
 * probes themselves use the network and live in the CLI; this is the shared shape (stored by the
 * server, shown by the console) and its readable HTML page.
 */
import { escapeHtml } from './render/html.js';

export type ConformanceStatus = 'pass' | 'fail' | 'not-applicable';

export interface ProbeExchange {
  readonly request: { readonly method: string; readonly path: string; readonly body?: unknown };
  /** The response, or the transport error when there was none. */
  readonly response: { readonly status: number; readonly body: unknown } | { readonly error: string };
  /** What this exchange shows. */
  readonly note?: string | undefined;
}

export interface ConformanceResult {
  readonly ruleId: string;
  readonly title: string;
  readonly status: ConformanceStatus;
  /** Why it passed, failed or does not apply, in one sentence. */
  readonly reason: string;
  readonly evidence: readonly ProbeExchange[];
}

export interface ConformanceRun {
  readonly target: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly results: readonly ConformanceResult[];
}

export interface ConformanceSummary {
  readonly pass: number;
  readonly fail: number;
  readonly notApplicable: number;
  readonly failed: readonly string[];
}

export function summarizeConformance(run: Pick<ConformanceRun, 'results'>): ConformanceSummary {
  const failed = run.results.filter((r) => r.status === 'fail').map((r) => r.ruleId);
  return {
    pass: run.results.filter((r) => r.status === 'pass').length,
    fail: failed.length,
    notApplicable: run.results.filter((r) => r.status === 'not-applicable').length,
    failed,
  };
}

const STATUS_STYLE: Readonly<Record<ConformanceStatus, string>> = { pass: 'ok', fail: 'bad', 'not-applicable': 'na' };

export function renderConformanceHtml(run: ConformanceRun): string {
  const s = summarizeConformance(run);
  const rows = run.results
    .map((r) => {
      const evidence = r.evidence
        .map((e) => {
          const res = 'error' in e.response ? `error: ${e.response.error}` : `${e.response.status} ${JSON.stringify(e.response.body)}`;
          return `<li><code>${escapeHtml(`${e.request.method} ${e.request.path}`)}</code>${e.request.body === undefined ? '' : ` <code>${escapeHtml(JSON.stringify(e.request.body))}</code>`} → <code>${escapeHtml(res.length > 600 ? `${res.slice(0, 600)}…` : res)}</code>${e.note ? ` <em>${escapeHtml(e.note)}</em>` : ''}</li>`;
        })
        .join('');
      return `<tr><th scope="row">${escapeHtml(r.ruleId)}</th><td>${escapeHtml(r.title)}</td><td class="${STATUS_STYLE[r.status]}">${escapeHtml(r.status)}</td><td>${escapeHtml(r.reason)}${
        evidence ? `<details><summary>${r.evidence.length} exchange(s)</summary><ul>${evidence}</ul></details>` : ''
      }</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Conformance — ${escapeHtml(run.target)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
.ok{color:#2b8a3e;font-weight:600}.bad{color:#c92a2a;font-weight:600}.na{color:#666}code{font-size:.8rem;word-break:break-all}</style></head><body>
<h1>Conformance of ${escapeHtml(run.target)}</h1>
<p>Started ${escapeHtml(run.startedAt)}, finished ${escapeHtml(run.finishedAt)}. <strong>${s.pass} pass, ${s.fail} fail, ${s.notApplicable} not applicable.</strong>${
    s.fail > 0 ? ` Failing: ${escapeHtml(s.failed.join(', '))}.` : ''
  }</p>
<table><thead><tr><th>rule</th><th>title</th><th>status</th><th>reason and evidence</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}

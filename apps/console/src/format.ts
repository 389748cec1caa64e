/** Presentation helpers: durations, dates and labels in plain words. */
import type { DecisionAction, Severity } from './api/types';

export const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const ACTION_LABELS: Readonly<Record<DecisionAction, string>> = {
  no_action: 'No action',
  warn: 'Warn',
  remove_content: 'Remove content',
  restrict: 'Restrict features',
  suspend: 'Suspend account',
  ban: 'Ban account',
  refer_law_enforcement: 'Ban and refer to law enforcement',
};

export const AGE_BAND_LABELS: Readonly<Record<string, string>> = {
  under13: 'Under 13',
  '13-15': '13–15',
  '16-17': '16–17',
  adult: 'Adult',
  unknown: 'Age unknown',
  unregistered: 'Not registered',
};

/** "2h 05m", "4m 10s", "12s" — the two largest units. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(h)}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }) + ' UTC';
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
}

/** "age-probe" → "Age probe"; "case.opened" → "Case opened"; "DECISION_ACCOUNT_TERMINATED" → "Decision account terminated". */
export function humanize(code: string): string {
  const words = code.replace(/[_.-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function hours(ms: number | null | undefined): number | null {
  return ms === null || ms === undefined ? null : Math.round((ms / 3_600_000) * 100) / 100;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

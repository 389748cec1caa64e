/**
 * Reporting periods: whole UTC days, `from` and `to` inclusive (YYYY-MM-DD), as transparency
 * templates count them (DSA: calendar years or half-years). Every stream is filtered on
 * `start <= t < end`, with `end` the first instant after `to`, so ISO-8601 UTC timestamps compare as
 * strings on every database.
 */
import { SafeguardError, type Clock } from '@safeguard/core';

export interface ReportingPeriod {
  /** First day, YYYY-MM-DD. */
  readonly from: string;
  /** Last day (inclusive), YYYY-MM-DD. */
  readonly to: string;
  /** `from` at 00:00:00.000Z. */
  readonly start: string;
  /** The day after `to` at 00:00:00.000Z (exclusive). */
  readonly end: string;
  readonly days: number;
  /** True when the period has not ended yet (figures may still change). */
  readonly partial: boolean;
}

/** Longest period a report may cover: five years (regulators may ask for more than one cycle). */
export const MAX_PERIOD_DAYS = 5 * 366;

const DAY_MS = 86_400_000;

/** Milliseconds since the epoch of a real calendar date, or undefined. */
export function dayStartMs(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms;
}

export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Validates and builds a period. Errors are `validation_failed` with a message naming the problem:
 * a malformed or impossible date, `to` before `from`, a period starting in the future, or one longer
 * than MAX_PERIOD_DAYS.
 */
export function parsePeriod(from: string, to: string, clock?: Clock): ReportingPeriod {
  const fromMs = dayStartMs(from);
  const toMs = dayStartMs(to);
  if (fromMs === undefined) {
    throw new SafeguardError('validation_failed', `--from "${from}" is not a date: use YYYY-MM-DD (a real calendar day)`, { field: 'from', value: from });
  }
  if (toMs === undefined) {
    throw new SafeguardError('validation_failed', `--to "${to}" is not a date: use YYYY-MM-DD (a real calendar day)`, { field: 'to', value: to });
  }
  if (toMs < fromMs) {
    throw new SafeguardError('validation_failed', `The period is empty: --to ${to} is before --from ${from}`, { from, to });
  }
  const days = Math.round((toMs - fromMs) / DAY_MS) + 1;
  if (days > MAX_PERIOD_DAYS) {
    throw new SafeguardError('validation_failed', `The period is ${days} days long; at most ${MAX_PERIOD_DAYS} days (five years) per report`, { from, to, days });
  }
  const end = toMs + DAY_MS;
  let partial = false;
  if (clock) {
    const now = clock.now().getTime();
    if (fromMs > now) {
      throw new SafeguardError('validation_failed', `The period starts in the future (${from}); nothing can have happened in it yet`, { from, to });
    }
    partial = end > now;
  }
  return { from, to, start: new Date(fromMs).toISOString(), end: new Date(end).toISOString(), days, partial };
}

/** True when an ISO timestamp lies within the period. */
export const inPeriod = (period: ReportingPeriod, at: string): boolean => at >= period.start && at < period.end;

/** Months (YYYY-MM) the period touches, in order. */
export function periodMonths(period: ReportingPeriod): string[] {
  const months: string[] = [];
  let y = Number(period.from.slice(0, 4));
  let m = Number(period.from.slice(5, 7));
  const last = period.to.slice(0, 7);
  for (;;) {
    const key = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * Milliseconds since the epoch of an ISO-8601 timestamp. The canonical UTC form the store writes
 * (YYYY-MM-DDTHH:MM:SS.sssZ) is decoded arithmetically — aggregation does this twice per fact, and
 * Date.parse is several times slower; anything else falls back to Date.parse.
 */
export function isoToMs(iso: string): number {
  if (iso.length !== 24 || iso.charCodeAt(23) !== 90 /* Z */ || iso.charCodeAt(10) !== 84 /* T */ || iso.charCodeAt(19) !== 46 /* . */) return Date.parse(iso);
  const y = digit(iso, 0) * 1000 + digit(iso, 1) * 100 + digit(iso, 2) * 10 + digit(iso, 3);
  const m = digit(iso, 5) * 10 + digit(iso, 6);
  const d = digit(iso, 8) * 10 + digit(iso, 9);
  const hh = digit(iso, 11) * 10 + digit(iso, 12);
  const mm = digit(iso, 14) * 10 + digit(iso, 15);
  const ss = digit(iso, 17) * 10 + digit(iso, 18);
  const ms = digit(iso, 20) * 100 + digit(iso, 21) * 10 + digit(iso, 22);
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31 && hh <= 23 && mm <= 59 && ss <= 59 && ms >= 0)) return Date.parse(iso);
  // Days from the civil date (Howard Hinnant's algorithm), no Date object needed.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return days * DAY_MS + hh * 3_600_000 + mm * 60_000 + ss * 1000 + ms;
}

/** Seconds between two ISO timestamps (b - a); NaN when either does not parse. */
export function secondsBetween(a: string, b: string): number {
  return (isoToMs(b) - isoToMs(a)) / 1000;
}

/**
 * Age bands and age assurance. The band is derived from the birth date on the day of each decision
 * (a child who turns 13 or 18 moves band without anyone updating the account); a declared band is
 * used only when there is no birth date; with neither, the band is `unknown` (rule AGE-01).
 */
import type { AgeBand, AssuranceMethod, DeclarableAgeBand } from '@safeguard/core';

/** A calendar date as the integer yyyymmdd, so age arithmetic is integer subtraction. */
export type DayNumber = number;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses 'YYYY-MM-DD' into a DayNumber; undefined when it is not a real calendar date. */
export function parseIsoDate(value: string): DayNumber | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  return year * 10000 + month * 100 + day;
}

/** The UTC calendar day of an instant. */
export function dayNumberOf(instant: Date): DayNumber {
  return instant.getUTCFullYear() * 10000 + (instant.getUTCMonth() + 1) * 100 + instant.getUTCDate();
}

export function formatDayNumber(day: DayNumber): string {
  const y = Math.floor(day / 10000);
  const m = Math.floor(day / 100) % 100;
  const d = day % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Completed years between two days (a birthday on 29 February counts from 1 March in other years). */
export function ageInYears(birth: DayNumber, today: DayNumber): number {
  return Math.floor((today - birth) / 10000);
}

export function bandForAge(age: number): DeclarableAgeBand {
  if (age < 13) return 'under13';
  if (age < 16) return '13-15';
  if (age < 18) return '16-17';
  return 'adult';
}

export interface AgeEvidence {
  readonly birthDate?: DayNumber | null | undefined;
  readonly declaredBand?: DeclarableAgeBand | null | undefined;
}

export function deriveAgeBand(evidence: AgeEvidence, today: DayNumber): AgeBand {
  if (evidence.birthDate != null) {
    if (evidence.birthDate > today) return 'unknown';
    return bandForAge(ageInYears(evidence.birthDate, today));
  }
  return evidence.declaredBand ?? 'unknown';
}

/**
 * Methods Ofcom's guidance says can be highly effective (rule AGE-02). Self-declaration and a
 * guardian's word are age evidence, but not highly effective assurance.
 */
export const HIGHLY_EFFECTIVE_METHODS: ReadonlySet<AssuranceMethod> = new Set<AssuranceMethod>([
  'facial-estimation',
  'id-document',
  'open-banking',
  'mobile-operator',
  'credit-card',
  'digital-id',
]);

export function isHighlyEffective(method: AssuranceMethod | null | undefined): boolean {
  return method != null && HIGHLY_EFFECTIVE_METHODS.has(method);
}

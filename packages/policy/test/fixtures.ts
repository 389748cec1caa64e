/**
 * Shared fixtures for the policy tests: a fixed "now", accounts of every band built the way the
 * store would hand them over, and relationships.
 */
import type { AssuranceMethod, DeclarableAgeBand, Jurisdiction } from '@safeguard/core';
import {
  NO_RELATIONSHIP,
  createPolicyEngine,
  parseIsoDate,
  type AccountRecord,
  type PolicyEngine,
  type Relationship,
  type ResolvedAccount,
  type SettingOverride,
} from '../src/index.js';

/** Midday UTC on 15 June 2025: every fixture's age is computed on this day. */
export const NOW = new Date('2025-06-15T12:00:00.000Z');

export const CHILD_BANDS = ['under13', '13-15', '16-17'] as const;
export type ChildBandName = (typeof CHILD_BANDS)[number];
export type FixtureBand = DeclarableAgeBand | 'unknown';

/** A representative age for each band on NOW. */
const AGE_OF: Record<DeclarableAgeBand, number> = { under13: 11, '13-15': 14, '16-17': 16, adult: 35 };

/** A birth date (DayNumber) making the account `age` years old on NOW. */
export function birthDateForAge(age: number, now: Date = NOW): number {
  const iso = `${String(now.getUTCFullYear() - age).padStart(4, '0')}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-${String(
    now.getUTCDate(),
  ).padStart(2, '0')}`;
  const day = parseIsoDate(iso);
  if (day === undefined) throw new Error(`bad fixture date ${iso}`);
  return day;
}

export function day(iso: string): number {
  const d = parseIsoDate(iso);
  if (d === undefined) throw new Error(`bad fixture date ${iso}`);
  return d;
}

export interface FixtureOptions {
  readonly band?: FixtureBand;
  /** Use a declared band instead of a birth date. */
  readonly declared?: boolean;
  readonly jurisdiction?: Jurisdiction;
  readonly assurance?: AssuranceMethod;
  readonly settings?: readonly SettingOverride[];
}

/** The stored record of a fixture account. */
export function record(id: string, options: FixtureOptions = {}): AccountRecord {
  const band = options.band ?? 'adult';
  const evidence: Pick<AccountRecord, 'birthDate' | 'declaredBand'> =
    band === 'unknown' ? {} : options.declared === true ? { declaredBand: band } : { birthDate: birthDateForAge(AGE_OF[band]) };
  return {
    id,
    ...evidence,
    ...(options.jurisdiction !== undefined ? { jurisdiction: options.jurisdiction } : {}),
    ...(options.assurance !== undefined ? { assuranceMethod: options.assurance } : {}),
    ...(options.settings !== undefined ? { settings: options.settings } : {}),
  };
}

export const defaultEngine: PolicyEngine = createPolicyEngine();

/** A fixture account resolved on NOW by `engine` (the default tenant policy unless given). */
export function acct(id: string, options: FixtureOptions = {}, engine: PolicyEngine = defaultEngine): ResolvedAccount {
  return engine.resolveAccount(record(id, options), NOW);
}

export function self(key: string, value: string): SettingOverride {
  return { key, value, setBy: 'self' };
}

export function byGuardian(key: string, value: string): SettingOverride {
  return { key, value, setBy: 'guardian' };
}

export function rel(partial: Partial<Relationship> = {}): Relationship {
  return { ...NO_RELATIONSHIP, ...partial };
}

/** Runs `fn` and returns the SafeguardError code it throws; fails when it does not throw. */
export function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : `non-safeguard error: ${String(error)}`;
  }
  throw new Error('expected an error, got a result');
}

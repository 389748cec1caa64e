/**
 * Resolving an account: from what the store holds (age evidence, jurisdiction, setting overrides)
 * to what decisions need (band, child or not, rules in force, effective settings) on a given day.
 */
import type { AgeBand, AssuranceMethod, DeclarableAgeBand, Jurisdiction } from '@safeguard/core';
import type { DayNumber } from './age.js';
import type { SettingsMap } from './settings-registry.js';

/** Who made a stored setting change: the account holder, or a linked guardian. */
export type SettingAuthor = 'self' | 'guardian';

export interface SettingOverride {
  readonly key: string;
  readonly value: string;
  readonly setBy: SettingAuthor;
  /** Session-scoped changes carry the session and a backstop expiry (epoch ms). */
  readonly sessionId?: string | null | undefined;
  readonly expiresAt?: number | null | undefined;
}

/** An account as stored, before the day's rules are applied. */
export interface AccountRecord {
  readonly id: string;
  readonly birthDate?: DayNumber | null | undefined;
  readonly declaredBand?: DeclarableAgeBand | null | undefined;
  readonly assuranceMethod?: AssuranceMethod | null | undefined;
  readonly jurisdiction?: Jurisdiction | null | undefined;
  readonly settings?: readonly SettingOverride[] | undefined;
}

/** An account as decisions see it on one day. */
export interface ResolvedAccount {
  readonly id: string;
  readonly band: AgeBand;
  /** Completed years on the day of resolution, when a birth date is known (detection uses age gaps). */
  readonly age: number | null;
  /** A child for every protective purpose: a child band, or unknown age where AGE-01 is in force. */
  readonly child: boolean;
  /** Age confirmed by a highly effective method (AGE-02). */
  readonly heaa: boolean;
  readonly jurisdiction: Jurisdiction;
  /** Rules in force for this account (its jurisdiction's profile minus the tenant's exemptions). */
  readonly rules: ReadonlySet<string>;
  readonly settings: SettingsMap;
  /** Epoch ms after which this resolution may be stale (a birthday changes band, a session setting expires). */
  readonly validUntil: number;
}

/** What decisions need to know about the pair (actor, target). */
export interface Relationship {
  /** An accepted connection exists between actor and target. */
  readonly connected: boolean;
  /** Either has blocked the other. */
  readonly blocked: boolean;
  /** The actor is a linked guardian of the target. */
  readonly actorIsGuardian: boolean;
  /** The target is a linked guardian of the actor. */
  readonly targetIsGuardian: boolean;
  /** Accepted connections the two share. */
  readonly mutualConnections: number;
}

export const NO_RELATIONSHIP: Relationship = Object.freeze({
  connected: false,
  blocked: false,
  actorIsGuardian: false,
  targetIsGuardian: false,
  mutualConnections: 0,
});

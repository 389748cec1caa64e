/**
 * The policy engine: one tenant's policy, compiled. Pure and synchronous: callers resolve the facts
 * (accounts, relationship) and the engine answers. The same engine backs the HTTP API, the CLI and
 * in-process use.
 */
import { JURISDICTIONS, SafeguardError, type Decision, type Jurisdiction } from '@safeguard/core';
import { ageInYears, dayNumberOf, deriveAgeBand, isHighlyEffective, type DayNumber } from './age.js';
import type { AccountRecord, ResolvedAccount, SettingAuthor } from './account.js';
import { compileProfile, type CompiledProfile } from './compiled-profile.js';
import { decideAction, type DecisionInput } from './decide.js';
import { findSetting, looseness, type ChildBand } from './settings-registry.js';
import { DEFAULT_TENANT_POLICY, type TenantPolicyConfig } from './tenant-policy.js';

export interface SettingChangeInput {
  readonly account: ResolvedAccount;
  readonly key: string;
  readonly value: string;
  readonly changedBy: SettingAuthor;
  /** The child has seen the supportive prompt for this change (DEF-13) and confirmed it. */
  readonly acknowledgedWarning?: boolean | undefined;
}

export interface SettingChangeDecision extends Decision {
  /** Whether the change should be stored now. */
  readonly apply: boolean;
  /** Whether the stored change lasts only until the end of the child's session (DEF-06). */
  readonly sessionScoped: boolean;
}

export interface PolicyEngine {
  readonly config: TenantPolicyConfig;
  compiled(jurisdiction: Jurisdiction): CompiledProfile;
  resolveAccount(record: AccountRecord, now: Date): ResolvedAccount;
  decide(input: DecisionInput): Decision;
  evaluateSettingChange(input: SettingChangeInput): SettingChangeDecision;
}

const MS_PER_DAY = 86_400_000;

function startOfDayMs(day: DayNumber): number {
  return Date.UTC(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, day % 100);
}

const authorityBand = (band: ResolvedAccount['band']): ChildBand =>
  band === 'adult' || band === 'unknown' ? 'under13' : band;

export function createPolicyEngine(config: TenantPolicyConfig = DEFAULT_TENANT_POLICY): PolicyEngine {
  const compiledByJurisdiction = new Map<Jurisdiction, CompiledProfile>(
    JURISDICTIONS.map((j) => [j, compileProfile(j, config)]),
  );
  const compiled = (jurisdiction: Jurisdiction): CompiledProfile => {
    const profile = compiledByJurisdiction.get(jurisdiction);
    if (!profile) throw new SafeguardError('validation_failed', `Unknown jurisdiction "${jurisdiction}"`);
    return profile;
  };

  function resolveAccount(record: AccountRecord, now: Date): ResolvedAccount {
    const today = dayNumberOf(now);
    const nowMs = now.getTime();
    const jurisdiction = record.jurisdiction ?? config.defaultJurisdiction;
    const profile = compiled(jurisdiction);
    const band = deriveAgeBand(record, today);
    const child = band === 'unknown' ? profile.rules.has('AGE-01') : band !== 'adult';
    // Bands change only at a day boundary, so a resolution is good until the end of its day at most.
    let validUntil = startOfDayMs(today) + MS_PER_DAY;

    const settings: Record<string, string> = {};
    const overrides = new Map((record.settings ?? []).map((o) => [o.key, o]));
    for (const [key, setting] of profile.settings) {
      const def = setting.definition;
      const base = child ? setting.childDefault : def.adultDefault;
      const override = overrides.get(key);
      let value = base;
      if (override && def.values.includes(override.value)) {
        const expired = override.expiresAt != null && override.expiresAt <= nowMs;
        if (!expired) {
          if (!child || looseness(def, override.value) <= looseness(def, base)) {
            value = override.value;
          } else {
            const needed = setting.authority(override.value, authorityBand(band));
            const permitted = needed === 'child' || (needed === 'guardian' && override.setBy === 'guardian');
            if (permitted) value = override.value;
          }
          if (override.expiresAt != null) validUntil = Math.min(validUntil, override.expiresAt);
        }
      }
      settings[key] = value;
    }
    return {
      id: record.id,
      band,
      age: record.birthDate != null && record.birthDate <= today ? ageInYears(record.birthDate, today) : null,
      child,
      heaa: isHighlyEffective(record.assuranceMethod),
      jurisdiction,
      rules: profile.rules,
      settings: Object.freeze(settings),
      validUntil,
    };
  }

  function evaluateSettingChange(input: SettingChangeInput): SettingChangeDecision {
    const { account, key, value, changedBy } = input;
    const def = findSetting(key);
    if (!def) throw new SafeguardError('validation_failed', `Unknown setting "${key}"`, { key });
    if (!def.values.includes(value)) {
      throw new SafeguardError('validation_failed', `Setting "${key}" takes one of: ${def.values.join(', ')}`, {
        key,
        value,
      });
    }
    const profile = compiled(account.jurisdiction);
    const setting = profile.settings.get(key);
    if (!setting) throw new SafeguardError('internal', `Setting "${key}" not compiled`);
    const current = account.settings[key] ?? setting.childDefault;
    const ruleIds = def.ruleIds.filter((id) => account.rules.has(id));
    if (!account.child) {
      return { outcome: 'allow', ruleIds, explanation: 'Adults manage their own settings.', apply: true, sessionScoped: false };
    }
    if (looseness(def, value) <= looseness(def, current)) {
      return {
        outcome: 'allow',
        ruleIds,
        explanation: 'Making a setting more protective is always allowed.',
        apply: true,
        sessionScoped: false,
      };
    }
    if (looseness(def, value) <= looseness(def, setting.childDefault)) {
      // Back up to, but not past, the child default (for example ending a stricter choice).
      return { outcome: 'allow', ruleIds, explanation: 'Returning a setting to its protective default.', apply: true, sessionScoped: false };
    }
    const needed = setting.authority(value, authorityBand(account.band));
    const sessionScoped = def.sessionScoped?.includes(value) ?? false;
    const scopeNote = sessionScoped ? ' It switches back off when this session ends.' : '';
    if (needed === 'nobody') {
      return {
        outcome: 'deny',
        ruleIds,
        explanation: `This protection cannot be turned off for a child account of this age (${ruleIds.join(', ')}).`,
        apply: false,
        sessionScoped: false,
      };
    }
    if (needed === 'guardian' && changedBy !== 'guardian') {
      return {
        outcome: 'require_guardian',
        ruleIds: [...ruleIds, 'PAR-01'].filter((id, i, all) => all.indexOf(id) === i),
        explanation: 'A linked guardian must approve this change for a child of this age.',
        apply: false,
        sessionScoped,
      };
    }
    const promptRule = account.rules.has('DEF-13');
    if (changedBy === 'self' && promptRule && input.acknowledgedWarning !== true) {
      return {
        outcome: 'allow_with_warning',
        ruleIds: [...ruleIds, 'DEF-13'],
        explanation:
          'Show the child what this change means and where to get help, then resubmit with acknowledgedWarning to apply it.' +
          scopeNote,
        apply: false,
        sessionScoped,
      };
    }
    return {
      outcome: 'allow',
      ruleIds: promptRule && changedBy === 'self' ? [...ruleIds, 'DEF-13'] : ruleIds,
      explanation: (changedBy === 'guardian' ? 'Approved by a linked guardian.' : 'The child confirmed the change.') + scopeNote,
      apply: true,
      sessionScoped,
    };
  }

  return {
    config,
    compiled,
    resolveAccount,
    decide: decideAction,
    evaluateSettingChange,
  };
}

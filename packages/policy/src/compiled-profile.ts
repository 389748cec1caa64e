/**
 * A jurisdiction profile compiled against a tenant's policy: the rule set in force, and for every
 * setting the child default and the authority needed to loosen it per band. Compiled once per
 * engine, so resolving accounts and deciding do no rule look-ups by string building.
 */
import type { Jurisdiction } from '@safeguard/core';
import { PROFILES, type JurisdictionProfile, type RuleStatus } from './profiles.js';
import { SETTINGS, type Authority, type ChildBand, type SettingDefinition } from './settings-registry.js';
import type { RuleExemption, TenantPolicyConfig } from './tenant-policy.js';

export interface CompiledSetting {
  readonly definition: SettingDefinition;
  /** True when the tenant exempted every rule behind this setting: children get adult behaviour. */
  readonly exempted: boolean;
  readonly childDefault: string;
  /** Authority to loosen to `value` for `band`; 'child' means anyone may. */
  authority(value: string, band: ChildBand): Authority;
}

export interface CompiledProfile {
  readonly profile: JurisdictionProfile;
  readonly rules: ReadonlySet<string>;
  readonly statusOf: ReadonlyMap<string, RuleStatus>;
  readonly exemptions: readonly RuleExemption[];
  readonly settings: ReadonlyMap<string, CompiledSetting>;
}

const AUTHORITY_RANK: Record<Authority, number> = { child: 0, guardian: 1, nobody: 2 };
const stricter = (a: Authority, b: Authority | undefined): Authority =>
  b !== undefined && AUTHORITY_RANK[b] > AUTHORITY_RANK[a] ? b : a;

export function compileProfile(jurisdiction: Jurisdiction, config: TenantPolicyConfig): CompiledProfile {
  const profile = PROFILES[jurisdiction];
  const exemptions = config.exemptions.filter(
    (e) => profile.rules[e.ruleId] !== undefined && (!e.jurisdictions || e.jurisdictions.includes(jurisdiction)),
  );
  const exemptIds = new Set(exemptions.map((e) => e.ruleId));
  const statusOf = new Map(Object.entries(profile.rules));
  const rules = new Set([...statusOf.keys()].filter((id) => !exemptIds.has(id)));

  const settings = new Map<string, CompiledSetting>();
  for (const definition of SETTINGS) {
    const inForce = definition.ruleIds.filter((id) => rules.has(id));
    const exempted = inForce.length === 0;
    const overrides = profile.authorityOverrides[definition.key] ?? {};
    settings.set(definition.key, {
      definition,
      exempted,
      childDefault: exempted ? definition.adultDefault : definition.childDefault,
      authority(value, band) {
        if (exempted) return 'child';
        const base = definition.loosen[value]?.[band] ?? 'child';
        return stricter(base, overrides[value]?.[band]);
      },
    });
  }
  return { profile, rules, statusOf, exemptions, settings };
}

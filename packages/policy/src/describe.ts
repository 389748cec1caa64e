/**
 * The effective policy as a document: for each jurisdiction, the rules in force with their sources,
 * any exemptions, and every setting with its child default and who may loosen it per band. Served
 * at GET /v1/policy and printed by `safeguard policy show`.
 */
import { JURISDICTIONS, type Jurisdiction } from '@safeguard/core';
import { CATALOGUE_VERSION, findRule } from './catalogue/index.js';
import type { PolicyEngine } from './engine.js';
import type { RuleStatus } from './profiles.js';
import type { Authority, ChildBand } from './settings-registry.js';

export interface EffectiveRule {
  readonly id: string;
  readonly title: string;
  readonly sources: readonly string[];
  readonly version: number;
  readonly status: RuleStatus;
  readonly inForce: boolean;
  readonly exemption: { readonly reason: string } | null;
}

export interface EffectiveSetting {
  readonly key: string;
  readonly description: string;
  readonly values: readonly string[];
  readonly childDefault: string;
  readonly adultDefault: string;
  readonly ruleIds: readonly string[];
  readonly loosen: Readonly<Record<string, Readonly<Record<ChildBand, Authority>>>>;
  readonly sessionScoped: readonly string[];
  readonly note: string | null;
}

export interface EffectiveProfile {
  readonly jurisdiction: Jurisdiction;
  readonly name: string;
  readonly summary: string;
  readonly unknownAgeTreatedAsChild: boolean;
  readonly rules: readonly EffectiveRule[];
  readonly settings: readonly EffectiveSetting[];
}

export interface EffectivePolicy {
  readonly catalogueVersion: string;
  readonly defaultJurisdiction: Jurisdiction;
  readonly profiles: readonly EffectiveProfile[];
}

const BANDS: readonly ChildBand[] = ['under13', '13-15', '16-17'];

export function describePolicy(engine: PolicyEngine, only?: Jurisdiction): EffectivePolicy {
  const profiles = (only ? [only] : [...JURISDICTIONS]).map((jurisdiction): EffectiveProfile => {
    const compiled = engine.compiled(jurisdiction);
    const rules = [...compiled.statusOf].map(([id, status]): EffectiveRule => {
      const rule = findRule(id);
      const exemption = compiled.exemptions.find((e) => e.ruleId === id);
      return {
        id,
        title: rule?.title ?? id,
        sources: rule?.sources ?? [],
        version: rule?.version ?? 0,
        status,
        inForce: compiled.rules.has(id),
        exemption: exemption ? { reason: exemption.reason } : null,
      };
    });
    const settings = [...compiled.settings.values()].map((s): EffectiveSetting => {
      const def = s.definition;
      const looser = def.values.slice(def.values.indexOf(s.childDefault) + 1);
      return {
        key: def.key,
        description: def.description,
        values: def.values,
        childDefault: s.childDefault,
        adultDefault: def.adultDefault,
        ruleIds: def.ruleIds,
        loosen: Object.fromEntries(
          looser.map((value) => [value, Object.fromEntries(BANDS.map((b) => [b, s.authority(value, b)]))]),
        ) as EffectiveSetting['loosen'],
        sessionScoped: def.sessionScoped ?? [],
        note: s.exempted
          ? 'Every rule behind this setting is exempted by the tenant: children get the adult default.'
          : (def.exemptionReason ?? null),
      };
    });
    return {
      jurisdiction,
      name: compiled.profile.name,
      summary: compiled.profile.summary,
      unknownAgeTreatedAsChild: compiled.rules.has('AGE-01'),
      rules,
      settings,
    };
  });
  return { catalogueVersion: CATALOGUE_VERSION, defaultJurisdiction: engine.config.defaultJurisdiction, profiles };
}

/**
 * A tenant's policy configuration: its default jurisdiction and any rule exemptions. Exemptions are
 * how a platform documents a deliberate deviation (DEF-07 asks for a recorded reason); they are
 * shown in the effective policy and in conformance results, never hidden.
 */
import type { Jurisdiction } from '@safeguard/core';

export interface RuleExemption {
  readonly ruleId: string;
  readonly reason: string;
  /** Limit the exemption to some jurisdictions; all when absent. */
  readonly jurisdictions?: readonly Jurisdiction[] | undefined;
}

export interface TenantPolicyConfig {
  readonly defaultJurisdiction: Jurisdiction;
  readonly exemptions: readonly RuleExemption[];
}

export const DEFAULT_TENANT_POLICY: TenantPolicyConfig = Object.freeze({
  defaultJurisdiction: 'UK',
  exemptions: Object.freeze([]),
});

/**
 * Jurisdiction profiles select which catalogue rules are in force for an account, by where the
 * account's user is. `required` rules are what the jurisdiction's law or codes demand; `recommended`
 * rules are Safeguard's safe defaults there. A tenant can exempt rules (with a recorded reason); the
 * effective policy shows every exemption, and flags exemptions from required rules.
 */
import type { Jurisdiction } from '@safeguard/core';
import type { Authority, ChildBand } from './settings-registry.js';

export type RuleStatus = 'required' | 'recommended';

export interface JurisdictionProfile {
  readonly id: Jurisdiction;
  readonly name: string;
  readonly summary: string;
  /** Rules in force and why. A rule not listed does not apply in this profile. */
  readonly rules: Readonly<Record<string, RuleStatus>>;
  /** Stricter loosening authorities than the registry's: setting → value → band → authority. */
  readonly authorityOverrides: Readonly<Record<string, Readonly<Record<string, Partial<Record<ChildBand, Authority>>>>>>;
}

const ids = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}-${String(from + i).padStart(2, '0')}`);

const withStatus = (status: RuleStatus, ruleIds: readonly string[]): Record<string, RuleStatus> =>
  Object.fromEntries(ruleIds.map((id) => [id, status]));

/** Every rule the policy engine and settings registry enforce. */
export const POLICY_RULE_IDS: readonly string[] = [
  'AGE-01',
  'AGE-02',
  ...ids('DEF', 1, 16),
  'FEED-01',
  'FEED-02',
  'PAR-01',
  'SG-01',
  'SG-02',
  'SG-03',
];

const safeguardRules = withStatus('recommended', ['SG-01', 'SG-02', 'SG-03']);

export const PROFILES: Readonly<Record<Jurisdiction, JurisdictionProfile>> = {
  UK: {
    id: 'UK',
    name: 'United Kingdom',
    summary:
      'Online Safety Act 2023 with Ofcom Illegal Content (ICU F1/F2) and Protection of Children codes; ICO Age Appropriate Design Code.',
    rules: {
      ...withStatus('required', ['AGE-01', 'AGE-02', ...ids('DEF', 1, 15), 'FEED-01', 'FEED-02', 'PAR-01']),
      'DEF-16': 'recommended',
      ...safeguardRules,
    },
    authorityOverrides: {
      // ICU F1: a child's location is never visible to other users, whoever asks.
      'location.sharing': { connections: { under13: 'nobody', '13-15': 'nobody', '16-17': 'nobody' } },
      // DEF-16 (Ofcom additional safety measures): no comments, reactions or gifts on a child's livestream.
      'livestream.interactionsFrom': { connections: { under13: 'nobody', '13-15': 'nobody', '16-17': 'nobody' } },
    },
  },
  EU: {
    id: 'EU',
    name: 'European Union',
    summary: 'Digital Services Act Art. 28 and the Commission guidelines on the protection of minors (2025); Art. 25.',
    rules: {
      ...withStatus('required', ['AGE-01', ...ids('DEF', 1, 12), 'DEF-14', 'PAR-01']),
      ...withStatus('recommended', ['AGE-02', 'DEF-13', 'DEF-15', 'DEF-16', 'FEED-01', 'FEED-02']),
      ...safeguardRules,
    },
    authorityOverrides: {},
  },
  US: {
    id: 'US',
    name: 'United States',
    summary:
      'California Age-Appropriate Design Code (high privacy by default, geolocation, dark patterns); other protections are Safeguard defaults.',
    rules: {
      ...withStatus('required', ['DEF-06', 'DEF-07', 'DEF-11', 'DEF-14']),
      ...withStatus('recommended', [
        'AGE-01',
        'AGE-02',
        ...ids('DEF', 1, 5),
        ...ids('DEF', 8, 10),
        'DEF-12',
        'DEF-13',
        'DEF-15',
        'DEF-16',
        'FEED-01',
        'FEED-02',
        'PAR-01',
      ]),
      ...safeguardRules,
    },
    authorityOverrides: {},
  },
  other: {
    id: 'other',
    name: 'Other jurisdictions',
    summary: 'No specific law encoded: every Safeguard protection applies as a recommended default.',
    rules: withStatus('recommended', POLICY_RULE_IDS),
    authorityOverrides: {},
  },
};

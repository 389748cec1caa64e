import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JURISDICTIONS } from '@safeguard/core';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_VERSION,
  POLICY_RULE_IDS,
  PROFILES,
  RULE_CATALOGUE,
  SEED_DIGEST,
  SETTINGS,
  createPolicyEngine,
  describePolicy,
  findRule,
  isKnownRuleId,
  looseness,
} from '../src/index.js';
import { SEED_RULES } from '../src/catalogue/seed-rules.generated.js';

const SEED_PATH = fileURLToPath(new URL('../../../../shared/standards/rules.seed.json', import.meta.url));
const seedPresent = existsSync(SEED_PATH);

interface RawSeedRule {
  id: string;
  title: string;
  sources: string[];
  applies_to: string;
  requirement: string;
  test: string;
  confidence: string;
}

describe('rule catalogue', () => {
  it.skipIf(!seedPresent)(
    `the generated module matches the shared seed (${seedPresent ? SEED_PATH : `SKIPPED: ${SEED_PATH} not found`})`,
    () => {
      const raw = readFileSync(SEED_PATH, 'utf8');
      const seed = JSON.parse(raw) as RawSeedRule[];
      expect(seed).toHaveLength(53);
      expect(SEED_RULES).toHaveLength(53);
      expect(SEED_RULES.map((r) => r.id)).toEqual(seed.map((r) => r.id));
      expect(SEED_RULES).toEqual(
        seed.map((r) => ({
          id: r.id,
          title: r.title,
          sources: r.sources,
          appliesTo: r.applies_to,
          requirement: r.requirement,
          test: r.test,
          confidence: r.confidence,
        })),
      );
      expect(SEED_DIGEST).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
    },
  );

  it('holds the 53 seed rules and Safeguard’s own SG rules, each id once', () => {
    expect(SEED_RULES).toHaveLength(53);
    const ids = RULE_CATALOGUE.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(RULE_CATALOGUE.filter((r) => r.origin === 'seed')).toHaveLength(53);
    expect(RULE_CATALOGUE.filter((r) => r.origin === 'safeguard').map((r) => r.id)).toEqual(['SG-01', 'SG-02', 'SG-03']);
    for (const rule of RULE_CATALOGUE) {
      expect(rule.title.length, rule.id).toBeGreaterThan(0);
      expect(rule.sources.length, rule.id).toBeGreaterThan(0);
      expect(rule.version, rule.id).toBeGreaterThanOrEqual(1);
      expect(findRule(rule.id)).toBe(rule);
      expect(isKnownRuleId(rule.id)).toBe(true);
    }
    expect(findRule('DEF-99')).toBeUndefined();
    expect(isKnownRuleId('def-01')).toBe(false);
    expect(CATALOGUE_VERSION).toContain(SEED_DIGEST);
  });

  it('every rule a profile or setting uses is in the catalogue', () => {
    for (const id of POLICY_RULE_IDS) expect(findRule(id), id).toBeDefined();
    for (const j of JURISDICTIONS) for (const id of Object.keys(PROFILES[j].rules)) expect(findRule(id), `${j} ${id}`).toBeDefined();
    for (const s of SETTINGS) for (const id of s.ruleIds) expect(findRule(id), `${s.key} ${id}`).toBeDefined();
  });

  it('every DEF rule that concerns settings, and PAR-01, is encoded by some setting', () => {
    const encoded = new Set(SETTINGS.flatMap((s) => s.ruleIds));
    for (const id of ['DEF-01', 'DEF-02', 'DEF-03', 'DEF-04', 'DEF-05', 'DEF-06', 'DEF-07', 'DEF-08', 'DEF-09', 'DEF-10', 'DEF-11', 'DEF-12', 'DEF-16', 'PAR-01']) {
      expect(encoded.has(id), id).toBe(true);
    }
  });
});

describe('settings registry (DEF-07: most protective by default, deviations documented)', () => {
  it('every child default is the most protective value, or the setting documents why not', () => {
    for (const s of SETTINGS) {
      expect(s.values, s.key).toContain(s.childDefault);
      expect(s.values, s.key).toContain(s.adultDefault);
      if (s.childDefault !== s.values[0]) expect(s.exemptionReason, s.key).toBeTruthy();
      // Loosening rules name only values looser than the child default.
      for (const value of Object.keys(s.loosen)) {
        expect(looseness(s, value), `${s.key}=${value}`).toBeGreaterThan(looseness(s, s.childDefault));
      }
      for (const value of s.sessionScoped ?? []) expect(s.values, s.key).toContain(value);
    }
    expect(new Set(SETTINGS.map((s) => s.key)).size).toBe(SETTINGS.length);
  });
});

describe('describePolicy', () => {
  it('lists every rule of every profile with its sources, status and whether it is in force', () => {
    const policy = describePolicy(createPolicyEngine());
    expect(policy.catalogueVersion).toBe(CATALOGUE_VERSION);
    expect(policy.defaultJurisdiction).toBe('UK');
    expect(policy.profiles.map((p) => p.jurisdiction)).toEqual([...JURISDICTIONS]);
    for (const profile of policy.profiles) {
      const expected = PROFILES[profile.jurisdiction].rules;
      expect(profile.rules.map((r) => r.id).sort()).toEqual(Object.keys(expected).sort());
      expect(profile.unknownAgeTreatedAsChild).toBe(true);
      expect(profile.name).toBe(PROFILES[profile.jurisdiction].name);
      for (const rule of profile.rules) {
        const catalogued = findRule(rule.id);
        expect(catalogued, rule.id).toBeDefined();
        expect(rule.inForce).toBe(true);
        expect(rule.exemption).toBeNull();
        expect(rule.status).toBe(expected[rule.id]);
        expect(rule.title).toBe(catalogued?.title);
        expect(rule.sources).toEqual(catalogued?.sources);
        expect(rule.sources.length).toBeGreaterThan(0);
        expect(rule.version).toBeGreaterThanOrEqual(1);
      }
    }
    const uk = policy.profiles.find((p) => p.jurisdiction === 'UK');
    expect(uk?.rules.find((r) => r.id === 'DEF-01')?.sources).toContain('ICU F1 (safety defaults for child users)');
  });

  it('lists every setting with its defaults and who may loosen it per band', () => {
    const [uk] = describePolicy(createPolicyEngine(), 'UK').profiles;
    const [eu] = describePolicy(createPolicyEngine(), 'EU').profiles;
    expect(uk?.jurisdiction).toBe('UK');
    expect(uk?.settings.map((s) => s.key)).toEqual(SETTINGS.map((s) => s.key));
    for (const s of uk?.settings ?? []) {
      const def = SETTINGS.find((d) => d.key === s.key);
      expect(s.childDefault).toBe(def?.childDefault);
      expect(s.adultDefault).toBe(def?.adultDefault);
      // One entry per value looser than the child default, each naming an authority per band.
      expect(Object.keys(s.loosen)).toEqual(def?.values.slice(def.values.indexOf(def.childDefault) + 1));
      for (const byBand of Object.values(s.loosen)) expect(Object.keys(byBand).sort()).toEqual(['13-15', '16-17', 'under13']);
    }
    const ukLocation = uk?.settings.find((s) => s.key === 'location.sharing');
    const euLocation = eu?.settings.find((s) => s.key === 'location.sharing');
    expect(ukLocation?.loosen.connections).toEqual({ under13: 'nobody', '13-15': 'nobody', '16-17': 'nobody' });
    expect(euLocation?.loosen.connections).toEqual({ under13: 'nobody', '13-15': 'child', '16-17': 'child' });
    expect(euLocation?.sessionScoped).toEqual(['connections']);
    expect(uk?.settings.find((s) => s.key === 'messages.from')?.loosen.everyone).toEqual({
      under13: 'nobody',
      '13-15': 'nobody',
      '16-17': 'nobody',
    });
    expect(uk?.settings.find((s) => s.key === 'interactions.from')?.note).toMatch(/DEF-08/);
  });

  it('shows exempted rules as not in force, with the recorded reason, and their settings as adult defaults', () => {
    const engine = createPolicyEngine({
      defaultJurisdiction: 'EU',
      exemptions: [
        { ruleId: 'DEF-12', reason: 'Design features reviewed with the DPO' },
        { ruleId: 'AGE-01', reason: 'Adults-only service', jurisdictions: ['US'] },
      ],
    });
    const policy = describePolicy(engine);
    expect(policy.defaultJurisdiction).toBe('EU');
    for (const profile of policy.profiles) {
      const def12 = profile.rules.find((r) => r.id === 'DEF-12');
      expect(def12).toMatchObject({ inForce: false, exemption: { reason: 'Design features reviewed with the DPO' } });
      expect(def12?.sources.length).toBeGreaterThan(0);
      const streaks = profile.settings.find((s) => s.key === 'design.streaks');
      expect(streaks?.childDefault).toBe('on');
      expect(streaks?.note).toMatch(/exempted/);
      expect(streaks?.loosen).toEqual({});
      const age01 = profile.rules.find((r) => r.id === 'AGE-01');
      if (profile.jurisdiction === 'US') {
        expect(age01).toMatchObject({ inForce: false, exemption: { reason: 'Adults-only service' } });
        expect(profile.unknownAgeTreatedAsChild).toBe(false);
      } else {
        expect(age01).toMatchObject({ inForce: true, exemption: null });
        expect(profile.unknownAgeTreatedAsChild).toBe(true);
      }
      // Rules not exempted stay in force.
      expect(profile.rules.find((r) => r.id === 'DEF-06')).toMatchObject({ inForce: true, exemption: null });
    }
  });
});

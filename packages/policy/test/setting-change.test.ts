import { describe, expect, it } from 'vitest';
import { SETTINGS, createPolicyEngine, type ResolvedAccount, type SettingChangeDecision } from '../src/index.js';
import { CHILD_BANDS, acct, byGuardian, defaultEngine, errorCode, self } from './fixtures.js';

const change = (
  account: ResolvedAccount,
  key: string,
  value: string,
  changedBy: 'self' | 'guardian' = 'self',
  acknowledgedWarning?: boolean,
): SettingChangeDecision =>
  defaultEngine.evaluateSettingChange({
    account,
    key,
    value,
    changedBy,
    ...(acknowledgedWarning !== undefined ? { acknowledgedWarning } : {}),
  });

describe('evaluateSettingChange', () => {
  it('adults manage every setting themselves', () => {
    const adult = acct('a');
    for (const def of SETTINGS) {
      for (const value of def.values) {
        expect(change(adult, def.key, value)).toMatchObject({ outcome: 'allow', apply: true, sessionScoped: false });
      }
    }
  });

  it('a child may always tighten a setting, with no prompt', () => {
    for (const band of [...CHILD_BANDS, 'unknown'] as const) {
      const child = acct('c', { band });
      expect(change(child, 'interactions.from', 'nobody')).toMatchObject({ outcome: 'allow', apply: true, ruleIds: ['DEF-08'] });
      // Re-choosing the default is allowed too.
      expect(change(child, 'messages.from', 'connections')).toMatchObject({ outcome: 'allow', apply: true, ruleIds: ['DEF-05'] });
    }
    // Back from a stricter choice to (not past) the child default.
    const quiet = acct('c', { band: '13-15', settings: [self('interactions.from', 'nobody')] });
    expect(quiet.settings['interactions.from']).toBe('nobody');
    expect(change(quiet, 'interactions.from', 'connections')).toMatchObject({ outcome: 'allow', apply: true, sessionScoped: false });
    // A 16-17 who opened their list may close it again.
    const open = acct('c', { band: '16-17', settings: [self('connections.listVisibility', 'connections')] });
    expect(change(open, 'connections.listVisibility', 'nobody')).toMatchObject({ outcome: 'allow', apply: true });
  });

  it("loosening a 'nobody' setting is denied to the child and to a guardian", () => {
    const cases = [
      ['messages.from', 'everyone', ['DEF-05']],
      ['search.discoverable', 'on', ['DEF-07', 'DEF-02']],
      ['suggestions.includeMe', 'on', ['DEF-02']],
      ['suggestions.showMe', 'on', ['DEF-01']],
      ['connections.appearInOthersLists', 'on', ['DEF-03']],
      ['media.allowDownload', 'on', ['DEF-09']],
      ['profiling.personalisedAds', 'on', ['DEF-11']],
    ] as const;
    for (const band of [...CHILD_BANDS, 'unknown'] as const) {
      const child = acct('c', { band });
      for (const [key, value, ruleIds] of cases) {
        for (const by of ['self', 'guardian'] as const) {
          expect(change(child, key, value, by, true), `${band} ${key} by ${by}`).toMatchObject({
            outcome: 'deny',
            apply: false,
            ruleIds,
          });
        }
      }
    }
  });

  it('the UK forbids location sharing with connections for every child band, whoever asks', () => {
    for (const band of CHILD_BANDS) {
      for (const by of ['self', 'guardian'] as const) {
        expect(change(acct('c', { band }), 'location.sharing', 'connections', by, true)).toMatchObject({
          outcome: 'deny',
          apply: false,
          ruleIds: ['DEF-06', 'PAR-01'],
        });
      }
    }
  });

  it('a guardian-authority loosening needs the guardian: require_guardian for the child, allow for the guardian', () => {
    const kid12 = acct('c', { band: 'under13' });
    expect(change(kid12, 'design.streaks', 'on', 'self', true)).toMatchObject({
      outcome: 'require_guardian',
      apply: false,
      ruleIds: ['DEF-12', 'PAR-01'],
    });
    expect(change(kid12, 'design.streaks', 'on', 'guardian')).toMatchObject({ outcome: 'allow', apply: true, ruleIds: ['DEF-12'] });

    const kid14 = acct('c', { band: '13-15' });
    expect(change(kid14, 'profile.visibility', 'public')).toMatchObject({ outcome: 'require_guardian', apply: false });
    expect(change(kid14, 'profile.visibility', 'public', 'guardian')).toMatchObject({ outcome: 'allow', apply: true });
    expect(change(kid12, 'profile.visibility', 'public', 'guardian')).toMatchObject({ outcome: 'deny', apply: false });

    // Location with guardians: a guardian decision, not session-scoped.
    expect(change(kid14, 'location.sharing', 'guardians')).toMatchObject({
      outcome: 'require_guardian',
      ruleIds: ['DEF-06', 'PAR-01'],
      sessionScoped: false,
    });
    expect(change(kid14, 'location.sharing', 'guardians', 'guardian')).toMatchObject({
      outcome: 'allow',
      apply: true,
      sessionScoped: false,
    });
  });

  it('a child-authority loosening shows a supportive prompt first (DEF-13) and applies only once acknowledged', () => {
    const kid14 = acct('c', { band: '13-15' });
    const first = change(kid14, 'design.streaks', 'on');
    expect(first).toMatchObject({ outcome: 'allow_with_warning', apply: false, ruleIds: ['DEF-12', 'DEF-13'], sessionScoped: false });
    expect(change(kid14, 'design.streaks', 'on', 'self', false)).toMatchObject({ outcome: 'allow_with_warning', apply: false });
    expect(change(kid14, 'design.streaks', 'on', 'self', true)).toMatchObject({
      outcome: 'allow',
      apply: true,
      ruleIds: ['DEF-12', 'DEF-13'],
    });
    // A guardian making the same change is not prompted.
    expect(change(kid14, 'design.streaks', 'on', 'guardian')).toMatchObject({ outcome: 'allow', apply: true, ruleIds: ['DEF-12'] });

    const kid16 = acct('c', { band: '16-17' });
    expect(change(kid16, 'connections.listVisibility', 'connections')).toMatchObject({ outcome: 'allow_with_warning', apply: false });
    expect(change(kid16, 'connections.listVisibility', 'connections', 'self', true)).toMatchObject({ outcome: 'allow', apply: true });
  });

  it('without DEF-13 in force a child-authority loosening applies directly', () => {
    const engine = createPolicyEngine({ defaultJurisdiction: 'UK', exemptions: [{ ruleId: 'DEF-13', reason: 'prompts elsewhere' }] });
    const kid14 = acct('c', { band: '13-15' }, engine);
    expect(engine.evaluateSettingChange({ account: kid14, key: 'design.streaks', value: 'on', changedBy: 'self' })).toMatchObject({
      outcome: 'allow',
      apply: true,
      ruleIds: ['DEF-12'],
    });
  });

  it('location values that expose a child are session-scoped (DEF-06)', () => {
    for (const jurisdiction of ['EU', 'US', 'other'] as const) {
      for (const band of ['13-15', '16-17'] as const) {
        const child = acct('c', { band, jurisdiction });
        const prompt = change(child, 'location.sharing', 'connections');
        expect(prompt).toMatchObject({ outcome: 'allow_with_warning', apply: false, sessionScoped: true });
        expect(prompt.explanation).toMatch(/session/);
        expect(change(child, 'location.sharing', 'connections', 'self', true)).toMatchObject({
          outcome: 'allow',
          apply: true,
          sessionScoped: true,
          ruleIds: ['DEF-06', 'PAR-01', 'DEF-13'],
        });
        expect(change(child, 'location.collection', 'on', 'self', true)).toMatchObject({ outcome: 'allow', sessionScoped: true });
      }
      expect(change(acct('c', { band: 'under13', jurisdiction }), 'location.sharing', 'connections', 'guardian')).toMatchObject({
        outcome: 'deny',
        apply: false,
      });
      // Collection for an under-13 needs a guardian, and is session-scoped when approved.
      const kid12 = acct('c', { band: 'under13', jurisdiction });
      expect(change(kid12, 'location.collection', 'on')).toMatchObject({ outcome: 'require_guardian', sessionScoped: true });
      expect(change(kid12, 'location.collection', 'on', 'guardian')).toMatchObject({ outcome: 'allow', apply: true, sessionScoped: true });
    }
    // Adults are never session-scoped; switching off is never session-scoped.
    expect(change(acct('a', { jurisdiction: 'EU' }), 'location.sharing', 'connections').sessionScoped).toBe(false);
    const sharing = acct('c', {
      band: '16-17',
      jurisdiction: 'EU',
      settings: [{ key: 'location.sharing', value: 'connections', setBy: 'self', sessionId: 's', expiresAt: Date.parse('2030-01-01') }],
    });
    expect(change(sharing, 'location.sharing', 'off')).toMatchObject({ outcome: 'allow', apply: true, sessionScoped: false });
  });

  it('judges a change against the current effective value, which includes guardian-approved loosening', () => {
    const kid12 = acct('c', { band: 'under13', settings: [byGuardian('design.streaks', 'on')] });
    expect(kid12.settings['design.streaks']).toBe('on');
    // Re-choosing the same value is not a loosening.
    expect(change(kid12, 'design.streaks', 'on')).toMatchObject({ outcome: 'allow', apply: true });
  });

  it('rules that a tenant exempted do not restrict the change', () => {
    const engine = createPolicyEngine({ defaultJurisdiction: 'UK', exemptions: [{ ruleId: 'DEF-09', reason: 'r' }] });
    const kid12 = acct('c', { band: 'under13' }, engine);
    expect(kid12.settings['media.allowDownload']).toBe('on');
    expect(engine.evaluateSettingChange({ account: kid12, key: 'media.allowDownload', value: 'on', changedBy: 'self' })).toMatchObject({
      outcome: 'allow',
      apply: true,
      ruleIds: [],
    });
  });

  it('refuses unknown settings and values', () => {
    const child = acct('c', { band: '13-15' });
    expect(errorCode(() => change(child, 'telepathy', 'on'))).toBe('validation_failed');
    expect(errorCode(() => change(child, 'messages.from', 'anyone'))).toBe('validation_failed');
    expect(errorCode(() => change(acct('a'), 'messages.from', 'EVERYONE'))).toBe('validation_failed');
    expect(errorCode(() => change(child, '__proto__', 'on'))).toBe('validation_failed');
  });

  it('every applied change by a child takes effect when stored as an override, and only those', () => {
    // Round trip: what evaluateSettingChange applies, resolveAccount honours.
    for (const jurisdiction of ['UK', 'EU'] as const) {
      for (const band of CHILD_BANDS) {
        for (const def of SETTINGS) {
          for (const value of def.values) {
            for (const by of ['self', 'guardian'] as const) {
              const child = acct('c', { band, jurisdiction });
              const decision = change(child, def.key, value, by, true);
              const stored = acct('c', {
                band,
                jurisdiction,
                settings: [{ key: def.key, value, setBy: by, ...(decision.sessionScoped ? { sessionId: 's', expiresAt: Date.parse('2030-01-01') } : {}) }],
              });
              const label = `${jurisdiction} ${band} ${def.key}=${value} by ${by}: ${decision.outcome}`;
              if (decision.apply) expect(stored.settings[def.key], label).toBe(value);
              else expect(stored.settings[def.key], label).toBe(def.childDefault);
            }
          }
        }
      }
    }
  });
});

import { JURISDICTIONS, SafeguardError, type Jurisdiction } from '@safeguard/core';
import { describe, expect, it } from 'vitest';
import { PROFILES, SETTINGS, createPolicyEngine, findSetting, type TenantPolicyConfig } from '../src/index.js';
import { CHILD_BANDS, NOW, acct, byGuardian, day, defaultEngine, record, self } from './fixtures.js';

const CHILD_DEFAULTS = Object.fromEntries(SETTINGS.map((s) => [s.key, s.childDefault]));
const ADULT_DEFAULTS = Object.fromEntries(SETTINGS.map((s) => [s.key, s.adultDefault]));

function setting(key: string): NonNullable<ReturnType<typeof findSetting>> {
  const def = findSetting(key);
  if (!def) throw new Error(`no setting ${key}`);
  return def;
}

describe('resolveAccount: bands and defaults', () => {
  for (const jurisdiction of JURISDICTIONS) {
    for (const band of CHILD_BANDS) {
      it(`a ${band} child in ${jurisdiction} gets every child default`, () => {
        const child = acct('c', { band, jurisdiction });
        expect(child.band).toBe(band);
        expect(child.child).toBe(true);
        expect(child.jurisdiction).toBe(jurisdiction);
        expect(child.settings).toEqual(CHILD_DEFAULTS);
      });
    }

    it(`rule AGE-01 (${jurisdiction}): an account without age evidence is treated as a child and gets every child default`, () => {
      const unknown = acct('u', { band: 'unknown', jurisdiction });
      expect(PROFILES[jurisdiction].rules['AGE-01']).toBeDefined();
      expect(unknown.band).toBe('unknown');
      expect(unknown.child).toBe(true);
      expect(unknown.settings).toEqual(CHILD_DEFAULTS);
    });

    it(`an adult in ${jurisdiction} gets the adult defaults`, () => {
      const adult = acct('a', { band: 'adult', jurisdiction });
      expect(adult.band).toBe('adult');
      expect(adult.child).toBe(false);
      expect(adult.settings).toEqual(ADULT_DEFAULTS);
    });
  }

  it('child defaults are protective: location off, not searchable, not suggested, no messages from strangers', () => {
    const child = acct('c', { band: '13-15' });
    expect(child.settings).toMatchObject({
      'location.sharing': 'off',
      'location.collection': 'off',
      'search.discoverable': 'off',
      'suggestions.includeMe': 'off',
      'suggestions.showMe': 'off',
      'connections.appearInOthersLists': 'off',
      'connections.listVisibility': 'nobody',
      'messages.from': 'connections',
      'profile.visibility': 'connections',
      'media.allowDownload': 'off',
      'groups.addWithoutInvite': 'off',
      'profiling.personalisedAds': 'off',
      'livestream.interactionsFrom': 'nobody',
    });
  });

  it('uses a declared band when there is no birth date', () => {
    for (const band of [...CHILD_BANDS, 'adult'] as const) {
      const account = acct('d', { band, declared: true });
      expect(account.band).toBe(band);
      expect(account.child).toBe(band !== 'adult');
    }
  });

  it('an unknown age counts as an adult only when the tenant exempts AGE-01', () => {
    const engine = createPolicyEngine({ defaultJurisdiction: 'UK', exemptions: [{ ruleId: 'AGE-01', reason: 'adults-only service' }] });
    const unknown = acct('u', { band: 'unknown' }, engine);
    expect(unknown.child).toBe(false);
    expect(unknown.rules.has('AGE-01')).toBe(false);
    expect(unknown.settings).toEqual(ADULT_DEFAULTS);
    // A known child is still a child.
    expect(acct('c', { band: 'under13' }, engine).settings).toEqual(CHILD_DEFAULTS);
  });

  it('the band follows the birth date on the day of resolution (13th and 18th birthdays)', () => {
    const thirteen = record('b', { settings: [self('design.streaks', 'on')] });
    const kid = { ...thirteen, birthDate: day('2012-06-15') };
    const before = defaultEngine.resolveAccount(kid, new Date('2025-06-14T23:59:59.999Z'));
    const on = defaultEngine.resolveAccount(kid, new Date('2025-06-15T00:00:00.000Z'));
    expect(before.band).toBe('under13');
    // Streaks need a guardian under 13; a 13-year-old may switch them on alone.
    expect(before.settings['design.streaks']).toBe('off');
    expect(on.band).toBe('13-15');
    expect(on.settings['design.streaks']).toBe('on');

    const nearlyAdult = { id: 'n', birthDate: day('2007-06-15') };
    expect(defaultEngine.resolveAccount(nearlyAdult, new Date('2025-06-14T12:00:00Z')).settings).toEqual(CHILD_DEFAULTS);
    const adult = defaultEngine.resolveAccount(nearlyAdult, new Date('2025-06-15T12:00:00Z'));
    expect(adult.band).toBe('adult');
    expect(adult.child).toBe(false);
    expect(adult.settings).toEqual(ADULT_DEFAULTS);
  });

  it('a resolution is valid until the end of its UTC day at most', () => {
    expect(acct('a').validUntil).toBe(Date.parse('2025-06-16T00:00:00.000Z'));
  });

  it('reports highly effective age assurance', () => {
    expect(acct('a', { assurance: 'id-document' }).heaa).toBe(true);
    expect(acct('a', { assurance: 'self-declared' }).heaa).toBe(false);
    expect(acct('a').heaa).toBe(false);
  });

  it('falls back to the tenant default jurisdiction and carries its rules', () => {
    const engine = createPolicyEngine({ defaultJurisdiction: 'EU', exemptions: [] });
    const account = acct('a', {}, engine);
    expect(account.jurisdiction).toBe('EU');
    expect([...account.rules].sort()).toEqual(Object.keys(PROFILES.EU.rules).sort());
    expect(acct('b', { jurisdiction: 'US' }, engine).jurisdiction).toBe('US');
    expect(acct('c').jurisdiction).toBe('UK');
  });

  it('refuses an unknown jurisdiction', () => {
    const bad = { id: 'x', jurisdiction: 'Atlantis' } as unknown as Parameters<typeof defaultEngine.resolveAccount>[0];
    expect(() => defaultEngine.resolveAccount(bad, NOW)).toThrow(SafeguardError);
  });
});

describe('resolveAccount: overrides', () => {
  it('tightening is always effective, whoever set it', () => {
    for (const band of [...CHILD_BANDS, 'unknown'] as const) {
      const child = acct('c', { band, settings: [self('interactions.from', 'nobody')] });
      expect(child.settings['interactions.from']).toBe('nobody');
    }
    const adult = acct('a', { settings: [self('messages.from', 'connections'), self('search.discoverable', 'off')] });
    expect(adult.settings['messages.from']).toBe('connections');
    expect(adult.settings['search.discoverable']).toBe('off');
  });

  it('adults may loosen anything themselves', () => {
    const adult = acct('a', { settings: [self('location.sharing', 'connections'), self('location.collection', 'on')] });
    expect(adult.settings['location.sharing']).toBe('connections');
    expect(adult.settings['location.collection']).toBe('on');
  });

  it('a loosening the child may make alone takes effect when set by the child', () => {
    // design.streaks: 13-15 and 16-17 may switch on alone.
    expect(acct('c', { band: '13-15', settings: [self('design.streaks', 'on')] }).settings['design.streaks']).toBe('on');
    expect(acct('c', { band: '16-17', settings: [self('profiling.recommendations', 'on')] }).settings['profiling.recommendations']).toBe(
      'on',
    );
  });

  it('a loosening that needs a guardian takes effect only when a guardian set it', () => {
    expect(acct('c', { band: 'under13', settings: [self('design.streaks', 'on')] }).settings['design.streaks']).toBe('off');
    expect(acct('c', { band: 'under13', settings: [byGuardian('design.streaks', 'on')] }).settings['design.streaks']).toBe('on');
    expect(acct('c', { band: '13-15', settings: [self('profile.visibility', 'public')] }).settings['profile.visibility']).toBe(
      'connections',
    );
    expect(
      acct('c', { band: '13-15', settings: [byGuardian('profile.visibility', 'public')] }).settings['profile.visibility'],
    ).toBe('public');
    expect(acct('c', { band: '16-17', settings: [self('location.sharing', 'guardians')] }).settings['location.sharing']).toBe('off');
    expect(
      acct('c', { band: '16-17', settings: [byGuardian('location.sharing', 'guardians')] }).settings['location.sharing'],
    ).toBe('guardians');
  });

  it('an unknown-age child gets the strictest (under-13) authorities', () => {
    expect(acct('u', { band: 'unknown', settings: [self('design.streaks', 'on')] }).settings['design.streaks']).toBe('off');
    expect(
      acct('u', { band: 'unknown', settings: [byGuardian('profile.visibility', 'public')] }).settings['profile.visibility'],
    ).toBe('connections');
  });

  it('a loosening no one may make never takes effect for a child', () => {
    const forbidden = [
      ['messages.from', 'everyone'],
      ['search.discoverable', 'on'],
      ['suggestions.includeMe', 'on'],
      ['suggestions.showMe', 'on'],
      ['connections.appearInOthersLists', 'on'],
      ['connections.listVisibility', 'public'],
      ['media.allowDownload', 'on'],
      ['groups.addWithoutInvite', 'on'],
      ['profiling.personalisedAds', 'on'],
      ['interactions.from', 'everyone'],
      ['livestream.interactionsFrom', 'everyone'],
    ] as const;
    for (const band of [...CHILD_BANDS, 'unknown'] as const) {
      for (const jurisdiction of JURISDICTIONS) {
        for (const [key, value] of forbidden) {
          for (const override of [self(key, value), byGuardian(key, value)]) {
            const child = acct('c', { band, jurisdiction, settings: [override] });
            expect(child.settings[key], `${band} ${jurisdiction} ${key}=${value} by ${override.setBy}`).toBe(setting(key).childDefault);
          }
        }
      }
    }
  });

  it('ignores values a setting does not take and keys it does not know', () => {
    const child = acct('c', { band: '16-17', settings: [self('messages.from', 'anyone'), self('telepathy', 'on')] });
    expect(child.settings['messages.from']).toBe('connections');
    expect(Object.keys(child.settings).sort()).toEqual(SETTINGS.map((s) => s.key).sort());
  });

  it('ignores an expired session-scoped override and honours one still live', () => {
    const now = NOW.getTime();
    const live = acct('c', {
      band: '16-17',
      jurisdiction: 'EU',
      settings: [{ key: 'location.sharing', value: 'connections', setBy: 'self', sessionId: 's1', expiresAt: now + 60_000 }],
    });
    expect(live.settings['location.sharing']).toBe('connections');
    expect(live.validUntil).toBe(now + 60_000);

    const expired = acct('c', {
      band: '16-17',
      jurisdiction: 'EU',
      settings: [{ key: 'location.sharing', value: 'connections', setBy: 'self', sessionId: 's1', expiresAt: now }],
    });
    expect(expired.settings['location.sharing']).toBe('off');
    expect(expired.validUntil).toBe(Date.parse('2025-06-16T00:00:00.000Z'));

    const adultExpired = acct('a', {
      settings: [{ key: 'messages.from', value: 'connections', setBy: 'self', expiresAt: now - 1 }],
    });
    expect(adultExpired.settings['messages.from']).toBe('everyone');
  });
});

describe('resolveAccount: jurisdiction profiles', () => {
  const sharing = (jurisdiction: Jurisdiction, band: (typeof CHILD_BANDS)[number], setBy: 'self' | 'guardian'): string | undefined =>
    acct('c', {
      band,
      jurisdiction,
      settings: [
        { key: 'location.sharing', value: 'connections', setBy, sessionId: 's', expiresAt: NOW.getTime() + 3_600_000 },
      ],
    }).settings['location.sharing'];

  it('the UK never lets a child share location with connections (ICU F1), not even with a guardian', () => {
    for (const band of CHILD_BANDS) {
      expect(sharing('UK', band, 'self')).toBe('off');
      expect(sharing('UK', band, 'guardian')).toBe('off');
    }
  });

  it('the EU, US and other profiles let 13-17s share location with connections for the session, never under-13s', () => {
    for (const jurisdiction of ['EU', 'US', 'other'] as const) {
      expect(sharing(jurisdiction, 'under13', 'self')).toBe('off');
      expect(sharing(jurisdiction, 'under13', 'guardian')).toBe('off');
      expect(sharing(jurisdiction, '13-15', 'self')).toBe('connections');
      expect(sharing(jurisdiction, '16-17', 'self')).toBe('connections');
    }
  });

  it('the UK forbids livestream interactions from connections for every child band (DEF-16); the EU lets 16-17s choose it', () => {
    const stream = (jurisdiction: Jurisdiction, band: (typeof CHILD_BANDS)[number]): string | undefined =>
      acct('c', { band, jurisdiction, settings: [self('livestream.interactionsFrom', 'connections')] }).settings[
        'livestream.interactionsFrom'
      ];
    expect(stream('UK', '16-17')).toBe('nobody');
    expect(stream('EU', '16-17')).toBe('connections');
    expect(stream('EU', '13-15')).toBe('nobody');
  });
});

describe('resolveAccount: tenant exemptions', () => {
  const exempt = (exemptions: TenantPolicyConfig['exemptions']): ReturnType<typeof createPolicyEngine> =>
    createPolicyEngine({ defaultJurisdiction: 'UK', exemptions });

  it('children get the adult default for settings whose rules are all exempted', () => {
    const engine = exempt([{ ruleId: 'DEF-12', reason: 'design features reviewed' }]);
    const child = acct('c', { band: 'under13' }, engine);
    for (const key of ['design.streaks', 'design.autoplay', 'design.readReceipts', 'design.publicLikeCounts', 'design.nightNotifications']) {
      expect(child.settings[key]).toBe('on');
    }
    expect(child.rules.has('DEF-12')).toBe(false);
    // Everything else keeps the child default.
    expect(child.settings['messages.from']).toBe('connections');
    // And an exempted setting may be changed freely.
    const withOverride = acct('c', { band: 'under13', settings: [self('design.autoplay', 'off')] }, engine);
    expect(withOverride.settings['design.autoplay']).toBe('off');
  });

  it('a setting backed by several rules keeps the child default while any of them is in force', () => {
    const engine = exempt([{ ruleId: 'DEF-07', reason: 'public-by-design service' }]);
    const child = acct('c', { band: '13-15' }, engine);
    expect(child.settings['profile.visibility']).toBe('public'); // DEF-07 only
    expect(child.settings['search.discoverable']).toBe('off'); // DEF-07 and DEF-02

    const both = acct('c', { band: '13-15' }, exempt([
      { ruleId: 'DEF-07', reason: 'r' },
      { ruleId: 'DEF-02', reason: 'r' },
    ]));
    expect(both.settings['search.discoverable']).toBe('on');
    expect(both.settings['suggestions.includeMe']).toBe('on');
  });

  it('an exemption limited to some jurisdictions applies only there', () => {
    const engine = exempt([{ ruleId: 'DEF-12', reason: 'r', jurisdictions: ['US'] }]);
    expect(acct('c', { band: '13-15', jurisdiction: 'US' }, engine).settings['design.autoplay']).toBe('on');
    expect(acct('c', { band: '13-15', jurisdiction: 'UK' }, engine).settings['design.autoplay']).toBe('off');
  });

  it('exempting a rule a profile does not use changes nothing', () => {
    const engine = exempt([{ ruleId: 'AGE-03', reason: 'not used' }]);
    expect(engine.compiled('UK').exemptions).toEqual([]);
    expect(acct('c', { band: '13-15' }, engine).settings).toEqual(CHILD_DEFAULTS);
  });
});

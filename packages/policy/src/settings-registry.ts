/**
 * The settings registry: every protective setting Safeguard manages, its values from most to least
 * protective, the child and adult defaults, the rules behind it, and who may loosen it for a child.
 *
 * Tightening a setting (moving towards the first value) is always allowed. Loosening it for a child
 * needs the authority named per target value and age band: the child alone (`child`), a linked
 * guardian (`guardian`), or no one (`nobody`, the rule forbids it). A jurisdiction profile may make
 * an authority stricter (see profiles.ts).
 */

export type Authority = 'child' | 'guardian' | 'nobody';
export type ChildBand = 'under13' | '13-15' | '16-17';
export type BandAuthority = Readonly<Record<ChildBand, Authority>>;

export interface SettingDefinition {
  readonly key: string;
  readonly description: string;
  /** Allowed values, most protective first. */
  readonly values: readonly string[];
  readonly childDefault: string;
  readonly adultDefault: string;
  /** Catalogue rules this setting implements; if a tenant exempts all of them, children get the adult default. */
  readonly ruleIds: readonly string[];
  /** Who may move a child's setting to each value looser than the child default. */
  readonly loosen: Readonly<Record<string, BandAuthority>>;
  /** Values that, when a child switches them on, last only until the end of that session (DEF-06, AADC 10). */
  readonly sessionScoped?: readonly string[];
  /**
   * Why the child default is not the most protective value, when it is not (DEF-07 requires the
   * deviation to be documented with a reason in the child's best interests).
   */
  readonly exemptionReason?: string;
}

const NOBODY: BandAuthority = { under13: 'nobody', '13-15': 'nobody', '16-17': 'nobody' };
const GUARDIAN: BandAuthority = { under13: 'guardian', '13-15': 'guardian', '16-17': 'guardian' };
const OLDER_TEEN_WITH_GUARDIAN: BandAuthority = { under13: 'nobody', '13-15': 'guardian', '16-17': 'guardian' };
const TEEN_ALONE: BandAuthority = { under13: 'guardian', '13-15': 'child', '16-17': 'child' };
const GRADED: BandAuthority = { under13: 'nobody', '13-15': 'guardian', '16-17': 'child' };

const onOff = ['off', 'on'] as const;

export const SETTINGS: readonly SettingDefinition[] = [
  {
    key: 'profile.visibility',
    description: 'Who can see the full profile and content',
    values: ['connections', 'public'],
    childDefault: 'connections',
    adultDefault: 'public',
    ruleIds: ['DEF-07'],
    loosen: { public: OLDER_TEEN_WITH_GUARDIAN },
  },
  {
    key: 'search.discoverable',
    description: 'Whether accounts that are not connections can find this account in search',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-07', 'DEF-02'],
    loosen: { on: NOBODY },
  },
  {
    key: 'suggestions.includeMe',
    description: 'Whether this account is suggested to other users ("people you may know")',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-02'],
    loosen: { on: NOBODY },
  },
  {
    key: 'suggestions.showMe',
    description: 'Whether this account is shown connection suggestions',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-01'],
    loosen: { on: NOBODY },
  },
  {
    key: 'connections.listVisibility',
    description: "Who can see this account's own connection list",
    values: ['nobody', 'connections', 'public'],
    childDefault: 'nobody',
    adultDefault: 'public',
    ruleIds: ['DEF-04'],
    loosen: { connections: GRADED, public: NOBODY },
  },
  {
    key: 'connections.appearInOthersLists',
    description: "Whether this account is shown in other users' connection lists",
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-03'],
    loosen: { on: NOBODY },
  },
  {
    key: 'connections.requestsFrom',
    description: 'Who can send this account a connection request (for a child: which adults; other children always can)',
    values: ['friends-of-friends', 'everyone'],
    childDefault: 'friends-of-friends',
    adultDefault: 'everyone',
    ruleIds: ['DEF-08'],
    loosen: { everyone: { under13: 'nobody', '13-15': 'nobody', '16-17': 'guardian' } },
  },
  {
    key: 'messages.from',
    description: 'Who can send this account direct messages',
    values: ['connections', 'everyone'],
    childDefault: 'connections',
    adultDefault: 'everyone',
    ruleIds: ['DEF-05'],
    loosen: { everyone: NOBODY },
  },
  {
    key: 'interactions.from',
    description: "Who can comment on, tag, mention or share this account's content",
    values: ['nobody', 'connections', 'everyone'],
    childDefault: 'connections',
    adultDefault: 'everyone',
    ruleIds: ['DEF-08'],
    loosen: { everyone: NOBODY },
    exemptionReason:
      'DEF-08 itself sets the default to accepted contacts; children may still switch comments off entirely.',
  },
  {
    key: 'location.sharing',
    description: "Who can see this account's location",
    values: ['off', 'guardians', 'connections'],
    childDefault: 'off',
    adultDefault: 'off',
    ruleIds: ['DEF-06', 'PAR-01'],
    loosen: { guardians: GUARDIAN, connections: { under13: 'nobody', '13-15': 'child', '16-17': 'child' } },
    sessionScoped: ['connections'],
  },
  {
    key: 'location.collection',
    description: 'Whether the service collects precise geolocation from this account',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'off',
    ruleIds: ['DEF-06'],
    loosen: { on: TEEN_ALONE },
    sessionScoped: ['on'],
  },
  {
    key: 'media.allowDownload',
    description: "Whether others can download or save this account's media",
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-09'],
    loosen: { on: NOBODY },
  },
  {
    key: 'groups.addWithoutInvite',
    description: 'Whether others can add this account to groups without an accepted invitation',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-10'],
    loosen: { on: NOBODY },
  },
  {
    key: 'profiling.personalisedAds',
    description: 'Advertising based on profiling',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-11'],
    loosen: { on: NOBODY },
  },
  {
    key: 'profiling.recommendations',
    description: 'Recommendations personalised by profiling',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-11'],
    loosen: { on: { under13: 'guardian', '13-15': 'guardian', '16-17': 'child' } },
  },
  {
    key: 'design.streaks',
    description: 'Streaks and similar daily-use rewards',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-12'],
    loosen: { on: TEEN_ALONE },
  },
  {
    key: 'design.autoplay',
    description: 'Autoplay of the next item',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-12'],
    loosen: { on: TEEN_ALONE },
  },
  {
    key: 'design.readReceipts',
    description: 'Read receipts shown to senders',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-12'],
    loosen: { on: TEEN_ALONE },
  },
  {
    key: 'design.publicLikeCounts',
    description: 'Public like counts on own content',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-12'],
    loosen: { on: TEEN_ALONE },
  },
  {
    key: 'design.nightNotifications',
    description: 'Push notifications between 22:00 and 07:00',
    values: onOff,
    childDefault: 'off',
    adultDefault: 'on',
    ruleIds: ['DEF-12'],
    loosen: { on: GRADED },
  },
  {
    key: 'livestream.interactionsFrom',
    description: "Who can comment on, react to or gift to this account's livestreams",
    values: ['nobody', 'connections', 'everyone'],
    childDefault: 'nobody',
    adultDefault: 'everyone',
    ruleIds: ['DEF-16', 'DEF-08'],
    loosen: { connections: GRADED, everyone: NOBODY },
  },
];

export type SettingKey = string;
export type SettingsMap = Readonly<Record<SettingKey, string>>;

const byKey = new Map(SETTINGS.map((s) => [s.key, s]));

export function findSetting(key: string): SettingDefinition | undefined {
  return byKey.get(key);
}

/** Position of a value in its setting's scale: higher is looser. -1 when not a valid value. */
export function looseness(setting: SettingDefinition, value: string): number {
  return setting.values.indexOf(value);
}

/**
 * A small, hand-checkable transparency source for one quarter (2025-01-01..2025-03-31): every
 * figure the tests assert can be counted from the facts below.
 */
import type {
  AccountFact,
  AlertFact,
  ComplaintFact,
  DecisionCountFact,
  DisputeFact,
  FactTypes,
  HashMatchFact,
  ModerationDecisionFact,
  NoticeFact,
  OrderFact,
  RecipientsFact,
  ReferralFact,
  SettingsChangeFact,
  StaffFact,
  StreamName,
  SuspensionFact,
  TransparencySource,
} from '../src/index.js';

export const Q1 = { from: '2025-01-01', to: '2025-03-31' } as const;

const account = (band: AccountFact['band'], method: AccountFact['assuranceMethod'], changed = 0, createdAt = '2024-06-01T10:00:00.000Z'): AccountFact => ({
  band,
  assuranceMethod: method,
  highlyEffective: method !== null && !['self-declared', 'guardian-confirmed'].includes(method),
  treatedAsChild: band !== 'adult',
  jurisdiction: 'UK',
  createdAt,
  changedSettings: changed,
});

export const ACCOUNTS: AccountFact[] = [
  account('under13', 'guardian-confirmed'),
  account('under13', 'self-declared', 1),
  account('13-15', 'facial-estimation'),
  account('13-15', 'self-declared', 2, '2025-02-01T00:00:00.000Z'),
  account('16-17', 'id-document'),
  account('unknown', null),
  account('adult', 'id-document'),
  account('adult', 'self-declared'),
  account('adult', null, 0, '2025-03-01T00:00:00.000Z'),
];

export const SETTINGS_CHANGES: SettingsChangeFact[] = [
  { at: '2025-01-10T09:00:00.000Z', key: 'profile.visibility', direction: 'loosened', changedBy: 'guardian', child: true },
  { at: '2025-02-10T09:00:00.000Z', key: 'design.autoplay', direction: 'loosened', changedBy: 'self', child: true },
  { at: '2025-02-11T09:00:00.000Z', key: 'design.autoplay', direction: 'tightened', changedBy: 'self', child: true },
  { at: '2025-02-12T09:00:00.000Z', key: 'design.autoplay', direction: 'loosened', changedBy: 'self', child: false },
];

export const DECISION_COUNTS: DecisionCountFact[] = [
  { day: '2025-01-05', action: 'message.send', outcome: 'deny', ruleId: 'DEF-05', count: 40 },
  { day: '2025-01-05', action: 'message.send', outcome: 'allow', ruleId: '-', count: 900 },
  { day: '2025-01-05', action: 'suggestion.show', outcome: 'deny', ruleId: 'DEF-01', count: 12 },
  { day: '2025-02-05', action: 'suggestion.show', outcome: 'deny', ruleId: 'DEF-02', count: 8 },
  { day: '2025-02-05', action: 'message.send', outcome: 'allow_with_warning', ruleId: 'DEF-13', count: 5 },
  { day: '2025-03-05', action: 'location.view', outcome: 'deny', ruleId: 'DEF-06', count: 3 },
  { day: '2025-03-05', action: 'connection.request', outcome: 'require_guardian', ruleId: 'SG-03', count: 2 },
];

const notice = (
  id: string,
  receivedAt: string,
  source: NoticeFact['source'],
  category: NoticeFact['category'],
  decision: NoticeFact['decision'],
  extra: Partial<NoticeFact> = {},
): NoticeFact => ({ id, receivedAt, source, category, items: 1, concernsChild: false, automatedProcessing: false, decision, ...extra });

export const NOTICES: NoticeFact[] = [
  // 1 h, 3 h and 5 h to action: median 3 h.
  notice('n1', '2025-01-02T10:00:00.000Z', 'ART16_NOTICE', 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', { at: '2025-01-02T11:00:00.000Z', basis: 'LAW' }, { concernsChild: true, items: 2 }),
  notice('n2', '2025-01-03T10:00:00.000Z', 'TRUSTED_FLAGGER', 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', { at: '2025-01-03T13:00:00.000Z', basis: 'LAW' }, { concernsChild: true }),
  notice('n3', '2025-02-03T10:00:00.000Z', 'ART16_NOTICE', 'STATEMENT_CATEGORY_CYBER_VIOLENCE', { at: '2025-02-03T15:00:00.000Z', basis: null }, { automatedProcessing: true }),
  notice('n4', '2025-03-30T10:00:00.000Z', 'ART16_NOTICE', null, null),
  // Decided after the period: pending at its end.
  notice('n5', '2025-03-31T22:00:00.000Z', 'OTHER_NOTIFICATION', 'STATEMENT_CATEGORY_SELF_HARM', { at: '2025-04-01T08:00:00.000Z', basis: 'TERMS' }),
];

export const ORDERS: OrderFact[] = [
  { id: 'o1', article: 9, memberState: 'IE', category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', items: 3, receivedAt: '2025-01-20T00:00:00.000Z', acknowledgedAt: '2025-01-20T02:00:00.000Z', effectGivenAt: '2025-01-21T00:00:00.000Z' },
  { id: 'o2', article: 10, memberState: 'FR', category: null, items: 1, receivedAt: '2025-02-20T00:00:00.000Z', acknowledgedAt: '2025-02-20T06:00:00.000Z', effectGivenAt: null },
];

const decision = (id: string, decidedAt: string, extra: Partial<ModerationDecisionFact>): ModerationDecisionFact => ({
  id,
  decidedAt,
  source: 'OWN_INITIATIVE',
  detection: 'CLASSIFIER',
  automatedDetection: true,
  automatedDecision: 'NOT',
  basis: 'LAW',
  category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'], monetary: null, provision: null, account: null },
  concernsChild: true,
  receivedAt: null,
  ...extra,
});

export const DECISIONS: ModerationDecisionFact[] = [
  decision('d1', '2025-01-02T11:00:00.000Z', { source: 'ART16_NOTICE', detection: 'USER_REPORT', automatedDetection: false, receivedAt: '2025-01-02T10:00:00.000Z' }),
  decision('d2', '2025-01-10T00:00:00.000Z', { detection: 'HASH_MATCH', automatedDecision: 'FULLY', restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'], monetary: null, provision: null, account: 'DECISION_ACCOUNT_TERMINATED' } }),
  decision('d3', '2025-02-10T00:00:00.000Z', { detection: 'CLASSIFIER', automatedDecision: 'PARTIALLY', basis: 'TERMS', category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE', concernsChild: false, restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_DEMOTED', 'DECISION_VISIBILITY_CONTENT_LABELLED'], monetary: null, provision: null, account: null } }),
  decision('d4', '2025-03-10T00:00:00.000Z', { detection: 'HUMAN_PROACTIVE', automatedDetection: false, basis: 'TERMS', category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD', concernsChild: false, restrictions: { visibility: [], monetary: 'DECISION_MONETARY_SUSPENSION', provision: 'DECISION_PROVISION_PARTIAL_SUSPENSION', account: null } }),
];

const complaint = (id: string, lodgedAt: string, extra: Partial<ComplaintFact>): ComplaintFact => ({
  id,
  lodgedAt,
  kind: 'CONTENT_APPEAL',
  basis: 'LAW',
  originalDecision: 'visibility',
  originalAutomated: false,
  decidedAt: null,
  outcome: null,
  humanReviewed: true,
  newRestrictionImposed: false,
  concernsChild: false,
  ...extra,
});

export const COMPLAINTS: ComplaintFact[] = [
  // 24 h and 48 h to decide: median 36 h.
  complaint('c1', '2025-01-11T00:00:00.000Z', { originalAutomated: true, decidedAt: '2025-01-12T00:00:00.000Z', outcome: 'REVERSED' }),
  complaint('c2', '2025-01-15T00:00:00.000Z', { kind: 'AGE_ASSESSMENT_APPEAL', basis: null, originalDecision: 'account', decidedAt: '2025-01-17T00:00:00.000Z', outcome: 'UPHELD', concernsChild: true }),
  complaint('c3', '2025-03-20T00:00:00.000Z', { basis: 'TERMS', originalDecision: 'no_action', kind: 'NOTICE_REJECTION' }),
];

export const DISPUTES: DisputeFact[] = [
  { id: 'ods1', submittedAt: '2025-01-20T00:00:00.000Z', closedAt: '2025-03-01T00:00:00.000Z', outcome: 'PARTIALLY_REVERSED', providerImplemented: true },
  { id: 'ods2', submittedAt: '2025-03-01T00:00:00.000Z', closedAt: null, outcome: null, providerImplemented: null },
];

export const SUSPENSIONS: SuspensionFact[] = [
  { id: 's1', at: '2025-01-10T00:00:00.000Z', ground: 'MANIFESTLY_ILLEGAL_CONTENT', warned: true },
  { id: 's2', at: '2025-02-10T00:00:00.000Z', ground: 'MANIFESTLY_UNFOUNDED_NOTICES', warned: true },
];

export const ALERTS: AlertFact[] = [
  // 30 min and 90 min to action: median 1 h.
  { id: 'a1', kind: 'grooming', raisedAt: '2025-01-05T10:00:00.000Z', actionedAt: '2025-01-05T10:30:00.000Z', resolution: 'confirmed', automated: true, concernsChild: true },
  { id: 'a2', kind: 'grooming', raisedAt: '2025-01-06T10:00:00.000Z', actionedAt: '2025-01-06T11:30:00.000Z', resolution: 'dismissed', automated: true, concernsChild: true },
  { id: 'a3', kind: 'grooming', raisedAt: '2025-03-31T23:00:00.000Z', actionedAt: null, resolution: null, automated: true, concernsChild: true },
  { id: 'a4', kind: 'contact-risk', raisedAt: '2025-02-06T10:00:00.000Z', actionedAt: '2025-02-06T12:00:00.000Z', resolution: 'confirmed', automated: true, concernsChild: true },
];

export const HASH_MATCHES: HashMatchFact[] = [
  { id: 'h1', at: '2025-01-10T00:00:00.000Z', hashType: 'pdq', list: 'ncmec', action: 'blocked', confirmed: true, referred: true },
  { id: 'h2', at: '2025-02-10T00:00:00.000Z', hashType: 'md5', list: 'tenant', action: 'queued', confirmed: false, referred: false },
  { id: 'h3', at: '2025-03-10T00:00:00.000Z', hashType: 'pdq', list: 'ncmec', action: 'blocked', confirmed: null, referred: false },
];

export const REFERRALS: ReferralFact[] = [
  { id: 'r1', submittedAt: '2025-01-10T06:00:00.000Z', agency: 'NCMEC', kind: 'CSAM', detectedAt: '2025-01-10T00:00:00.000Z', status: 'submitted' },
  { id: 'r2', submittedAt: '2025-01-11T00:00:00.000Z', agency: 'NCA', kind: 'CSAM', detectedAt: '2025-01-10T00:00:00.000Z', status: 'submitted' },
];

export const STAFF: StaffFact[] = [
  { month: '2025-01', language: 'EN', headcount: 4 },
  { month: '2025-03', language: 'EN', headcount: 5 },
  { month: '2025-03', language: 'FR', headcount: 2 },
];

export const RECIPIENTS: RecipientsFact[] = [
  { month: '2025-01', memberState: 'IE', recipients: 1000 },
  { month: '2025-01', memberState: 'FR', recipients: 2000 },
  { month: '2025-02', memberState: 'IE', recipients: 1200 },
  { month: '2025-02', memberState: 'FR', recipients: 2600 },
];

export type FactOverrides = Partial<{ [K in StreamName]: FactTypes[K][] }>;

/** The quarter's source; `overrides` replaces whole streams, `extra` adds source options. */
export function fixtureSource(overrides: FactOverrides = {}, extra: Partial<Pick<TransparencySource, 'coverage' | 'controlTotals'>> = {}): TransparencySource {
  const data: { [K in StreamName]: FactTypes[K][] } = {
    accounts: ACCOUNTS,
    settingsChanges: SETTINGS_CHANGES,
    decisionCounts: DECISION_COUNTS,
    notices: NOTICES,
    orders: ORDERS,
    moderationDecisions: DECISIONS,
    complaints: COMPLAINTS,
    outOfCourtDisputes: DISPUTES,
    suspensions: SUSPENSIONS,
    alerts: ALERTS,
    hashMatches: HASH_MATCHES,
    referrals: REFERRALS,
    moderationStaff: STAFF,
    monthlyActiveRecipients: RECIPIENTS,
    ...overrides,
  };
  // Yields in small pages, as a database source does.
  async function* pages<T>(items: T[]): AsyncGenerator<T[]> {
    for (let i = 0; i < items.length; i += 2) {
      await Promise.resolve();
      yield items.slice(i, i + 2);
    }
  }
  return {
    description: 'Fixture Social',
    accounts: () => pages(data.accounts),
    settingsChanges: () => pages(data.settingsChanges),
    decisionCounts: () => data.decisionCounts,
    notices: () => pages(data.notices),
    orders: () => pages(data.orders),
    moderationDecisions: () => pages(data.moderationDecisions),
    complaints: () => pages(data.complaints),
    outOfCourtDisputes: () => pages(data.outOfCourtDisputes),
    suspensions: () => pages(data.suspensions),
    alerts: () => pages(data.alerts),
    hashMatches: () => pages(data.hashMatches),
    referrals: () => pages(data.referrals),
    moderationStaff: () => pages(data.moderationStaff),
    monthlyActiveRecipients: () => pages(data.monthlyActiveRecipients),
    ...extra,
  };
}

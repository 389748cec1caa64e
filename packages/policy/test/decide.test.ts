import { DECISION_OUTCOMES, JURISDICTIONS, SafeguardError, type Decision } from '@safeguard/core';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  ACTION_NAMES,
  ADULT_CATEGORIES,
  CONTENT_CATEGORIES,
  PRIMARY_PRIORITY_CATEGORIES,
  PRIORITY_CATEGORIES,
  appearsInConnectionList,
  createPolicyEngine,
  decideAction,
  findRule,
  type DecisionContext,
  type Relationship,
  type ResolvedAccount,
} from '../src/index.js';
import { CHILD_BANDS, NOW, acct, byGuardian, errorCode, rel, self } from './fixtures.js';

const engine = createPolicyEngine();
const decide = (
  action: string,
  actor: ResolvedAccount,
  target: ResolvedAccount | undefined,
  relationship: Relationship = rel(),
  context?: DecisionContext,
): Decision =>
  engine.decide({
    action,
    actor,
    ...(target !== undefined ? { target } : {}),
    relationship,
    ...(context !== undefined ? { context } : {}),
  });

// UK (the default jurisdiction) fixtures.
const kid12 = acct('kid12', { band: 'under13' });
const kid14 = acct('kid14', { band: '13-15' });
const kid16 = acct('kid16', { band: '16-17' });
const unknownAge = acct('unknown', { band: 'unknown' });
const adult = acct('adult', { band: 'adult' });
const stranger = acct('stranger', { band: 'adult' });
const parent = acct('parent', { band: 'adult' });
const privateAdult = acct('private-adult', {
  band: 'adult',
  settings: [
    self('messages.from', 'connections'),
    self('interactions.from', 'connections'),
    self('media.allowDownload', 'off'),
    self('suggestions.includeMe', 'off'),
    self('suggestions.showMe', 'off'),
    self('search.discoverable', 'off'),
    self('profile.visibility', 'connections'),
    self('connections.listVisibility', 'connections'),
    self('groups.addWithoutInvite', 'off'),
    self('livestream.interactionsFrom', 'connections'),
    self('connections.requestsFrom', 'friends-of-friends'),
  ],
});
const sharingAdult = acct('sharing-adult', { band: 'adult', settings: [self('location.sharing', 'connections')] });
const kid12SharesWithGuardians = acct('kid12g', { band: 'under13', settings: [byGuardian('location.sharing', 'guardians')] });
const session = { sessionId: 's1', expiresAt: NOW.getTime() + 3_600_000 };
const euKid16 = acct('eu-kid16', {
  band: '16-17',
  jurisdiction: 'EU',
  settings: [
    { key: 'location.sharing', value: 'connections', setBy: 'self', ...session },
    self('livestream.interactionsFrom', 'connections'),
    self('connections.listVisibility', 'connections'),
  ],
});
const ukKid16TriedLoosening = acct('uk-kid16', {
  band: '16-17',
  settings: [
    { key: 'location.sharing', value: 'connections', setBy: 'self', ...session },
    self('livestream.interactionsFrom', 'connections'),
    self('connections.listVisibility', 'connections'),
  ],
});
const kid16PublicByGuardian = acct('kid16-public', { band: '16-17', settings: [byGuardian('profile.visibility', 'public')] });
const kid14NoComments = acct('kid14-quiet', { band: '13-15', settings: [self('interactions.from', 'nobody')] });

const NONE = rel();
const CONNECTED = rel({ connected: true, mutualConnections: 3 });
const BLOCKED = rel({ blocked: true });
const BLOCKED_CONNECTED = rel({ blocked: true, connected: true, mutualConnections: 3 });
const GUARDIAN = rel({ actorIsGuardian: true });
const TO_GUARDIAN = rel({ targetIsGuardian: true });
const FRIEND_OF_FRIEND = rel({ mutualConnections: 2 });

type Row = readonly [
  name: string,
  action: string,
  actor: ResolvedAccount,
  target: ResolvedAccount,
  relationship: Relationship,
  context: DecisionContext | undefined,
  outcome: Decision['outcome'],
  ruleIds: readonly string[],
];

const row = (
  name: string,
  action: string,
  actor: ResolvedAccount,
  target: ResolvedAccount,
  relationship: Relationship,
  outcome: Decision['outcome'],
  ruleIds: readonly string[],
  context?: DecisionContext,
): Row => [name, action, actor, target, relationship, context, outcome, ruleIds];

const TABLE: readonly Row[] = [
  // message.send — DEF-05: no direct messages from non-connected accounts.
  row('stranger adult -> child', 'message.send', stranger, kid14, NONE, 'deny', ['DEF-05']),
  row('stranger adult -> child with mutual friends', 'message.send', stranger, kid14, FRIEND_OF_FRIEND, 'deny', ['DEF-05']),
  row('stranger adult -> under-13', 'message.send', stranger, kid12, NONE, 'deny', ['DEF-05']),
  row('stranger adult -> unknown age', 'message.send', stranger, unknownAge, NONE, 'deny', ['DEF-05']),
  row('stranger child -> child', 'message.send', kid16, kid14, NONE, 'deny', ['DEF-05']),
  row('connected adult -> child', 'message.send', adult, kid14, CONNECTED, 'allow', ['DEF-08']),
  row('blocked connection -> child', 'message.send', adult, kid14, BLOCKED_CONNECTED, 'deny', ['SG-02']),
  row('guardian -> own child', 'message.send', parent, kid12, GUARDIAN, 'allow', ['PAR-01']),
  row('blocked guardian -> own child', 'message.send', parent, kid12, rel({ actorIsGuardian: true, blocked: true }), 'deny', ['SG-02']),
  row('child -> own guardian', 'message.send', kid12, parent, TO_GUARDIAN, 'allow', ['SG-01']),
  row('child -> stranger adult (prompt)', 'message.send', kid14, stranger, NONE, 'allow_with_warning', ['DEF-13']),
  row('child -> connected adult', 'message.send', kid14, adult, CONNECTED, 'allow', ['DEF-08']),
  row('adult -> adult', 'message.send', adult, stranger, NONE, 'allow', ['SG-01']),
  row('adult -> adult accepting connections only', 'message.send', adult, privateAdult, NONE, 'deny', ['SG-01']),
  row('adult -> adult, blocked', 'message.send', adult, stranger, BLOCKED, 'deny', ['SG-02']),

  // media.send follows message.send.
  row('stranger adult -> child', 'media.send', stranger, kid14, NONE, 'deny', ['DEF-05']),
  row('connected adult -> child', 'media.send', adult, kid14, CONNECTED, 'allow', ['DEF-08']),
  row('guardian -> child', 'media.send', parent, kid12, GUARDIAN, 'allow', ['PAR-01']),
  row('blocked -> child', 'media.send', adult, kid14, BLOCKED_CONNECTED, 'deny', ['SG-02']),
  row('adult -> adult', 'media.send', adult, stranger, NONE, 'allow', ['SG-01']),

  // media.download — DEF-09.
  row('connected adult downloads child media', 'media.download', adult, kid14, CONNECTED, 'deny', ['DEF-09']),
  row('guardian downloads child media', 'media.download', parent, kid12, GUARDIAN, 'deny', ['DEF-09']),
  row('stranger downloads child media', 'media.download', stranger, kid16, NONE, 'deny', ['DEF-09']),
  row('adult downloads adult media', 'media.download', adult, stranger, NONE, 'allow', ['SG-01']),
  row('adult downloads from an adult who disallows it', 'media.download', adult, privateAdult, CONNECTED, 'deny', ['SG-01']),
  row('blocked download', 'media.download', adult, stranger, BLOCKED, 'deny', ['SG-02']),

  // content.interact — DEF-08.
  row('stranger comments on child', 'content.interact', stranger, kid14, NONE, 'deny', ['DEF-08'], { kind: 'comment' }),
  row('connection comments on child', 'content.interact', adult, kid14, CONNECTED, 'allow', ['DEF-08'], { kind: 'comment' }),
  row('guardian comments on child', 'content.interact', parent, kid12, GUARDIAN, 'allow', ['PAR-01'], { kind: 'comment' }),
  row('connection, child switched comments off', 'content.interact', adult, kid14NoComments, CONNECTED, 'deny', ['DEF-08']),
  row('child tags a stranger adult (prompt)', 'content.interact', kid14, stranger, NONE, 'allow_with_warning', ['DEF-13']),
  row('adult on adult', 'content.interact', adult, stranger, NONE, 'allow', ['SG-01']),
  row('adult on adult accepting connections only', 'content.interact', adult, privateAdult, NONE, 'deny', ['SG-01']),
  row('blocked', 'content.interact', adult, kid14, BLOCKED_CONNECTED, 'deny', ['SG-02']),

  // connection.request — DEF-08 (friends of friends), SG-03 (under-13 and adults), DEF-13 (prompts).
  row('stranger adult -> child, no mutuals', 'connection.request', stranger, kid14, NONE, 'deny', ['DEF-08']),
  row('friend-of-friend adult -> teen (prompt)', 'connection.request', stranger, kid14, FRIEND_OF_FRIEND, 'allow_with_warning', ['DEF-13']),
  // The request may be sent; SG-03 applies when the under-13 accepts (the server decides acceptance as a
  // connection.request by the accepting child).
  row('friend-of-friend adult -> under-13', 'connection.request', stranger, kid12, FRIEND_OF_FRIEND, 'allow_with_warning', ['DEF-13']),
  row('under-13 accepts a friend-of-friend adult', 'connection.request', kid12, stranger, FRIEND_OF_FRIEND, 'require_guardian', ['SG-03']),
  row('under-13 -> unrelated adult', 'connection.request', kid12, stranger, NONE, 'require_guardian', ['SG-03']),
  row('under-13 -> own guardian', 'connection.request', kid12, parent, TO_GUARDIAN, 'allow', ['SG-01']),
  row('guardian -> own under-13', 'connection.request', parent, kid12, GUARDIAN, 'allow', ['SG-01']),
  row('teen -> stranger adult (prompt)', 'connection.request', kid14, stranger, NONE, 'allow_with_warning', ['DEF-13']),
  // Children may ask other children without a shared connection (classmates) ...
  row('teen -> stranger teen, no mutuals', 'connection.request', kid14, kid16, NONE, 'allow', ['SG-01']),
  row('under-13 -> stranger teen, no mutuals', 'connection.request', kid12, kid14, NONE, 'allow', ['SG-01']),
  row('teen -> friend-of-friend teen', 'connection.request', kid14, kid16, FRIEND_OF_FRIEND, 'allow', ['SG-01']),
  // ... but an account of unknown age is not known to be a child: it gets no such privilege, and the
  // child it asks is prompted as for an adult (AGE-01 protects the unknown-age account, it does not
  // vouch for it).
  row('unknown age -> child, no mutuals', 'connection.request', unknownAge, kid14, NONE, 'deny', ['DEF-08']),
  row('unknown age -> child, friend of friend', 'connection.request', unknownAge, kid14, FRIEND_OF_FRIEND, 'allow_with_warning', ['DEF-13']),
  row('child -> unknown age, no mutuals', 'connection.request', kid14, unknownAge, NONE, 'deny', ['DEF-08']),
  row('already connected', 'connection.request', adult, kid14, CONNECTED, 'allow', ['DEF-08']),
  row('adult -> adult', 'connection.request', adult, stranger, NONE, 'allow', ['SG-01']),
  row('adult -> adult accepting friends of friends only', 'connection.request', adult, privateAdult, NONE, 'deny', ['SG-01']),
  row('blocked', 'connection.request', adult, kid14, BLOCKED, 'deny', ['SG-02']),

  // suggestion.show — DEF-01 (child not shown suggestions), DEF-02 (child never suggested).
  row('child suggested to adult with many mutuals', 'suggestion.show', stranger, kid14, rel({ mutualConnections: 50 }), 'deny', ['DEF-02']),
  row('child suggested to a connection', 'suggestion.show', adult, kid16, CONNECTED, 'deny', ['DEF-02']),
  row('child suggested to own guardian', 'suggestion.show', parent, kid12, GUARDIAN, 'deny', ['DEF-02']),
  row('unknown-age account suggested', 'suggestion.show', stranger, unknownAge, NONE, 'deny', ['DEF-02']),
  row('adult suggested to child', 'suggestion.show', kid14, stranger, NONE, 'deny', ['DEF-01']),
  row('child suggested to child', 'suggestion.show', kid14, kid16, FRIEND_OF_FRIEND, 'deny', ['DEF-01']),
  row('adult suggested to adult', 'suggestion.show', adult, stranger, FRIEND_OF_FRIEND, 'allow', ['SG-01']),
  row('adult who opted out suggested', 'suggestion.show', adult, privateAdult, FRIEND_OF_FRIEND, 'deny', ['SG-01']),
  row('adult suggested to adult who opted out', 'suggestion.show', privateAdult, adult, FRIEND_OF_FRIEND, 'deny', ['SG-01']),
  row('blocked adults', 'suggestion.show', adult, stranger, BLOCKED, 'deny', ['SG-02']),

  // search.appear — DEF-07 (not searchable by strangers).
  row('child in stranger search', 'search.appear', stranger, kid14, NONE, 'deny', ['DEF-07']),
  row('child in friend-of-friend search', 'search.appear', stranger, kid12, FRIEND_OF_FRIEND, 'deny', ['DEF-07']),
  row('child in connection search', 'search.appear', adult, kid14, CONNECTED, 'allow', ['DEF-08']),
  row('child in guardian search', 'search.appear', parent, kid12, GUARDIAN, 'allow', ['PAR-01']),
  row('adult in search', 'search.appear', kid14, stranger, NONE, 'allow', ['SG-01']),
  row('undiscoverable adult', 'search.appear', adult, privateAdult, NONE, 'deny', ['SG-01']),
  row('blocked', 'search.appear', adult, kid14, BLOCKED_CONNECTED, 'deny', ['SG-02']),

  // profile.view — DEF-07 (private profile).
  row('stranger views child profile', 'profile.view', stranger, kid14, NONE, 'deny', ['DEF-07']),
  row('connection views child profile', 'profile.view', adult, kid14, CONNECTED, 'allow', ['DEF-08']),
  row('guardian views child profile', 'profile.view', parent, kid12, GUARDIAN, 'allow', ['PAR-01']),
  row('stranger views guardian-approved public profile', 'profile.view', stranger, kid16PublicByGuardian, NONE, 'allow', ['SG-01']),
  row('adult views adult profile', 'profile.view', kid14, stranger, NONE, 'allow', ['SG-01']),
  row('stranger views private adult profile', 'profile.view', adult, privateAdult, NONE, 'deny', ['SG-01']),
  row('blocked', 'profile.view', adult, kid14, BLOCKED_CONNECTED, 'deny', ['SG-02']),

  // connections.view — DEF-04 (child's list hidden).
  row('stranger views child list', 'connections.view', stranger, kid14, NONE, 'deny', ['DEF-04']),
  row('connection views child list', 'connections.view', adult, kid14, CONNECTED, 'deny', ['DEF-04']),
  row('guardian views child list', 'connections.view', parent, kid12, GUARDIAN, 'allow', ['PAR-01']),
  row('connection views list a 16-17 opened to connections', 'connections.view', adult, euKid16, CONNECTED, 'allow', ['DEF-03']),
  row('stranger views list a 16-17 opened to connections', 'connections.view', stranger, euKid16, NONE, 'deny', ['DEF-04']),
  row('UK 16-17 list opened to connections alone', 'connections.view', adult, ukKid16TriedLoosening, CONNECTED, 'allow', ['DEF-03']),
  row('adult list', 'connections.view', stranger, adult, NONE, 'allow', ['DEF-03']),
  row('private adult list, stranger', 'connections.view', stranger, privateAdult, NONE, 'deny', ['SG-01']),
  row('private adult list, connection', 'connections.view', adult, privateAdult, CONNECTED, 'allow', ['DEF-03']),
  row('blocked', 'connections.view', adult, stranger, BLOCKED, 'deny', ['SG-02']),

  // location.view — DEF-06 (child location never visible), PAR-01 (guardian with indicator).
  row('stranger sees child location', 'location.view', stranger, kid14, NONE, 'deny', ['DEF-06']),
  row('connection sees child location', 'location.view', adult, kid14, CONNECTED, 'deny', ['DEF-06']),
  row('guardian, sharing off', 'location.view', parent, kid12, GUARDIAN, 'deny', ['DEF-06']),
  row('guardian, sharing with guardians', 'location.view', parent, kid12SharesWithGuardians, GUARDIAN, 'allow', ['PAR-01', 'DEF-06']),
  row('connection, sharing with guardians', 'location.view', adult, kid12SharesWithGuardians, CONNECTED, 'deny', ['DEF-06']),
  row('UK 16-17 tried sharing with connections', 'location.view', adult, ukKid16TriedLoosening, CONNECTED, 'deny', ['DEF-06']),
  row('EU 16-17 shares with connections: connection', 'location.view', adult, euKid16, CONNECTED, 'allow', ['DEF-06']),
  row('EU 16-17 shares with connections: stranger', 'location.view', stranger, euKid16, NONE, 'deny', ['DEF-06']),
  row('EU 16-17 shares with connections: guardian', 'location.view', parent, euKid16, GUARDIAN, 'allow', ['PAR-01', 'DEF-06']),
  row('EU 16-17 shares with connections: blocked connection', 'location.view', adult, euKid16, BLOCKED_CONNECTED, 'deny', ['SG-02']),
  row('adult not sharing', 'location.view', adult, stranger, CONNECTED, 'deny', ['SG-01']),
  row('adult sharing with connections: connection', 'location.view', adult, sharingAdult, CONNECTED, 'allow', ['SG-01']),
  row('adult sharing with connections: stranger', 'location.view', stranger, sharingAdult, NONE, 'deny', ['SG-01']),

  // livestream.join — DEF-07.
  row('stranger joins child stream', 'livestream.join', stranger, kid14, NONE, 'deny', ['DEF-07']),
  row('connection joins child stream', 'livestream.join', adult, kid14, CONNECTED, 'allow', ['DEF-08']),
  row('guardian joins child stream', 'livestream.join', parent, kid12, GUARDIAN, 'allow', ['PAR-01']),
  row('stranger joins adult stream', 'livestream.join', kid14, stranger, NONE, 'allow', ['SG-01']),
  row('stranger joins private adult stream', 'livestream.join', stranger, privateAdult, NONE, 'deny', ['SG-01']),
  row('blocked', 'livestream.join', adult, kid14, BLOCKED_CONNECTED, 'deny', ['SG-02']),

  // livestream.comment — DEF-16 (no interaction on a child's stream), DEF-09 (no recording).
  row('connection comments on child stream', 'livestream.comment', adult, kid14, CONNECTED, 'deny', ['DEF-16'], { kind: 'comment' }),
  row('stranger gifts to child stream', 'livestream.comment', stranger, kid16, NONE, 'deny', ['DEF-16'], { kind: 'gift' }),
  row('guardian reacts to child stream', 'livestream.comment', parent, kid12, GUARDIAN, 'deny', ['DEF-16'], { kind: 'reaction' }),
  row('connection records child stream', 'livestream.comment', adult, kid14, CONNECTED, 'deny', ['DEF-09'], { kind: 'record' }),
  row('UK 16-17 tried opening stream to connections', 'livestream.comment', adult, ukKid16TriedLoosening, CONNECTED, 'deny', ['DEF-16'], {
    kind: 'comment',
  }),
  row('EU 16-17 opened stream to connections: connection', 'livestream.comment', adult, euKid16, CONNECTED, 'allow', ['DEF-08'], {
    kind: 'comment',
  }),
  row('EU 16-17 opened stream to connections: stranger', 'livestream.comment', stranger, euKid16, NONE, 'deny', ['DEF-08'], {
    kind: 'comment',
  }),
  row('EU 16-17 opened stream to connections: record', 'livestream.comment', adult, euKid16, CONNECTED, 'deny', ['DEF-09'], {
    kind: 'record',
  }),
  row('adult stream comment', 'livestream.comment', kid14, stranger, NONE, 'allow', ['SG-01'], { kind: 'comment' }),
  row('adult stream record', 'livestream.comment', adult, stranger, NONE, 'allow', ['SG-01'], { kind: 'record' }),
  row('private adult stream, stranger', 'livestream.comment', stranger, privateAdult, NONE, 'deny', ['SG-01'], { kind: 'comment' }),
  row('blocked', 'livestream.comment', adult, stranger, BLOCKED, 'deny', ['SG-02'], { kind: 'comment' }),

  // group.invite — DEF-08.
  row('stranger invites child', 'group.invite', stranger, kid14, NONE, 'deny', ['DEF-08']),
  row('connection invites child', 'group.invite', adult, kid14, CONNECTED, 'allow', ['DEF-08']),
  row('guardian invites child', 'group.invite', parent, kid12, GUARDIAN, 'allow', ['PAR-01']),
  row('adult invites adult', 'group.invite', kid14, stranger, NONE, 'allow', ['SG-01']),
  row('adult invites private adult', 'group.invite', stranger, privateAdult, NONE, 'deny', ['SG-01']),
  row('blocked', 'group.invite', adult, kid14, BLOCKED_CONNECTED, 'deny', ['SG-02']),

  // group.add — DEF-10 (never added without accepting an invitation).
  row('connection adds child without invitation', 'group.add', adult, kid14, CONNECTED, 'deny', ['DEF-10']),
  row('guardian adds child without invitation', 'group.add', parent, kid12, GUARDIAN, 'deny', ['DEF-10']),
  row('child accepted the invitation', 'group.add', adult, kid14, CONNECTED, 'allow', ['DEF-10'], { invitationAccepted: true }),
  row('invitation not accepted (false)', 'group.add', adult, kid14, CONNECTED, 'deny', ['DEF-10'], { invitationAccepted: false }),
  row('adult added directly', 'group.add', adult, stranger, NONE, 'allow', ['SG-01']),
  row('adult requiring invitations', 'group.add', adult, privateAdult, CONNECTED, 'deny', ['SG-01']),
  row('adult requiring invitations, accepted', 'group.add', adult, privateAdult, CONNECTED, 'allow', ['DEF-10'], { invitationAccepted: true }),
  row('blocked, even with an accepted invitation', 'group.add', adult, kid14, BLOCKED_CONNECTED, 'deny', ['SG-02'], {
    invitationAccepted: true,
  }),
];

describe('decide: table of every targeted action', () => {
  it.each(TABLE)('%s: %s', (_name, action, actor, target, relationship, context, outcome, ruleIds) => {
    const decision = decide(action, actor, target, relationship, context);
    expect({ outcome: decision.outcome, ruleIds: decision.ruleIds }).toEqual({ outcome, ruleIds });
    expect(decision.explanation.length).toBeGreaterThan(10);
  });

  it('covers every action that takes a target, with child and adult targets, blocked and connected pairs', () => {
    const targeted = ACTION_NAMES.filter((a) => ACTIONS[a].needsTarget);
    for (const action of targeted) {
      const rows = TABLE.filter((r) => r[1] === action);
      expect(rows.some((r) => r[3].child), `${action} with a child target`).toBe(true);
      expect(rows.some((r) => !r[3].child), `${action} with an adult target`).toBe(true);
      expect(rows.some((r) => r[4].blocked), `${action} blocked`).toBe(true);
      expect(rows.some((r) => r[4].connected), `${action} connected`).toBe(true);
      expect(rows.some((r) => !r[4].connected && !r[4].actorIsGuardian), `${action} not connected`).toBe(true);
      expect(rows.some((r) => r[4].actorIsGuardian), `${action} guardian`).toBe(true);
    }
    expect(new Set(TABLE.map((r) => r[1]))).toEqual(new Set(targeted));
  });

  it('an account acting on itself', () => {
    for (const action of ACTION_NAMES.filter((a) => ACTIONS[a].needsTarget)) {
      const decision = decide(action, kid14, kid14, NONE, { kind: 'comment' });
      if (action === 'connection.request' || action === 'suggestion.show') expect(decision.outcome).toBe('deny');
      else expect(decision.outcome, action).toBe('allow');
    }
  });
});

describe('decide: ICU F1 defaults for every child band in every jurisdiction', () => {
  for (const jurisdiction of JURISDICTIONS) {
    for (const band of [...CHILD_BANDS, 'unknown'] as const) {
      it(`${band} child in ${jurisdiction}`, () => {
        const child = acct('child', { band, jurisdiction });
        const other = acct('other', { band: 'adult', jurisdiction });
        const otherChild = acct('other-child', { band: '13-15', jurisdiction });
        for (const actor of [other, otherChild]) {
          for (const relationship of [NONE, FRIEND_OF_FRIEND, rel({ mutualConnections: 100 })]) {
            const d = (action: string): Decision => decide(action, actor, child, relationship);
            // DEF-02: never suggested to others, whatever the mutual connections (a child viewer is
            // refused first by its own DEF-01).
            expect(d('suggestion.show')).toMatchObject({ outcome: 'deny', ruleIds: [actor.child ? 'DEF-01' : 'DEF-02'] });
            // DEF-05: not messaged by a non-connection.
            expect(d('message.send')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-05'] });
            expect(d('media.send')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-05'] });
            // DEF-07: not shown to strangers in search.
            expect(d('search.appear')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-07'] });
            expect(d('profile.view')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-07'] });
            // DEF-04: own list hidden.
            expect(d('connections.view')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-04'] });
            // DEF-06: location never visible.
            expect(d('location.view')).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-06'] });
          }
          // Location stays hidden from connections too, and lists stay hidden from connections.
          expect(decide('location.view', actor, child, CONNECTED)).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-06'] });
          expect(decide('connections.view', actor, child, CONNECTED)).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-04'] });
          // DEF-05 lets connections message.
          expect(decide('message.send', actor, child, CONNECTED).outcome).toBe('allow');
        }
        // DEF-01: the child is never shown suggestions, of adults or children.
        expect(decide('suggestion.show', child, other, FRIEND_OF_FRIEND)).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-01'] });
        expect(decide('suggestion.show', child, otherChild, FRIEND_OF_FRIEND)).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-01'] });
        // DEF-03: the child never appears in another user's connection list, only in its own view.
        expect(appearsInConnectionList(child, other.id)).toBe(false);
        expect(appearsInConnectionList(child, otherChild.id)).toBe(false);
        expect(appearsInConnectionList(child, child.id)).toBe(true);
        expect(appearsInConnectionList(other, child.id)).toBe(true);
      });
    }
  }
});

describe('decide: content.view', () => {
  const view = (actor: ResolvedAccount, category: string | undefined): Decision =>
    decide('content.view', actor, undefined, NONE, category === undefined ? {} : { category });

  it('primary priority content needs an adult with highly effective age assurance (AGE-02)', () => {
    const heaaMethods = ['facial-estimation', 'id-document', 'open-banking', 'mobile-operator', 'credit-card', 'digital-id'] as const;
    for (const category of PRIMARY_PRIORITY_CATEGORIES) {
      for (const jurisdiction of JURISDICTIONS) {
        for (const assurance of heaaMethods) {
          expect(view(acct('a', { jurisdiction, assurance }), category)).toMatchObject({ outcome: 'allow', ruleIds: ['AGE-02'] });
          // A child confirmed by the same method is still a child.
          expect(view(acct('c', { band: '16-17', jurisdiction, assurance }), category)).toMatchObject({
            outcome: 'deny',
            ruleIds: ['AGE-02'],
          });
        }
        // Self-declared adult age, a guardian’s word, or no assurance at all: refused.
        for (const adultAccount of [
          acct('a', { jurisdiction }),
          acct('a', { jurisdiction, assurance: 'self-declared' }),
          acct('a', { jurisdiction, assurance: 'guardian-confirmed' }),
          acct('a', { jurisdiction, declared: true, assurance: 'self-declared' }),
        ]) {
          expect(view(adultAccount, category)).toMatchObject({ outcome: 'deny', ruleIds: ['AGE-02'] });
        }
        for (const band of [...CHILD_BANDS, 'unknown'] as const) {
          expect(view(acct('c', { band, jurisdiction }), category)).toMatchObject({ outcome: 'deny', ruleIds: ['AGE-02'] });
        }
      }
    }
  });

  it('an unknown age with highly effective assurance but no band is still refused', () => {
    const noAge01 = createPolicyEngine({ defaultJurisdiction: 'UK', exemptions: [{ ruleId: 'AGE-01', reason: 'r' }] });
    const unknown = acct('u', { band: 'unknown', assurance: 'id-document' }, noAge01);
    expect(unknown.child).toBe(false);
    expect(noAge01.decide({ action: 'content.view', actor: unknown, context: { category: 'pornography' } })).toMatchObject({
      outcome: 'deny',
      ruleIds: ['AGE-02'],
    });
  });

  it('without AGE-02 in force (tenant exemption), adults may view and children are still refused', () => {
    const noAge02 = createPolicyEngine({ defaultJurisdiction: 'EU', exemptions: [{ ruleId: 'AGE-02', reason: 'r' }] });
    const d = (actor: ResolvedAccount): Decision => noAge02.decide({ action: 'content.view', actor, context: { category: 'self-harm' } });
    expect(d(acct('a', {}, noAge02))).toMatchObject({ outcome: 'allow', ruleIds: ['SG-01'] });
    expect(d(acct('c', { band: '16-17' }, noAge02))).toMatchObject({ outcome: 'deny', ruleIds: ['AGE-01'] });
    expect(d(acct('u', { band: 'unknown' }, noAge02))).toMatchObject({ outcome: 'deny', ruleIds: ['AGE-01'] });
  });

  it('adult-only categories are refused to children and unknown ages', () => {
    for (const category of ADULT_CATEGORIES) {
      expect(view(adult, category)).toMatchObject({ outcome: 'allow', ruleIds: ['AGE-01'] });
      for (const child of [kid12, kid14, kid16, unknownAge]) {
        expect(view(child, category)).toMatchObject({ outcome: 'deny', ruleIds: ['AGE-01'] });
      }
    }
  });

  it('priority content: withheld from under-13s and unknown ages, behind a warning for teens (FEED-02)', () => {
    for (const category of PRIORITY_CATEGORIES) {
      expect(view(adult, category)).toMatchObject({ outcome: 'allow', ruleIds: ['FEED-02'] });
      expect(view(kid14, category)).toMatchObject({ outcome: 'allow_with_warning', ruleIds: ['FEED-02'] });
      expect(view(kid16, category)).toMatchObject({ outcome: 'allow_with_warning', ruleIds: ['FEED-02'] });
      expect(view(kid12, category)).toMatchObject({ outcome: 'deny', ruleIds: ['FEED-02'] });
      expect(view(unknownAge, category)).toMatchObject({ outcome: 'deny', ruleIds: ['FEED-02'] });
    }
  });

  it('every content category is classified exactly once', () => {
    expect(new Set(CONTENT_CATEGORIES).size).toBe(CONTENT_CATEGORIES.length);
    expect(CONTENT_CATEGORIES).toHaveLength(PRIMARY_PRIORITY_CATEGORIES.length + PRIORITY_CATEGORIES.length + ADULT_CATEGORIES.length);
  });

  it('a missing or unknown category is a validation error, never a decision', () => {
    for (const actor of [adult, acct('h', { assurance: 'id-document' }), kid14]) {
      expect(errorCode(() => view(actor, 'kittens'))).toBe('validation_failed');
      expect(errorCode(() => view(actor, 'Pornography'))).toBe('validation_failed');
      expect(errorCode(() => view(actor, ''))).toBe('validation_failed');
      expect(errorCode(() => view(actor, 'toString'))).toBe('validation_failed');
      expect(errorCode(() => view(actor, undefined))).toBe('validation_failed');
      expect(errorCode(() => engine.decide({ action: 'content.view', actor }))).toBe('validation_failed');
    }
  });

  it('does not need a target', () => {
    expect(ACTIONS['content.view'].needsTarget).toBe(false);
    expect(decide('content.view', kid14, undefined, NONE, { category: 'gambling' }).outcome).toBe('deny');
  });
});

describe('decide: errors are never decisions', () => {
  it.each(['message.delete', 'MESSAGE.SEND', '', ' message.send', '__proto__', 'toString', 'constructor', 'hasOwnProperty'])(
    'unknown action %j -> unknown_action',
    (action) => {
      expect(errorCode(() => decide(action, adult, kid14))).toBe('unknown_action');
      expect(errorCode(() => decide(action, adult, undefined))).toBe('unknown_action');
    },
  );

  it('the unknown_action error is a SafeguardError naming the action', () => {
    try {
      decide('teleport', adult, kid14);
      expect.unreachable('decide should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(SafeguardError);
      expect((error as SafeguardError).message).toContain('teleport');
      expect((error as SafeguardError).details).toEqual({ action: 'teleport' });
    }
  });

  it.each(ACTION_NAMES.filter((a) => ACTIONS[a].needsTarget))('%s without a target -> validation_failed', (action) => {
    expect(errorCode(() => decide(action, adult, undefined))).toBe('validation_failed');
    expect(errorCode(() => decide(action, kid14, undefined, BLOCKED))).toBe('validation_failed');
  });

  it('the exported decideAction answers exactly as the engine does, without a relationship meaning strangers', () => {
    const input = { action: 'message.send', actor: stranger, target: kid14 };
    expect(decideAction(input)).toEqual(engine.decide(input));
    expect(decideAction(input)).toMatchObject({ outcome: 'deny', ruleIds: ['DEF-05'] });
    expect(decideAction({ ...input, relationship: CONNECTED }).outcome).toBe('allow');
  });

  it('every decision in the table cites catalogue rules and a known outcome', () => {
    for (const [, action, actor, target, relationship, context] of TABLE) {
      const decision = decide(action, actor, target, relationship, context);
      expect(DECISION_OUTCOMES).toContain(decision.outcome);
      for (const id of decision.ruleIds) expect(findRule(id), id).toBeDefined();
      expect(Object.isFrozen(decision)).toBe(true);
    }
  });
});

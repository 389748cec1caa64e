/**
 * Interaction decisions: may `actor` do `action` to `target`? Every answer cites the catalogue rules
 * that decided it and explains itself in plain words.
 *
 * Protections of the target are read from the target's resolved settings and rules (they belong to
 * the person being protected); prompts and gates for the actor from the actor's. Decisions are
 * preallocated constants: this function allocates nothing on its hot path.
 */
import { SafeguardError, type Decision, type DecisionOutcome } from '@safeguard/core';
import { NO_RELATIONSHIP, type Relationship, type ResolvedAccount } from './account.js';

export const ACTIONS = {
  'message.send': { needsTarget: true, summary: 'Send a direct message to the target' },
  'media.send': { needsTarget: true, summary: 'Send an image or video to the target' },
  'media.download': { needsTarget: true, summary: "Download or save the target's media" },
  'content.interact': {
    needsTarget: true,
    summary: "Comment on, tag, mention or share the target's content (context.kind)",
  },
  'connection.request': { needsTarget: true, summary: 'Ask the target to connect' },
  'suggestion.show': { needsTarget: true, summary: 'Show the target to the actor as a suggested connection' },
  'search.appear': { needsTarget: true, summary: "Show the target in the actor's search results" },
  'profile.view': { needsTarget: true, summary: "See the target's full profile" },
  'connections.view': { needsTarget: true, summary: "See the target's connection list" },
  'location.view': { needsTarget: true, summary: "See the target's location" },
  'livestream.join': { needsTarget: true, summary: "Watch the target's livestream" },
  'livestream.comment': {
    needsTarget: true,
    summary: "Comment on, react to, gift to or record the target's livestream (context.kind)",
  },
  'group.invite': { needsTarget: true, summary: 'Invite the target to a group chat' },
  'group.add': { needsTarget: true, summary: 'Add the target to a group chat (context.invitationAccepted)' },
  'content.view': { needsTarget: false, summary: 'View content of an age-gated category (context.category)' },
} as const;

export type Action = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as Action[];

/** Primary priority content (OSA s.61): only adults with highly effective age assurance (AGE-02). */
export const PRIMARY_PRIORITY_CATEGORIES = ['pornography', 'suicide', 'self-harm', 'eating-disorder'] as const;
/** Priority content (OSA s.62): reduced prominence and a warning for teens, withheld from under-13s (FEED-02). */
export const PRIORITY_CATEGORIES = [
  'violence',
  'bullying',
  'hate',
  'dangerous-stunts',
  'harmful-substances',
  'depression',
  'body-image',
] as const;
/** Adult-only categories that are not primary priority content. */
export const ADULT_CATEGORIES = ['gambling', 'alcohol', 'tobacco', 'weapons', 'dating', 'mature'] as const;
export const CONTENT_CATEGORIES = [...PRIMARY_PRIORITY_CATEGORIES, ...PRIORITY_CATEGORIES, ...ADULT_CATEGORIES];

export interface DecisionContext {
  /** content.view: the content's category. */
  readonly category?: string | undefined;
  /** content.interact: comment | tag | mention | share; livestream.comment: comment | reaction | gift | record. */
  readonly kind?: string | undefined;
  /** group.add: the target has accepted an invitation to this group. */
  readonly invitationAccepted?: boolean | undefined;
}

export interface DecisionInput {
  readonly action: string;
  readonly actor: ResolvedAccount;
  readonly target?: ResolvedAccount | undefined;
  readonly relationship?: Relationship | undefined;
  readonly context?: DecisionContext | undefined;
}

const make = (outcome: DecisionOutcome, ruleIds: readonly string[], explanation: string): Decision =>
  Object.freeze({ outcome, ruleIds: Object.freeze([...ruleIds]), explanation });

/** A denial that cites the catalogue rule when in force for the protected account, else SG-01 (its own choice). */
interface RuleOrChoice {
  readonly rule: Decision;
  readonly choice: Decision;
}
const ruleOrChoice = (ruleId: string, byRule: string, byChoice: string): RuleOrChoice => ({
  rule: make('deny', [ruleId], byRule),
  choice: make('deny', ['SG-01'], byChoice),
});
const pick = (account: ResolvedAccount, ruleId: string, d: RuleOrChoice): Decision =>
  account.child && account.rules.has(ruleId) ? d.rule : d.choice;

const D = {
  self: make('allow', [], 'An account may always do this to itself.'),
  blocked: make('deny', ['SG-02'], 'One of these accounts has blocked the other.'),
  guardian: make('allow', ['PAR-01'], 'The actor is a linked guardian of this child.'),
  allowBySettings: make('allow', ['SG-01'], "The target's settings allow this."),
  connected: make('allow', ['DEF-08'], 'The two accounts are connected.'),
  messageStranger: ruleOrChoice(
    'DEF-05',
    'The recipient is a child and the sender is not one of their connections: direct messages from non-connected accounts are not delivered.',
    'The recipient accepts messages only from their connections.',
  ),
  childContactsStranger: make(
    'allow_with_warning',
    ['DEF-13'],
    'A child is about to contact someone who is not one of their connections: show a safety prompt with where to get help first.',
  ),
  interactStranger: ruleOrChoice(
    'DEF-08',
    "Only accounts the child has accepted can comment on, tag, mention or share the child's content.",
    'The account accepts interactions only from its connections.',
  ),
  interactNobody: ruleOrChoice(
    'DEF-08',
    'The child has switched off interactions on their content.',
    'The account has switched off interactions on its content.',
  ),
  download: ruleOrChoice(
    'DEF-09',
    "Other accounts cannot download or save a child's content.",
    'The account does not allow its media to be downloaded.',
  ),
  connectSelf: make('deny', [], 'An account cannot connect to itself.'),
  alreadyConnected: make('allow', ['DEF-08'], 'The two accounts are already connected.'),
  under13AdultContact: make(
    'require_guardian',
    ['SG-03'],
    "A child under 13 needs a linked guardian's approval to connect with an adult who is not their guardian.",
  ),
  requestStranger: ruleOrChoice(
    'DEF-08',
    'Adults can send this child a connection request only if they share a connection with the child.',
    'The account accepts connection requests only from friends of its connections.',
  ),
  requestToChildWithPrompt: make(
    'allow_with_warning',
    ['DEF-13'],
    'The request may be sent; the child sees a safety prompt with where to get help when it arrives.',
  ),
  suggestSelf: make('deny', [], 'An account is never suggested to itself.'),
  childSeesNoSuggestions: ruleOrChoice(
    'DEF-01',
    'Children are not shown connection suggestions.',
    'The account has switched off connection suggestions.',
  ),
  childNeverSuggested: ruleOrChoice(
    'DEF-02',
    'Children are never suggested to other users.',
    'The account has asked not to be suggested to others.',
  ),
  notSearchable: ruleOrChoice(
    'DEF-07',
    'Children cannot be found in search by accounts that are not their connections.',
    'The account is not discoverable in search by accounts that are not its connections.',
  ),
  privateProfile: ruleOrChoice(
    'DEF-07',
    "A child's profile is private: only their connections see it; others may see only a minimal card (display name and picture).",
    'The profile is visible to connections only; others may see only a minimal card.',
  ),
  listHidden: ruleOrChoice(
    'DEF-04',
    "A child's connection list is not shown to other users.",
    'The account does not show its connection list.',
  ),
  listConnectionsOnly: ruleOrChoice(
    'DEF-04',
    "The child's connection list is shown only to their connections.",
    'The account shows its connection list only to its connections.',
  ),
  listAllowed: make(
    'allow',
    ['DEF-03'],
    'The list may be shown; accounts that must not appear in connection lists (children) are left out of it.',
  ),
  locationOff: ruleOrChoice(
    'DEF-06',
    "A child's location is never visible to other users.",
    'The account does not share its location.',
  ),
  locationGuardiansOnly: ruleOrChoice(
    'DEF-06',
    "The child's location is shared only with their guardians.",
    'The account shares its location only with its guardians.',
  ),
  locationConnectionsOnly: ruleOrChoice(
    'DEF-06',
    "The child shares their location only with their connections, for this session.",
    'The account shares its location only with its connections.',
  ),
  locationToGuardian: make(
    'allow',
    ['PAR-01', 'DEF-06'],
    'A linked guardian may see the location the child shares with guardians; the child sees an indicator while it is on.',
  ),
  locationToConnection: make(
    'allow',
    ['DEF-06'],
    'The child switched on location sharing with connections for this session only; the child sees an indicator while it is on.',
  ),
  streamPrivate: ruleOrChoice(
    'DEF-07',
    "A child's livestream is visible only to their connections.",
    'The livestream is visible to connections only.',
  ),
  streamNoInteraction: ruleOrChoice(
    'DEF-16',
    "Others cannot comment on, react to, gift to or record a child's livestream.",
    'The account does not accept interactions on its livestreams.',
  ),
  streamConnectionsOnly: ruleOrChoice(
    'DEF-08',
    "Only the child's connections can interact with their livestream.",
    'Only connections can interact with this livestream.',
  ),
  streamRecord: ruleOrChoice(
    'DEF-09',
    "A child's livestream cannot be recorded by others.",
    'The account does not allow its livestreams to be recorded.',
  ),
  inviteStranger: ruleOrChoice(
    'DEF-08',
    'Only accounts the child has accepted can invite them to a group.',
    'The account accepts group invitations only from its connections.',
  ),
  addWithoutInvite: ruleOrChoice(
    'DEF-10',
    'A child is never added to a group without accepting an invitation: send an invitation instead.',
    'The account joins groups only by accepting an invitation: send an invitation instead.',
  ),
  addAccepted: make('allow', ['DEF-10'], 'The account accepted the invitation to this group.'),
  ppcChild: make('deny', ['AGE-02'], 'Children must not encounter primary priority content.'),
  ppcNoHeaa: make(
    'deny',
    ['AGE-02'],
    'Primary priority content needs highly effective age assurance; self-declaration or a guardian’s word is not enough.',
  ),
  ppcAllowed: make('allow', ['AGE-02'], 'The viewer is an adult confirmed by highly effective age assurance.'),
  ppcNotChild: make('allow', ['SG-01'], 'The viewer is not a child; no age-assurance rule applies in this jurisdiction.'),
  ppcChildNoRule: make('deny', ['AGE-01'], 'Children must not encounter primary priority content.'),
  adultOnlyChild: make('deny', ['AGE-01'], 'This category is for adults only and the viewer is, or is treated as, a child.'),
  adultOnlyAllowed: make('allow', ['AGE-01'], 'The viewer is an adult.'),
  priorityYoung: make('deny', ['FEED-02'], 'This category is withheld from children under 13 and from accounts of unknown age.'),
  priorityTeen: make(
    'allow_with_warning',
    ['FEED-02'],
    'Shown to a teen only behind a warning, and never promoted in their feeds.',
  ),
  priorityAllowed: make('allow', ['FEED-02'], 'The viewer is an adult.'),
};

const PPC = new Set<string>(PRIMARY_PRIORITY_CATEGORIES);
const PRIORITY = new Set<string>(PRIORITY_CATEGORIES);
const ADULT_ONLY = new Set<string>(ADULT_CATEGORIES);

/**
 * A child by age evidence (not merely treated as one). `ResolvedAccount.child` also covers unknown
 * age under AGE-01, which is right for protecting that account, but must not grant it what only
 * children get towards other children: an adult who withholds their age would gain it.
 */
const knownChild = (account: ResolvedAccount): boolean =>
  account.band === 'under13' || account.band === '13-15' || account.band === '16-17';

/** Whether a child actor about to contact a non-connected non-guardian should see a prompt (DEF-13). */
const promptsChild = (actor: ResolvedAccount, target: ResolvedAccount, rel: Relationship): boolean =>
  actor.child && !target.child && !rel.connected && !rel.targetIsGuardian && actor.rules.has('DEF-13');

function decideMessage(actor: ResolvedAccount, target: ResolvedAccount, rel: Relationship): Decision {
  if (rel.blocked) return D.blocked;
  if (rel.actorIsGuardian && target.child) return D.guardian;
  if (!rel.connected && !rel.targetIsGuardian && target.settings['messages.from'] !== 'everyone') {
    return pick(target, 'DEF-05', D.messageStranger);
  }
  if (promptsChild(actor, target, rel)) return D.childContactsStranger;
  return rel.connected ? D.connected : D.allowBySettings;
}

function decideInteract(actor: ResolvedAccount, target: ResolvedAccount, rel: Relationship): Decision {
  if (rel.blocked) return D.blocked;
  const from = target.settings['interactions.from'];
  if (from === 'nobody') return pick(target, 'DEF-08', D.interactNobody);
  if (from === 'connections' && !rel.connected && !rel.actorIsGuardian) return pick(target, 'DEF-08', D.interactStranger);
  if (promptsChild(actor, target, rel)) return D.childContactsStranger;
  if (rel.connected) return D.connected;
  return rel.actorIsGuardian && from === 'connections' ? D.guardian : D.allowBySettings;
}

function decideConnectionRequest(actor: ResolvedAccount, target: ResolvedAccount, rel: Relationship): Decision {
  if (rel.blocked) return D.blocked;
  if (rel.connected) return D.alreadyConnected;
  if (actor.band === 'under13' && !target.child && !rel.targetIsGuardian && actor.rules.has('SG-03')) {
    return D.under13AdultContact;
  }
  // Children can always ask other children (classmates rarely share connections yet); adults need
  // a shared connection unless the child's setting allows everyone.
  const childToChild = knownChild(actor) && knownChild(target);
  if (
    !childToChild &&
    target.settings['connections.requestsFrom'] === 'friends-of-friends' &&
    rel.mutualConnections === 0 &&
    !rel.actorIsGuardian &&
    !rel.targetIsGuardian
  ) {
    return pick(target, 'DEF-08', D.requestStranger);
  }
  if (target.child && !knownChild(actor) && !rel.actorIsGuardian && target.rules.has('DEF-13')) return D.requestToChildWithPrompt;
  if (promptsChild(actor, target, rel)) return D.childContactsStranger;
  return D.allowBySettings;
}

function decideSuggestion(actor: ResolvedAccount, target: ResolvedAccount, rel: Relationship): Decision {
  if (actor.settings['suggestions.showMe'] === 'off') return pick(actor, 'DEF-01', D.childSeesNoSuggestions);
  if (target.settings['suggestions.includeMe'] === 'off') return pick(target, 'DEF-02', D.childNeverSuggested);
  if (rel.blocked) return D.blocked;
  return D.allowBySettings;
}

function decideLocation(target: ResolvedAccount, rel: Relationship): Decision {
  if (rel.blocked) return D.blocked;
  switch (target.settings['location.sharing']) {
    case 'guardians':
      return rel.actorIsGuardian ? D.locationToGuardian : pick(target, 'DEF-06', D.locationGuardiansOnly);
    case 'connections':
      if (rel.actorIsGuardian) return D.locationToGuardian;
      if (!rel.connected) return pick(target, 'DEF-06', D.locationConnectionsOnly);
      return target.child ? D.locationToConnection : D.allowBySettings;
    default:
      return pick(target, 'DEF-06', D.locationOff);
  }
}

function decideLivestreamComment(target: ResolvedAccount, rel: Relationship, kind: string | undefined): Decision {
  if (rel.blocked) return D.blocked;
  if (kind === 'record' && target.settings['media.allowDownload'] === 'off') return pick(target, 'DEF-09', D.streamRecord);
  switch (target.settings['livestream.interactionsFrom']) {
    case 'everyone':
      return D.allowBySettings;
    case 'connections':
      return rel.connected ? D.connected : pick(target, 'DEF-08', D.streamConnectionsOnly);
    default:
      return pick(target, 'DEF-16', D.streamNoInteraction);
  }
}

function decideContentView(actor: ResolvedAccount, category: string | undefined): Decision {
  if (category === undefined || !(PPC.has(category) || PRIORITY.has(category) || ADULT_ONLY.has(category))) {
    throw new SafeguardError(
      'validation_failed',
      `content.view needs context.category, one of: ${CONTENT_CATEGORIES.join(', ')}`,
      { category: category ?? null },
    );
  }
  if (PPC.has(category)) {
    if (actor.rules.has('AGE-02')) {
      if (actor.child) return D.ppcChild;
      return actor.band === 'adult' && actor.heaa ? D.ppcAllowed : D.ppcNoHeaa;
    }
    return actor.child ? D.ppcChildNoRule : D.ppcNotChild;
  }
  if (ADULT_ONLY.has(category)) return actor.child ? D.adultOnlyChild : D.adultOnlyAllowed;
  if (!actor.child) return D.priorityAllowed;
  return actor.band === '13-15' || actor.band === '16-17' ? D.priorityTeen : D.priorityYoung;
}

/**
 * Decides one interaction. Throws SafeguardError('unknown_action') for an action it does not know
 * and 'validation_failed' when a target or context the action needs is missing: never a silent allow.
 */
export function decideAction(input: DecisionInput): Decision {
  const { action, actor, target } = input;
  const rel = input.relationship ?? NO_RELATIONSHIP;
  if (action === 'content.view') return decideContentView(actor, input.context?.category);
  if (!Object.hasOwn(ACTIONS, action)) {
    throw new SafeguardError('unknown_action', `Unknown action "${action}". Known actions: ${ACTION_NAMES.join(', ')}`, {
      action,
    });
  }
  if (!target) throw new SafeguardError('validation_failed', `Action "${action}" needs a target account`, { action });
  if (actor.id === target.id) return action === 'connection.request' ? D.connectSelf : action === 'suggestion.show' ? D.suggestSelf : D.self;

  switch (action as Action) {
    case 'message.send':
    case 'media.send':
      return decideMessage(actor, target, rel);
    case 'content.interact':
      return decideInteract(actor, target, rel);
    case 'media.download':
      if (rel.blocked) return D.blocked;
      return target.settings['media.allowDownload'] === 'off' ? pick(target, 'DEF-09', D.download) : D.allowBySettings;
    case 'connection.request':
      return decideConnectionRequest(actor, target, rel);
    case 'suggestion.show':
      return decideSuggestion(actor, target, rel);
    case 'search.appear':
      if (rel.blocked) return D.blocked;
      if (rel.actorIsGuardian) return D.guardian;
      if (rel.connected) return D.connected;
      return target.settings['search.discoverable'] === 'off' ? pick(target, 'DEF-07', D.notSearchable) : D.allowBySettings;
    case 'profile.view':
      if (rel.blocked) return D.blocked;
      if (rel.actorIsGuardian) return D.guardian;
      if (rel.connected) return D.connected;
      return target.settings['profile.visibility'] === 'public' ? D.allowBySettings : pick(target, 'DEF-07', D.privateProfile);
    case 'connections.view': {
      if (rel.blocked) return D.blocked;
      if (rel.actorIsGuardian) return D.guardian;
      const visibility = target.settings['connections.listVisibility'];
      if (visibility === 'public' || (visibility === 'connections' && rel.connected)) return D.listAllowed;
      return visibility === 'connections' ? pick(target, 'DEF-04', D.listConnectionsOnly) : pick(target, 'DEF-04', D.listHidden);
    }
    case 'location.view':
      return decideLocation(target, rel);
    case 'livestream.join':
      if (rel.blocked) return D.blocked;
      if (rel.actorIsGuardian) return D.guardian;
      if (rel.connected) return D.connected;
      return target.settings['profile.visibility'] === 'public' ? D.allowBySettings : pick(target, 'DEF-07', D.streamPrivate);
    case 'livestream.comment':
      return decideLivestreamComment(target, rel, input.context?.kind);
    case 'group.invite':
      if (rel.blocked) return D.blocked;
      if (rel.actorIsGuardian) return D.guardian;
      if (rel.connected) return D.connected;
      return target.settings['interactions.from'] === 'everyone' ? D.allowBySettings : pick(target, 'DEF-08', D.inviteStranger);
    case 'group.add':
      if (rel.blocked) return D.blocked;
      if (target.settings['groups.addWithoutInvite'] === 'on') return D.allowBySettings;
      return input.context?.invitationAccepted === true ? D.addAccepted : pick(target, 'DEF-10', D.addWithoutInvite);
    default:
      throw new SafeguardError('unknown_action', `Unknown action "${action}"`, { action });
  }
}

/** Whether `entry` may appear in a connection list that `viewerId` is looking at (DEF-03). */
export function appearsInConnectionList(entry: ResolvedAccount, viewerId: string): boolean {
  return entry.id === viewerId || entry.settings['connections.appearInOthersLists'] !== 'off';
}

/**
 * Contact-pattern risk from the accounts and connection graph.
 *
 * Contract: a pure function over graph facts the platform already has — connection events,
 * account ages or age bands, accepted connections, and optionally first messages — that returns a
 * 0..1 risk for one subject account with the reasons that raised it. It looks for what adults who
 * target children do and ordinary adults do not: many requests or first messages to children they
 * share no connection with, large age gaps, children declining, removing or blocking them, and
 * friend-of-friend hops from one child into that child's friends. Weights are stated priors
 * (there is no labelled graph data to learn them from) and are listed in docs/detection.md.
 */
import { CHILD_BANDS, type AgeBand } from '@safeguard/core';

export type ConnectionEventType = 'request' | 'accept' | 'decline' | 'remove' | 'block' | 'unblock' | 'mute' | 'unmute';

export interface ConnectionEvent {
  readonly actorId: string;
  readonly targetId: string;
  readonly type: ConnectionEventType;
  /** ISO-8601. */
  readonly at: string;
}

export interface AccountAgeFacts {
  readonly id: string;
  readonly age?: number;
  readonly ageBand?: AgeBand;
}

export interface FirstMessage {
  readonly actorId: string;
  readonly targetId: string;
  readonly at: string;
}

export interface ContactRiskInput {
  readonly subjectId: string;
  readonly accounts: readonly AccountAgeFacts[];
  readonly events: readonly ConnectionEvent[];
  /** Accepted connections known before the events (undirected pairs). */
  readonly connections?: readonly (readonly [string, string])[];
  readonly firstMessages?: readonly FirstMessage[];
  /** Only events at or after this ISO-8601 time count as the subject's recent behaviour. */
  readonly since?: string;
}

export type ContactRiskReasonCode =
  | 'requests-to-unconnected-children'
  | 'first-messages-to-unconnected-children'
  | 'children-decline-or-block'
  | 'large-age-gaps'
  | 'friend-of-friend-into-children'
  | 'mostly-children-targeted';

export interface ContactRiskReason {
  readonly code: ContactRiskReasonCode;
  /** Contribution in logit units. */
  readonly weight: number;
  readonly detail: string;
}

export interface ContactRiskResult {
  readonly subjectId: string;
  readonly score: number;
  readonly reasons: readonly ContactRiskReason[];
  readonly metrics: {
    readonly requestsSent: number;
    readonly requestsToChildren: number;
    readonly requestsToUnconnectedChildren: number;
    readonly firstMessagesToUnconnectedChildren: number;
    readonly rejectionsByChildren: number;
    readonly largeGapChildren: number;
    readonly friendOfFriendChildren: number;
  };
}

export const CONTACT_RISK_WEIGHTS = {
  base: -4,
  unconnectedRequests: 2.0,
  unconnectedFirstMessages: 1.5,
  rejections: 2.0,
  largeGaps: 1.0,
  friendOfFriend: 1.5,
  childShare: 1.0,
  subjectIsChild: -2.5,
  subjectAgeUnknown: -0.5,
} as const;

const BAND_AGE: Record<AgeBand, number | null> = { under13: 11, '13-15': 14, '16-17': 16.5, adult: 30, unknown: null };

function ageOf(a: AccountAgeFacts | undefined): number | null {
  if (a === undefined) return null;
  if (typeof a.age === 'number' && Number.isFinite(a.age)) return a.age;
  return a.ageBand !== undefined ? BAND_AGE[a.ageBand] : null;
}

function isChild(a: AccountAgeFacts | undefined): boolean {
  if (a === undefined) return false;
  if (typeof a.age === 'number' && Number.isFinite(a.age)) return a.age < 18;
  return a.ageBand !== undefined && CHILD_BANDS.includes(a.ageBand);
}

const key = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export function assessContactRisk(input: ContactRiskInput): ContactRiskResult {
  const W = CONTACT_RISK_WEIGHTS;
  const subject = input.subjectId;
  const accounts = new Map(input.accounts.map((a) => [a.id, a]));
  const since = input.since !== undefined ? Date.parse(input.since) : Number.NaN;
  const recent = (at: string): boolean => !Number.isFinite(since) || !(Date.parse(at) < since);

  // Build the accepted-connection graph in event order: request + accept connects, remove/block
  // disconnects. Remember which connections existed before each request, for "shared nobody".
  const edges = new Set<string>();
  const adj = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    edges.add(key(a, b));
    (adj.get(a) ?? adj.set(a, new Set()).get(a))?.add(b);
    (adj.get(b) ?? adj.set(b, new Set()).get(b))?.add(a);
  };
  const unlink = (a: string, b: string): void => {
    edges.delete(key(a, b));
    adj.get(a)?.delete(b);
    adj.get(b)?.delete(a);
  };
  for (const [a, b] of input.connections ?? []) link(a, b);
  const neighbours = (id: string): ReadonlySet<string> => adj.get(id) ?? new Set<string>();
  const shareConnection = (a: string, b: string): boolean => {
    const na = neighbours(a);
    for (const x of neighbours(b)) if (na.has(x)) return true;
    return false;
  };

  const events = [...input.events].sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  const pending = new Set<string>();
  let requestsSent = 0;
  const childTargets = new Set<string>();
  const unconnectedChildTargets = new Set<string>();
  const fofChildTargets = new Set<string>();
  const rejectingChildren = new Set<string>();
  for (const e of events) {
    const inWindow = recent(e.at);
    if (e.type === 'request') {
      pending.add(`${e.actorId}\u0000${e.targetId}`);
      if (e.actorId === subject && inWindow) {
        requestsSent += 1;
        const target = accounts.get(e.targetId);
        if (isChild(target)) {
          childTargets.add(e.targetId);
          if (!edges.has(key(subject, e.targetId)) && !shareConnection(subject, e.targetId)) unconnectedChildTargets.add(e.targetId);
          // Friend-of-friend hop: the target is a friend of a child the subject is already connected to.
          for (const friend of neighbours(subject)) {
            if (isChild(accounts.get(friend)) && neighbours(friend).has(e.targetId)) {
              fofChildTargets.add(e.targetId);
              break;
            }
          }
        }
      }
    } else if (e.type === 'accept') {
      if (pending.delete(`${e.targetId}\u0000${e.actorId}`) || pending.delete(`${e.actorId}\u0000${e.targetId}`)) link(e.actorId, e.targetId);
    } else if (e.type === 'decline' || e.type === 'remove' || e.type === 'block') {
      pending.delete(`${e.targetId}\u0000${e.actorId}`);
      if (e.type !== 'decline') unlink(e.actorId, e.targetId);
      if (e.targetId === subject && inWindow && isChild(accounts.get(e.actorId))) rejectingChildren.add(e.actorId);
    } else if (e.type === 'mute' && e.targetId === subject && inWindow && isChild(accounts.get(e.actorId))) {
      // A child muting the subject is a quieter way of saying no; unblock and unmute undo nothing
      // here, because the rejection already happened.
      rejectingChildren.add(e.actorId);
    }
  }
  const firstMessageChildren = new Set<string>();
  for (const m of input.firstMessages ?? []) {
    if (m.actorId !== subject || !recent(m.at)) continue;
    if (isChild(accounts.get(m.targetId)) && !shareConnection(subject, m.targetId) && !edges.has(key(subject, m.targetId))) {
      firstMessageChildren.add(m.targetId);
    }
  }
  const subjectAge = ageOf(accounts.get(subject));
  const contactedChildren = new Set([...childTargets, ...firstMessageChildren]);
  let largeGap = 0;
  if (subjectAge !== null) {
    for (const c of contactedChildren) {
      const a = ageOf(accounts.get(c));
      if (a !== null && subjectAge - a >= 10) largeGap += 1;
    }
  }

  const reasons: ContactRiskReason[] = [];
  const addReason = (code: ContactRiskReasonCode, weight: number, detail: string): void => {
    if (weight > 0) reasons.push({ code, weight, detail });
  };
  const sat = (x: number, scale: number): number => Math.min(x / scale, 1.5);
  addReason('requests-to-unconnected-children', W.unconnectedRequests * sat(unconnectedChildTargets.size, 8), `${unconnectedChildTargets.size} connection requests to children with no shared connection`);
  addReason('first-messages-to-unconnected-children', W.unconnectedFirstMessages * sat(firstMessageChildren.size, 8), `${firstMessageChildren.size} first messages to children with no shared connection`);
  const rejectionRate = childTargets.size >= 3 ? rejectingChildren.size / childTargets.size : 0;
  addReason('children-decline-or-block', W.rejections * Math.min(rejectionRate, 1), `${rejectingChildren.size} of ${childTargets.size} children declined, removed, blocked or muted`);
  const gapShare = contactedChildren.size > 0 ? (largeGap / contactedChildren.size) * Math.min(1, contactedChildren.size / 3) : 0;
  addReason('large-age-gaps', W.largeGaps * gapShare, `${largeGap} contacted children at least 10 years younger`);
  addReason('friend-of-friend-into-children', W.friendOfFriend * sat(fofChildTargets.size, 4), `${fofChildTargets.size} requests to friends of children already connected`);
  const childShare = requestsSent >= 5 ? childTargets.size / requestsSent : 0;
  addReason('mostly-children-targeted', W.childShare * Math.max(0, childShare - 0.3) / 0.7, `${childTargets.size} of ${requestsSent} requests went to children`);

  let z = W.base + reasons.reduce((s, r) => s + r.weight, 0);
  if (subjectAge === null) z += W.subjectAgeUnknown;
  else if (subjectAge < 18) z += W.subjectIsChild;
  return {
    subjectId: subject,
    score: 1 / (1 + Math.exp(-z)),
    reasons: reasons.sort((a, b) => b.weight - a.weight),
    metrics: {
      requestsSent,
      requestsToChildren: childTargets.size,
      requestsToUnconnectedChildren: unconnectedChildTargets.size,
      firstMessagesToUnconnectedChildren: firstMessageChildren.size,
      rejectionsByChildren: rejectingChildren.size,
      largeGapChildren: largeGap,
      friendOfFriendChildren: fofChildTargets.size,
    },
  };
}

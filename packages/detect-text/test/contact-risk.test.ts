/**
 * Contact-pattern risk over graph facts: scattershot requests to unconnected children, rejections,
 * age gaps and friend-of-friend hops raise risk; ordinary adult and teen networking does not.
 */
import { describe, expect, it } from 'vitest';
import { assessContactRisk, type AccountAgeFacts, type ConnectionEvent } from '../src/index.js';

const at = (i: number): string => new Date(Date.UTC(2026, 2, 1, 12, i)).toISOString();

describe('assessContactRisk', () => {
  it('scores an adult who sends many requests to unconnected children, most of whom decline or block', () => {
    const accounts: AccountAgeFacts[] = [{ id: 'adult', age: 38 }];
    const events: ConnectionEvent[] = [];
    for (let i = 0; i < 12; i += 1) {
      accounts.push({ id: `kid${i}`, age: 12 + (i % 3) });
      events.push({ actorId: 'adult', targetId: `kid${i}`, type: 'request', at: at(i) });
      events.push({ actorId: `kid${i}`, targetId: 'adult', type: i % 2 ? 'decline' : 'block', at: at(i + 30) });
    }
    const r = assessContactRisk({ subjectId: 'adult', accounts, events });
    expect(r.score).toBeGreaterThan(0.8);
    expect(r.reasons.map((x) => x.code)).toEqual(expect.arrayContaining(['requests-to-unconnected-children', 'children-decline-or-block', 'large-age-gaps']));
    expect(r.metrics.requestsToUnconnectedChildren).toBe(12);
    expect(r.metrics.rejectionsByChildren).toBe(12);
  });

  it('detects friend-of-friend hops from one child into that child’s friends', () => {
    const accounts: AccountAgeFacts[] = [{ id: 'adult', age: 35 }, { id: 'k0', age: 13 }];
    const connections: [string, string][] = [['adult', 'k0']];
    const events: ConnectionEvent[] = [];
    for (let i = 1; i <= 6; i += 1) {
      accounts.push({ id: `k${i}`, age: 13 });
      connections.push(['k0', `k${i}`]);
      events.push({ actorId: 'adult', targetId: `k${i}`, type: 'request', at: at(i) });
    }
    const r = assessContactRisk({ subjectId: 'adult', accounts, events, connections });
    expect(r.metrics.friendOfFriendChildren).toBe(6);
    expect(r.reasons.map((x) => x.code)).toContain('friend-of-friend-into-children');
    expect(r.score).toBeGreaterThan(0.5);
  });

  it('keeps ordinary patterns low: an adult adding adults, a teen adding classmates', () => {
    const accounts: AccountAgeFacts[] = [{ id: 'a', age: 30 }, { id: 't', age: 14 }];
    const events: ConnectionEvent[] = [];
    for (let i = 0; i < 10; i += 1) {
      accounts.push({ id: `adult${i}`, age: 25 + i }, { id: `teen${i}`, age: 14 });
      events.push({ actorId: 'a', targetId: `adult${i}`, type: 'request', at: at(i) });
      events.push({ actorId: `adult${i}`, targetId: 'a', type: 'accept', at: at(i + 1) });
      events.push({ actorId: 't', targetId: `teen${i}`, type: 'request', at: at(i) });
    }
    expect(assessContactRisk({ subjectId: 'a', accounts, events }).score).toBeLessThan(0.1);
    expect(assessContactRisk({ subjectId: 't', accounts, events }).score).toBeLessThan(0.2);
  });

  it('counts first messages to unconnected children, and respects the window', () => {
    const accounts: AccountAgeFacts[] = [{ id: 'adult', ageBand: 'adult' }];
    const firstMessages = Array.from({ length: 10 }, (_, i) => {
      accounts.push({ id: `c${i}`, ageBand: 'under13' });
      return { actorId: 'adult', targetId: `c${i}`, at: at(i) };
    });
    const r = assessContactRisk({ subjectId: 'adult', accounts, events: [], firstMessages });
    expect(r.metrics.firstMessagesToUnconnectedChildren).toBe(10);
    expect(r.score).toBeGreaterThan(0.2);
    expect(assessContactRisk({ subjectId: 'adult', accounts, events: [], firstMessages, since: '2027-01-01T00:00:00Z' }).metrics.firstMessagesToUnconnectedChildren).toBe(0);
  });

  it('unlinks on remove and block', () => {
    const accounts: AccountAgeFacts[] = [{ id: 'x', age: 40 }, { id: 'k', age: 12 }, { id: 'f', age: 12 }];
    const events: ConnectionEvent[] = [
      { actorId: 'x', targetId: 'k', type: 'request', at: at(0) },
      { actorId: 'k', targetId: 'x', type: 'accept', at: at(1) },
      { actorId: 'k', targetId: 'x', type: 'block', at: at(2) },
      { actorId: 'x', targetId: 'f', type: 'request', at: at(3) },
    ];
    const r = assessContactRisk({ subjectId: 'x', accounts, events, connections: [['k', 'f']] });
    expect(r.metrics.friendOfFriendChildren).toBe(0);
    expect(r.metrics.rejectionsByChildren).toBe(1);
  });
});

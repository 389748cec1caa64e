/**
 * How the server is expected to use the package: interleaved messages from many conversations,
 * each conversation's state kept as JSON in a key-value store between messages (as a database row
 * would be), alerts raised while streaming, then account-level aggregation over the per-conversation
 * scores of one sender. Conversations are written for the project.
 */
import { describe, expect, it } from 'vitest';
import { aggregateAccountRisk, createGroomingDetector, type GroomingState, type ParticipantFacts } from '../src/index.js';

describe('server-style streaming', () => {
  it('interleaves conversations through a JSON store and alerts only where grooming happens', () => {
    const detector = createGroomingDetector();
    const store = new Map<string, string>();
    const facts: Record<string, ParticipantFacts[]> = {
      c1: [{ id: 'adult', age: 36 }, { id: 'kid', age: 12 }],
      c2: [{ id: 't1', age: 14 }, { id: 't2', age: 14 }],
    };
    const script: [string, string, string][] = [
      ['c1', 'adult', 'hey, great match'],
      ['c2', 't1', 'did u finish the essay'],
      ['c1', 'kid', 'thanks'],
      ['c1', 'adult', 'how old are you?'],
      ['c2', 't2', 'nope lol, due friday right?'],
      ['c1', 'kid', '12'],
      ['c1', 'adult', 'you seem so mature. add me on snapchat'],
      ['c2', 't1', 'yeah friday. add me on snap btw'],
      ['c1', 'adult', 'and dont tell your parents, its our secret'],
      ['c1', 'adult', 'send me a pic when youre alone'],
    ];
    const counters = new Map<string, number>();
    const alerts: { conversation: string; at: number }[] = [];
    for (const [conversation, from, text] of script) {
      const stored = store.get(conversation);
      const state = stored === undefined ? detector.init() : (JSON.parse(stored) as GroomingState);
      const index = counters.get(conversation) ?? 0;
      const r = detector.step(state, { from, text }, stored === undefined ? { index, participants: facts[conversation] ?? [] } : { index });
      if (r.alertRaised) alerts.push({ conversation, at: index });
      store.set(conversation, JSON.stringify(r.state));
      counters.set(conversation, index + 1);
    }
    expect(alerts.map((a) => a.conversation)).toEqual(['c1']);
    const c1 = detector.assess(JSON.parse(store.get('c1') ?? '{}') as GroomingState);
    const c2 = detector.assess(JSON.parse(store.get('c2') ?? '{}') as GroomingState);
    expect(c1.suspect).toBe('adult');
    expect(c1.evidence.some((e) => e.type === 'secrecy')).toBe(true);
    expect(c2.alert).toBe(false);
    // Account level: the adult's scores across conversations with children.
    const account = aggregateAccountRisk([{ conversationId: 'c1', score: c1.participants.adult?.score ?? 0, withChild: true, alert: c1.alert }]);
    expect(account.flagged).toBe(true);
    expect(account.reasons).toContain('conversation-alert');
  });
});

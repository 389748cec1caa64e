/**
 * Properties over random inputs: the graph and account functions are total, bounded to 0..1 and
 * deterministic; the detector's conversation score never falls while a conversation streams.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateAccountRisk, assessContactRisk, createGroomingDetector, type ConnectionEventType } from '../src/index.js';

const TYPES: ConnectionEventType[] = ['request', 'accept', 'decline', 'remove', 'block', 'unblock', 'mute', 'unmute'];
const id = fc.constantFrom('s', 'a', 'b', 'c', 'd', 'e', 'f');

describe('properties', () => {
  it('contact risk is total, in 0..1 and deterministic on random graphs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ actorId: id, targetId: id, type: fc.constantFrom(...TYPES), at: fc.integer({ min: 0, max: 10_000 }).map((m) => new Date(Date.UTC(2026, 0, 1) + m * 60_000).toISOString()) }), { maxLength: 60 }),
        fc.array(fc.tuple(id, id), { maxLength: 10 }),
        fc.array(fc.record({ id, age: fc.option(fc.integer({ min: 5, max: 80 }), { nil: undefined }) }), { maxLength: 7 }),
        (events, connections, accounts) => {
          const input = { subjectId: 's', events, connections, accounts: accounts.map((a) => (a.age === undefined ? { id: a.id } : { id: a.id, age: a.age })) };
          const a = assessContactRisk(input);
          expect(a.score).toBeGreaterThanOrEqual(0);
          expect(a.score).toBeLessThanOrEqual(1);
          expect(assessContactRisk(input)).toEqual(a);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('account risk is in 0..1 and monotone in each conversation score', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.nat(29), (scores, k) => {
        const convs = scores.map((score, i) => ({ conversationId: String(i), score, withChild: true }));
        const base = aggregateAccountRisk(convs);
        expect(base.score).toBeGreaterThanOrEqual(0);
        expect(base.score).toBeLessThanOrEqual(1);
        const j = k % convs.length;
        const bumped = convs.map((c, i) => (i === j ? { ...c, score: Math.min(1, c.score + 0.1) } : c));
        expect(aggregateAccountRisk(bumped).score).toBeGreaterThanOrEqual(base.score);
      }),
      { numRuns: 200 },
    );
  });

  it('the conversation score never falls while messages stream in, and alertAt never moves once set', () => {
    const words = ['hi', 'how old are you', 'send me a pic', 'lol', 'dont tell anyone', 'add me on snap', 'ok', 'are you alone', 'nice game'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom(...words)), { maxLength: 40 }), (msgs) => {
        const d = createGroomingDetector();
        let state = d.init();
        let last = 0;
        let alertAt: number | null = null;
        msgs.forEach(([from, text], index) => {
          state = d.step(state, { from, text }, index === 0 ? { index, participants: [{ id: 'a', age: 35 }, { id: 'b', age: 12 }] } : { index }).state;
          const a = d.assess(state);
          expect(a.score).toBeGreaterThanOrEqual(last);
          if (alertAt !== null) expect(a.alertAt).toBe(alertAt);
          expect(a.alert).toBe(a.score >= d.policy.threshold);
          last = a.score;
          alertAt = a.alertAt;
        });
      }),
      { numRuns: 150 },
    );
  });
});

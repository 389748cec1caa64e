/**
 * The shared contract suite every detector runs (see `Detector` in src/types.ts). A new detector
 * adds one line to detectors.test.ts; it is then checked for: a stable kebab-case id, JSON state,
 * determinism, restart from stored state, totality on arbitrary input, bounded state, correct
 * signal attribution, and quiet on its benign examples.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConversationMessage, Detector, DetectorContext, ExampleConversation } from '../src/index.js';

export interface ContractOptions<S> {
  /** How to tell whether a state means "alert" (detectors without alerts omit it). */
  readonly alerts?: (detector: Detector<S>, state: S) => boolean;
}

const groomingLike: ConversationMessage[] = [
  { from: 'a', text: 'how old are you?' },
  { from: 'b', text: 'im 12' },
  { from: 'a', text: 'you are so mature for your age' },
  { from: 'a', text: 'add me on snapchat, dont tell your parents' },
  { from: null, text: 'send me a pic 📸' },
  { from: 'a', text: 'are you home alone?' },
];

function replay<S>(detector: Detector<S>, messages: readonly ConversationMessage[], example?: ExampleConversation): { state: S; signals: unknown[] } {
  let state = detector.init();
  const signals: unknown[] = [];
  messages.forEach((m, index) => {
    const ctx: DetectorContext = index === 0 && example ? { index, participants: example.participants } : { index };
    const r = detector.step(state, m, ctx);
    state = r.state;
    signals.push(...r.signals);
  });
  return { state, signals };
}

export function runDetectorContract<S>(name: string, create: () => Detector<S>, options: ContractOptions<S> = {}): void {
  describe(`detector contract: ${name}`, () => {
    it('has a stable kebab-case id, a description and benign examples', () => {
      const d = create();
      expect(d.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.benignExamples.length).toBeGreaterThanOrEqual(3);
      for (const ex of d.benignExamples) expect(ex.messages.length).toBeGreaterThan(0);
    });

    it('keeps its state as plain JSON', () => {
      const d = create();
      const init = d.init();
      expect(JSON.parse(JSON.stringify(init))).toEqual(init);
      const { state } = replay(d, groomingLike);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    });

    it('is deterministic', () => {
      const a = replay(create(), groomingLike);
      const b = replay(create(), groomingLike);
      expect(b).toEqual(a);
    });

    it('continues identically from a stored and restored state (restart or move)', () => {
      const d = create();
      const whole = replay(d, groomingLike);
      for (let cut = 0; cut <= groomingLike.length; cut += 1) {
        let state = d.init();
        const signals: unknown[] = [];
        groomingLike.forEach((m, index) => {
          if (index === cut) state = JSON.parse(JSON.stringify(state)) as S;
          const r = create().step(state, m, { index });
          state = r.state;
          signals.push(...r.signals);
        });
        expect({ state: JSON.parse(JSON.stringify(state)) as unknown, signals }).toEqual({ state: JSON.parse(JSON.stringify(whole.state)) as unknown, signals: whole.signals });
      }
    });

    it('attributes signals to the message index and speaker', () => {
      const d = create();
      let state = d.init();
      groomingLike.forEach((m, index) => {
        const r = d.step(state, m, { index });
        state = r.state;
        for (const s of r.signals) {
          expect(s.message).toBe(index);
          expect(s.participant).toBe(m.from);
        }
      });
    });

    it('never throws on arbitrary text, senders and sizes', () => {
      const d = create();
      fc.assert(
        fc.property(
          fc.array(fc.record({ from: fc.option(fc.string({ maxLength: 8 }), { nil: null }), text: fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })) }), { maxLength: 20 }),
          (messages) => {
            const { state } = replay(d, messages);
            expect(JSON.parse(JSON.stringify(state))).toBeDefined();
          },
        ),
        { numRuns: 60 },
      );
      const huge = 'send me a pic '.repeat(80_000);
      expect(() => replay(d, [{ from: 'x', text: huge }, { from: 'x', text: '' }])).not.toThrow();
    });

    it('keeps state bounded however long the conversation runs', () => {
      const d = create();
      let state = d.init();
      const sizes: number[] = [];
      for (let i = 0; i < 4000; i += 1) {
        state = d.step(state, { from: i % 2 ? 'a' : 'b', text: `message ${i} about the game, add me on discord maybe` }, { index: i }).state;
        if (i === 100 || i === 3999) sizes.push(JSON.stringify(state).length);
      }
      expect(sizes[1]).toBeLessThan(4096);
      // Only the digits of counters and indices may grow (logarithmically), never lists.
      expect((sizes[1] ?? 0) - (sizes[0] ?? 0)).toBeLessThan(256);
    });

    if (options.alerts) {
      const alerts = options.alerts;
      it('does not alert on its benign examples', () => {
        const d = create();
        for (const ex of d.benignExamples) {
          const { state } = replay(d, ex.messages, ex);
          expect({ example: ex.id, alert: alerts(d, state) }).toEqual({ example: ex.id, alert: false });
        }
      });
    }
  });
}

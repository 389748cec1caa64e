/**
 * Streaming grooming detection: who is the groomer, persistence, age facts as priors, early
 * alerts, per-message actions and bad input. Conversations are written for the project.
 */
import { describe, expect, it } from 'vitest';
import {
  COMBINATION,
  createGroomingDetector,
  defaultModel,
  scoreConversation,
  type ConversationMessage,
  type InputConversation,
  type InputParticipant,
} from '../src/index.js';

const conv = (participants: InputParticipant[], messages: [string | null, string][]): InputConversation => ({
  id: 't',
  participants,
  messages: messages.map(([from, text]) => ({ from, text })),
  truth: { suspects: [] },
});

const GROOMING: [string, string][] = [
  ['a', 'hey you were great in that match'],
  ['b', 'thanks'],
  ['a', 'how old are you?'],
  ['b', 'im 12'],
  ['a', 'you are really mature for your age'],
  ['a', 'i can get you robux, do you have snapchat?'],
  ['b', 'yeah'],
  ['a', 'dont tell your parents, its our secret'],
  ['a', 'send me a pic of you'],
  ['a', 'are you home alone right now?'],
];

describe('grooming detector', () => {
  it('alerts on an adult using several tactics on a child, and ranks the adult first', () => {
    const s = scoreConversation(conv([{ id: 'a', age: 34 }, { id: 'b', age: 12 }], GROOMING));
    expect(s.alert).toBe(true);
    expect(s.alert_at).not.toBeNull();
    expect(s.alert_at ?? 99).toBeLessThanOrEqual(9);
    expect(s.participants.a?.score ?? 0).toBeGreaterThan(0.5);
    expect(s.participants.b?.score ?? 1).toBeLessThan(0.2);
    expect(new Set(s.signals.map((x) => x.type))).toEqual(
      new Set(['age-probe', 'age-disclosure', 'flattery', 'gift-offer', 'off-platform-move', 'secrecy', 'media-request', 'isolation-probe']),
    );
  });

  it('uses platform ages: the same words between 13-year-old peers score far lower', () => {
    // A milder exchange than GROOMING, so no score saturates at 1 after rounding.
    const mild = GROOMING.slice(0, 6);
    const adult = scoreConversation(conv([{ id: 'a', age: 34 }, { id: 'b', age: 12 }], mild));
    const peers = scoreConversation(conv([{ id: 'a', age: 13 }, { id: 'b', age: 13 }], mild));
    const unknown = scoreConversation(conv([{ id: 'a' }, { id: 'b' }], mild));
    expect(peers.participants.a?.score ?? 1).toBeLessThan(adult.participants.a?.score ?? 0);
    expect(unknown.participants.a?.score ?? 1).toBeLessThan(adult.participants.a?.score ?? 0);
    expect(peers.participants.a?.score ?? 1).toBeLessThan(unknown.participants.a?.score ?? 0);
  });

  it('reports an adult account posing as a child (declared age below 18) once', () => {
    const s = scoreConversation({
      ...conv([{ id: 'a', age: 31, declared_age: 14 }, { id: 'b', age: 13 }], [['a', 'hi'], ['b', 'hey'], ['a', 'what grade are you in']]),
    });
    const imp = s.signals.filter((x) => x.type === 'age-peer-impersonation');
    expect(imp).toHaveLength(1);
    expect(imp[0]).toMatchObject({ participant: 'a', message: 0 });
    // The library API also says why (the score file format has no room for it).
    const d = createGroomingDetector();
    const r = d.step(d.init(), { from: 'a', text: 'hi' }, { index: 0, participants: [{ id: 'a', age: 31, declaredAge: 14 }, { id: 'b', age: 13 }] });
    expect(r.signals).toContainEqual({ type: 'age-peer-impersonation', message: 0, participant: 'a', detail: 'age-mismatch' });
  });

  it('needs persistence: one risky message from a new participant does not alert', () => {
    const d = createGroomingDetector();
    let state = d.init();
    const r = d.step(state, { from: 'x', text: 'send me nudes or ill send your pics to everyone' }, { index: 0, participants: [{ id: 'x', age: 30 }, { id: 'y', age: 12 }] });
    state = r.state;
    expect(r.senderRisk).toBeGreaterThan(0);
    expect(d.assess(state).alert).toBe(false);
  });

  it('alert_at is the first index at which the streaming decision alerts (prefix-consistent)', () => {
    const full = scoreConversation(conv([{ id: 'a', age: 34 }, { id: 'b', age: 12 }], GROOMING));
    const at = full.alert_at ?? -1;
    const prefix = scoreConversation(conv([{ id: 'a', age: 34 }, { id: 'b', age: 12 }], GROOMING.slice(0, at)));
    expect(prefix.alert).toBe(false);
    const upTo = scoreConversation(conv([{ id: 'a', age: 34 }, { id: 'b', age: 12 }], GROOMING.slice(0, at + 1)));
    expect(upTo.alert_at).toBe(at);
  });

  it('lowers risk when family context is present', () => {
    const msgs: [string, string][] = [
      ['p', 'are you home alone? dad is at work'],
      ['k', 'yes mum'],
      ['p', 'lock the door please, dinner is in the fridge'],
      ['k', 'ok mum love you'],
    ];
    const withCue = scoreConversation(conv([{ id: 'p', age: 40 }, { id: 'k', age: 11 }], msgs));
    expect(withCue.alert).toBe(false);
  });

  it('reads a relative named without "your" as family only when an adult account says it', () => {
    const relative = scoreConversation(conv([{ id: 'n', age: 72 }, { id: 'e', age: 10 }], [
      ['n', 'Happy birthday darling!! 10 years old!!'],
      ['e', 'thank u!!'],
      ['n', 'I sent you a gift card for robux, mum has the code'],
      ['n', 'send me a photo with your cake later, grandad wants to see it'],
    ]));
    expect(relative.alert).toBe(false);
    expect(relative.signals.map((s) => s.type)).not.toContain('age-peer-impersonation');
    // The same cue from the child lowers nobody's risk: children say "mum says" to anyone.
    const stranger = (childLine: string) => scoreConversation(conv([{ id: 'a', age: 38 }, { id: 'c', age: 12 }], [
      ['a', 'you seem so mature, how old are you'],
      ['c', childLine],
      ['a', 'do your parents check your phone?'],
      ['a', 'add me on snap, dont tell anyone'],
    ])).participants['a']?.score ?? 0;
    expect(stranger('mum says i cant talk long')).toBeCloseTo(stranger('i cant talk long'), 6);
  });

  it('lowers only the speaker\'s risk for a relative named as their own, and less than a family cue', () => {
    const neighbour = scoreConversation(conv([{ id: 'g', age: 51 }, { id: 'c', age: 12 }], [
      ['g', 'all on your own this week? come over whenever'],
      ['c', 'maybe'],
      ['g', 'dont tell mum i spoil you, our little secret'],
      ['g', 'best not mention it to her, she worries'],
    ]));
    expect(neighbour.participants['g']?.score ?? 0).toBeGreaterThan(0.5);
    expect(neighbour.alert).toBe(true);
  });

  it('scores() gives exactly the numbers of assess(), without explanations', () => {
    const d = createGroomingDetector();
    let state = d.init();
    const people = [{ id: 'a', age: 34 }, { id: 'b', age: 12 }, { id: '__proto__', age: 13 }];
    GROOMING.forEach(([from, text], index) => {
      state = d.step(state, { from, text }, { index, participants: people }).state;
      const full = d.assess(state);
      const light = d.scores(state);
      expect(light.score).toBe(full.score);
      expect(Object.fromEntries(light.participants)).toEqual(Object.fromEntries(Object.entries(full.participants).map(([id, a]) => [id, a.score])));
    });
  });

  it('recommends actions per message: warn a child about an adult pushing off-platform, hold severe messages', () => {
    const d = createGroomingDetector({ policy: { holdThreshold: 0.3, warnThreshold: 0.1 } });
    let state = d.init();
    const facts = [{ id: 'a', age: 40 }, { id: 'b', age: 12 }];
    const steps: ConversationMessage[] = [
      { from: 'a', text: 'how was school' },
      { from: 'a', text: 'add me on snapchat' },
      { from: 'a', text: 'dont tell your parents, send me a pic' },
    ];
    const actions = steps.map((m, index) => {
      const r = d.step(state, m, { index, participants: facts });
      state = r.state;
      return r.action;
    });
    expect(actions[0]).toBe('deliver');
    expect(actions[1]).toBe('deliver_with_warning');
    expect(actions[2]).toBe('hold_for_review');
  });

  it('treats a long flattened segment with unknown speakers as enough evidence on its own', () => {
    const segment = Array.from({ length: 12 }, () => 'how old are you. dont tell your parents. send me a pic. are you home alone').join(' ');
    const s = scoreConversation({ id: 'seg', participants: [], messages: [{ from: null, text: segment }], truth: { suspects: [] } });
    expect(s.score).toBeGreaterThan(0);
    expect(Object.keys(s.participants)).toEqual([]);
  });

  it('bounds participants kept in state', () => {
    const d = createGroomingDetector({ maxParticipants: 8 });
    let state = d.init();
    for (let i = 0; i < 100; i += 1) state = d.step(state, { from: `u${i}`, text: 'hi all' }, { index: i }).state;
    expect(Object.keys(state.participants).length).toBeLessThanOrEqual(9);
  });
});

describe('age facts', () => {
  it('flags an adult account that states a child age in text even when it declared an adult age', () => {
    const s = scoreConversation(conv([{ id: 'a', age: 29, declared_age: 29 }, { id: 'b', age: 13 }], [['a', 'hey'], ['b', 'hi'], ['a', 'im 14 lol']]));
    expect(s.signals.some((x) => x.type === 'age-peer-impersonation' && x.participant === 'a' && x.message === 2)).toBe(true);
  });

  it('reads a bare number answering an age question as the answerer’s age', () => {
    const d = createGroomingDetector();
    let state = d.init();
    const msgs: ConversationMessage[] = [{ from: 'a', text: 'how old are you?' }, { from: 'b', text: '12' }];
    msgs.forEach((m, index) => {
      state = d.step(state, m, { index }).state;
    });
    expect(state.participants['p:b']?.statedAge).toBe(12);
    expect(state.participants['p:a']?.statedAge).toBeNull();
  });

  it('does not read a bare number as an age without a recent age question', () => {
    const d = createGroomingDetector();
    let state = d.init();
    state = d.step(state, { from: 'a', text: 'how many points did you get' }, { index: 0 }).state;
    state = d.step(state, { from: 'b', text: '12' }, { index: 1 }).state;
    expect(state.participants['p:b']?.statedAge).toBeNull();
  });
});

describe('text model bounded by platform ages', () => {
  // The same conversation scored with the research model and with models whose text evidence is
  // pushed to the extremes: with platform ages the model moves risk by at most the cap. (Without
  // the platform text model, whose own bounds are tested with it: stacked on top, it can push this
  // conversation's risk to 1 exactly, where a logit says nothing.)
  const logit = (p: number): number => Math.log(p / (1 - p));
  const riskOf = (bias: number, participants: InputParticipant[]): number => {
    const { platform: _platform, ...base } = defaultModel();
    const d = createGroomingDetector({ model: { ...base, bias: base.bias + bias } });
    return scoreConversation(conv(participants, GROOMING), { detector: d }).participants['a']?.score ?? NaN;
  };
  const known: InputParticipant[] = [{ id: 'a', age: 34 }, { id: 'b', age: 12 }];

  it('cannot veto or invent behaviour evidence when the platform supplies ages', () => {
    const low = riskOf(-40, known);
    const high = riskOf(40, known);
    // (scores are reported rounded, which moves a logit near 1 by a few hundredths)
    expect(logit(high) - logit(low)).toBeLessThanOrEqual(2 * COMBINATION.platformModelCap + 0.1);
    expect(low).toBeGreaterThanOrEqual(createGroomingDetector().policy.threshold);
  });

  it('keeps its full weight without platform ages (research data has none)', () => {
    const unknown: InputParticipant[] = [{ id: 'a' }, { id: 'b' }];
    expect(logit(riskOf(40, unknown)) - logit(riskOf(-40, unknown))).toBeGreaterThan(10);
  });
});

describe('evidence', () => {
  it('keeps the most recent signals in state, bounded, to explain an alert', () => {
    const d = createGroomingDetector({ maxEvidence: 3 });
    let state = d.init();
    GROOMING.forEach(([from, text], index) => {
      state = d.step(state, { from, text }, index === 0 ? { index, participants: [{ id: 'a', age: 34 }, { id: 'b', age: 12 }] } : { index }).state;
    });
    const a = d.assess(state);
    expect(a.evidence).toHaveLength(3);
    expect(a.evidence.map((s) => s.type)).toEqual(['secrecy', 'media-request', 'isolation-probe']);
    expect(a.evidence.every((s) => s.participant === 'a')).toBe(true);
  });
});

describe('coercion', () => {
  it('alerts on threats repeated in two messages, whatever the text model says', () => {
    const s = scoreConversation(
      conv([{ id: 'x', age: 25 }, { id: 'y', age: 14 }], [
        ['x', 'remember me'],
        ['y', 'what do you want'],
        ['x', 'i still have your pics'],
        ['x', 'pay me or i post them, everyone in your class will see'],
      ]),
    );
    expect(s.alert).toBe(true);
    expect(s.alert_at).toBe(3);
    expect(s.participants.x?.score ?? 0).toBeGreaterThanOrEqual(0.95);
  });
});

describe('hostile ids', () => {
  it('treats ids like __proto__, constructor and toString as plain participants', () => {
    const ids = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    const s = scoreConversation(conv(ids.map((id) => ({ id, age: 30 })), ids.map((id): [string, string] => [id, 'how old are you? add me on snap'])));
    expect(Object.keys(s.participants).sort()).toEqual([...ids].sort());
    expect(Object.getPrototypeOf(s.participants)).toBe(Object.prototype);
    const roundTrip = JSON.parse(JSON.stringify(s)) as { participants: Record<string, unknown> };
    expect(Object.hasOwn(roundTrip.participants, '__proto__')).toBe(true);
  });
});

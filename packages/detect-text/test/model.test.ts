/**
 * The committed model loads without I/O, is small and trained; the trainer is deterministic and
 * its packing round-trips.
 */
import { describe, expect, it } from 'vitest';
import { MODEL_DATA } from '../src/model/model-data.generated.js';
import { PLATFORM_MODEL_DATA } from '../src/model/platform-data.generated.js';
import {
  HASH_BUCKETS,
  MONOTONE_BEHAVIOUR_FEATURES,
  createGroomingDetector,
  scoreConversation,
  ParticipantExampleBuilder,
  defaultModel,
  fitLogistic,
  fitPlatt,
  loadModel,
  packTextWeights,
  rawLogit,
  topWeights,
  type GroomingModel,
} from '../src/index.js';
import { COMBINATION } from '../src/tactics.js';

describe('committed model', () => {
  it('is trained, small, and decodes', () => {
    expect(MODEL_DATA.version).toMatch(/^grooming-lr-[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(JSON.stringify(MODEL_DATA).length).toBeLessThan(400_000);
    const m = defaultModel();
    expect(m.text.length).toBe(HASH_BUCKETS);
    let nonZero = 0;
    for (const w of m.text) if (w !== 0) nonZero += 1;
    expect(nonZero).toBeGreaterThan(1000);
    expect(m.threshold).toBeGreaterThan(0);
    expect(m.threshold).toBeLessThan(1);
    expect(m.calibration.a).toBeGreaterThan(0);
  });
});

describe('committed platform text model', () => {
  it('is trained, small, decodes into the research model\'s hashing space, and records leave-one-author-out results', () => {
    expect(PLATFORM_MODEL_DATA).not.toBeNull();
    expect(PLATFORM_MODEL_DATA?.version).toMatch(/^platform-lr-[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(JSON.stringify(PLATFORM_MODEL_DATA).length).toBeLessThan(400_000);
    const p = defaultModel().platform;
    expect(p?.text.length).toBe(HASH_BUCKETS);
    expect(p?.weight ?? 0).toBeGreaterThan(0);
    const loao = PLATFORM_MODEL_DATA?.training['leaveOneAuthorOut'] as { withPlatformModel: { fpr: number } } | undefined;
    expect(loao?.withPlatformModel.fpr ?? 1).toBeLessThanOrEqual(0.03);
  });

  it('speaks only for platform adults in a conversation with a child', () => {
    const { platform: _p, ...research } = defaultModel();
    const withPlatform = createGroomingDetector();
    const without = createGroomingDetector({ model: research });
    const conv = (ages: [number | undefined, number | undefined]) => ({
      id: 'c',
      participants: [{ id: 'a', ...(ages[0] !== undefined ? { age: ages[0] } : {}) }, { id: 'b', ...(ages[1] !== undefined ? { age: ages[1] } : {}) }],
      messages: [
        { from: 'a', text: 'you are so easy to talk to, way more than people my age' },
        { from: 'b', text: 'lol thanks' },
        { from: 'a', text: 'this can just be our thing ok' },
      ],
      truth: { suspects: [] },
    });
    const score = (d: ReturnType<typeof createGroomingDetector>, ages: [number | undefined, number | undefined]) => scoreConversation(conv(ages), { detector: d }).participants['a']?.score ?? 0;
    // Adult with a child: the platform model contributes.
    expect(score(withPlatform, [35, 12])).not.toBeCloseTo(score(without, [35, 12]), 6);
    // Two adults, or no platform ages (research data): identical to the research model alone.
    expect(score(withPlatform, [35, 31])).toBeCloseTo(score(without, [35, 31]), 9);
    expect(score(withPlatform, [undefined, undefined])).toBeCloseTo(score(without, [undefined, undefined]), 9);
  });
});

describe('platform text model bounds', () => {
  // The adult's current risk straight from the detector's state: unrounded, and before the alert
  // policy's persistence and caps (which differ with and without the platform model).
  const adultRisk = (model: GroomingModel): number => {
    const d = createGroomingDetector({ model });
    let state = d.init();
    const lines: [string, string][] = [
      ['a', 'you are so easy to talk to, way more than people my age'],
      ['b', 'lol thanks'],
      ['a', 'this can just be our thing ok, dont tell your parents'],
      ['a', 'are they home right now?'],
    ];
    lines.forEach(([from, text], index) => {
      state = d.step(state, { from, text }, index === 0 ? { index, participants: [{ id: 'a', age: 35 }, { id: 'b', age: 12 }] } : { index }).state;
    });
    return state.participants['p:a']?.risk ?? NaN;
  };
  const logit = (p: number): number => Math.log(p / (1 - p));

  it('may lower an adult\'s risk by at most the floor, however strongly its text says benign', () => {
    const model = defaultModel();
    const platform = model.platform;
    if (!platform) throw new Error('no platform model');
    const { platform: _p, ...research } = model;
    const vetoing = adultRisk({ ...model, platform: { ...platform, shift: platform.shift - 1000 } });
    const alone = adultRisk(research);
    expect(logit(alone) - logit(vetoing)).toBeCloseTo(COMBINATION.platformTextFloor, 6);
    // ...and raises it without bound when its text says grooming.
    expect(logit(adultRisk({ ...model, platform: { ...platform, shift: platform.shift + 10 } })) - logit(alone)).toBeGreaterThan(COMBINATION.platformTextFloor);
  });
});

describe('trainer', () => {
  const examples = (): ReturnType<ParticipantExampleBuilder['snapshot']>[] => {
    const out = [];
    for (let i = 0; i < 40; i += 1) {
      const b = new ParticipantExampleBuilder(20);
      const positive = i % 2 === 0;
      b.add(positive ? 'how old are you, send me a pic' : 'did you finish the homework');
      b.add(positive ? 'dont tell your parents' : 'see you at practice');
      out.push(b.snapshot(positive ? 1 : 0, 1, `g${i}`));
    }
    return out;
  };

  it('fits a separable toy problem deterministically', () => {
    const opts = { epochs: 20, learningRate: 0.2, l2Text: 1e-5, l2Dense: 1e-4, seed: 7 };
    const a = fitLogistic(examples(), opts);
    const b = fitLogistic(examples(), opts);
    expect(Array.from(a.dense)).toEqual(Array.from(b.dense));
    expect(a.bias).toBe(b.bias);
    const exs = examples();
    const pos = rawLogit(a, exs[0]!);
    const neg = rawLogit(a, exs[1]!);
    expect(pos).toBeGreaterThan(neg);
  });

  it('packs the top weights and loads them back within quantisation error', () => {
    const model = fitLogistic(examples(), { epochs: 10, learningRate: 0.2, l2Text: 1e-5, l2Dense: 1e-4, seed: 1 });
    const keep = topWeights(model.text, 50);
    const packed = packTextWeights(model.text, keep);
    const loaded = loadModel({ ...MODEL_DATA, ...packed, behaviour: Array.from(model.dense), bias: model.bias });
    for (const k of keep) expect(loaded.text[k]).toBeCloseTo(model.text[k] ?? 0, 3);
  });

  it('Platt scaling recovers a known logistic relation', () => {
    const xs: number[] = [];
    const ys: (0 | 1)[] = [];
    for (let i = -50; i <= 50; i += 1) {
      // Each x appears once per label, weighted by the true probability of that label.
      xs.push(i / 10, i / 10);
      ys.push(1, 0);
    }
    const weights = xs.map((x, i) => {
      const p = 1 / (1 + Math.exp(-(2 * x - 1)));
      return i % 2 === 0 ? p : 1 - p;
    });
    const { a, b } = fitPlatt(xs, ys, weights);
    expect(a).toBeCloseTo(2, 2);
    expect(b).toBeCloseTo(-1, 2);
  });
});

describe('monotone behaviour weights', () => {
  it('keeps constrained behaviour weights non-negative even when the data pushes them down', () => {
    const exs = [];
    for (let i = 0; i < 40; i += 1) {
      const b = new ParticipantExampleBuilder(20);
      // Age probes only in the negatives: unconstrained, the weight would go negative.
      b.add(i % 2 === 0 ? 'hello there friend' : 'how old are you');
      exs.push(b.snapshot(i % 2 === 0 ? 1 : 0, 1, `g${i}`));
    }
    const opts = { epochs: 20, learningRate: 0.3, l2Text: 1e-5, l2Dense: 1e-4, seed: 3 };
    const free = fitLogistic(exs, opts);
    const constrained = fitLogistic(exs, { ...opts, nonNegativeDense: MONOTONE_BEHAVIOUR_FEATURES });
    expect(free.dense[0]).toBeLessThan(0);
    expect(constrained.dense[0]).toBeGreaterThanOrEqual(0);
  });
});

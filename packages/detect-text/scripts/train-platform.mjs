#!/usr/bin/env node
// Trains the platform text model (run by `npm run train:grooming` after train-grooming.mjs).
//
// Why: the research logs (PJ/VTPAN) have no platform ages and are 2004-2016 in style, so on modern
// platforms the research model is bounded to +-1 log-odds and the tactic lexicon carries the load;
// lexicon patterns miss paraphrases. This model learns, from modern synthetic conversations with
// platform ages written for the project by several authors, which words tell an adult who grooms a
// child from the other adults who talk to children (parents, relatives, coaches, tutors).
//
// Data: packages/detect-text/data/modern-train-*.jsonl and test/fixtures/modern-dev*.jsonl, grouped
// by author batch. Never the evaluation sets in eval/ or the validation batches in validation/.
// Examples: every platform adult in a conversation with a child, at its 2nd, 4th and 8th message and
// at its last; label = the adult is the annotated suspect. Hashed word 1-2-grams (the research
// model's features), text only.
// Validation: leave-one-author-out. Each author's conversations are scored by a model fitted on the
// other authors only; those scores choose the regularisation, the stacking weight and shift
// (logistic regression of the label on the detector's own risk logit plus this model's logit), and
// the shift is then lowered or raised so that, at the detector's alert threshold, the
// leave-one-author-out false-positive rate over benign conversations stays within MAX_FPR.
// Deterministic: a second run writes a byte-identical file. Prints aggregates only.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPackage, packageRoot, fmt } from './lib.mjs';

const argv = process.argv.slice(2);
const dt = await loadPackage();
const CONFIG = {
  tokenPrior: 20,
  textClip: 3,
  snapshots: [2, 4, 8],
  l2Grid: [1e-4, 3e-5, 1e-5],
  keepTextWeights: 20000,
  maxFpr: 0.03,
  logistic: { epochs: 30, learningRate: 0.5, l2Dense: 1e-4, seed: 20261129 },
};

// ---- data
const sources = [];
for (const dir of [join(packageRoot, 'data'), join(packageRoot, 'test', 'fixtures')]) {
  for (const f of readdirSync(dir).sort()) if (/^modern-(train|dev).*\.jsonl$/.test(f)) sources.push(join(dir, f));
}
const authorOf = (file) => {
  const base = file.split('/').pop();
  if (base === 'modern-dev.jsonl') return 'dev1-2';
  const m = /^modern-(dev\d+(?:-en|-es-de)?|train-\d+)/.exec(base);
  return m ? m[1].replace(/-(benign|grooming)$/, '') : base;
};
const conversations = [];
const hash = createHash('sha256');
for (const file of sources) {
  const raw = readFileSync(file, 'utf8');
  hash.update(raw);
  for (const line of raw.split('\n')) {
    if (!line.trim()) continue;
    const parsed = dt.parseConversationLine(line);
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error}`);
    conversations.push({ conv: parsed.value, author: authorOf(file) });
  }
}
const authors = [...new Set(conversations.map((c) => c.author))].sort();
const dataSha256 = hash.digest('hex');
console.log(`conversations: ${conversations.length} from ${sources.length} files, ${authors.length} author batches (${authors.join(', ')})`);

// The research model alone (no platform model): the offsets the platform model is stacked onto.
const { platform: _previous, ...researchModel } = dt.defaultModel();
const baseDetector = dt.createGroomingDetector({ model: researchModel });
const threshold = baseDetector.policy.threshold;

const isAdult = (p) => typeof p.age === 'number' && p.age >= 18;
const hasChild = (c) => c.participants.some((p) => typeof p.age === 'number' && p.age < 18);

// ---- examples: text features per adult snapshot, with the base detector's risk logit there
const examples = [];
for (const { conv, author } of conversations) {
  if (!hasChild(conv)) continue;
  const adults = new Map(conv.participants.filter(isAdult).map((p) => [p.id, p]));
  if (adults.size === 0) continue;
  const builders = new Map();
  const seen = new Map();
  const last = new Map();
  let state = baseDetector.init();
  const facts = dt.toParticipantFacts(conv.participants);
  conv.messages.forEach((m, index) => {
    const r = baseDetector.step(state, { from: m.from, text: m.text }, { index, participants: facts });
    state = r.state;
    if (m.from === null || !adults.has(m.from)) return;
    let b = builders.get(m.from);
    if (!b) builders.set(m.from, (b = new dt.ParticipantExampleBuilder(CONFIG.tokenPrior)));
    b.add(m.text);
    const k = (seen.get(m.from) ?? 0) + 1;
    seen.set(m.from, k);
    const label = conv.truth.suspects.includes(m.from) ? 1 : 0;
    const offset = dt.logit(r.senderRisk);
    last.set(m.from, { b, label, offset });
    if (CONFIG.snapshots.includes(k)) examples.push({ ...textOnly(b.snapshot(label, 0.5, author)), offset });
  });
  for (const { b, label, offset } of last.values()) examples.push({ ...textOnly(b.snapshot(label, 1, author)), offset });
}
function textOnly(ex) {
  return { ...ex, dense: new Float64Array(dt.BEHAVIOUR_FEATURES) };
}
const positives = examples.filter((e) => e.label === 1).length;
console.log(`examples: ${examples.length} adult snapshots (${positives} of suspects)`);

const fit = (exs, l2, mask) => dt.fitLogistic(exs, { ...CONFIG.logistic, l2Text: l2, ...(mask ? { mask } : {}) });
function pruned(exs, l2) {
  const first = fit(exs, l2);
  const keep = dt.topWeights(first.text, CONFIG.keepTextWeights);
  const mask = new Uint8Array(first.text.length);
  for (const k of keep) mask[k] = 1;
  return { model: fit(exs, l2, mask), keep };
}
const rawOf = (model, ex) => dt.rawLogit(model, ex, CONFIG.textClip);

/** Stacking: p = sigmoid(offset + a*x + b), i.e. Platt scaling on top of the detector's log-odds. */
function fitStack(rows) {
  const { a, b } = dt.fitPlatt(rows.map((r) => r.x), rows.map((r) => r.y), rows.map((r) => r.w), rows.map((r) => r.offset), { a: 0.5, b: 0 });
  return { a: Math.max(0, a), b };
}

function platformOf(model, keep, weight, shift, version = 'fold') {
  const packed = dt.packTextWeights(model.text, keep);
  return dt.loadPlatformModel(
    { version, tokenPrior: CONFIG.tokenPrior, textClip: CONFIG.textClip, bias: model.bias, weightScale: packed.weightScale, indices: packed.indices, weights: packed.weights, weight, shift, training: {} },
    dt.HASH_BITS,
  );
}

function scoreAuthor(author, platform) {
  const detector = dt.createGroomingDetector({ model: platform ? { ...researchModel, platform } : researchModel });
  return conversations
    .filter((c) => c.author === author)
    .map(({ conv }) => {
      const s = dt.scoreConversation(conv, { detector, maxSignals: 0 });
      return { source: author, label: conv.truth.label === 'grooming', score: s.score, alert: s.alert, alertAt: s.alert_at, alertFrom: conv.truth.alertFrom ?? null };
    });
}

// ---- leave-one-author-out for each regularisation strength
function crossValidate(l2) {
  const folds = new Map();
  const rows = [];
  for (const author of authors) {
    const { model, keep } = pruned(examples.filter((e) => e.group !== author), l2);
    folds.set(author, { model, keep });
    for (const e of examples) if (e.group === author) rows.push({ offset: e.offset, x: rawOf(model, e), y: e.label, w: e.weight });
  }
  const stack = fitStack(rows);
  // Choose the shift on conversation-level leave-one-author-out scores: highest recall with FPR <= maxFpr.
  let best = null;
  for (let d = -3; d <= 1.0001; d += 0.25) {
    const shift = stack.b + d;
    const results = authors.flatMap((a) => scoreAuthor(a, platformOf(folds.get(a).model, folds.get(a).keep, stack.a, shift)));
    const m = dt.binaryMetrics(results);
    if ((m.fpr ?? 1) <= CONFIG.maxFpr && (best === null || (m.recall ?? 0) > best.recall + 1e-9)) best = { shift, recall: m.recall ?? 0, fpr: m.fpr ?? 0, results };
  }
  return { l2, folds, stack, best };
}

const baseline = dt.binaryMetrics(authors.flatMap((a) => scoreAuthor(a, null)));
console.log(`detector without the platform model, threshold ${fmt(threshold)}: recall ${fmt(baseline.recall)} FPR ${fmt(baseline.fpr)} precision ${fmt(baseline.precision)}`);
let chosen = null;
for (const l2 of CONFIG.l2Grid) {
  const cv = crossValidate(l2);
  if (cv.best === null) {
    console.log(`l2 ${l2}: no shift keeps FPR <= ${CONFIG.maxFpr}`);
    continue;
  }
  console.log(`l2 ${l2}: weight ${fmt(cv.stack.a)} shift ${fmt(cv.best.shift)} -> leave-one-author-out recall ${fmt(cv.best.recall)} FPR ${fmt(cv.best.fpr)}`);
  if (chosen === null || cv.best.recall > chosen.best.recall + 1e-9) chosen = cv;
}
if (chosen === null) {
  console.error('No configuration met the false-positive bound; platform model not written.');
  process.exit(1);
}
const report = dt.evaluateResults(chosen.best.results);
for (const [author, m] of Object.entries(report.bySource)) {
  console.log(`  held-out author ${author.padEnd(10)} n=${m.n} recall ${fmt(m.recall)} FPR ${fmt(m.fpr)} ROC-AUC ${fmt(m.rocAuc)}`);
}
const overall = dt.binaryMetrics(chosen.best.results);

// ---- final model on every author
const { model, keep } = pruned(examples, chosen.l2);
const packed = dt.packTextWeights(model.text, keep);
const round = (x) => Math.round(x * 1e6) / 1e6;
const weightsHash = createHash('sha256').update(packed.indices).update(packed.weights).digest('hex');
const data = {
  version: `platform-lr-${dataSha256.slice(0, 8)}-${weightsHash.slice(0, 8)}`,
  tokenPrior: CONFIG.tokenPrior,
  textClip: CONFIG.textClip,
  bias: round(model.bias),
  weightScale: packed.weightScale,
  indices: packed.indices,
  weights: packed.weights,
  weight: round(chosen.stack.a),
  shift: round(chosen.best.shift),
  training: {
    data: 'packages/detect-text/data/modern-train-*.jsonl + test/fixtures/modern-dev*.jsonl (synthetic, written for the project)',
    dataSha256,
    conversations: conversations.length,
    authors,
    examples: examples.length,
    researchModel: researchModel.version,
    threshold: round(threshold),
    config: { ...CONFIG, l2Text: chosen.l2 },
    leaveOneAuthorOut: {
      withoutPlatformModel: { recall: round(baseline.recall ?? 0), fpr: round(baseline.fpr ?? 0) },
      withPlatformModel: { recall: round(overall.recall ?? 0), fpr: round(overall.fpr ?? 0), precision: round(overall.precision ?? 0) },
    },
  },
};
const body = `// Generated by packages/detect-text/scripts/train-platform.mjs — do not edit by hand.
// Retrain with \`npm run train:grooming\`. Holds no text: hashed feature weights only.
import type { SerializedPlatformModel } from './model.js';

export const PLATFORM_MODEL_DATA: SerializedPlatformModel | null = ${JSON.stringify(data, null, 2)};
`;
if (argv.includes('--check')) console.log(`--check: platform model not written (${body.length} bytes)`);
else {
  const out = join(packageRoot, 'src', 'model', 'platform-data.generated.ts');
  writeFileSync(out, body);
  console.log(`wrote ${out} (${(body.length / 1024).toFixed(0)} KiB, ${keep.length} text weights; weight ${fmt(data.weight)}, shift ${fmt(data.shift)})`);
}

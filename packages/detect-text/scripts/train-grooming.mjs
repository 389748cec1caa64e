#!/usr/bin/env node
// Trains the grooming model from shared/data/grooming/train.jsonl and writes the committed model
// module src/model/model-data.generated.ts. Run from the repository root as
// `npm run train:grooming` (build first: this imports packages/detect-text/dist).
//
// Deterministic: fixed seeds, sorted inputs, no clock in the output. About 25% of conversation
// groups (grouped so shared text never straddles the split, see lib.mjs) are held out and never
// used here — not for fitting, calibration or the threshold. Prints aggregates only, never text.
//
// Options: --data PATH (default ../shared/data/grooming/train.jsonl), --check (train but do not
// write the model file).
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { dataPath, readDataset, loadPackage, packageRoot, toConversation, fmt } from './lib.mjs';

const argv = process.argv.slice(2);
const dt = await loadPackage();
const { records, sha256 } = readDataset(dataPath(argv));

const override = argv.includes('--config') ? JSON.parse(argv[argv.indexOf('--config') + 1]) : {};
const CONFIG = {
  tokenPrior: 20,
  textClip: 3,
  prefixes: [15, 60, 250],
  prefixWeight: 0.5,
  segmentWeight: 3,
  // Tactics may raise but never lower the learned score (see fitLogistic's nonNegativeDense).
  monotone: true,
  folds: 4,
  keepTextWeights: 20000,
  logistic: {},
  maxFpr: 0.03,
  ...override,
};
CONFIG.logistic = { epochs: 40, learningRate: 0.5, l2Text: 1e-6, l2Dense: 1e-4, seed: 20260301, ...(override.logistic ?? {}) };

const t0 = Date.now();
const groups = dt.groupRecords(records);
const train = [];
const heldOut = [];
records.forEach((r, i) => (dt.isHeldOut(groups[i]) ? heldOut : train).push({ record: r, group: groups[i] }));
console.log(`records: ${records.length} (train ${train.length}, held out ${heldOut.length}); groups: ${new Set(groups).size}`);

// Build examples: one per record at full length, plus prefix snapshots so the model also sees the
// short histories it must score while a conversation streams.
const examples = [];
const fullIndex = [];
for (const { record, group } of train) {
  const label = record.label === 'grooming' ? 1 : 0;
  const builder = new dt.ParticipantExampleBuilder(CONFIG.tokenPrior);
  const n = record.messages.length;
  const prefixes = new Set(CONFIG.prefixes.filter((k) => k < n));
  record.messages.forEach((m, i) => {
    builder.add(m.text);
    if (prefixes.has(i + 1)) examples.push(builder.snapshot(label, CONFIG.prefixWeight, group));
  });
  fullIndex.push(examples.length);
  examples.push(builder.snapshot(label, record.source === 'vtpan' ? CONFIG.segmentWeight : 1, group));
}
// Flattened transcripts (every speaker unknown) are calibrated apart from attributed text.
{
  let k = 0;
  for (const { record } of train) {
    const segment = record.messages.every((m) => m.from === null || m.from === undefined);
    const end = fullIndex[k];
    for (let i = k === 0 ? 0 : fullIndex[k - 1] + 1; i <= end; i += 1) examples[i].segment = segment;
    k += 1;
  }
}
console.log(`examples: ${examples.length} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);

function fit(exs, mask) {
  return dt.fitLogistic(exs, { ...CONFIG.logistic, nonNegativeDense: CONFIG.monotone ? dt.MONOTONE_BEHAVIOUR_FEATURES : [], ...(mask ? { mask } : {}) });
}

function prune(model) {
  const keep = dt.topWeights(model.text, CONFIG.keepTextWeights);
  const mask = new Uint8Array(model.text.length);
  for (const k of keep) mask[k] = 1;
  return { keep, mask };
}

function serialise(model, keep, calibration, threshold, training, segmentCal = segmentCalibration) {
  const packed = dt.packTextWeights(model.text, keep);
  // The version names both the data and the weights, so two different models never share one.
  const weightsHash = createHash('sha256').update(packed.indices).update(packed.weights).update(JSON.stringify(Array.from(model.dense))).digest('hex');
  return {
    version: `grooming-lr-${sha256.slice(0, 8)}-${weightsHash.slice(0, 8)}`,
    hashBits: dt.HASH_BITS,
    tokenPrior: CONFIG.tokenPrior,
    textClip: CONFIG.textClip,
    bias: round(model.bias),
    behaviour: Array.from(model.dense, round),
    calibration: { a: round(calibration.a), b: round(calibration.b) },
    segmentCalibration: { a: round(segmentCal.a), b: round(segmentCal.b) },
    threshold: round(threshold),
    weightScale: packed.weightScale,
    indices: packed.indices,
    weights: packed.weights,
    training,
  };
}
const round = (x) => Math.round(x * 1e6) / 1e6;

// Grouped cross-validation on the training side only: out-of-fold logits for calibration, and
// out-of-fold streaming replays for the alert threshold.
const oofLogit = new Float64Array(examples.length);
const foldModels = [];
for (let f = 0; f < CONFIG.folds; f += 1) {
  const inFold = examples.filter((e) => dt.foldOf(e.group, CONFIG.folds) !== f);
  let model = fit(inFold);
  const { keep, mask } = prune(model);
  model = fit(inFold, mask);
  foldModels.push({ model, keep });
  examples.forEach((e, i) => {
    if (dt.foldOf(e.group, CONFIG.folds) === f) oofLogit[i] = dt.rawLogit(model, e, CONFIG.textClip);
  });
  console.log(`fold ${f + 1}/${CONFIG.folds} fitted (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
}
// Platt scaling per input kind (attributed speakers vs flattened unknown-speaker segments), with
// class-balanced weights so both report P(grooming) at equal priors rather than each source's mix.
function platt(kindSegment) {
  const idx = examples.map((e, i) => i).filter((i) => examples[i].segment === kindSegment);
  const pos = idx.filter((i) => examples[i].label === 1).reduce((s, i) => s + examples[i].weight, 0);
  const neg = idx.filter((i) => examples[i].label === 0).reduce((s, i) => s + examples[i].weight, 0);
  return dt.fitPlatt(
    idx.map((i) => oofLogit[i]),
    idx.map((i) => examples[i].label),
    idx.map((i) => examples[i].weight * (examples[i].label === 1 ? 0.5 / pos : 0.5 / neg) * idx.length),
  );
}
const calibration = platt(false);
const segmentCalibration = platt(true);
console.log(`calibration: a=${fmt(calibration.a)} b=${fmt(calibration.b)}; segments a=${fmt(segmentCalibration.a)} b=${fmt(segmentCalibration.b)}`);
{
  // Out-of-fold ranking quality of the final-state model (before streaming), per source.
  const bySource = {};
  train.forEach(({ record }, i) => {
    const e = examples[fullIndex[i]];
    (bySource[record.source] ??= { s: [], y: [] }).s.push(oofLogit[fullIndex[i]]);
    bySource[record.source].y.push(e.label === 1);
  });
  for (const [src, v] of Object.entries(bySource)) console.log(`out-of-fold final-state AUC ${src}: ${fmt(dt.rocAuc(v.s, v.y))}`);
}

// Streaming out-of-fold scores: replay each training record through a detector built from the
// model of the fold that did not see it, exactly as the shipped scorer would.
const oof = [];
for (let f = 0; f < CONFIG.folds; f += 1) {
  const { model, keep } = foldModels[f];
  const detector = dt.createGroomingDetector({ model: dt.loadModel(serialise(model, keep, calibration, 0.5, {})) });
  for (const { record, group } of train) {
    if (dt.foldOf(group, CONFIG.folds) !== f) continue;
    const s = dt.scoreConversation(toConversation(record), { detector, maxSignals: 0 });
    oof.push({ source: record.source, label: record.label === 'grooming', score: s.score });
  }
}

// Threshold: the highest F0.5 on out-of-fold training scores (both sources), subject to a false
// positive rate of at most CONFIG.maxFpr on the benign records of each source.
const candidates = [...new Set(oof.map((r) => Math.round(r.score * 1000) / 1000))].sort((a, b) => a - b);
let best = { threshold: 0.5, f05: -1 };
for (const t of candidates) {
  if (t <= 0) continue;
  const results = oof.map((r) => ({ ...r, alert: r.score >= t, alertAt: null }));
  const report = dt.evaluateResults(results);
  const fprOk = Object.values(report.bySource).every((m) => (m.fpr ?? 0) <= CONFIG.maxFpr);
  const f05 = ((report.bySource.pj?.f05 ?? 0) + (report.bySource.vtpan?.f05 ?? 0)) / 2;
  if (fprOk && f05 > best.f05) best = { threshold: t, f05 };
}
const oofReport = dt.evaluateResults(oof.map((r) => ({ ...r, alert: r.score >= best.threshold, alertAt: null })));
for (const [source, m] of Object.entries(oofReport.bySource)) {
  console.log(`out-of-fold ${source}: P=${fmt(m.precision)} R=${fmt(m.recall)} F0.5=${fmt(m.f05)} FPR=${fmt(m.fpr)} AUC=${fmt(m.rocAuc)}`);
}
console.log(`threshold: ${fmt(best.threshold)}`);
for (const source of ['pj', 'vtpan']) {
  let b = { t: 0, f05: -1 };
  for (const t of candidates) {
    const m = dt.evaluateResults(oof.filter((r) => r.source === source).map((r) => ({ ...r, alert: r.score >= t, alertAt: null }))).bySource[source];
    if ((m?.fpr ?? 0) <= CONFIG.maxFpr && (m?.f05 ?? 0) > b.f05) b = { t, f05: m?.f05 ?? 0, p: m?.precision, r: m?.recall };
  }
  console.log(`diag ${source} best oof: t=${b.t} F0.5=${fmt(b.f05)} P=${fmt(b.p)} R=${fmt(b.r)}`);
}

// Final model on the whole training side.
let finalModel = fit(examples);
const { keep, mask } = prune(finalModel);
finalModel = fit(examples, mask);
const training = {
  data: 'shared/data/grooming/train.jsonl',
  dataSha256: sha256,
  split: 'grouped by PJ conversation and shared text; ~25% of groups held out (scripts/lib.mjs isHeldOut)',
  trainRecords: train.length,
  heldOutRecords: heldOut.length,
  examples: examples.length,
  config: CONFIG,
  outOfFold: Object.fromEntries(
    Object.entries(oofReport.bySource).map(([s, m]) => [s, { precision: round(m.precision ?? 0), recall: round(m.recall ?? 0), f05: round(m.f05 ?? 0), fpr: round(m.fpr ?? 0), rocAuc: round(m.rocAuc ?? 0) }]),
  ),
};
const data = serialise(finalModel, keep, calibration, best.threshold, training);
const body = `// Generated by packages/detect-text/scripts/train-grooming.mjs — do not edit by hand.
// Retrain with \`npm run train:grooming\`. Holds no text: hashed feature weights only.
import type { SerializedModel } from './model.js';

export const MODEL_DATA: SerializedModel = ${JSON.stringify(data, null, 2)};
`;
if (argv.includes('--check')) console.log(`--check: model not written (${body.length} bytes)`);
else {
  const out = join(packageRoot, 'src', 'model', 'model-data.generated.ts');
  writeFileSync(out, body);
  console.log(`wrote ${out} (${(body.length / 1024).toFixed(0)} KiB, ${keep.length} text weights) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/**
 * Evaluation metrics as pure functions: precision, recall, F1, F0.5, ROC-AUC, false positive
 * rate and alert latency, overall and per source.
 *
 * Contract: inputs are plain records (label, score, alert decision, alert index, escalation index,
 * source); nothing here reads files or prints. Ratios with an empty denominator are `null`, not 0,
 * so a report can say "not defined" instead of a misleading number.
 */

export interface LabelledResult {
  readonly label: boolean;
  readonly score: number;
  readonly alert: boolean;
  /** Message index of the first alert, or null. */
  readonly alertAt: number | null;
  /** Message index where a reviewer would escalate (ground truth), if known. */
  readonly alertFrom?: number | null;
  readonly source?: string;
}

export interface LatencySummary {
  /** Positives that alerted. */
  readonly alerted: number;
  /** Median and mean of alert_at: messages after the first message. */
  readonly medianFromStart: number | null;
  readonly meanFromStart: number | null;
  /** Median and mean of alert_at - alert_from over alerted positives with an escalation point. */
  readonly medianFromEscalation: number | null;
  readonly meanFromEscalation: number | null;
  /** Share of alerted positives that alerted no later than 5 messages after the escalation point. */
  readonly withinFiveOfEscalation: number | null;
}

export interface BinaryMetrics {
  readonly n: number;
  readonly positives: number;
  readonly negatives: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  readonly f05: number | null;
  readonly fpr: number | null;
  readonly rocAuc: number | null;
  readonly latency: LatencySummary;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

export function fBeta(precision: number | null, recall: number | null, beta: number): number | null {
  if (precision === null || recall === null) return null;
  const b2 = beta * beta;
  const d = b2 * precision + recall;
  return d === 0 ? 0 : ((1 + b2) * precision * recall) / d;
}

/** ROC-AUC by the rank-sum (Mann-Whitney) statistic; ties count one half. Null without both classes. */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number | null {
  const items = scores.map((s, i) => ({ s, y: labels[i] === true }));
  const pos = items.filter((x) => x.y).length;
  const neg = items.length - pos;
  if (pos === 0 || neg === 0) return null;
  items.sort((a, b) => a.s - b.s);
  let rankSumPos = 0;
  let i = 0;
  while (i < items.length) {
    let j = i;
    while (j + 1 < items.length && items[j + 1]?.s === items[i]?.s) j += 1;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) if (items[k]?.y === true) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

export function alertLatency(results: readonly LabelledResult[]): LatencySummary {
  const alerted = results.filter((r) => r.label && r.alert && r.alertAt !== null);
  const fromStart = alerted.map((r) => r.alertAt ?? 0);
  const fromEsc = alerted.filter((r) => typeof r.alertFrom === 'number').map((r) => (r.alertAt ?? 0) - (r.alertFrom ?? 0));
  return {
    alerted: alerted.length,
    medianFromStart: median(fromStart),
    meanFromStart: mean(fromStart),
    medianFromEscalation: median(fromEsc),
    meanFromEscalation: mean(fromEsc),
    withinFiveOfEscalation: ratio(fromEsc.filter((d) => d <= 5).length, fromEsc.length),
  };
}

export function binaryMetrics(results: readonly LabelledResult[]): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const r of results) {
    if (r.label && r.alert) tp += 1;
    else if (r.label) fn += 1;
    else if (r.alert) fp += 1;
    else tn += 1;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    n: results.length,
    positives: tp + fn,
    negatives: fp + tn,
    tp,
    fp,
    tn,
    fn,
    precision,
    recall,
    f1: fBeta(precision, recall, 1),
    f05: fBeta(precision, recall, 0.5),
    fpr: ratio(fp, fp + tn),
    rocAuc: rocAuc(results.map((r) => r.score), results.map((r) => r.label)),
    latency: alertLatency(results),
  };
}

export interface EvaluationReport {
  readonly overall: BinaryMetrics;
  readonly bySource: Readonly<Record<string, BinaryMetrics>>;
}

/** Metrics overall and per `source` (records without a source are grouped as "unknown"). */
export function evaluateResults(results: readonly LabelledResult[]): EvaluationReport {
  const groups = new Map<string, LabelledResult[]>();
  for (const r of results) {
    const key = r.source ?? 'unknown';
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const bySource: Record<string, BinaryMetrics> = {};
  for (const key of [...groups.keys()].sort()) bySource[key] = binaryMetrics(groups.get(key) ?? []);
  return { overall: binaryMetrics(results), bySource };
}

/** Re-thresholds results on score (alert := score >= threshold), e.g. to trace an operating curve. */
export function atThreshold(results: readonly LabelledResult[], threshold: number): LabelledResult[] {
  return results.map((r) => ({ ...r, alert: r.score >= threshold }));
}

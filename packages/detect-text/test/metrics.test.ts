/**
 * Metrics against values computed by hand.
 */
import { describe, expect, it } from 'vitest';
import { binaryMetrics, evaluateResults, fBeta, median, rocAuc, type LabelledResult } from '../src/index.js';

const r = (label: boolean, score: number, alert: boolean, alertAt: number | null = null, alertFrom: number | null = null, source = 's'): LabelledResult => ({
  label, score, alert, alertAt, alertFrom, source,
});

describe('metrics', () => {
  it('computes the confusion matrix, precision, recall, F1, F0.5 and FPR', () => {
    const m = binaryMetrics([r(true, 0.9, true, 5, 3), r(true, 0.8, true, 9, 2), r(true, 0.2, false), r(false, 0.7, true), r(false, 0.1, false), r(false, 0.05, false)]);
    expect([m.tp, m.fp, m.tn, m.fn]).toEqual([2, 1, 2, 1]);
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.recall).toBeCloseTo(2 / 3);
    expect(m.f1).toBeCloseTo(2 / 3);
    expect(m.f05).toBeCloseTo(2 / 3);
    expect(m.fpr).toBeCloseTo(1 / 3);
    expect(m.latency.medianFromStart).toBe(7);
    expect(m.latency.medianFromEscalation).toBe(4.5);
    expect(m.latency.withinFiveOfEscalation).toBe(0.5);
  });

  it('F-beta weighs precision for beta < 1', () => {
    expect(fBeta(1, 0.5, 0.5)).toBeCloseTo((1.25 * 0.5) / (0.25 + 0.5));
    expect(fBeta(null, 1, 1)).toBeNull();
    expect(fBeta(0, 0, 1)).toBe(0);
  });

  it('ROC-AUC by rank sum, with ties counting one half', () => {
    expect(rocAuc([0.9, 0.8, 0.1, 0.2], [true, true, false, false])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.9, 0.8], [true, true, false, false])).toBe(0);
    expect(rocAuc([0.5, 0.5], [true, false])).toBe(0.5);
    expect(rocAuc([0.9, 0.3, 0.6, 0.2], [true, true, false, false])).toBe(0.75);
    expect(rocAuc([0.5], [true])).toBeNull();
  });

  it('reports undefined ratios as null, and groups by source', () => {
    const rep = evaluateResults([r(false, 0.1, false, null, null, 'a'), r(true, 0.9, true, 1, 0, 'b')]);
    expect(rep.bySource.a?.precision).toBeNull();
    expect(rep.bySource.a?.recall).toBeNull();
    expect(rep.bySource.b?.recall).toBe(1);
    expect(rep.overall.n).toBe(2);
    expect(median([3, 1, 2])).toBe(2);
  });
});

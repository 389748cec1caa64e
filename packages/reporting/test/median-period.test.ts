/** Bounded-memory medians against exact ones, and period validation. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXACT_LIMIT, MAX_PERIOD_DAYS, MedianSketch, parsePeriod, periodMonths } from '../src/index.js';

const exactMedian = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

describe('MedianSketch', () => {
  it('is exact while small', () => {
    const m = new MedianSketch();
    for (const v of [5, 1, 3, 2.5]) m.add(v);
    expect(m.summary()).toMatchObject({ count: 4, medianSeconds: 2.75, approximate: false });
    expect(new MedianSketch().summary()).toMatchObject({ count: 0, medianSeconds: null });
  });

  it('stays within its resolution of the exact median once it folds into the histogram', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 * 86_400 }), { minLength: EXACT_LIMIT + 1, maxLength: EXACT_LIMIT + 400 }), (xs) => {
        const m = new MedianSketch();
        for (const x of xs) m.add(x);
        const s = m.summary();
        expect(s.count).toBe(xs.length);
        const error = Math.abs((s.medianSeconds ?? 0) - exactMedian(xs));
        expect(error).toBeLessThanOrEqual(Math.max(1, s.resolutionSeconds));
      }),
      { numRuns: 25 },
    );
  });

  it('merges, and counts negative durations as invalid instead of using them', () => {
    const a = new MedianSketch();
    const b = new MedianSketch();
    for (let i = 0; i < 5000; i += 1) a.add(i);
    b.add(-1);
    b.add(10_000);
    a.merge(b);
    expect(a.count).toBe(5001);
    expect(a.invalid).toBe(1);
  });
});

describe('parsePeriod', () => {
  const clock = { now: () => new Date('2025-06-15T00:00:00Z') };
  it('builds inclusive day periods', () => {
    expect(parsePeriod('2025-01-01', '2025-03-31', clock)).toEqual({
      from: '2025-01-01',
      to: '2025-03-31',
      start: '2025-01-01T00:00:00.000Z',
      end: '2025-04-01T00:00:00.000Z',
      days: 90,
      partial: false,
    });
    expect(parsePeriod('2025-06-01', '2025-06-30', clock).partial).toBe(true);
    expect(periodMonths(parsePeriod('2024-11-15', '2025-02-01'))).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });
  it('names what is wrong with a bad period', () => {
    expect(() => parsePeriod('2025-02-30', '2025-03-01')).toThrow(/--from "2025-02-30" is not a date/);
    expect(() => parsePeriod('2025-01-01', 'yesterday')).toThrow(/--to "yesterday" is not a date/);
    expect(() => parsePeriod('2025-03-01', '2025-02-01')).toThrow(/period is empty/);
    expect(() => parsePeriod('2025-07-01', '2025-07-31', clock)).toThrow(/starts in the future/);
    expect(() => parsePeriod('2010-01-01', '2025-01-01')).toThrow(new RegExp(`at most ${MAX_PERIOD_DAYS} days`));
  });
});

describe('isoToMs', () => {
  it('agrees with Date.parse on canonical timestamps, and falls back on anything else', async () => {
    const { isoToMs } = await import('../src/period.js');
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(isoToMs(iso)).toBe(ms);
      }),
      { numRuns: 2000 },
    );
    expect(isoToMs('2025-01-02T03:04:05+01:00')).toBe(Date.parse('2025-01-02T03:04:05+01:00'));
    expect(isoToMs('2025-02-30T00:00:00.000Z')).toBe(Date.parse('2025-02-30T00:00:00.000Z'));
    expect(Number.isNaN(isoToMs('not a date'))).toBe(true);
  });
});

/**
 * Medians of durations in bounded memory. The first EXACT_LIMIT values are kept exactly, so small
 * periods (and golden tests) get the exact median. Beyond that the values fold into a fixed
 * histogram — 1-second buckets up to an hour, 1-minute buckets up to 7 days, 1-hour buckets up to
 * 400 days, one overflow bucket — whose size never grows (about 93 KB per sketch), and the median
 * is reported with the resolution of the bucket it falls in.
 */
export const EXACT_LIMIT = 4096;

const SECOND_BUCKETS = 3600; // [0, 1 h) by second
const MINUTE_BUCKETS = 7 * 24 * 60 - 60; // [1 h, 7 d) by minute
const HOUR_BUCKETS = 400 * 24 - 7 * 24; // [7 d, 400 d) by hour
const BUCKETS = SECOND_BUCKETS + MINUTE_BUCKETS + HOUR_BUCKETS + 1;
const HOUR = 3600;
const WEEK = 7 * 24 * HOUR;

function bucketOf(seconds: number): number {
  if (seconds < HOUR) return Math.floor(seconds);
  if (seconds < WEEK) return SECOND_BUCKETS + Math.floor((seconds - HOUR) / 60);
  const hours = Math.floor((seconds - WEEK) / HOUR);
  return hours < HOUR_BUCKETS ? SECOND_BUCKETS + MINUTE_BUCKETS + hours : BUCKETS - 1;
}

/** Lower bound and width (seconds) of a bucket. */
function bucketRange(bucket: number): { low: number; width: number } {
  if (bucket < SECOND_BUCKETS) return { low: bucket, width: 1 };
  if (bucket < SECOND_BUCKETS + MINUTE_BUCKETS) return { low: HOUR + (bucket - SECOND_BUCKETS) * 60, width: 60 };
  if (bucket < BUCKETS - 1) return { low: WEEK + (bucket - SECOND_BUCKETS - MINUTE_BUCKETS) * HOUR, width: HOUR };
  return { low: WEEK + HOUR_BUCKETS * HOUR, width: Number.POSITIVE_INFINITY };
}

export interface DurationSummary {
  /** Durations counted. */
  readonly count: number;
  /** Median in seconds; null when nothing was counted. */
  readonly medianSeconds: number | null;
  /** Median in hours, rounded to 0.01; null when nothing was counted. */
  readonly medianHours: number | null;
  /** True when the median comes from the histogram with a resolution coarser than one second. */
  readonly approximate: boolean;
  /** Width of the histogram bucket the median came from (seconds); 0 when exact. */
  readonly resolutionSeconds: number;
}

export class MedianSketch {
  private exact: number[] | null = [];
  private histogram: Uint32Array | null = null;
  private n = 0;
  /** Durations that were negative or not numbers (an action before its cause): data errors. */
  invalid = 0;

  get count(): number {
    return this.n;
  }

  add(seconds: number): void {
    if (!(seconds >= 0)) {
      this.invalid += 1;
      return;
    }
    this.n += 1;
    if (this.exact) {
      this.exact.push(seconds);
      if (this.exact.length > EXACT_LIMIT) {
        this.histogram = new Uint32Array(BUCKETS);
        for (const v of this.exact) this.histogram[bucketOf(v)]! += 1;
        this.exact = null;
      }
      return;
    }
    this.histogram![bucketOf(seconds)]! += 1;
  }

  /** Adds every value of another sketch (for totals across categories). */
  merge(other: MedianSketch): void {
    this.invalid += other.invalid;
    if (other.exact) {
      for (const v of other.exact) this.add(v);
      return;
    }
    if (this.exact) {
      this.histogram = new Uint32Array(BUCKETS);
      for (const v of this.exact) this.histogram[bucketOf(v)]! += 1;
      this.exact = null;
    }
    const mine = this.histogram!;
    const theirs = other.histogram!;
    for (let i = 0; i < BUCKETS; i += 1) mine[i]! += theirs[i]!;
    this.n += other.n;
  }

  summary(): DurationSummary {
    if (this.n === 0) return { count: 0, medianSeconds: null, medianHours: null, approximate: false, resolutionSeconds: 0 };
    let median: number;
    let resolution = 0;
    if (this.exact) {
      const sorted = Float64Array.from(this.exact).sort();
      const mid = Math.floor(sorted.length / 2);
      median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    } else {
      // Ranks (1-based) of the middle value(s); each is represented by its bucket's midpoint
      // (the exact second below one hour).
      const histogram = this.histogram!;
      const lowRank = Math.floor((this.n + 1) / 2);
      const highRank = Math.floor(this.n / 2) + 1;
      const valueAt = (rank: number): { value: number; width: number } => {
        let seen = 0;
        for (let b = 0; b < BUCKETS; b += 1) {
          seen += histogram[b]!;
          if (seen >= rank) {
            const { low, width } = bucketRange(b);
            if (width === 1) return { value: low, width: 0 };
            return Number.isFinite(width) ? { value: low + width / 2, width } : { value: low, width: 0 };
          }
        }
        return { value: 0, width: 0 };
      };
      const a = valueAt(lowRank);
      const b = this.n % 2 ? a : valueAt(highRank);
      median = (a.value + b.value) / 2;
      resolution = Math.max(a.width, b.width);
    }
    return {
      count: this.n,
      medianSeconds: Math.round(median * 1000) / 1000,
      medianHours: Math.round((median / 3600) * 100) / 100,
      approximate: resolution > 1,
      resolutionSeconds: resolution,
    };
  }
}

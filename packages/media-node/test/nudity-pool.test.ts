// The nudity classifier pool: offline model load in worker threads, benign images classified as
// benign, bounded queue shedding, timeouts that replace stuck workers. Benign images only.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessNudity } from '@safeguard/media';
import {
  ClassifierOverloadedError,
  ClassifierUnavailableError,
  MediaInputError,
  NudityClassifierPool,
  preparePixels,
} from '../src/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const scene = readFileSync(join(FIXTURES, 'q2821.jpg'));

describe('NudityClassifierPool', () => {
  let pool: NudityClassifierPool;
  beforeAll(async () => {
    pool = await NudityClassifierPool.create({ workers: 1, maxQueue: 2 });
  }, 120_000);
  afterAll(async () => {
    await pool.close();
  });

  it('loads the bundled MobileNetV2 offline and classifies a benign scene as not nudity', async () => {
    const { scores, inferenceMs } = await pool.classify(scene);
    const total = scores.drawing + scores.hentai + scores.neutral + scores.porn + scores.sexy;
    expect(total).toBeGreaterThan(0.99);
    expect(total).toBeLessThan(1.01);
    expect(scores.neutral).toBeGreaterThan(scores.porn);
    expect(assessNudity(scores).flagged).toBe(false);
    expect(inferenceMs).toBeGreaterThan(0);
  });

  it('sheds load with ClassifierOverloadedError (code unavailable) instead of queueing without limit', async () => {
    const pixels = await preparePixels(scene);
    expect(pool.capacity).toBe(3);
    const attempts = Array.from({ length: 12 }, () => pool.classifyPixels(pixels));
    const settled = await Promise.allSettled(attempts);
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    const fulfilled = settled.filter((s) => s.status === 'fulfilled');
    expect(fulfilled).toHaveLength(3);
    expect(rejected).toHaveLength(9);
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(ClassifierOverloadedError);
      expect((r.reason as ClassifierOverloadedError).code).toBe('unavailable');
    }
    expect(pool.stats).toMatchObject({ queued: 0, busy: 0 });
    expect(pool.stats.rejected).toBeGreaterThanOrEqual(9);
    // Once drained, it accepts work again.
    await expect(pool.classifyPixels(pixels)).resolves.toHaveProperty('scores');
  });

  it('reports bad input as MediaInputError without occupying the pool', async () => {
    await expect(pool.classify(new Uint8Array(0))).rejects.toBeInstanceOf(MediaInputError);
    await expect(pool.classify(Buffer.from('not an image'))).rejects.toMatchObject({ problem: 'unsupported_format' });
    expect(pool.stats.busy + pool.stats.queued).toBe(0);
  });

  it('classifies what sharp can make of other benign inputs (flat colour, drawing-like shapes)', async () => {
    const flat = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 40, g: 120, b: 200 } } }).png().toBuffer();
    const { scores } = await pool.classify(flat);
    expect(Object.values(scores).every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});

describe('NudityClassifierPool failure handling', () => {
  it('a classification over the deadline rejects, the stuck worker is replaced, and the pool keeps serving', async () => {
    const pool = await NudityClassifierPool.create({ workers: 1, maxQueue: 4, timeoutMs: 1 });
    try {
      const pixels = await preparePixels(scene);
      await expect(pool.classifyPixels(pixels)).rejects.toThrow(/longer than 1 ms; worker replaced/);
      expect(pool.stats.restarts).toBe(1);
      // The replacement loads and takes the next request (which, with a 1 ms deadline, times out too).
      await expect(pool.classifyPixels(pixels)).rejects.toBeInstanceOf(ClassifierUnavailableError);
      expect(pool.stats).toMatchObject({ restarts: 2, busy: 0, queued: 0 });
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('closing rejects waiting requests and refuses new ones', async () => {
    const pool = await NudityClassifierPool.create({ workers: 1, maxQueue: 4 });
    const pixels = await preparePixels(scene);
    const pending = Promise.allSettled([pool.classifyPixels(pixels), pool.classifyPixels(pixels), pool.classifyPixels(pixels)]);
    await pool.close();
    const settled = await pending;
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof ClassifierUnavailableError)).toBe(true);
    await expect(pool.classifyPixels(pixels)).rejects.toThrow(/closed/);
  }, 120_000);
});

import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatPdqHex,
  hammingWords,
  isPdqHex,
  lumaFromPixels,
  parsePdqHex,
  pdqBit,
  pdqDct64To16,
  pdqDistance,
  pdqDownsample64,
  pdqFromDownsample,
  pdqHashLuma,
  pdqHashPixels,
  PDQ_DIHEDRAL_NAMES,
  popcount32,
  pdqWasmAvailable,
  referenceDownsample64,
  type PixelImage,
} from '../src/index.js';
import { expectedFixtures, FIXTURES, readPpm, rng } from './helpers.js';

const fixtures = expectedFixtures();

describe('PDQ against the reference (decoder-independent PPM fixtures)', () => {
  for (const row of fixtures.images) {
    it(`${row.file}: hash, quality and all 8 dihedral variants are bit-exact`, () => {
      const image = readPpm(join(FIXTURES, row.ppm));
      expect([image.width, image.height]).toEqual([row.width, row.height]);
      for (const engine of ['auto', 'js'] as const) {
        const result = pdqHashPixels(image, { engine });
        expect(result.hash, engine).toBe(row.hash);
        expect(result.quality, engine).toBe(row.quality);
        for (const name of PDQ_DIHEDRAL_NAMES) expect(result.dihedral[name], `${engine} ${name}`).toBe(row.dihedral[name]);
      }
    });
  }

  it('reproduces the reference 64×64 downsample and DCT of q2821 float for float', () => {
    const image = readPpm(join(FIXTURES, 'q2821.jpg.ppm'));
    const expected = fixtures.intermediates['q2821.jpg.ppm'];
    if (!expected) throw new Error('fixture missing');
    const downsample = pdqDownsample64(image.width, image.height, (y, count, out) =>
      out.set(lumaFromPixels(image).subarray(y * image.width, (y + count) * image.width)),
    );
    expect(Array.from(downsample)).toEqual(expected.downsample64x64_rowMajor.flat().map((v) => Math.fround(v)));
    expect(Array.from(pdqDct64To16(downsample))).toEqual(expected.dct16x16_rowMajor.flat().map((v) => Math.fround(v)));
    for (const engine of ['auto', 'js'] as const) {
      const result = pdqFromDownsample(downsample, { engine });
      expect(result.hash).toBe(expected.finalHash);
      expect(result.quality).toBe(expected.quality);
    }
  });

  it('hashes float luma the same as pixels', () => {
    const image = readPpm(join(FIXTURES, 'q2821.jpg.ppm'));
    expect(pdqHashLuma(lumaFromPixels(image), image.width, image.height).hash).toBe(pdqHashPixels(image).hash);
  });
});

describe('PDQ edge cases', () => {
  it('images under 5 px on a side hash to zeros with quality 0, as the reference', () => {
    const result = pdqHashPixels({ width: 4, height: 100, channels: 3, data: new Uint8Array(4 * 100 * 3).fill(200) });
    expect(result.hash).toBe('0'.repeat(64));
    expect(result.quality).toBe(0);
    expect(Object.values(result.dihedral).every((h) => h === '0'.repeat(64))).toBe(true);
  });

  it('flat images have quality 0', () => {
    expect(pdqHashPixels({ width: 300, height: 200, channels: 3, data: new Uint8Array(300 * 200 * 3).fill(90) }).quality).toBe(0);
  });

  it('ignores alpha and expands grey to R = G = B', () => {
    const rgb = readPpm(join(FIXTURES, 'wee.jpg.ppm'));
    const n = rgb.width * rgb.height;
    const rgba = new Uint8Array(n * 4);
    for (let i = 0; i < n; i += 1) {
      rgba.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = i % 256;
    }
    expect(pdqHashPixels({ ...rgb, channels: 4, data: rgba }).hash).toBe(pdqHashPixels(rgb).hash);
    const grey = new Uint8Array(n);
    const greyAsRgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i += 1) {
      grey[i] = rgb.data[i * 3] ?? 0;
      greyAsRgb.fill(grey[i] ?? 0, i * 3, i * 3 + 3);
    }
    expect(pdqHashPixels({ ...rgb, channels: 1, data: grey }).hash).toBe(
      pdqHashPixels({ ...rgb, channels: 3, data: greyAsRgb }).hash,
    );
  });

  it('rejects buffers that do not match the declared size', () => {
    expect(() => pdqHashPixels({ width: 10, height: 10, channels: 3, data: new Uint8Array(10) })).toThrow(/too short/);
  });
});

/** Random image whose content has structure (gradients + noise), like photos, not just noise. */
function randomImage(width: number, height: number, channels: 1 | 3 | 4, seed: number): PixelImage {
  const next = rng(seed);
  const data = new Uint8Array(width * height * channels);
  const fx = next() * 0.2;
  const fy = next() * 0.2;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      for (let c = 0; c < channels; c += 1) {
        const v = 128 + 90 * Math.sin(fx * x * (c + 1) + fy * y) + 30 * (next() - 0.5);
        data[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { width, height, channels, data };
}

describe('the streaming hasher equals the literal port of the reference', () => {
  it('uses the WebAssembly SIMD kernels on Node 20', () => {
    expect(pdqWasmAvailable()).toBe(true);
  });

  it('WebAssembly and JavaScript engines agree bit for bit on random images, RGB and RGBA (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 400 }), fc.integer({ min: 5, max: 400 }), fc.constantFrom<3 | 4>(3, 4), fc.integer(), (width, height, channels, seed) => {
        const image = randomImage(width, height, channels, seed);
        const wasm = pdqHashPixels(image);
        const js = pdqHashPixels(image, { engine: 'js' });
        expect(wasm.hash).toBe(js.hash);
        expect(wasm.quality).toBe(js.quality);
        expect(wasm.dihedral).toEqual(js.dihedral);
      }),
      { numRuns: 80 },
    );
  });

  it('on random images of random sizes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 700 }),
        fc.integer({ min: 5, max: 700 }),
        fc.constantFrom<1 | 3 | 4>(1, 3, 4),
        fc.integer(),
        (width, height, channels, seed) => {
          const image = randomImage(width, height, channels, seed);
          const fast = pdqHashPixels(image, { engine: 'js' });
          const reference = pdqFromDownsample(referenceDownsample64(lumaFromPixels(image), width, height));
          expect(fast.hash).toBe(reference.hash);
          expect(fast.quality).toBe(reference.quality);
          expect(fast.dihedral).toEqual(reference.dihedral);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('dividing by the window through its reciprocal is exact after float32 rounding', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true, min: -3e7, max: 3e7 }), fc.integer({ min: 1, max: 1024 }), (s, n) => {
        expect(Math.fround(s * (1 / n))).toBe(Math.fround(s / n));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('dihedral variants', () => {
  it('the rotate90 variant is the hash of the image rotated 90° counter-clockwise (and so on)', () => {
    const image = randomImage(97, 61, 3, 7);
    const { width: w, height: h, data } = image;
    const transformed = (fn: (x: number, y: number) => [number, number], tw: number, th: number): PixelImage => {
      const out = new Uint8Array(tw * th * 3);
      for (let y = 0; y < h; y += 1) {
        for (let x = 0; x < w; x += 1) {
          const [tx, ty] = fn(x, y);
          out.set(data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3), (ty * tw + tx) * 3);
        }
      }
      return { width: tw, height: th, channels: 3, data: out };
    };
    const variants: Record<string, PixelImage> = {
      rotate90: transformed((x, y) => [y, w - 1 - x], h, w),
      rotate180: transformed((x, y) => [w - 1 - x, h - 1 - y], w, h),
      rotate270: transformed((x, y) => [h - 1 - y, x], h, w),
      flipX: transformed((x, y) => [x, h - 1 - y], w, h),
      flipY: transformed((x, y) => [w - 1 - x, y], w, h),
      flipPlus1: transformed((x, y) => [y, x], h, w),
      flipMinus1: transformed((x, y) => [h - 1 - y, w - 1 - x], h, w),
    };
    const original = pdqHashPixels(image);
    for (const [name, img] of Object.entries(variants)) {
      const direct = pdqHashPixels(img).hash;
      // Not bit-identical (box filter edges are asymmetric) but within a few bits.
      expect(pdqDistance(direct, original.dihedral[name as keyof typeof original.dihedral]), name).toBeLessThanOrEqual(16);
      expect(pdqDistance(direct, original.hash), name).toBeGreaterThan(40);
    }
  });
});

describe('hash representation and Hamming distance', () => {
  it('round-trips hex through words, with bit k worth 2^k', () => {
    const hex = '0'.repeat(63) + '1';
    const words = parsePdqHex(hex);
    expect(pdqBit(words, 0)).toBe(1);
    expect(pdqBit(words, 1)).toBe(0);
    expect(formatPdqHex(parsePdqHex('f' + '0'.repeat(63)))).toBe('f' + '0'.repeat(63));
    expect(pdqBit(parsePdqHex('8' + '0'.repeat(63)), 255)).toBe(1);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const h = Buffer.from(bytes).toString('hex');
        expect(formatPdqHex(parsePdqHex(h))).toBe(h);
      }),
    );
  });

  it('validates hex strictly (lower case for the wire format)', () => {
    expect(isPdqHex('a'.repeat(64))).toBe(true);
    expect(isPdqHex('A'.repeat(64))).toBe(false);
    expect(isPdqHex('a'.repeat(63))).toBe(false);
    expect(() => parsePdqHex('z'.repeat(64))).toThrow(RangeError);
  });

  it('popcount and distance agree with a bit-by-bit count', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
        let bits = 0;
        for (let i = 0; i < 32; i += 1) for (let k = 0; k < 8; k += 1) bits += (((a[i] ?? 0) ^ (b[i] ?? 0)) >> k) & 1;
        const ha = Buffer.from(a).toString('hex');
        const hb = Buffer.from(b).toString('hex');
        expect(pdqDistance(ha, hb)).toBe(bits);
        expect(hammingWords(parsePdqHex(ha), 0, parsePdqHex(hb), 0)).toBe(bits);
      }),
    );
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
  });
});

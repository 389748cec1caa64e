import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, hashImage, MediaInputError, probeImage, signalsOf, type MediaInputProblem } from '../src/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const q2821 = readFileSync(join(FIXTURES, 'q2821.jpg'));
const Q2821_PDQ = 'b150231ffae4710ffcf4f18bb574b109a576f14bb8543189f8743289f174b109';

async function expectProblem(promise: Promise<unknown>, problem: MediaInputProblem, code: string, message?: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MediaInputError);
    const e = err as MediaInputError;
    expect(e.problem).toBe(problem);
    expect(e.code).toBe(code);
    if (message) expect(e.message).toMatch(message);
    return;
  }
  throw new Error(`expected MediaInputError ${problem}`);
}

/** A PNG whose header claims `width × height` but which carries one tiny compressed row. */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1 + 3 * 16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodeImage: the reference pipeline', () => {
  it('decodes JPEG to RGB at full resolution and hashes to the reference value', async () => {
    const image = await decodeImage(q2821);
    expect(image).toMatchObject({ width: 256, height: 256, channels: 3, format: 'jpeg' });
    const hashes = await hashImage(q2821);
    expect(hashes.pdq).toBe(Q2821_PDQ);
    expect(hashes.dihedral).toHaveLength(8);
    expect(hashes.dihedral[0]).toBe(Q2821_PDQ);
    expect(hashes.md5).toMatch(/^[0-9a-f]{32}$/);
    expect(hashes.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(signalsOf(hashes)).toMatchObject({ pdq: { hash: Q2821_PDQ, quality: 100 }, md5: hashes.md5 });
  });

  it('drops alpha without compositing and expands grey: same pixels, same hash, across formats', async () => {
    const rgb = await decodeImage(q2821);
    const raw = { raw: { width: 256, height: 256, channels: 3 as const } };
    const png = await sharp(rgb.data, raw).png().toBuffer();
    const rgbaPng = await sharp(rgb.data, raw).ensureAlpha(0.3).png().toBuffer();
    const webp = await sharp(rgb.data, raw).webp({ lossless: true }).toBuffer();
    const tiff = await sharp(rgb.data, raw).tiff({ compression: 'lzw' }).toBuffer();
    const gif = await sharp(rgb.data, raw).greyscale().gif().toBuffer();
    for (const bytes of [png, rgbaPng, webp, tiff]) expect((await hashImage(bytes)).pdq).toBe(Q2821_PDQ);
    const greyPng = await sharp(rgb.data, raw).greyscale().png().toBuffer();
    const grey = await decodeImage(greyPng);
    expect(grey.channels).toBe(3);
    expect(grey.data[0]).toBe(grey.data[1]);
    expect((await decodeImage(gif)).format).toBe('gif');
  });

  it('applies EXIF orientation only when asked', async () => {
    const rotatedTag = await sharp(q2821).resize(64, 32).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(await probeImage(rotatedTag)).toMatchObject({ width: 64, height: 32, exifOrientation: 6 });
    expect(await decodeImage(rotatedTag)).toMatchObject({ width: 64, height: 32 });
    expect(await decodeImage(rotatedTag, { applyExifOrientation: true })).toMatchObject({ width: 32, height: 64 });
  });
});

describe('decodeImage: bad input is a typed error, never a crash', () => {
  it('zero bytes', async () => {
    await expectProblem(decodeImage(new Uint8Array(0)), 'empty', 'validation_failed', /empty/);
  });

  it('more bytes than allowed', async () => {
    await expectProblem(decodeImage(q2821, { maxBytes: 1000 }), 'too_many_bytes', 'payload_too_large', /limit is 1000/);
  });

  it('decompression bombs: a header announcing more pixels than allowed is refused before decoding', async () => {
    const bomb = pngHeaderOnly(100_000, 100_000);
    expect(bomb.length).toBeLessThan(200);
    await expectProblem(decodeImage(bomb), 'too_many_pixels', 'payload_too_large', /10000000000 pixels/);
    await expectProblem(decodeImage(q2821, { maxPixels: 256 * 255 }), 'too_many_pixels', 'payload_too_large');
  });

  it('truncated and corrupt files', async () => {
    await expectProblem(decodeImage(q2821.subarray(0, Math.floor(q2821.length / 2))), 'corrupt', 'validation_failed', /truncated|corrupt/);
    const garbage = Buffer.concat([q2821.subarray(0, 600), Buffer.alloc(4000, 0x5a)]);
    await expectProblem(decodeImage(garbage), 'corrupt', 'validation_failed');
    await expectProblem(decodeImage(pngHeaderOnly(64, 64)), 'corrupt', 'validation_failed');
  });

  it('unsupported formats: text, PDF, SVG', async () => {
    await expectProblem(decodeImage(Buffer.from('just some text, not an image')), 'unsupported_format', 'unsupported_media_type');
    await expectProblem(decodeImage(Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n')), 'unsupported_format', 'unsupported_media_type');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    await expectProblem(decodeImage(svg), 'unsupported_format', 'unsupported_media_type', /svg/);
  });

  it('random bytes never crash the decoder (fuzz)', async () => {
    let seed = 7;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 40; i += 1) {
      const bytes = Buffer.from(q2821);
      for (let k = 0; k < 20; k += 1) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      const cut = bytes.subarray(0, Math.max(1, Math.floor(next() * bytes.length)));
      try {
        await decodeImage(cut);
      } catch (err) {
        expect(err).toBeInstanceOf(MediaInputError);
      }
    }
  });
});

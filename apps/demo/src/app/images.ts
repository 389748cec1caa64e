/**
 * The demo's own pictures: small PNGs drawn here from arithmetic (gradients and shapes), so the
 * demo ships no photographs and needs no image library. `png()` is a minimal encoder (RGB, no
 * interlace, one zlib stream); the pictures are deterministic, so their hashes are stable.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const body = Buffer.concat([head.subarray(4), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

/** Encodes RGB pixels (row-major, 3 bytes each) as a PNG. */
export function png(width: number, height: number, pixel: (x: number, y: number) => readonly [number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x += 1) {
      const [r, g, b] = pixel(x, y);
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]);
}

const clamp = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

export interface SamplePicture {
  readonly id: string;
  readonly title: string;
  readonly bytes: Buffer;
}

/** The pictures a demo user can send: a sunset, a checkerboard and a "goal" drawing. */
export function samplePictures(): SamplePicture[] {
  const size = 192;
  const sunset = png(size, size, (x, y) => {
    const sky = y / size;
    const sun = Math.hypot(x - size * 0.5, y - size * 0.62) < size * 0.16;
    if (y > size * 0.7) return [clamp(20 + 30 * sky), clamp(40 + 40 * sky), clamp(90 + 60 * sky)];
    return sun ? [255, 200, 60] : [clamp(250 - 60 * sky), clamp(120 + 60 * sky), clamp(80 + 100 * sky)];
  });
  const board = png(size, size, (x, y) => ((Math.floor(x / 24) + Math.floor(y / 24)) % 2 === 0 ? [30, 120, 200] : [240, 240, 240]));
  const goal = png(size, size, (x, y) => {
    const post = (x > 30 && x < 38) || (x > 154 && x < 162) || (y > 40 && y < 48 && x > 30 && x < 162);
    const ball = Math.hypot(x - 96, y - 140) < 14;
    if (ball) return [250, 250, 250];
    if (post && y < 130) return [255, 255, 255];
    return y > 120 ? [40, clamp(140 + (x % 16 < 8 ? 20 : 0)), 50] : [120, 180, 240];
  });
  return [
    { id: 'sunset', title: 'Sunset', bytes: sunset },
    { id: 'checkers', title: 'Checkerboard', bytes: board },
    { id: 'goal', title: 'Football goal', bytes: goal },
  ];
}

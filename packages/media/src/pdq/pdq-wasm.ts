/**
 * The PDQ downsampler's hot loops as WebAssembly SIMD kernels, assembled from TypeScript at load
 * time (wasm-asm.ts). Why: JavaScript has no float32 arithmetic, so a bit-exact port must round
 * every operation through `Math.fround`, and those conversions, not the arithmetic, bound its
 * speed. WebAssembly's f32 and f32x4 operations are IEEE single precision exactly as the C++
 * reference's `float`, so the kernels compute the same bits 4–10× faster.
 *
 * Division of the running sums by the full window is, as in the JS path, a multiplication by the
 * double reciprocal rounded to f32 (exact for windows ≤ 1024; see pdq.ts); edge windows divide.
 * The orchestration (phases, ring buffer of rows, the 64-column second column pass) mirrors
 * pdq.ts's streaming design and stays in TypeScript. `pdqDownsample64Wasm` returns `undefined`
 * when WebAssembly SIMD is unavailable or the image needs windows > 1024, and callers fall back
 * to the JS path. Both paths are tested against the reference and against each other.
 */
import { assemble, Code, F32, F64, I32, V128 } from './wasm-asm.js';
import { pdqDecimationIndices, pdqWindowSize } from './core.js';
import type { PixelImage } from './image.js';

// The few WebAssembly JS-API members used here (the lib settings of this pure package do not
// include the DOM/WebAssembly typings).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: object };
};

const MAX_RECIPROCAL_WINDOW = 1024;
const f32x4Bytes = (v: number): number[] => Array.from(new Uint8Array(new Float32Array([v, v, v, v]).buffer));

/** luma of `n` interleaved pixels with `stride` bytes each (3 = RGB, 4 = RGBA): 4 per SIMD step. */
function lumaKernel(stride: 3 | 4): Code {
  const c = new Code([I32, I32, I32]); // src, dst, n
  const [src, dst, n] = [0, 1, 2];
  const i = c.local(I32);
  const v = c.local(V128);
  const mask = (channel: number): number[] => {
    const m = new Array<number>(16).fill(0x80);
    for (let k = 0; k < 4; k += 1) m[4 * k] = channel + k * stride;
    return m;
  };
  const coeff = [Math.fround(0.299), Math.fround(0.587), Math.fround(0.114)];
  const lane = (channel: number): void => {
    c.get(v).v128Const(mask(channel)).i8x16Swizzle().f32x4ConvertI32x4U().v128Const(f32x4Bytes(coeff[channel]!)).f32x4Mul();
  };
  c.whileLoop(
    (k) => k.get(i).i32(3).i32Add().get(n).i32LtS(),
    (k) => {
      k.get(src).get(i).i32(stride).i32Mul().i32Add().v128Load().set(v);
      k.get(dst).get(i).i32(2).i32Shl().i32Add();
      lane(0);
      lane(1);
      k.f32x4Add();
      lane(2);
      k.f32x4Add().v128Store();
      k.get(i).i32(4).i32Add().set(i);
    },
  );
  c.whileLoop(
    (k) => k.get(i).get(n).i32LtS(),
    (k) => {
      const byte = (channel: number): void => {
        k.get(src).get(i).i32(stride).i32Mul().i32Add().u8Load(channel).f32ConvertI32U().f32(coeff[channel]!).f32Mul();
      };
      k.get(dst).get(i).i32(2).i32Shl().i32Add();
      byte(0);
      byte(1);
      k.f32Add();
      byte(2);
      k.f32Add().f32Store();
      k.get(i).i32(1).i32Add().set(i);
    },
  );
  return c;
}

/**
 * Box filter along 4 rows at once (4 independent f32 running sums hide each other's latency).
 * Params: in0..in3, out0..out3 (byte addresses), width, full, half, inverse (f64 1/full).
 * `divide` = false stores the running sums instead (for the second row pass, which only needs
 * 64 outputs per row and divides them itself).
 */
function rowBoxKernel(divide: boolean): Code {
  const c = new Code([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64]);
  const ins = [0, 1, 2, 3];
  const outs = [4, 5, 6, 7];
  const [width, full, half, inverse] = [8, 9, 10, 11];
  const rb = c.local(I32);
  const lb = c.local(I32);
  const ob = c.local(I32);
  const size = c.local(F32);
  const sums = [c.local(F32), c.local(F32), c.local(F32), c.local(F32)];
  const add = (k: number): void => {
    c.get(sums[k]!).get(ins[k]!).get(rb).i32Add().f32Load().f32Add();
  };
  const sub = (k: number): void => {
    c.get(ins[k]!).get(lb).i32Add().f32Load().f32Sub();
  };
  /** out_k[ob] = sum_k (÷ size | × inverse); pass `mode` 'size' or 'inverse'. */
  const store = (k: number, mode: 'size' | 'inverse'): void => {
    c.get(outs[k]!).get(ob).i32Add().get(sums[k]!);
    if (divide) {
      if (mode === 'size') c.get(size).f32Div();
      else c.f64PromoteF32().get(inverse).f64Mul().f32DemoteF64();
    }
    c.f32Store();
  };
  const bytes = (local: number): void => {
    c.get(local).i32(2).i32Shl();
  };
  // Phase 1: accumulate half - 1 values.
  c.whileLoop(
    (k) => {
      k.get(rb);
      bytes(half);
      k.i32(4).i32Sub().i32LtS();
    },
    () => {
      for (let k = 0; k < 4; k += 1) {
        add(k);
        c.set(sums[k]!);
      }
      c.get(rb).i32(4).i32Add().set(rb);
    },
  );
  // Phase 2: growing window, outputs from column 0.
  c.get(half).f32ConvertI32S().set(size);
  c.whileLoop(
    (k) => {
      k.get(rb);
      bytes(full);
      k.i32LtS();
    },
    () => {
      for (let k = 0; k < 4; k += 1) {
        add(k);
        c.set(sums[k]!);
        store(k, 'size');
      }
      c.get(rb).i32(4).i32Add().set(rb);
      c.get(ob).i32(4).i32Add().set(ob);
      c.get(size).f32(1).f32Add().set(size);
    },
  );
  // Phase 3: full window, add the right edge then subtract the left (the reference's order).
  c.whileLoop(
    (k) => {
      k.get(rb);
      bytes(width);
      k.i32LtS();
    },
    () => {
      for (let k = 0; k < 4; k += 1) {
        add(k);
        sub(k);
        c.set(sums[k]!);
        store(k, 'inverse');
      }
      c.get(rb).i32(4).i32Add().set(rb);
      c.get(lb).i32(4).i32Add().set(lb);
      c.get(ob).i32(4).i32Add().set(ob);
    },
  );
  // Phase 4: shrinking window.
  c.get(full).i32(1).i32Sub().f32ConvertI32S().set(size);
  c.whileLoop(
    (k) => {
      k.get(ob);
      bytes(width);
      k.i32LtS();
    },
    () => {
      for (let k = 0; k < 4; k += 1) {
        c.get(sums[k]!);
        sub(k);
        c.set(sums[k]!);
        store(k, 'size');
      }
      c.get(lb).i32(4).i32Add().set(lb);
      c.get(ob).i32(4).i32Add().set(ob);
      c.get(size).f32(1).f32Sub().set(size);
    },
  );
  return c;
}

/**
 * One step of the column filter across a row, 4 columns per SIMD operation.
 * Params: sums, row, left, out, nbytes (a multiple of 16), divisor (f32).
 * kind: `add` (sums += row), `addOut` (… and out = sums / divisor), `slide` (sums = (sums + row)
 * − left; out = sums / divisor), `sub` (sums −= left; out = sums / divisor).
 */
function columnKernel(kind: 'add' | 'addOut' | 'slide' | 'sub'): Code {
  const c = new Code([I32, I32, I32, I32, I32, F32]);
  const [sums, row, left, out, nbytes, divisor] = [0, 1, 2, 3, 4, 5];
  const x = c.local(I32);
  const d = c.local(V128);
  const s = c.local(V128);
  c.get(divisor).f32x4Splat().set(d);
  c.whileLoop(
    (k) => k.get(x).get(nbytes).i32LtS(),
    (k) => {
      k.get(sums).get(x).i32Add().v128Load();
      if (kind !== 'sub') k.get(row).get(x).i32Add().v128Load().f32x4Add();
      if (kind === 'slide' || kind === 'sub') k.get(left).get(x).i32Add().v128Load().f32x4Sub();
      k.set(s);
      k.get(sums).get(x).i32Add().get(s).v128Store();
      if (kind !== 'add') k.get(out).get(x).i32Add().get(s).get(d).f32x4Div().v128Store();
      k.get(x).i32(16).i32Add().set(x);
    },
  );
  return c;
}

interface Kernels {
  readonly memory: WasmMemory;
  readonly luma3: (src: number, dst: number, n: number) => void;
  readonly luma4: (src: number, dst: number, n: number) => void;
  readonly rowBox4: (i0: number, i1: number, i2: number, i3: number, o0: number, o1: number, o2: number, o3: number, width: number, full: number, half: number, inverse: number) => void;
  readonly rowSums4: (i0: number, i1: number, i2: number, i3: number, o0: number, o1: number, o2: number, o3: number, width: number, full: number, half: number, inverse: number) => void;
  readonly colAdd: (sums: number, row: number, left: number, out: number, nbytes: number, divisor: number) => void;
  readonly colAddOut: (sums: number, row: number, left: number, out: number, nbytes: number, divisor: number) => void;
  readonly colSlide: (sums: number, row: number, left: number, out: number, nbytes: number, divisor: number) => void;
  readonly colSub: (sums: number, row: number, left: number, out: number, nbytes: number, divisor: number) => void;
}

let kernels: Kernels | null | undefined;

/** The kernels, or null when this runtime lacks WebAssembly SIMD. Built once per thread. */
function getKernels(): Kernels | null {
  if (kernels !== undefined) return kernels;
  try {
    const bytes = assemble(
      [
        { name: 'luma3', code: lumaKernel(3) },
        { name: 'luma4', code: lumaKernel(4) },
        { name: 'rowBox4', code: rowBoxKernel(true) },
        { name: 'rowSums4', code: rowBoxKernel(false) },
        { name: 'colAdd', code: columnKernel('add') },
        { name: 'colAddOut', code: columnKernel('addOut') },
        { name: 'colSlide', code: columnKernel('slide') },
        { name: 'colSub', code: columnKernel('sub') },
      ],
      16,
    );
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    kernels = instance.exports as unknown as Kernels;
  } catch {
    kernels = null;
  }
  return kernels;
}

/** Whether the WebAssembly kernels are in use in this runtime (for diagnostics and benchmarks). */
export function pdqWasmAvailable(): boolean {
  return getKernels() !== null;
}

const PAGE = 65536;

/** Bump allocator over the kernels' memory, 16-byte aligned, growing the memory as needed. */
function layout(k: Kernels, sizes: readonly number[]): number[] {
  const addresses: number[] = [];
  let at = 64;
  for (const size of sizes) {
    addresses.push(at);
    at += Math.ceil((size + 16) / 16) * 16;
  }
  const needed = Math.ceil(at / PAGE);
  const have = k.memory.buffer.byteLength / PAGE;
  if (needed > have) k.memory.grow(needed - have);
  return addresses;
}

/**
 * The reference's 64×64 downsample computed with the kernels; `undefined` if they cannot be used
 * for this image (no SIMD, grey input, or a window over 1024 px).
 */
export function pdqDownsample64Wasm(image: PixelImage): Float32Array | undefined {
  const k = getKernels();
  const { width: w, height: h, channels, data } = image;
  if (!k || (channels !== 3 && channels !== 4)) return undefined;
  const fullX = pdqWindowSize(w);
  const fullY = pdqWindowSize(h);
  if (fullX > MAX_RECIPROCAL_WINDOW || fullY > MAX_RECIPROCAL_WINDOW) return undefined;
  const halfX = (fullX + 2) >> 1;
  const halfY = (fullY + 2) >> 1;
  const wp = Math.ceil(w / 4) * 4; // padded row length: column kernels work 4 lanes at a time
  const rowBytes = w * channels;
  // The ring keeps the rows the column filter still needs: the window's left edge (fullY back)
  // through the 4 rows the row filter has just written.
  const ringRows = fullY + 4;
  const [pix, luma, ring, sums1, block, sums2, scratch] = layout(k, [
    4 * rowBytes + 16,
    4 * w * 4,
    ringRows * wp * 4,
    wp * 4,
    4 * wp * 4,
    4 * wp * 4,
    3 * wp * 4,
  ]) as [number, number, number, number, number, number, number];
  const bytes = new Uint8Array(k.memory.buffer);
  const floats = new Float32Array(k.memory.buffer);
  bytes.fill(0, ring, scratch + 3 * wp * 4);
  const luma4 = channels === 3 ? k.luma3 : k.luma4;
  const slot = (r: number): number => ring + (r % ringRows) * wp * 4;
  const rows = pdqDecimationIndices(h);
  const cols = pdqDecimationIndices(w);
  const inverseX = 1 / fullX;

  // Second column pass (64 columns), in JS: it touches 64 × h values.
  const out64 = new Float32Array(64 * 64);
  const ring2 = new Float32Array((fullY + 1) * 64);
  const sum2 = new Float32Array(64);
  const col2 = new Float32Array(64);
  let received2 = 0;
  const emit2 = (y: number): void => {
    for (let i = 0; i < 64; i += 1) if (rows[i] === y) out64.set(col2, i * 64);
  };
  const push2 = (values: Float32Array): void => {
    const ri = received2++;
    ring2.set(values, (ri % (fullY + 1)) * 64);
    const left = ((ri - fullY) % (fullY + 1)) * 64;
    if (ri < halfY - 1) {
      for (let x = 0; x < 64; x += 1) sum2[x] = sum2[x]! + values[x]!;
      return;
    }
    for (let x = 0; x < 64; x += 1) {
      const s = ri < fullY ? Math.fround(sum2[x]! + values[x]!) : Math.fround(Math.fround(sum2[x]! + values[x]!) - ring2[left + x]!);
      sum2[x] = s;
      col2[x] = s / (ri < fullY ? ri + 1 : fullY);
    }
    emit2(ri - halfY + 1);
  };
  const finish2 = (): void => {
    for (let j = 0; j < halfY - 1; j += 1) {
      const left = ((h - fullY + j) % (fullY + 1)) * 64;
      const size = fullY - 1 - j;
      for (let x = 0; x < 64; x += 1) {
        const s = Math.fround(sum2[x]! - ring2[left + x]!);
        sum2[x] = s;
        col2[x] = s / size;
      }
      emit2(h - halfY + 1 + j);
    }
  };

  // Second row pass on blocks of 4 first-column-pass rows: running sums by kernel, then the 64
  // decimated columns divided here.
  const sampled = new Float32Array(64);
  let buffered = 0;
  const flush = (): void => {
    if (buffered === 0) return;
    const inRow = (j: number): number => (j < buffered ? block + j * wp * 4 : block);
    const outRow = (j: number): number => (j < buffered ? sums2 + j * wp * 4 : scratch + (j - 1) * wp * 4);
    k.rowSums4(inRow(0), inRow(1), inRow(2), inRow(3), outRow(0), outRow(1), outRow(2), outRow(3), w, fullX, halfX, inverseX);
    for (let j = 0; j < buffered; j += 1) {
      const base = (sums2 >> 2) + j * wp;
      for (let i = 0; i < 64; i += 1) {
        const c = cols[i]!;
        sampled[i] = floats[base + c]! / Math.min(halfX + c, fullX, fullX + w - halfX - c);
      }
      push2(sampled);
    }
    buffered = 0;
  };
  const emit1 = (): number => block + buffered * wp * 4;
  const after1 = (): void => {
    buffered += 1;
    if (buffered === 4) flush();
  };

  // First row pass (4 rows per kernel call) straight into the ring, then the first column pass.
  let received1 = 0;
  const columnStep = (): void => {
    const ri = received1++;
    const row = slot(ri);
    if (ri < halfY - 1) {
      k.colAdd(sums1, row, 0, 0, wp * 4, 0);
    } else if (ri < fullY) {
      k.colAddOut(sums1, row, 0, emit1(), wp * 4, ri + 1);
      after1();
    } else {
      k.colSlide(sums1, row, slot(ri - fullY), emit1(), wp * 4, fullY);
      after1();
    }
  };
  for (let y = 0; y < h; y += 4) {
    const n = Math.min(4, h - y);
    bytes.set(data.subarray(y * rowBytes, (y + n) * rowBytes), pix);
    luma4(pix, luma, n * w);
    const inRow = (j: number): number => luma + Math.min(j, n - 1) * w * 4;
    const outRow = (j: number): number => (j < n ? slot(y + j) : scratch + (j - 1) * wp * 4);
    k.rowBox4(inRow(0), inRow(1), inRow(2), inRow(3), outRow(0), outRow(1), outRow(2), outRow(3), w, fullX, halfX, inverseX);
    for (let j = 0; j < n; j += 1) columnStep();
  }
  for (let j = 0; j < halfY - 1; j += 1) {
    k.colSub(sums1, 0, slot(h - fullY + j), emit1(), wp * 4, fullY - 1 - j);
    after1();
  }
  flush();
  finish2();
  return out64;
}

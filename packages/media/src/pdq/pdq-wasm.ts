/**
 * The PDQ downsampler's hot loops as WebAssembly SIMD kernels, assembled from TypeScript at load
 * time (wasm-asm.ts). Why: JavaScript has no float32 arithmetic, so a bit-exact port must round
 * every operation through `Math.fround`, and those conversions, not the arithmetic, bound its
 * speed. WebAssembly's f32x4 operations are IEEE single precision exactly like the C++
 * reference's `float` (no fused multiply-add, round to nearest), so the kernels compute the same
 * bits about 3× faster than the JS engine.
 *
 * Layout trick: the row filter is a sequential running sum along each row, so it cannot be
 * vectorised along the row. Instead 4 rows are processed together, one per SIMD lane: luma is
 * written "interleaved" (pixel x of rows y..y+3 adjacent), filtered, and transposed back into
 * row-major rows (4×4 shuffles) for the column filter, which vectorises naturally across columns.
 * All divisions are f32 divisions, exact for any window. The orchestration (phases, the ring of
 * rows, the 64-column second column pass) mirrors pdq.ts's streaming design and stays in
 * TypeScript. `pdqDownsample64Wasm` returns `undefined` when WebAssembly SIMD is unavailable or
 * the pixels are grey (1–2 channels); callers then use the JS path. Both paths are tested against
 * the reference and against each other.
 */
import { assemble, Code, F32, I32, V128 } from './wasm-asm.js';
import { DCT_MATRIX, pdqDecimationIndices, pdqWindowSize } from './core.js';
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

const f32x4Bytes = (v: number): number[] => Array.from(new Uint8Array(new Float32Array([v, v, v, v]).buffer));

/**
 * 4×4 transpose of the f32 lanes of four v128 locals (rows a, b, c, d) into four locals
 * (columns), with 8 shuffles. `tmp` are four scratch v128 locals.
 */
function transpose(c: Code, rows: readonly number[], cols: readonly number[], tmp: readonly number[]): void {
  const [a, b, cc, d] = rows as [number, number, number, number];
  const [t0, t1, t2, t3] = tmp as [number, number, number, number];
  c.get(a).get(b).i32x4Shuffle([0, 4, 1, 5]).set(t0); // a0 b0 a1 b1
  c.get(a).get(b).i32x4Shuffle([2, 6, 3, 7]).set(t1); // a2 b2 a3 b3
  c.get(cc).get(d).i32x4Shuffle([0, 4, 1, 5]).set(t2); // c0 d0 c1 d1
  c.get(cc).get(d).i32x4Shuffle([2, 6, 3, 7]).set(t3); // c2 d2 c3 d3
  c.get(t0).get(t2).i32x4Shuffle([0, 1, 4, 5]).set(cols[0]!);
  c.get(t0).get(t2).i32x4Shuffle([2, 3, 6, 7]).set(cols[1]!);
  c.get(t1).get(t3).i32x4Shuffle([0, 1, 4, 5]).set(cols[2]!);
  c.get(t1).get(t3).i32x4Shuffle([2, 3, 6, 7]).set(cols[3]!);
}

const LUMA_COEFFS = [Math.fround(0.299), Math.fround(0.587), Math.fround(0.114)];

/**
 * Luma of 4 pixel rows (`stride` bytes per pixel: 3 = RGB, 4 = RGBA), written interleaved:
 * element (x, row k) at dst + (4x + k)·4, so that the row filter can run the 4 rows in the 4
 * SIMD lanes. Params: src, rowBytes, dst, width.
 */
function lumaKernel(stride: 3 | 4): Code {
  const c = new Code([I32, I32, I32, I32]);
  const [src, rowBytes, dst, width] = [0, 1, 2, 3];
  const x = c.local(I32);
  const v = c.local(V128);
  const rows = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const cols = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const tmp = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  // Byte k·stride + channel into the low byte of i32 lane k; the other bytes from a zero vector
  // (a constant shuffle compiles to a single pshufb).
  const mask = (channel: number): number[] => {
    const m = new Array<number>(16).fill(16);
    for (let k = 0; k < 4; k += 1) m[4 * k] = channel + k * stride;
    return m;
  };
  const lane = (channel: number): void => {
    c.get(v).v128Const(new Array<number>(16).fill(0)).i8x16Shuffle(mask(channel)).f32x4ConvertI32x4U().v128Const(f32x4Bytes(LUMA_COEFFS[channel]!)).f32x4Mul();
  };
  const pixelAddress = (k: number): void => {
    c.get(src).get(rowBytes).i32(k).i32Mul().i32Add().get(x).i32(stride).i32Mul().i32Add();
  };
  c.whileLoop(
    (k) => k.get(x).i32(3).i32Add().get(width).i32LtS(),
    (k) => {
      for (let r = 0; r < 4; r += 1) {
        pixelAddress(r);
        k.v128Load().set(v);
        // (R·cr + G·cg) + B·cb, each product and sum rounded to f32, as the reference.
        lane(0);
        lane(1);
        k.f32x4Add();
        lane(2);
        k.f32x4Add().set(rows[r]!);
      }
      transpose(k, rows, cols, tmp);
      for (let j = 0; j < 4; j += 1) k.get(dst).get(x).i32(4).i32Shl().i32Add().get(cols[j]!).v128Store(16 * j);
      k.get(x).i32(4).i32Add().set(x);
    },
  );
  c.whileLoop(
    (k) => k.get(x).get(width).i32LtS(),
    (k) => {
      for (let r = 0; r < 4; r += 1) {
        k.get(dst).get(x).i32(4).i32Shl().i32Add();
        for (let channel = 0; channel < 3; channel += 1) {
          pixelAddress(r);
          k.u8Load(channel).f32ConvertI32U().f32(LUMA_COEFFS[channel]!).f32Mul();
          if (channel > 0) k.f32Add();
        }
        k.f32Store(4 * r);
      }
      k.get(x).i32(1).i32Add().set(x);
    },
  );
  return c;
}

/**
 * The reference's box filter along rows, for 4 rows at once, one row per SIMD lane (input and
 * output interleaved as written by `lumaKernel`). Params: in, out, width, full, half.
 * `divide` = false stores the running sums instead (the second row pass only needs 64 outputs
 * per row and divides those itself).
 */
function rowBoxKernel(divide: boolean): Code {
  const c = new Code([I32, I32, I32, I32, I32]);
  const [input, output, width, full, half] = [0, 1, 2, 3, 4];
  const rb = c.local(I32);
  const lb = c.local(I32);
  const ob = c.local(I32);
  const size = c.local(F32);
  const sum = c.local(V128);
  const fullV = c.local(V128);
  c.get(full).f32ConvertI32S().f32x4Splat().set(fullV);
  const bytes = (local: number): void => {
    c.get(local).i32(4).i32Shl();
  };
  const add = (): void => {
    c.get(sum).get(input).get(rb).i32Add().v128Load().f32x4Add();
  };
  const sub = (): void => {
    c.get(input).get(lb).i32Add().v128Load().f32x4Sub();
  };
  const store = (divisor: () => void): void => {
    c.get(output).get(ob).i32Add().get(sum);
    if (divide) {
      divisor();
      c.f32x4Div();
    }
    c.v128Store();
  };
  const bySize = (): void => {
    c.get(size).f32x4Splat();
  };
  const step = (local: number): void => {
    c.get(local).i32(16).i32Add().set(local);
  };
  // Phase 1: accumulate half − 1 values.
  c.whileLoop(
    (k) => {
      k.get(rb);
      bytes(half);
      k.i32(16).i32Sub().i32LtS();
    },
    () => {
      add();
      c.set(sum);
      step(rb);
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
      add();
      c.set(sum);
      store(bySize);
      step(rb);
      step(ob);
      c.get(size).f32(1).f32Add().set(size);
    },
  );
  // Phase 3: full window; add the right edge, then subtract the left (the reference's order).
  c.whileLoop(
    (k) => {
      k.get(rb);
      bytes(width);
      k.i32LtS();
    },
    () => {
      add();
      sub();
      c.set(sum);
      store(() => c.get(fullV));
      step(rb);
      step(lb);
      step(ob);
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
      c.get(sum);
      sub();
      c.set(sum);
      store(bySize);
      step(lb);
      step(ob);
    },
  );
  return c;
}

/**
 * Converts between 4 row-major rows and the interleaved layout. `toRows` = true reads interleaved
 * `src` and writes rows r0..r3; false reads rows and writes interleaved `src`.
 * Params: interleaved, r0, r1, r2, r3, width.
 */
function reshapeKernel(toRows: boolean): Code {
  const c = new Code([I32, I32, I32, I32, I32, I32]);
  const [inter, width] = [0, 5];
  const rowPtr = [1, 2, 3, 4];
  const x = c.local(I32);
  const a = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const b = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const tmp = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const interAddress = (): void => {
    c.get(inter).get(x).i32(4).i32Shl().i32Add();
  };
  const rowAddress = (k: number): void => {
    c.get(rowPtr[k]!).get(x).i32(2).i32Shl().i32Add();
  };
  c.whileLoop(
    (k) => k.get(x).i32(3).i32Add().get(width).i32LtS(),
    (k) => {
      for (let j = 0; j < 4; j += 1) {
        if (toRows) interAddress();
        else rowAddress(j);
        k.v128Load(toRows ? 16 * j : 0).set(a[j]!);
      }
      transpose(k, a, b, tmp);
      for (let j = 0; j < 4; j += 1) {
        if (toRows) rowAddress(j);
        else interAddress();
        k.get(b[j]!).v128Store(toRows ? 0 : 16 * j);
      }
      k.get(x).i32(4).i32Add().set(x);
    },
  );
  c.whileLoop(
    (k) => k.get(x).get(width).i32LtS(),
    (k) => {
      for (let j = 0; j < 4; j += 1) {
        if (toRows) {
          rowAddress(j);
          interAddress();
          k.f32Load(4 * j).f32Store();
        } else {
          interAddress();
          rowAddress(j);
          k.f32Load().f32Store(4 * j);
        }
      }
      k.get(x).i32(1).i32Add().set(x);
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

/**
 * The reference's `dct64To16`: T = D·A then B = T·Dᵀ, each sum accumulated in k order with the
 * product rounded to f32 before the add (as C++ `sumk += d * a`), 4 output columns per SIMD lane.
 * Params: a (64×64), d (16×64), dt (64×16, D transposed), t (16×64 scratch), b (16×16 out).
 */
function dctKernel(): Code {
  const c = new Code([I32, I32, I32, I32, I32]);
  const [a, d, dt, t, b] = [0, 1, 2, 3, 4];
  const i = c.local(I32);
  const j = c.local(I32);
  const k = c.local(I32);
  const sum = c.local(V128);
  const zero = new Array<number>(16).fill(0);
  /** out[i·cols + j..j+3] = Σ_k splat(left[i·64 + k]) · right[k·cols + j..j+3] */
  const product = (left: number, right: number, out: number, cols: number): void => {
    c.i32(0).set(i);
    c.whileLoop(
      (x) => x.get(i).i32(16).i32LtS(),
      (x) => {
        x.i32(0).set(j);
        x.whileLoop(
          (y) => y.get(j).i32(cols).i32LtS(),
          (y) => {
            y.v128Const(zero).set(sum);
            y.i32(0).set(k);
            y.whileLoop(
              (z) => z.get(k).i32(64).i32LtS(),
              (z) => {
                z.get(sum);
                z.get(left).get(i).i32(64).i32Mul().get(k).i32Add().i32(2).i32Shl().i32Add().f32Load().f32x4Splat();
                z.get(right).get(k).i32(cols).i32Mul().get(j).i32Add().i32(2).i32Shl().i32Add().v128Load();
                z.f32x4Mul().f32x4Add().set(sum);
                z.get(k).i32(1).i32Add().set(k);
              },
            );
            y.get(out).get(i).i32(cols).i32Mul().get(j).i32Add().i32(2).i32Shl().i32Add().get(sum).v128Store();
            y.get(j).i32(4).i32Add().set(j);
          },
        );
        x.get(i).i32(1).i32Add().set(i);
      },
    );
  };
  product(d, a, t, 64);
  product(t, dt, b, 16);
  return c;
}

interface Kernels {
  readonly memory: WasmMemory;
  readonly luma3: (src: number, rowBytes: number, dst: number, width: number) => void;
  readonly luma4: (src: number, rowBytes: number, dst: number, width: number) => void;
  readonly rowBox: (input: number, output: number, width: number, full: number, half: number) => void;
  readonly rowSums: (input: number, output: number, width: number, full: number, half: number) => void;
  readonly toRows: (inter: number, r0: number, r1: number, r2: number, r3: number, width: number) => void;
  readonly toInterleaved: (inter: number, r0: number, r1: number, r2: number, r3: number, width: number) => void;
  readonly colAdd: (sums: number, row: number, left: number, out: number, nbytes: number, divisor: number) => void;
  readonly colAddOut: (sums: number, row: number, left: number, out: number, nbytes: number, divisor: number) => void;
  readonly colSlide: (sums: number, row: number, left: number, out: number, nbytes: number, divisor: number) => void;
  readonly colSub: (sums: number, row: number, left: number, out: number, nbytes: number, divisor: number) => void;
  readonly dct: (a: number, d: number, dt: number, t: number, b: number) => void;
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
        { name: 'rowBox', code: rowBoxKernel(true) },
        { name: 'rowSums', code: rowBoxKernel(false) },
        { name: 'toRows', code: reshapeKernel(true) },
        { name: 'toInterleaved', code: reshapeKernel(false) },
        { name: 'colAdd', code: columnKernel('add') },
        { name: 'colAddOut', code: columnKernel('addOut') },
        { name: 'colSlide', code: columnKernel('slide') },
        { name: 'colSub', code: columnKernel('sub') },
        { name: 'dct', code: dctKernel() },
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
 * for this image (no WebAssembly SIMD, or grey input).
 */
export function pdqDownsample64Wasm(image: PixelImage): Float32Array | undefined {
  const k = getKernels();
  const { width: w, height: h, channels, data } = image;
  if (!k || (channels !== 3 && channels !== 4)) return undefined;
  const fullX = pdqWindowSize(w);
  const fullY = pdqWindowSize(h);
  const halfX = (fullX + 2) >> 1;
  const halfY = (fullY + 2) >> 1;
  const wp = Math.ceil(w / 4) * 4; // padded row length: column kernels work 4 lanes at a time
  const rowBytes = w * channels;
  // The ring keeps the rows the column filter still needs: the window's left edge (fullY back)
  // through the 4 rows the row filter has just written.
  const ringRows = fullY + 4;
  const [pix, lumaI, boxI, ring, sums1, block, blockI, sumsI, scratch] = layout(k, [
    4 * rowBytes + 16,
    4 * w * 4,
    4 * w * 4,
    ringRows * wp * 4,
    wp * 4,
    4 * wp * 4,
    4 * w * 4,
    4 * w * 4,
    3 * wp * 4,
  ]) as [number, number, number, number, number, number, number, number, number];
  const bytes = new Uint8Array(k.memory.buffer);
  const floats = new Float32Array(k.memory.buffer);
  bytes.fill(0, ring, scratch + 3 * wp * 4);
  const luma = channels === 3 ? k.luma3 : k.luma4;
  const slot = (r: number): number => ring + (r % ringRows) * wp * 4;
  const rows = pdqDecimationIndices(h);
  const cols = pdqDecimationIndices(w);

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
    const inRow = (j: number): number => block + (j < buffered ? j : 0) * wp * 4;
    k.toInterleaved(blockI, inRow(0), inRow(1), inRow(2), inRow(3), w);
    k.rowSums(blockI, sumsI, w, fullX, halfX);
    for (let j = 0; j < buffered; j += 1) {
      for (let i = 0; i < 64; i += 1) {
        const c = cols[i]!;
        sampled[i] = floats[(sumsI >> 2) + 4 * c + j]! / Math.min(halfX + c, fullX, fullX + w - halfX - c);
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
    // Rows past the image's end (when h is not a multiple of 4) filter stale bytes into scratch.
    luma(pix, rowBytes, lumaI, w);
    k.rowBox(lumaI, boxI, w, fullX, halfX);
    const outRow = (j: number): number => (j < n ? slot(y + j) : scratch + (j - 1) * wp * 4);
    k.toRows(boxI, outRow(0), outRow(1), outRow(2), outRow(3), w);
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

const DCT_TRANSPOSED: Float32Array = (() => {
  const t = new Float32Array(64 * 16);
  for (let i = 0; i < 16; i += 1) for (let k = 0; k < 64; k += 1) t[k * 16 + i] = DCT_MATRIX[i * 64 + k]!;
  return t;
})();

/** The 16×16 DCT of a 64×64 downsample with the kernel; `undefined` without WebAssembly SIMD. */
export function pdqDct64To16Wasm(a: Float32Array): Float32Array | undefined {
  const k = getKernels();
  if (!k) return undefined;
  const [pa, pd, pdt, pt, pb] = layout(k, [64 * 64 * 4, 16 * 64 * 4, 64 * 16 * 4, 16 * 64 * 4, 16 * 16 * 4]) as [number, number, number, number, number];
  const floats = new Float32Array(k.memory.buffer);
  floats.set(a, pa >> 2);
  floats.set(DCT_MATRIX, pd >> 2);
  floats.set(DCT_TRANSPOSED, pdt >> 2);
  k.dct(pa, pd, pdt, pt, pb);
  return floats.slice(pb >> 2, (pb >> 2) + 256);
}

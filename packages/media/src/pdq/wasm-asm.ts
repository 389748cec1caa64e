/**
 * A minimal WebAssembly binary assembler: just enough to emit the PDQ filter kernels from
 * TypeScript (pdq-wasm.ts) without a toolchain or a checked-in binary. Emits one module with an
 * exported memory and exported functions; every function body is a flat instruction list.
 * WebAssembly's f32 arithmetic is IEEE single precision with round-to-nearest and no fused
 * operations, which is exactly the reference's C++ `float` behaviour.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

const uleb = (n: number): number[] => {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
};

const sleb = (n: number): number[] => {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};

const utf8 = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

/** Instruction emitter for one function body. Locals are numbered after the parameters. */
export class Code {
  readonly bytes: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(readonly params: readonly ValType[]) {}

  /** Declares a local; returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  f32(n: number): this {
    const b = new Uint8Array(new Float32Array([n]).buffer);
    return this.op(0x43, ...b);
  }
  f64(n: number): this {
    const b = new Uint8Array(new Float64Array([n]).buffer);
    return this.op(0x44, ...b);
  }
  // Memory (alignment hint, constant offset).
  f32Load(offset = 0): this {
    return this.op(0x2a, 2, ...uleb(offset));
  }
  f32Store(offset = 0): this {
    return this.op(0x38, 2, ...uleb(offset));
  }
  u8Load(offset = 0): this {
    return this.op(0x2d, 0, ...uleb(offset));
  }
  v128Load(offset = 0): this {
    return this.op(0xfd, ...uleb(0x00), 0, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.op(0xfd, ...uleb(0x0b), 0, ...uleb(offset));
  }
  v128Const(bytes: readonly number[]): this {
    if (bytes.length !== 16) throw new RangeError('v128.const takes 16 bytes');
    return this.op(0xfd, ...uleb(0x0c), ...bytes);
  }
  // i32
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }
  // f32 / f64 scalar
  f32Add(): this {
    return this.op(0x92);
  }
  f32Sub(): this {
    return this.op(0x93);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  f32Div(): this {
    return this.op(0x95);
  }
  f32ConvertI32S(): this {
    return this.op(0xb2);
  }
  f32ConvertI32U(): this {
    return this.op(0xb3);
  }
  f32DemoteF64(): this {
    return this.op(0xb6);
  }
  f64PromoteF32(): this {
    return this.op(0xbb);
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  // SIMD
  /** i8x16.shuffle: 16 byte-lane indices (0–15: first operand, 16–31: second). */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new RangeError('i8x16.shuffle takes 16 lanes');
    return this.op(0xfd, ...uleb(0x0d), ...lanes);
  }
  /** i8x16.shuffle with the lanes given as four i32 lanes (0–3: first operand, 4–7: second). */
  i32x4Shuffle(lanes: readonly [number, number, number, number]): this {
    return this.op(0xfd, ...uleb(0x0d), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
  }
  i8x16Swizzle(): this {
    return this.op(0xfd, ...uleb(0x0e));
  }
  f32x4Splat(): this {
    return this.op(0xfd, ...uleb(0x13));
  }
  f32x4Add(): this {
    return this.op(0xfd, ...uleb(0xe4));
  }
  f32x4Sub(): this {
    return this.op(0xfd, ...uleb(0xe5));
  }
  f32x4Mul(): this {
    return this.op(0xfd, ...uleb(0xe6));
  }
  f32x4Div(): this {
    return this.op(0xfd, ...uleb(0xe7));
  }
  f32x4ConvertI32x4U(): this {
    return this.op(0xfd, ...uleb(0xfb));
  }
  // Control
  drop(): this {
    return this.op(0x1a);
  }
  /**
   * `while (cond) body`: emits block { loop { br_if 1 (!cond); body; br 0 } }. `cond` must push
   * an i32 that is non-zero to continue.
   */
  whileLoop(cond: (c: this) => void, body: (c: this) => void): this {
    this.op(0x02, 0x40, 0x03, 0x40);
    cond(this);
    this.op(0x45, 0x0d, 0x01); // i32.eqz; br_if 1
    body(this);
    return this.op(0x0c, 0x00, 0x0b, 0x0b); // br 0; end loop; end block
  }

  /** The encoded body (locals + code + end). */
  encode(): number[] {
    const groups: number[][] = this.localTypes.map((t) => [1, t]);
    const body = [...vec(groups), ...this.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

export interface FunctionDef {
  readonly name: string;
  readonly code: Code;
}

/** Encodes a module exporting `memory` (min `pages` × 64 KiB, growable) and the functions. */
export function assemble(functions: readonly FunctionDef[], pages: number): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.code.params.map((p) => [p])), 0x00]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec([[...utf8('memory'), 0x02, 0x00], ...functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)])])),
    ...section(10, vec(functions.map((f) => f.code.encode()))),
  ];
  return Uint8Array.from(bytes);
}

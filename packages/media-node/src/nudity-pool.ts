/**
 * Nudity classification off the request thread: a pool of worker threads, each running nsfwjs's
 * MobileNetV2 on the tfjs WebAssembly backend, loaded offline from node_modules.
 *
 * Contracts:
 * - Bounded: at most `workers` images are classified at once and at most `maxQueue` more wait
 *   (decoding counts as waiting). Beyond that `classify` rejects at once with
 *   `ClassifierOverloadedError` (code `unavailable`: the server answers 503 + Retry-After) — the
 *   queue never grows without limit.
 * - One slow image never stalls the server: decoding runs on libuv's pool (sharp), inference on a
 *   worker; an inference exceeding `timeoutMs` terminates that worker (the call rejects with
 *   `ClassifierUnavailableError`) and a fresh worker replaces it. A crashed worker is replaced too.
 * - Input limits and errors are `decodeImage`'s (`MediaInputError`).
 * The classifier only estimates; see docs/media.md for what it gets wrong.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { NudityScores } from '@safeguard/media';
import { probeImage, DEFAULT_MAX_PIXELS, type DecodeOptions } from './decode.js';
import { ClassifierOverloadedError, ClassifierUnavailableError, MediaInputError } from './errors.js';

export const CLASSIFIER_INPUT_SIZE = 224;

export interface NudityClassifierOptions {
  /** Worker threads, each using one core (default 1). */
  readonly workers?: number;
  /** Requests allowed to wait beyond those being classified (default 8 per worker). */
  readonly maxQueue?: number;
  /** Per-image inference deadline before the worker is replaced (default 10 s). */
  readonly timeoutMs?: number;
  /** Decode limits for `classify(bytes)`. */
  readonly decode?: DecodeOptions;
  /** How long to wait for the model to load (default 60 s). */
  readonly startTimeoutMs?: number;
  /**
   * tfjs backend: `wasm` (default, SIMD WebAssembly, ~15 images/s per core) or `cpu` (pure
   * JavaScript, ~20× slower; for benchmarks and for diagnosing WebAssembly problems only).
   */
  readonly backend?: 'wasm' | 'cpu';
}

export interface NudityClassification {
  readonly scores: NudityScores;
  /** Inference time inside the worker. */
  readonly inferenceMs: number;
}

export interface NudityPoolStats {
  readonly workers: number;
  readonly busy: number;
  readonly queued: number;
  readonly capacity: number;
  readonly completed: number;
  readonly rejected: number;
  readonly restarts: number;
}

interface Job {
  readonly id: number;
  readonly pixels: Uint8Array;
  readonly resolve: (value: NudityClassification) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  ready: boolean;
}

interface WorkerReply {
  readonly type?: 'ready' | 'fatal';
  readonly message?: string;
  readonly id?: number;
  readonly scores?: NudityScores;
  readonly ms?: number;
  readonly error?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
/** worker/ sits next to src/ and dist/, so the same path works from sources and from the build. */
const WORKER_PATH = join(here, '..', 'worker', 'nudity-worker.mjs');

function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
}

/** Decodes and resizes to the model's 224×224 RGB input (as nsfwjs does: the whole frame, stretched). */
export async function preparePixels(bytes: Uint8Array, options: DecodeOptions = {}): Promise<Uint8Array> {
  await probeImage(bytes, options);
  try {
    const data = await sharp(bytes, { limitInputPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS, failOn: 'warning' })
      .autoOrient()
      .resize(CLASSIFIER_INPUT_SIZE, CLASSIFIER_INPUT_SIZE, { fit: 'fill' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer();
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (err) {
    throw new MediaInputError('corrupt', `image could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export class NudityClassifierPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly options: Required<Omit<NudityClassifierOptions, 'decode'>> & { decode: DecodeOptions };
  private readonly wasmDir = wasmDirectory();
  private nextId = 1;
  /** Admitted requests not yet answered (decoding, queued or running). */
  private pending = 0;
  private completed = 0;
  private rejected = 0;
  private restarts = 0;
  private closed = false;

  private constructor(options: NudityClassifierOptions) {
    const workers = options.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError('workers must be a positive integer');
    const maxQueue = options.maxQueue ?? 8 * workers;
    if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError('maxQueue must be a non-negative integer');
    this.options = {
      workers,
      maxQueue,
      timeoutMs: options.timeoutMs ?? 10_000,
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
      backend: options.backend ?? 'wasm',
      decode: options.decode ?? {},
    };
  }

  /** Starts the workers and waits until every one has loaded the model. */
  static async create(options: NudityClassifierOptions = {}): Promise<NudityClassifierPool> {
    const pool = new NudityClassifierPool(options);
    try {
      await Promise.all(Array.from({ length: pool.options.workers }, () => pool.spawn()));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Most requests that can be in the pool at once (classifying + waiting). */
  get capacity(): number {
    return this.options.workers + this.options.maxQueue;
  }

  get stats(): NudityPoolStats {
    return {
      workers: this.slots.length,
      busy: this.slots.filter((s) => s.job).length,
      queued: this.queue.length,
      capacity: this.capacity,
      completed: this.completed,
      rejected: this.rejected,
      restarts: this.restarts,
    };
  }

  private spawn(): Promise<Slot> {
    const worker = new Worker(WORKER_PATH, { workerData: { wasmDir: this.wasmDir, modelName: 'MobileNetV2', backend: this.options.backend } });
    const slot: Slot = { worker, job: undefined, timer: undefined, ready: false };
    this.slots.push(slot);
    return new Promise<Slot>((resolve, reject) => {
      const startTimer = setTimeout(() => {
        reject(new ClassifierUnavailableError(`nudity model did not load within ${this.options.startTimeoutMs} ms`));
        void worker.terminate();
      }, this.options.startTimeoutMs);
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          clearTimeout(startTimer);
          slot.ready = true;
          resolve(slot);
          this.pump();
        } else if (reply.type === 'fatal') {
          clearTimeout(startTimer);
          reject(new ClassifierUnavailableError(`nudity model failed to load: ${reply.message ?? 'unknown error'}`));
          void worker.terminate();
        } else {
          this.finish(slot, reply);
        }
      });
      worker.on('error', (err) => {
        clearTimeout(startTimer);
        if (slot.ready) {
          this.replace(slot, new ClassifierUnavailableError('nudity worker crashed', err));
        } else {
          // Failed while starting: do not respawn in a loop; the caller of spawn() decides.
          const i = this.slots.indexOf(slot);
          if (i >= 0) this.slots.splice(i, 1);
          reject(new ClassifierUnavailableError('nudity worker failed to start', err));
        }
      });
      worker.on('exit', () => {
        clearTimeout(startTimer);
        if (slot.ready) this.replace(slot, new ClassifierUnavailableError('nudity worker exited'));
        else if (this.slots.includes(slot)) this.slots.splice(this.slots.indexOf(slot), 1);
        reject(new ClassifierUnavailableError('nudity worker exited before the model loaded'));
      });
    });
  }

  /** Drops a dead or stuck worker, fails its job, and starts a replacement. */
  private replace(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    slot.ready = false;
    if (slot.timer) clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = undefined;
    if (job) this.settle(job, error);
    void slot.worker.terminate();
    if (this.closed) return;
    this.restarts += 1;
    this.spawn().catch((err: unknown) => {
      // Without a worker the queue cannot drain: fail what is waiting rather than hang.
      if (this.slots.length === 0) for (const waiting of this.queue.splice(0)) this.settle(waiting, err instanceof Error ? err : new ClassifierUnavailableError(String(err)));
    });
  }

  private settle(job: Job, result: NudityClassification | Error): void {
    this.pending -= 1;
    if (result instanceof Error) job.reject(result);
    else {
      this.completed += 1;
      job.resolve(result);
    }
  }

  private finish(slot: Slot, reply: WorkerReply): void {
    const job = slot.job;
    if (!job || reply.id !== job.id) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    if (reply.error !== undefined || !reply.scores) this.settle(job, new ClassifierUnavailableError(`classification failed: ${reply.error ?? 'no scores'}`));
    else this.settle(job, { scores: reply.scores, inferenceMs: reply.ms ?? 0 });
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.timer = setTimeout(() => {
        this.replace(slot, new ClassifierUnavailableError(`classification took longer than ${this.options.timeoutMs} ms; worker replaced`));
      }, this.options.timeoutMs);
      // Copy into a buffer we own so it can be transferred without detaching the caller's.
      const pixels = new Uint8Array(job.pixels);
      slot.worker.postMessage({ id: job.id, pixels }, [pixels.buffer]);
    }
  }

  private admit(): void {
    if (this.closed) throw new ClassifierUnavailableError('nudity classifier pool is closed');
    if (this.pending >= this.capacity) {
      this.rejected += 1;
      throw new ClassifierOverloadedError(this.pending, this.capacity);
    }
    this.pending += 1;
  }

  /** Classifies 224×224 RGB pixels (see `preparePixels`). Rejects with `ClassifierOverloadedError` when full. */
  classifyPixels(pixels: Uint8Array): Promise<NudityClassification> {
    try {
      this.admit();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return this.enqueue(pixels);
  }

  private enqueue(pixels: Uint8Array): Promise<NudityClassification> {
    if (pixels.length !== CLASSIFIER_INPUT_SIZE * CLASSIFIER_INPUT_SIZE * 3) {
      this.pending -= 1;
      return Promise.reject(new RangeError('expected 224x224 RGB pixels'));
    }
    return new Promise<NudityClassification>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, pixels, resolve, reject });
      this.pump();
    });
  }

  /** Decodes, resizes and classifies image bytes. Overload is checked before any work is done. */
  async classify(bytes: Uint8Array): Promise<NudityClassification> {
    this.admit();
    let pixels: Uint8Array;
    try {
      pixels = await preparePixels(bytes, this.options.decode);
    } catch (err) {
      this.pending -= 1;
      throw err;
    }
    if (this.closed) {
      this.pending -= 1;
      throw new ClassifierUnavailableError('nudity classifier pool is closed');
    }
    return this.enqueue(pixels);
  }

  /** Stops the workers; waiting and running requests reject with `ClassifierUnavailableError`. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new ClassifierUnavailableError('nudity classifier pool is closed');
    for (const job of this.queue.splice(0)) this.settle(job, error);
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      if (slot.timer) clearTimeout(slot.timer);
      if (slot.job) this.settle(slot.job, error);
      slot.job = undefined;
      slot.ready = false;
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

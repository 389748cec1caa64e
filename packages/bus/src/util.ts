/** Small concurrency helpers shared by the buses. */

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves after `ms`, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Redelivery backoff after a failure: base doubling per earlier delivery, capped. */
export function retryBackoff(baseMs: number, deliveryCount: number, capMs = 60_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(20, Math.max(0, deliveryCount - 1)));
}

/**
 * Counting semaphore with FIFO waiters: bounds a consumer's unsettled deliveries (backpressure).
 * `acquire(n)` waits until n permits are free; waiters are served in arrival order so a large
 * request is not starved by small ones.
 */
export class Semaphore {
  #available: number;
  readonly #waiters: { n: number; resolve: () => void }[] = [];

  constructor(readonly capacity: number) {
    this.#available = capacity;
  }

  get available(): number {
    return this.#available;
  }

  /** Waits for n permits; resolves false (holding nothing) if the signal aborts first. */
  acquire(n: number, signal?: AbortSignal): Promise<boolean> {
    if (n > this.capacity) throw new RangeError(`cannot acquire ${n} of ${this.capacity} permits`);
    if (signal?.aborted) return Promise.resolve(false);
    if (this.#waiters.length === 0 && this.#available >= n) {
      this.#available -= n;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter = {
        n,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        },
      };
      const onAbort = (): void => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        this.release(0);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Takes up to `max` permits without waiting (none while others wait, to keep FIFO fairness). */
  tryAcquire(max: number): number {
    if (this.#waiters.length > 0 || max <= 0) return 0;
    const n = Math.min(max, this.#available);
    this.#available -= n;
    return n;
  }

  release(n: number): void {
    this.#available += n;
    while (this.#waiters.length > 0 && this.#available >= this.#waiters[0]!.n) {
      const waiter = this.#waiters.shift()!;
      this.#available -= waiter.n;
      waiter.resolve();
    }
  }
}

/**
 * A bounded cache with per-entry expiry for per-account facts. Reads do not reorder entries
 * (re-inserting into a large Map on every hit costs more than it saves); when full, the oldest
 * insertion is evicted. Entries are short-lived anyway, so first-in-first-out eviction is enough.
 */
export class TtlCache<K, V> {
  private readonly map = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  get(key: K, now = Date.now()): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V, now = Date.now(), expiresAt = now + this.ttlMs): void {
    this.map.delete(key);
    this.map.set(key, { value, expiresAt: Math.min(expiresAt, now + this.ttlMs) });
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * Parsed detector states of recently active conversations, so that ingesting a conversation's next
 * messages does not parse the JSON state it just wrote (about 3 ms per 500 states; end to end the
 * ingest benchmark gained 2-3% in interleaved runs, less than the parsing cost, since states that
 * stay alive between batches cost the garbage collector more than short-lived ones).
 *
 * Why it is safe:
 * - The stored row stays the truth. An entry is used only when its JSON is exactly the state
 *   string just read from the store in the same transaction; if anything else wrote the
 *   conversation since (another process, a worker, a restore), the strings differ and the row is
 *   parsed as before.
 * - The detector steps states in place, so a state is *taken* out of the cache when it is used and
 *   only put back, with the JSON written for it, after its transaction has committed. A rolled
 *   back transaction leaves nothing behind: its states were already removed.
 * - Bounded: when full, the least recently stored conversation is dropped.
 */
import type { GroomingState } from '@safeguard/detect-text';

export interface CachedConversationState {
  /** The JSON that was committed for this state. */
  readonly json: string;
  readonly state: GroomingState;
  /** Each participant's score for this state (what the detector's `scores` returned). */
  readonly scores: ReadonlyMap<string, number>;
}

export class ConversationStateCache {
  private readonly entries = new Map<string, CachedConversationState>();

  constructor(private readonly maxEntries: number) {}

  /**
   * The parsed state for `storedJson`, removed from the cache (the caller now owns and may mutate
   * it), or undefined when the cache has no state for exactly that JSON.
   */
  take(key: string, storedJson: string): CachedConversationState | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    return entry.json === storedJson ? entry : undefined;
  }

  /** Stores states whose JSON has been committed. */
  putCommitted(committed: ReadonlyMap<string, CachedConversationState>): void {
    if (this.maxEntries <= 0) return;
    for (const [key, entry] of committed) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Data loading and clock hooks shared by the pages. `useLoad` runs an API call when its inputs
 * change and keeps the last answer while reloading (no flashing), `useNow` ticks for live SLA
 * countdowns, `usePageTitle` names the page for the browser tab and for screen readers.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  /** When the data arrived (local clock, ms): countdowns are measured from here. */
  readonly loadedAt: number;
  readonly reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean; loadedAt: number }>({
    data: undefined,
    error: undefined,
    loading: true,
    loadedAt: 0,
  });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let cancelled = false;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => {
        if (!cancelled) setState({ data, error: undefined, loading: false, loadedAt: Date.now() });
      },
      (error: unknown) => {
        if (!cancelled) setState((s) => ({ ...s, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      },
    );
    return () => {
      cancelled = true;
    };
    // The caller names the inputs (as with useEffect); `generation` forces a reload.
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/** The current time, updated every `intervalMs` (1 s by default). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Re-runs `tick` every `intervalMs` while the page is visible (queues refresh themselves). */
export function useInterval(tick: () => void, intervalMs: number): void {
  const ref = useRef(tick);
  ref.current = tick;
  useEffect(() => {
    const timer = setInterval(() => {
      if (typeof document === 'undefined' || document.visibilityState !== 'hidden') ref.current();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
}

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Safeguard console`;
  }, [title]);
}

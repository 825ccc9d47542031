import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api/client';

export interface Polled<T> {
  data?: T;
  error?: ApiError;
  /** Fetches again now (after an action), without waiting for the next tick. */
  refresh(): void;
}

/**
 * Loads `load()` now and again every `intervalMs` after the previous answer (never two requests in
 * flight); `intervalMs` 0 loads once. Stops when the component goes or `deps` change.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: readonly unknown[]): Polled<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError }>({});
  const kick = useRef<() => void>(() => undefined);
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    const run = async () => {
      if (!alive || running) return;
      running = true;
      clearTimeout(timer);
      try {
        const data = await load();
        if (alive) setState({ data });
      } catch (error) {
        if (alive) setState((s) => ({ data: s.data, error: asApiError(error) }));
      } finally {
        running = false;
        if (alive && intervalMs > 0) timer = setTimeout(run, intervalMs);
      }
    };
    kick.current = () => void run();
    setState({});
    void run();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, deps);
  return { ...state, refresh: () => kick.current() };
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'CONSOLE', (error as Error)?.message ?? String(error));
}

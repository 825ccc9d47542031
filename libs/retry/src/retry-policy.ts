import pRetry, { AbortError } from 'p-retry';

/**
 * How long to wait between attempts: `initialMs` after the first failure, doubling up to `maxMs`.
 * With `jitter`, each wait is drawn from [delay / 2, delay) so that replicas failing together do not
 * retry together.
 */
export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  jitter?: boolean;
}

/** One failed attempt, as `onRetry` sees it before the wait. */
export interface RetryFailure {
  error: unknown;
  /** 1 for the first failure since the start or since the last progress. */
  attempt: number;
  /** The wait before the next attempt, in milliseconds. */
  delayMs: number;
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** Aborting it ends the wait at once; the run then resolves `'stopped'`. */
  signal: AbortSignal;
  /** Called after each failure that will be retried (log it, show it in status). */
  onRetry?: (failure: RetryFailure) => void;
  /** Failures that are not worth another attempt (default: none); they reject the run. */
  isFatal?: (error: unknown) => boolean;
  /**
   * A counter that moves when an attempt gets work done (e.g. a checkpoint position). A failure
   * after progress restarts the back-off at `initialMs` instead of continuing to lengthen it.
   */
  progress?: () => unknown;
}

/**
 * Runs `attempt` until it resolves, retrying every failure after the policy's back-off (p-retry,
 * retries unlimited). Resolves `'done'` when an attempt resolved, `'stopped'` when `signal` was
 * aborted (during an attempt or a wait); rejects only with an error `isFatal` accepts.
 *
 * @example await retryUntilDone(() => connect(), { policy: { initialMs: 1_000, maxMs: 30_000 }, signal })
 */
export async function retryUntilDone(
  attempt: (attemptNumber: number) => Promise<void>,
  options: RetryOptions,
): Promise<'done' | 'stopped'> {
  const { policy, signal } = options;
  let failures = 0;
  for (;;) {
    if (signal.aborted) return 'stopped';
    let progressedAfterFailure: unknown;
    let succeeded = false;
    try {
      await pRetry(
        async (attemptNumber) => {
          const before = options.progress?.();
          try {
            await attempt(attemptNumber);
            succeeded = true;
          } catch (error) {
            if (signal.aborted) throw new AbortError(asError(error));
            if (options.isFatal?.(error)) throw new AbortError(asError(error));
            if (options.progress && options.progress() !== before && failures > 0) {
              // Work was done since the last failure: start the back-off again from the beginning.
              progressedAfterFailure = error;
              throw new AbortError(asError(error));
            }
            // p-retry never retries a TypeError (a programming error to it); a loop of ours retries every failure.
            throw error instanceof TypeError ? new RetriedFailure(error) : error;
          }
        },
        {
          retries: Number.POSITIVE_INFINITY,
          factor: 2,
          minTimeout: policy.jitter ? policy.initialMs / 2 : policy.initialMs,
          maxTimeout: policy.maxMs,
          randomize: policy.jitter ?? false,
          signal,
          onFailedAttempt: ({ error, retryDelay }) => {
            failures++;
            options.onRetry?.({ error: unwrap(error), attempt: failures, delayMs: retryDelay });
          },
        },
      );
      return 'done';
    } catch (error) {
      // An attempt that finished as the signal aborted did its work: that is done, not stopped.
      if (succeeded) return 'done';
      if (signal.aborted) return 'stopped';
      if (progressedAfterFailure === undefined) throw unwrap(error);
      failures = 1;
      const delayMs = retryDelayMs(policy, 1);
      options.onRetry?.({ error: progressedAfterFailure, attempt: 1, delayMs });
      await pause(delayMs, signal);
    }
  }
}

/**
 * The wait after `failures` consecutive failures under `policy` (0 for none), as {@link retryUntilDone}
 * waits: for loops that cannot hand their attempts over, such as an async generator that yields
 * between them.
 */
export function retryDelayMs(policy: RetryPolicy, failures: number): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** (failures - 1));
  return policy.jitter ? ceiling / 2 + Math.random() * (ceiling / 2) : ceiling;
}

/** Waits `ms`, or less when `signal` aborts first; never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** Carries a TypeError through p-retry, which would otherwise give up on it. */
class RetriedFailure extends Error {
  constructor(readonly original: TypeError) {
    super(original.message);
  }
}

function unwrap(error: unknown): unknown {
  return error instanceof RetriedFailure ? error.original : error;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

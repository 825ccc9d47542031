import { retryUntilDone, type RetryPolicy } from '@journeys/retry';
import type { EventStore, RecordedEvent, SubscriptionBatch } from '../event-store.port';

/** One delivery to a {@link ReactorHandler}. */
export interface ReactorBatch {
  /** In position order; empty when a filtered subscription only moved its checkpoint. */
  events: readonly RecordedEvent[];
  /** The batch ends at the head of the store as it was when the batch was read. */
  caughtUp: boolean;
  /**
   * Everything the subscription delivers up to this position has been delivered: the last event's
   * position, or past it when a filtered subscription read further. A handler checkpoints it.
   */
  reached: bigint | undefined;
}

/** How a handler that keeps work in flight after `handle` returns reports that work failing. */
export interface ReactorControl {
  /** Ends the subscription; the reactor settles, recovers and resubscribes from the checkpoint. */
  fail(error: unknown): void;
}

/**
 * What a subscriber does with the stream of events; the {@link Reactor} owns the loop. The handler
 * stores its writes and the batch's checkpoint together, so a restart resumes after the last batch
 * stored and nothing is applied twice or skipped.
 */
export interface ReactorHandler {
  /**
   * The stored checkpoint to resume after (exclusive), or undefined for the start; read at each
   * subscription. A rejection counts as a failed attempt (retried with the back-off).
   */
  checkpoint(): bigint | undefined | Promise<bigint | undefined>;
  /**
   * Handles one batch; resolving means ready for the next. Work it leaves in flight (a batch whose
   * events are being stored or published while the next is read) reports a failure through `control`.
   */
  handle(batch: ReactorBatch, control: ReactorControl): Promise<void>;
  /** Waits for the work in flight; called after the loop ends and after a failure. Never rejects. */
  settle?(): Promise<void>;
  /** After a failure and before resubscribing: forget what was decided past the checkpoint. */
  recover?(): Promise<void> | void;
}

export interface ReactorOptions {
  /** Names the subscriber in logs and errors. */
  name: string;
  /** Upper bound on events in one batch. */
  batchSize: number;
  /** Deliver only these event types (all when omitted). */
  eventTypes?: readonly string[];
  /** The back-off between attempts after a failure. */
  retry: RetryPolicy;
  /** A value that moves when the handler stores a batch: a failure after progress restarts the back-off. */
  progress?: () => unknown;
  /** Called after each failure that will be retried. */
  onError?: (error: unknown) => void;
  /** At stop, longest wait for the work in flight (default: as long as it takes). */
  stopTimeoutMs?: number;
  /** Called when the stop timeout passes with work still in flight. */
  onStopTimeout?: () => void;
}

export interface ReactorStatus {
  running: boolean;
  /** The last batch handled ended at the head of the store. */
  caughtUp: boolean;
  /** The last failure, until a batch is handled again. */
  lastError?: string;
}

/**
 * The one checkpointed subscriber (ARCHITECTURE example 12): subscribes to all events from its
 * handler's checkpoint, hands each batch to the handler, resubscribes from the checkpoint after a
 * failure (with the retry policy's back-off), and reports its status for `/health`. Projections, the
 * event forwarder and the engine's input loop are this reactor with different handlers.
 */
export class Reactor {
  private loop: Promise<unknown> | undefined;
  private iterator: AsyncIterator<SubscriptionBatch> | undefined;
  private stopping = false;
  private stopped = new AbortController();
  private caughtUp = false;
  private lastError: string | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly handler: ReactorHandler,
    private readonly options: ReactorOptions,
  ) {}

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.stopped = new AbortController();
    this.loop = retryUntilDone(() => this.attempt(), {
      policy: this.options.retry,
      signal: this.stopped.signal,
      progress: this.options.progress,
      onRetry: ({ error }) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error);
      },
    });
  }

  /** Ends the subscription and waits for the work in flight (up to the stop timeout). */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.stopped.abort();
    await this.iterator?.return?.();
    const timeoutMs = this.options.stopTimeoutMs;
    if (timeoutMs === undefined) {
      await this.loop;
    } else {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.options.onStopTimeout?.();
          resolve();
        }, timeoutMs);
      });
      await Promise.race([this.loop, timedOut]).finally(() => clearTimeout(timer));
    }
    this.loop = undefined;
    this.iterator = undefined;
  }

  status(): ReactorStatus {
    return { running: this.loop !== undefined, caughtUp: this.caughtUp, lastError: this.lastError };
  }

  /** One subscription from the checkpoint until stopped; throws on a failure (the retry resubscribes). */
  private async attempt(): Promise<void> {
    const after = await this.handler.checkpoint();
    if (this.stopping) return;
    const iterator = this.store
      .subscribeToAll({
        after,
        maxBatchSize: this.options.batchSize,
        eventTypes: this.options.eventTypes,
      })
      [Symbol.asyncIterator]();
    this.iterator = iterator;
    // Set from the handler's work in flight, outside this loop's flow.
    let failure: { error: unknown } | undefined;
    const control: ReactorControl = {
      fail: (error) => {
        failure ??= { error };
        void iterator.return?.();
      },
    };
    const rethrow = () => {
      if (failure) throw failure.error;
    };
    try {
      for (;;) {
        const next = await iterator.next();
        rethrow();
        if (next.done || this.stopping) break;
        const { events, caughtUp, checkpoint } = next.value;
        await this.handler.handle({ events, caughtUp, reached: reachedBy(events, checkpoint) }, control);
        rethrow();
        this.caughtUp = caughtUp;
        this.lastError = undefined;
        if (this.stopping) break;
      }
      await this.handler.settle?.();
      rethrow();
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      await this.handler.settle?.();
      if (!this.stopping) await this.handler.recover?.();
      throw error;
    }
  }
}

/** The position a batch reaches: its checkpoint when a filtered read went past the last event. */
function reachedBy(events: readonly RecordedEvent[], checkpoint: bigint | undefined): bigint | undefined {
  const last = events.length ? events[events.length - 1].position : undefined;
  return checkpoint !== undefined && (last === undefined || checkpoint > last) ? checkpoint : last;
}

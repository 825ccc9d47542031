import {
  ErrorType,
  excludeSystemEvents,
  isCommandError,
  START,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Position,
} from '@eventstore/db-client';
import { pause, retryDelayMs, type RetryPolicy } from '@journeys/retry';
import type { RecordedEvent, SubscriptionBatch } from '../event-store.port';
import {
  comparePositions,
  decodePosition,
  encodePosition,
  isSystemEvent,
  toRecordedEvent,
} from './eventstoredb-mapping';

/**
 * Pushed into the subscription's own buffer when the server says it switched to live events (or back
 * to catching up), so the signal keeps its place among the events around it.
 */
export const CAUGHT_UP = Symbol('caught-up');
export const FELL_BEHIND = Symbol('fell-behind');
export type SubscriptionMarker = typeof CAUGHT_UP | typeof FELL_BEHIND;

/** The part of a Node readable (object mode) that batching uses. */
export interface BufferedSource {
  /** Items buffered and not yet read. */
  readonly readableLength: number;
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
}

export interface BatchingOptions<T> {
  maxBatchSize: number;
  /** Maps one source item to a port event, or undefined to skip it (system events, duplicates). */
  toEvent: (item: T) => RecordedEvent | undefined;
  /**
   * For servers that never send caught-up (before 23.10): the head when the subscription started.
   * `'now'` when there was nothing to catch up on; otherwise the subscription counts as live once an
   * event at or past this position is delivered, until the server sends its own signals.
   */
  headAtStart: bigint | 'now';
  /** Shared across resubscriptions: whether the last delivered batch was caught up. */
  state: { deliveredCaughtUp: boolean };
}

/** How long a catching-up batch waits for more events before it is delivered as it is. */
export const CATCH_UP_LINGER_MS = 25;
const LINGERED = Symbol('lingered');

/**
 * Groups the items a subscription stream has buffered into batches of at most `maxBatchSize`
 * events. Live, a batch is what is buffered now (latency first). Catching up, the server streams
 * events as fast as the connection takes them, a few at a time: a batch then waits for more (up to
 * {@link CATCH_UP_LINGER_MS} at a time) until it is full or the subscription is live, so consumers
 * that commit per batch (read models) commit per thousand events, not per handful. A batch is
 * caught up when the subscription is live and nothing is left in the buffer. When the subscription
 * becomes caught up without an event to carry the flag, an empty caught-up batch says so, like
 * the SQLite adapter does at its head.
 */
export async function* batchesOf<T extends object>(
  source: BufferedSource,
  options: BatchingOptions<T>,
): AsyncGenerator<SubscriptionBatch> {
  const { maxBatchSize, toEvent, headAtStart, state } = options;
  let live = headAtStart === 'now';
  let serverSignals = false;
  if (live && !state.deliveredCaughtUp) {
    state.deliveredCaughtUp = true;
    yield { events: [], caughtUp: true };
  }
  const items = source[Symbol.asyncIterator]() as AsyncIterator<T | SubscriptionMarker>;
  // A read a lingering batch stopped waiting for: the next batch starts with it.
  let carried: Promise<IteratorResult<T | SubscriptionMarker>> | undefined;
  const next = () => {
    const read = carried ?? items.next();
    carried = undefined;
    return read;
  };
  for (;;) {
    const first = await next();
    if (first.done) return;
    const events: RecordedEvent[] = [];
    let item = first.value;
    let ended = false;
    for (;;) {
      if (item === CAUGHT_UP || item === FELL_BEHIND) {
        serverSignals = true;
        live = item === CAUGHT_UP;
      } else {
        const event = toEvent(item);
        if (event) {
          events.push(event);
          if (!serverSignals && headAtStart !== 'now' && event.position >= headAtStart) live = true;
        }
      }
      if (events.length >= maxBatchSize || (live && source.readableLength === 0)) break;
      const read = next();
      const result = source.readableLength > 0 ? await read : await lingerFor(read);
      if (result === LINGERED) {
        carried = read;
        break;
      }
      if (result.done) {
        ended = true;
        break;
      }
      item = result.value;
    }
    const caughtUp = live && source.readableLength === 0;
    if (events.length > 0 || (caughtUp && !state.deliveredCaughtUp)) {
      state.deliveredCaughtUp = caughtUp;
      yield { events, caughtUp };
    }
    if (ended) return;
  }
}

/** The read's result, or {@link LINGERED} when it takes longer than the catch-up linger. */
async function lingerFor<R>(read: Promise<R>): Promise<R | typeof LINGERED> {
  let timer: NodeJS.Timeout | undefined;
  const lingered = new Promise<typeof LINGERED>((resolve) => {
    timer = setTimeout(() => resolve(LINGERED), CATCH_UP_LINGER_MS);
  });
  try {
    return await Promise.race([read, lingered]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ResubscribingOptions {
  client: EventStoreDBClient;
  after: bigint | undefined;
  maxBatchSize: number;
  /** The last non-system event's position, -1n for none. */
  headPosition: () => Promise<bigint>;
  /** Aborted when the store closes: the subscription ends instead of resubscribing. */
  signal: AbortSignal;
  /** Lets the owner end the current server subscription from outside (on close). */
  onSubscribed: (subscription: AllStreamSubscription | undefined) => void;
  logger?: { warn(message: string, context?: Record<string, unknown>): void };
}

/** Between resubscriptions: 100 ms doubling to 5 s, with jitter; from the start again once an event arrives. */
const RESUBSCRIBE_RETRY: RetryPolicy = { initialMs: 100, maxMs: 5_000, jitter: true };

/**
 * A catch-up subscription to `$all` that survives dropped connections: after an error it waits
 * (exponential back-off with jitter) and subscribes again from the last event it saw, exclusive, so
 * the consumer sees neither a gap nor a duplicate. System events are filtered on the server
 * (event type) and again here (stream name).
 */
export async function* resubscribingBatches(options: ResubscribingOptions): AsyncGenerator<SubscriptionBatch> {
  const { client, maxBatchSize, signal, logger } = options;
  let resumeFrom = decodePosition(options.after);
  let lastSeen: Position | undefined = resumeFrom === START ? undefined : (resumeFrom as Position);
  const state = { deliveredCaughtUp: false };
  let failures = 0;

  const toEvent = (resolved: AllStreamResolvedEvent): RecordedEvent | undefined => {
    const event = resolved.event;
    if (!event) return undefined;
    // Subscriptions start after their position already; this guards the seam of a resubscription.
    if (lastSeen && comparePositions(event.position, lastSeen) <= 0) return undefined;
    lastSeen = event.position;
    resumeFrom = event.position;
    failures = 0;
    return isSystemEvent(event) ? undefined : toRecordedEvent(event);
  };

  while (!signal.aborted) {
    let subscription: AllStreamSubscription | undefined;
    try {
      const head = await options.headPosition();
      if (signal.aborted) return;
      const resumeAt = lastSeen ? encodePosition(lastSeen) : -1n;
      subscription = client.subscribeToAll(
        { fromPosition: resumeFrom, filter: excludeSystemEvents() },
        { highWaterMark: Math.min(Math.max(2 * maxBatchSize, 32), 4_096) },
      );
      const current = subscription;
      // A late error on a stream nobody reads any more must not become an uncaught 'error' event.
      current.on('error', () => undefined);
      current.on('caughtUp', () => current.push(CAUGHT_UP));
      current.on('fellBehind', () => current.push(FELL_BEHIND));
      options.onSubscribed(current);
      yield* batchesOf<AllStreamResolvedEvent>(current, {
        maxBatchSize,
        toEvent,
        headAtStart: head <= resumeAt ? 'now' : head,
        state,
      });
      // The server ended the call without an error (shutdown, leader change): subscribe again.
      failures++;
    } catch (error) {
      if (signal.aborted) return;
      if (!isTransient(error)) throw error;
      failures++;
      logger?.warn('EventStoreDB subscription dropped; resubscribing', {
        error: error instanceof Error ? error.message : String(error),
        attempt: failures,
      });
    } finally {
      options.onSubscribed(undefined);
      if (subscription) endSubscription(subscription);
    }
    await pause(backoff(failures), signal);
  }
}

/** Cancels the server call and ends the local stream so a pending read settles. */
export function endSubscription(subscription: AllStreamSubscription): void {
  subscription.unsubscribe().catch(() => undefined);
  subscription.destroy();
}

const FATAL_ERRORS: ReadonlySet<ErrorType> = new Set([
  ErrorType.ACCESS_DENIED,
  ErrorType.INVALID_ARGUMENT,
  ErrorType.UNSUPPORTED,
  ErrorType.STREAM_DELETED,
]);

/**
 * Server and connection failures are worth a resubscription; anything else (a mapping error, a
 * programming error, missing permissions) is not and reaches the consumer.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (isCommandError(error)) return !FATAL_ERRORS.has(error.type);
  // The local stream ended under the iterator, e.g. the transport closed mid-read.
  return (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';
}

export function backoff(failures: number): number {
  return retryDelayMs(RESUBSCRIBE_RETRY, failures);
}

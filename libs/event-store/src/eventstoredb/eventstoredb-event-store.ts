import {
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  isCommandError,
  WrongExpectedVersionError,
  type AllStreamSubscription,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';
import {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionBatch,
} from '../event-store.port';
import {
  assertRevision,
  comparePositions,
  decodePosition,
  encodePosition,
  isSystemEvent,
  toEsdbExpectedRevision,
  toEventData,
  toRecordedEvent,
} from './eventstoredb-mapping';
import type { CheckpointStore } from '../checkpoint-store';
import { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
import { endSubscription, resubscribingBatches } from './eventstoredb-subscription';
import { collect, readStreamBackwards, readStreamForwards } from './eventstoredb-reads';
import { appendIdempotently, KnownStreamIds, StreamIds, uniqueById } from './idempotent-append';
import { assertAppendable, assertNewEvent } from '../new-event-checks';

export interface EventStoreDbOptions {
  /**
   * Event ids (over all streams) remembered to check appends for ids a stream already holds without
   * reading it. A stream that is not remembered has its last `idempotencyWindow` events read on its
   * next append. Default 500,000 (about 50 MB at most): room for a replica owning a dozen engine
   * partitions, a window each, beside the streams it writes now and then.
   */
  knownIdsCapacity?: number;
  /**
   * Events at the end of each stream whose ids an append is checked against (default 20,000): an id
   * among them is never stored again, an older one may be. Larger than any append a caller retries
   * or decides again (the engine's units stay under it; see StreamIds).
   */
  idempotencyWindow?: number;
  /** Told about dropped subscriptions before they resubscribe. */
  logger?: { warn(message: string, context?: Record<string, unknown>): void };
}

const DEFAULT_KNOWN_IDS = 500_000;
const DEFAULT_IDEMPOTENCY_WINDOW = 20_000;
const DEFAULT_SUBSCRIPTION_BATCH = 1_000;
/** `$all` is read in pages: system events (stream metadata, users, projections) are skipped between ours. */
const READ_ALL_PAGE = 1_000;
const PING_TIMEOUT_MS = 5_000;

interface ActiveSubscription {
  abort: AbortController;
  current: AllStreamSubscription | undefined;
}

/**
 * The production event store: EventStoreDB 22.6 or later over gRPC (@eventstore/db-client 6).
 *
 * Appends go through `appendToStream`, which uses the batch-append RPC on servers that have it
 * (21.10+): concurrent appends share one bidirectional stream on one channel, with no lock here.
 *
 * Idempotency by event id is the adapter's, not EventStoreDB's (whose own check only covers a retry
 * with the original expected revision, and makes a concurrent duplicate look like a fresh write).
 * Each write names the exact revision its check was made against, so a write that raced another is
 * rejected and re-checked. The check reaches the stream's last {@link EventStoreDbOptions.idempotencyWindow}
 * events. The cost: an append to a stream this process has not seen (or has forgotten, see
 * {@link EventStoreDbOptions.knownIdsCapacity}) reads that many events back from the stream's end, and
 * a retried or conflicting append reads the events added since; a steady writer that read the stream
 * from its start to decide pays nothing extra, since `readStream` feeds the same knowledge.
 *
 * Reading `$all` needs a user allowed to (an admin, or insecure mode). Positions: see the mapping;
 * an `after` must be -1n or a position this adapter returned (EventStoreDB reads `$all` from record
 * boundaries only).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly knownIds: KnownStreamIds;
  private readonly appendsInFlight = new Set<Promise<AppendResult>>();
  private readonly subscriptions = new Set<ActiveSubscription>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EventStoreDbOptions,
  ) {
    this.knownIds = new KnownStreamIds(
      options.knownIdsCapacity ?? DEFAULT_KNOWN_IDS,
      options.idempotencyWindow ?? DEFAULT_IDEMPOTENCY_WINDOW,
    );
  }

  /** Checkpoints kept in this EventStoreDB (system streams), over the same connection. */
  checkpoints(): CheckpointStore {
    return new EventStoreDbCheckpointStore(this.client);
  }

  /** Connects lazily (on first use) with an `esdb://` or `esdb+discover://` connection string. */
  static connect(connectionString: string, options: EventStoreDbOptions = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  append(streamName: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    let unique: NewEvent[];
    let requested: ExpectedRevision;
    try {
      this.assertOpen();
      if (typeof streamName !== 'string' || streamName.length === 0)
        throw new TypeError('Stream name must be a non-empty string');
      unique = uniqueById(validated(events));
      requested = options.expectedRevision ?? 'any';
      if (typeof requested === 'number') assertRevision(requested);
    } catch (error) {
      return Promise.reject(error);
    }
    const appending = appendIdempotently(streamName, unique, requested, this.knownIds.get(streamName), {
      catchUp: (known) => this.catchUp(streamName, known),
      write: (known, pending, expected) => this.write(streamName, known, pending, expected),
      isUnknownOutcome,
    });
    this.appendsInFlight.add(appending);
    const forget = () => this.appendsInFlight.delete(appending);
    appending.then(forget, forget);
    return appending;
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const fromRevision = Math.max(0, options.fromRevision ?? 0);
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const events = await readStreamForwards(this.client, streamName, fromRevision, options.maxCount);
    this.learn(streamName, this.knownIds.get(streamName), fromRevision, events);
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const after = options.after ?? -1n;
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    let from: ReadPosition = decodePosition(after);
    let lastSeen: Position | undefined;
    while (events.length < limit) {
      const pageSize = Math.min(READ_ALL_PAGE, Math.max(limit - events.length + 1, 32));
      const page = await collect(this.client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: pageSize }));
      let progressed = false;
      for (const { event } of page) {
        // A forward read includes its start position; it was the previous page's last event.
        if (!event || (lastSeen && comparePositions(event.position, lastSeen) <= 0)) continue;
        lastSeen = event.position;
        progressed = true;
        if (encodePosition(event.position) <= after || isSystemEvent(event)) continue;
        events.push(toRecordedEvent(event));
        if (events.length >= limit) break;
      }
      if (page.length < pageSize || !progressed || !lastSeen) break;
      from = lastSeen;
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<SubscriptionBatch> {
    this.assertOpen();
    const maxBatchSize = options.maxBatchSize ?? DEFAULT_SUBSCRIPTION_BATCH;
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${maxBatchSize}`);
    }
    // Each `for await` gets its own server subscription, started on its first pull.
    return { [Symbol.asyncIterator]: () => this.subscription(options.after, maxBatchSize, options.eventTypes) };
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    let from: ReadPosition = END;
    let lastSeen: Position | undefined;
    for (;;) {
      const page = await collect(
        this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: READ_ALL_PAGE }),
      );
      let progressed = false;
      for (const { event } of page) {
        if (!event || (lastSeen && comparePositions(event.position, lastSeen) >= 0)) continue;
        lastSeen = event.position;
        progressed = true;
        if (!isSystemEvent(event)) return encodePosition(event.position);
      }
      if (page.length < READ_ALL_PAGE || !progressed || !lastSeen) return -1n;
      from = lastSeen;
    }
  }

  async ping(): Promise<void> {
    this.assertOpen();
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        read.cancel().catch(() => undefined);
        reject(new Error(`EventStoreDB did not answer within ${PING_TIMEOUT_MS} ms`));
      }, PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([collect(read), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for appends in flight, ends subscriptions (their loops finish) and disposes the client. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await Promise.allSettled([...this.appendsInFlight]);
    for (const subscription of this.subscriptions) stopSubscription(subscription);
    await this.client.dispose();
  }

  /** Writes with an exact expected revision; undefined when EventStoreDB reports a conflict. */
  private async write(
    streamName: string,
    known: StreamIds,
    events: NewEvent[],
    expected: number | 'no_stream',
  ): Promise<AppendResult | undefined> {
    let nextExpectedRevision: number;
    let reported: Position | undefined;
    try {
      const result = await this.client.appendToStream(streamName, events.map(toEventData), {
        expectedRevision: toEsdbExpectedRevision(expected),
      });
      if (!result.success) return undefined;
      nextExpectedRevision = Number(result.nextExpectedRevision);
      reported = result.position;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return undefined;
      throw error;
    }
    // The reported position is the last written event's (its commit record is that event).
    const position = reported ? encodePosition(reported) : await this.positionOf(streamName, nextExpectedRevision);
    const firstRevision = nextExpectedRevision - events.length + 1;
    const written = events.map((event, i) => ({ id: event.id, revision: firstRevision + i }));
    if (known.extend(firstRevision, written, position)) this.knownIds.remember(streamName, known);
    return { nextExpectedRevision, position, written: events.length };
  }

  /** For servers that do not report an append's position. */
  private async positionOf(streamName: string, revision: number): Promise<bigint> {
    const [event] = await readStreamForwards(this.client, streamName, revision, 1);
    if (!event) throw new Error(`Stream ${streamName} has no event at revision ${revision} right after writing it`);
    return event.position;
  }

  /**
   * Reads the stream after what is known of it (or after what a concurrent append learnt); knowing
   * nothing, reads the window of events at its end, never its whole history.
   */
  private async catchUp(streamName: string, known: StreamIds): Promise<StreamIds> {
    const cached = this.knownIds.get(streamName);
    const base = cached.lastRevision >= known.lastRevision ? cached : known;
    if (base.lastRevision < 0) {
      const tail = (await readStreamBackwards(this.client, streamName, base.window)).reverse();
      if (tail.length && base.startFromEnd(tail, tail[tail.length - 1].position))
        this.knownIds.remember(streamName, base);
      return base;
    }
    const fromRevision = base.lastRevision + 1;
    this.learn(streamName, base, fromRevision, await readStreamForwards(this.client, streamName, fromRevision));
    return base;
  }

  private learn(streamName: string, known: StreamIds, fromRevision: number, events: RecordedEvent[]): void {
    if (events.length === 0) return;
    const last = events[events.length - 1];
    if (known.extend(fromRevision, events, last.position)) this.knownIds.remember(streamName, known);
  }

  /**
   * The batches of one subscription. An async generator's own `return()` waits for a pending
   * `next()`, which waits for the next event: consumers that stop from outside their loop (the
   * engine, the forwarder, the projections) would wait for ever. This `return()` ends the server
   * subscription first, so the pending `next()` settles and the generator finishes.
   */
  private subscription(
    after: bigint | undefined,
    maxBatchSize: number,
    eventTypes?: readonly string[],
  ): AsyncIterator<SubscriptionBatch> {
    this.assertOpen();
    const active: ActiveSubscription = { abort: new AbortController(), current: undefined };
    const batches = this.runSubscription(active, after, maxBatchSize, eventTypes);
    return {
      next: () => batches.next(),
      return: async () => {
        stopSubscription(active);
        await batches.return(undefined);
        return { done: true, value: undefined };
      },
    };
  }

  private async *runSubscription(
    active: ActiveSubscription,
    after: bigint | undefined,
    maxBatchSize: number,
    eventTypes?: readonly string[],
  ): AsyncGenerator<SubscriptionBatch> {
    if (active.abort.signal.aborted) return;
    this.subscriptions.add(active);
    // Filtered on the client: the resubscription resumes from the last event seen, matched or not.
    const wanted = eventTypes ? new Set(eventTypes) : undefined;
    // Batches with nothing wanted are not delivered; a later one carries their end as its checkpoint.
    let seen: bigint | undefined;
    try {
      for await (const batch of resubscribingBatches({
        client: this.client,
        after,
        maxBatchSize,
        headPosition: () => this.headPosition(),
        signal: active.abort.signal,
        onSubscribed: (subscription) => (active.current = subscription),
        logger: this.options.logger,
      })) {
        seen = batch.events.at(-1)?.position ?? seen;
        if (!wanted) yield batch;
        else {
          const events = batch.events.filter((e) => wanted.has(e.type));
          if (events.length || batch.caughtUp) yield { events, caughtUp: batch.caughtUp, checkpoint: seen };
        }
      }
    } finally {
      this.subscriptions.delete(active);
    }
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('The EventStoreDB event store is closed');
  }
}

/**
 * Failures after which a write may or may not have been stored: its deadline passed, the server
 * answered with a (commit) timeout, or the connection went while it was in flight.
 */
const UNKNOWN_OUTCOME: ReadonlySet<ErrorType> = new Set([
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.UNAVAILABLE,
  ErrorType.CANCELLED,
]);

function isUnknownOutcome(error: unknown): boolean {
  return error instanceof Error && isCommandError(error) && UNKNOWN_OUTCOME.has(error.type);
}

/** Ends a subscription's server call and its resubscribing loop. */
function stopSubscription(subscription: ActiveSubscription): void {
  subscription.abort.abort();
  if (subscription.current) endSubscription(subscription.current);
}

/** The same checks as the SQLite adapter, so both reject the same bad input. */
function validated(events: readonly NewEvent[]): readonly NewEvent[] {
  assertAppendable(events);
  for (const event of events) {
    assertNewEvent(event);
    assertJson(event);
  }
  return events;
}

/**
 * The client serialises events inside an async Promise executor, where a throw (a bigint, a cycle)
 * would leave the append pending for ever; fail it here instead.
 */
function assertJson(event: NewEvent): void {
  try {
    JSON.stringify(event.data);
    JSON.stringify(event.metadata);
  } catch (cause) {
    throw new TypeError(`Event ${event.id} cannot be serialised as JSON`, { cause });
  }
}

/**
 * The event store port. Two adapters implement it: the embedded SQLite store (the default) and
 * EventStoreDB (production). One contract suite (`event-store.contract.ts`) runs against both.
 */

/** Metadata every stored event carries (CONTRACT section 5). */
export interface EventMetadata {
  occurredAt: string;
  correlationId: string;
  causationId: string;
  actor?: string;
  schemaVersion: number;
}

/**
 * An event about to be appended. `id` is chosen by the caller and makes the append idempotent.
 * Treat it as immutable once appended: the embedded store hands the same objects to subscribers.
 */
export interface NewEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

/** An event as stored: its stream, its revision in that stream and its global position. */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamName: string;
  /** 0-based revision inside the stream. */
  revision: number;
  /** Global, strictly increasing across all streams; opaque apart from its order. */
  position: bigint;
}

/**
 * `'no_stream'`: the stream must not exist; `'any'`: no check; a number: the stream's current
 * revision (the revision of its last event) must equal it.
 */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append (pass it as the next expected revision). */
  nextExpectedRevision: number;
  /** Position of the last event written, or of the stream's last event when nothing new was written. */
  position: bigint;
  /** How many events were written; events whose id the stream already holds are not written again. */
  written: number;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: return events whose position is greater. Omit to read from the start. */
  after?: bigint;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive: deliver events whose position is greater. Omit to start at the beginning. */
  after?: bigint;
  /** Upper bound on events in one delivered batch. */
  maxBatchSize?: number;
  /**
   * Deliver only events of these types (all when omitted). A consumer that reacts to a few types
   * then neither reads nor decodes the rest; positions still only grow.
   */
  eventTypes?: readonly string[];
}

/**
 * One delivery of a subscription. `caughtUp` is true when the batch ends at the head of the store
 * as it was when the batch was read: everything stored before that moment has been delivered.
 */
export interface SubscriptionBatch {
  events: RecordedEvent[];
  caughtUp: boolean;
  /**
   * Everything up to this position that the subscription delivers has been delivered. With an
   * `eventTypes` filter it may lie past the last event; a consumer can checkpoint it.
   */
  checkpoint?: bigint;
}

export interface EventStore {
  /** Appends atomically; throws {@link WrongExpectedRevisionError} on a revision conflict. */
  append(streamName: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Events of one stream in revision order; an empty array when the stream does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of all streams in position order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Catch-up subscription to all events: stored ones first, then live ones, in position order.
   * Consume it with `for await`; breaking out of the loop ends the subscription.
   */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionBatch>;
  /** Position of the last stored event, or -1n for an empty store. */
  headPosition(): Promise<bigint>;
  /** Liveness for `/health`: resolves when the store answers, rejects otherwise. */
  ping(): Promise<void>;
  /** Flushes pending appends, ends subscriptions and releases resources. */
  close(): Promise<void>;
}

/** Thrown when the stream's revision is not the expected one. Maps to HTTP 412 / a retry. */
export class WrongExpectedRevisionError extends Error {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** Stream names are `category-id`; the category is everything before the first dash. */
export function streamName(category: string, id: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(category)) throw new Error(`Bad stream category: ${category}`);
  return `${category}-${id}`;
}

export function categoryOf(name: string): string {
  const dash = name.indexOf('-');
  return dash < 0 ? name : name.slice(0, dash);
}

/** Injection token of the {@link EventStore} (the composition root picks SQLite or EventStoreDB). */
export const EVENT_STORE = Symbol('EVENT_STORE');

import { checkCommit, type ExpectedVersion, type RecentEventIds, type StreamView } from './commit-check';

/** An event as a client proposes it. */
export interface ProposedEvent {
  /** The client's event id (a UUID, as the client sent it). */
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

/** An event as stored: one record of the log. */
export interface LogRecord extends ProposedEvent {
  streamName: string;
  revision: number;
  /**
   * The record's offset in the log. Every event written through gRPC is its own implicitly
   * committed record, so this is both its commit and its prepare position. Offsets grow by the
   * record's size: positions of consecutive events have gaps.
   */
  position: bigint;
  /** .NET ticks (100 ns) since the Unix epoch: the `created` the server reports. */
  created: bigint;
}

export type AppendOutcome =
  | { kind: 'written'; records: LogRecord[]; lastRevision: number }
  /** A repeat of an earlier write: its last event's revision and position. */
  | { kind: 'idempotent'; lastRevision: number; position: bigint }
  | { kind: 'wrong-expected-version'; current: number | 'no_stream' }
  | { kind: 'stream-deleted' };

export type StreamRead = { kind: 'events'; records: LogRecord[] } | { kind: 'not-found' } | { kind: 'deleted' };

export type ReadAllFrom = bigint | 'start' | 'end';

export interface TransactionLogOptions {
  /** Event ids remembered for `any` / `stream_exists` idempotency (EventStoreDB keeps about 8 MB of them). */
  idempotencyCacheSize?: number;
}

/** Size of a prepare record around its strings and payload (header, ids, numbers, length fields). */
const RECORD_OVERHEAD = 90;
/** The epoch record every log starts with; no event lives at position 0. */
const FIRST_EVENT_POSITION = 122n;
const DEFAULT_IDEMPOTENCY_CACHE = 100_000;
const TICKS_PER_MS = 10_000n;

interface StreamState {
  /** Every event ever written, indexed by revision. */
  records: LogRecord[];
  tombstoned: boolean;
  softDeleted: boolean;
  /** Revisions below this are invisible to reads (soft delete, `$tb`). */
  truncateBefore: number;
  /** `$maxCount`: only this many of the newest events are readable. */
  maxCount?: number;
}

/**
 * EventStoreDB's storage, in memory: one log of records in position order, an index of streams,
 * the commit check of {@link checkCommit}, and stream metadata (`$maxCount`, `$tb`) written to
 * `$$<stream>`. Appends are atomic (one synchronous step); listeners hear about each one.
 */
export class TransactionLog {
  private readonly records: LogRecord[] = [];
  private readonly streams = new Map<string, StreamState>();
  private readonly recent: BoundedIdCache;
  private readonly listeners = new Set<(records: readonly LogRecord[]) => void>();
  private nextPosition = FIRST_EVENT_POSITION;

  constructor(options: TransactionLogOptions = {}) {
    this.recent = new BoundedIdCache(options.idempotencyCacheSize ?? DEFAULT_IDEMPOTENCY_CACHE);
  }

  /** Every record, in position order (system events included). */
  get all(): readonly LogRecord[] {
    return this.records;
  }

  /** Position the next record will take: past the end of the log. */
  get endPosition(): bigint {
    return this.nextPosition;
  }

  /** Calls `listener` with the records of every later append; returns the unsubscribe function. */
  onAppended(listener: (records: readonly LogRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(streamName: string, expected: ExpectedVersion, events: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamName);
    const view = streamView(stream);
    const decision = checkCommit(
      streamName,
      view,
      expected,
      events.map((e) => e.id),
      this.recent,
    );
    switch (decision.kind) {
      case 'stream-deleted':
        return decision;
      case 'wrong-expected-version':
        return { kind: 'wrong-expected-version', current: view.lastRevision < 0 ? 'no_stream' : view.lastRevision };
      case 'idempotent': {
        const last = stream?.records[decision.last];
        return { kind: 'idempotent', lastRevision: decision.last, position: last?.position ?? -1n };
      }
      case 'write':
        return this.write(streamName, stream, events);
      default: {
        const unexpected: never = decision;
        throw new Error(`Unknown commit decision ${JSON.stringify(unexpected)}`);
      }
    }
  }

  readStream(
    streamName: string,
    from: number | 'start' | 'end',
    direction: 'forwards' | 'backwards',
    maxCount: number,
  ): StreamRead {
    const stream = this.streams.get(streamName);
    if (stream?.tombstoned) return { kind: 'deleted' };
    if (!stream || stream.softDeleted || stream.records.length === 0) return { kind: 'not-found' };
    const last = stream.records.length - 1;
    const firstVisible = Math.max(
      stream.truncateBefore,
      stream.maxCount === undefined ? 0 : last + 1 - stream.maxCount,
    );
    const records: LogRecord[] = [];
    if (direction === 'forwards') {
      const start = Math.max(firstVisible, from === 'start' ? 0 : from === 'end' ? last + 1 : from);
      for (let r = start; r <= last && records.length < maxCount; r++) records.push(stream.records[r]);
    } else {
      const start = Math.min(last, from === 'end' ? last : from === 'start' ? 0 : from);
      for (let r = start; r >= firstVisible && records.length < maxCount; r--) records.push(stream.records[r]);
    }
    return { kind: 'events', records };
  }

  /**
   * Reads `$all`: forwards from a position inclusive, backwards from a position exclusive. Returns
   * undefined for a position that is neither a record's start nor the end of the log.
   */
  readAll(from: ReadAllFrom, direction: 'forwards' | 'backwards', maxCount: number): LogRecord[] | undefined {
    let index: number;
    if (from === 'start') index = direction === 'forwards' ? 0 : -1;
    else if (from === 'end') index = direction === 'forwards' ? this.records.length : this.records.length - 1;
    else {
      const found = this.indexAtOrAfter(from);
      const exact = found < this.records.length && this.records[found].position === from;
      if (!exact && from < this.nextPosition && from !== 0n) return undefined;
      index = direction === 'forwards' ? found : found - 1;
    }
    const records: LogRecord[] = [];
    const step = direction === 'forwards' ? 1 : -1;
    for (let i = index; i >= 0 && i < this.records.length && records.length < maxCount; i += step) {
      records.push(this.records[i]);
    }
    return records;
  }

  /** Index of the first record whose position is at or after `position`. */
  indexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.records[middle].position < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Soft delete: the stream reads as not found until it is written again (revisions continue). */
  softDelete(streamName: string, expected: ExpectedVersion): AppendOutcome | { kind: 'deleted'; position: bigint } {
    return this.delete(streamName, expected, false);
  }

  /** Tombstone: the stream can never be read or written again. */
  tombstone(streamName: string, expected: ExpectedVersion): AppendOutcome | { kind: 'deleted'; position: bigint } {
    return this.delete(streamName, expected, true);
  }

  private delete(
    streamName: string,
    expected: ExpectedVersion,
    hard: boolean,
  ): AppendOutcome | { kind: 'deleted'; position: bigint } {
    const stream = this.streams.get(streamName);
    const view = streamView(stream);
    if (view.tombstoned) return { kind: 'stream-deleted' };
    const current = view.lastRevision;
    const matches =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current < 0) ||
      (expected.kind === 'stream_exists' && current >= 0) ||
      (expected.kind === 'revision' && expected.revision === current);
    if (!matches) return { kind: 'wrong-expected-version', current: current < 0 ? 'no_stream' : current };
    const state = stream ?? this.newStream(streamName);
    if (hard) state.tombstoned = true;
    else {
      state.softDeleted = true;
      state.truncateBefore = state.records.length;
    }
    // The delete itself takes a record (a tombstone, or metadata with `$tb`).
    const position = this.nextPosition;
    this.nextPosition += BigInt(RECORD_OVERHEAD + Buffer.byteLength(streamName));
    return { kind: 'deleted', position };
  }

  private write(
    streamName: string,
    existing: StreamState | undefined,
    events: readonly ProposedEvent[],
  ): AppendOutcome {
    const stream = existing ?? this.newStream(streamName);
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    const records = events.map((event) => {
      const record: LogRecord = {
        ...event,
        streamName,
        revision: stream.records.length,
        position: this.nextPosition,
        created,
      };
      this.nextPosition += recordSize(record);
      stream.records.push(record);
      this.records.push(record);
      this.recent.put(event.id, { streamName, revision: record.revision });
      return record;
    });
    if (records.length) stream.softDeleted = false;
    if (streamName.startsWith('$$')) this.applyMetadata(streamName.slice(2), records);
    if (records.length) for (const listener of this.listeners) listener(records);
    return { kind: 'written', records, lastRevision: stream.records.length - 1 };
  }

  private newStream(streamName: string): StreamState {
    const stream: StreamState = { records: [], tombstoned: false, softDeleted: false, truncateBefore: 0 };
    this.streams.set(streamName, stream);
    return stream;
  }

  /** `$maxCount` and `$tb` of the newest `$metadata` event apply to reads of the stream. */
  private applyMetadata(target: string, records: readonly LogRecord[]): void {
    const last = records.at(-1);
    if (!last || last.type !== '$metadata') return;
    let metadata: Record<string, unknown>;
    try {
      metadata = JSON.parse(Buffer.from(last.data).toString('utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
    const stream = this.streams.get(target) ?? this.newStream(target);
    stream.maxCount = typeof metadata.$maxCount === 'number' ? metadata.$maxCount : undefined;
    if (typeof metadata.$tb === 'number') stream.truncateBefore = metadata.$tb;
  }
}

function streamView(stream: StreamState | undefined): StreamView {
  return {
    lastRevision: stream ? stream.records.length - 1 : -1,
    tombstoned: stream?.tombstoned ?? false,
    softDeleted: stream?.softDeleted ?? false,
    idAt: (revision) => stream?.records[revision]?.id,
  };
}

function recordSize(record: LogRecord): bigint {
  return BigInt(
    RECORD_OVERHEAD +
      Buffer.byteLength(record.streamName) +
      Buffer.byteLength(record.type) +
      record.data.byteLength +
      record.metadata.byteLength,
  );
}

/** The recently committed event ids, oldest evicted first (a Map keeps insertion order). */
class BoundedIdCache implements RecentEventIds {
  private readonly entries = new Map<string, { streamName: string; revision: number }>();

  constructor(private readonly capacity: number) {}

  get(eventId: string) {
    return this.entries.get(eventId);
  }

  put(eventId: string, value: { streamName: string; revision: number }): void {
    this.entries.delete(eventId);
    this.entries.set(eventId, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
  WrongExpectedRevisionError,
} from '../event-store.port';
import { RecentEvents } from './recent-events';
import { SqliteSubscription, SubscriptionSource } from './sqlite-subscription';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer';

export interface SqliteEventStoreOptions {
  /** Path of the database file; missing parent directories are created. */
  file: string;
  /**
   * Events that make a group flush at once instead of at the end of the current event-loop turn.
   * `1` commits every append in its own transaction (for comparison only).
   */
  maxBatchEvents?: number;
}

const DEFAULT_MAX_BATCH_EVENTS = 5_000;
const DEFAULT_SUBSCRIPTION_BATCH = 1_000;
/** Enough heads for the hot streams; older entries are reloaded from the index when needed. */
const MAX_CACHED_STREAMS = 100_000;
/** Newest events kept in memory for subscribers at the head: ten 2,000-event batches. */
const RECENT_EVENTS = 20_000;
/**
 * Under test, appended events are deep-frozen: subscribers share them with the appender (see
 * {@link RecentEvents}), and a mutation anywhere then fails loudly instead of corrupting a reader.
 */
const FREEZE_APPENDED = process.env.NODE_ENV === 'test';

/**
 * `position` is the rowid. Events are never deleted, so a new rowid (max + 1) is always greater
 * than every earlier one; AUTOINCREMENT would add a sqlite_sequence update to every insert.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    stream   TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    event_id TEXT    NOT NULL,
    type     TEXT    NOT NULL,
    data     TEXT    NOT NULL,
    metadata TEXT    NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream, revision);
  CREATE UNIQUE INDEX IF NOT EXISTS events_stream_event_id ON events (stream, event_id);
  CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
`;

const EVENT_COLUMNS = 'position, stream, revision, event_id, type, data, metadata';

/** The last event of a stream; `revision` -1 means the stream does not exist. */
interface StreamHead {
  revision: number;
  position: bigint;
}

const NO_STREAM: StreamHead = { revision: -1, position: -1n };

/** An event serialised for the events table, with the event it came from. */
interface EventRow {
  id: string;
  type: string;
  data: string;
  metadata: string;
  event: NewEvent;
}

interface PendingAppend {
  streamName: string;
  rows: EventRow[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type AppendOutcome = { kind: 'appended'; result: AppendResult } | { kind: 'failed'; error: unknown };

/** Why the store cannot write: the file system refuses, has no space left, or fails. */
export type StoreFault = 'read_only' | 'disk_full' | 'io_error';

const FAULT_DESCRIPTIONS: Record<StoreFault, string> = {
  read_only: 'the data directory is read-only',
  disk_full: 'the disk holding the data directory is full',
  io_error: 'writing to the data directory fails (a read-only file system or a disk error)',
};

/**
 * The store cannot write now (read-only or full disk, I/O errors); nothing of the failed append was
 * stored. Reads still work. Writes resume by themselves once the fault clears, so a caller may retry.
 */
export class EventStoreUnavailableError extends Error {
  readonly code = 'EVENT_STORE_UNAVAILABLE';

  constructor(
    readonly fault: StoreFault,
    /** The SQLite result code, e.g. `SQLITE_FULL` or `SQLITE_IOERR_WRITE`. */
    readonly sqliteCode: string,
  ) {
    super(`The event store cannot write: ${FAULT_DESCRIPTIONS[fault]} (${sqliteCode})`);
    this.name = 'EventStoreUnavailableError';
  }
}

/** The storage fault a SQLite error reports, or undefined for any other error. */
export function storeFaultOf(error: unknown): StoreFault | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL') return 'disk_full';
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) return 'read_only';
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'SQLITE_CANTOPEN') return 'io_error';
  return undefined;
}

/** A storage fault as the typed error; any other error unchanged. */
function asUnavailable(error: unknown): unknown {
  const fault = storeFaultOf(error);
  return fault ? new EventStoreUnavailableError(fault, (error as { code: string }).code) : error;
}

/**
 * A row as read: positions come back as numbers and are converted, which is exact below 2^53 (far
 * more events than one SQLite file holds) and measurably faster than reading with safeIntegers.
 */
type StoredRow = [number, string, number, string, string, string, string];

/**
 * The embedded event store: one SQLite file in WAL mode with `synchronous=FULL`, so an append is on
 * disk when its promise resolves.
 *
 * Appends made in the same event-loop turn are committed together in one transaction (group commit),
 * each with its own expected-revision check. Subscribers are woken after each commit and read from
 * the table themselves. One instance owns the file: stream heads are cached in memory.
 */
export class SqliteEventStore implements EventStore, SubscriptionSource {
  private readonly insertEvent: Database.Statement;
  private readonly selectStreamHead: Database.Statement;
  private readonly selectEventId: Database.Statement;
  private readonly selectStream: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly writeProbe: Database.Statement;
  private readonly commitInTransaction: (
    group: PendingAppend[],
    touched: Map<string, StreamHead>,
    written: RecordedEvent[],
  ) => AppendOutcome[];
  private readonly recent: RecentEvents;

  private readonly heads = new Map<string, StreamHead>();
  private readonly subscriptions = new Set<SqliteSubscription>();
  private queue: PendingAppend[] = [];
  private queuedEvents = 0;
  private flushTimer: NodeJS.Immediate | undefined;
  private head: bigint;
  private transactions = 0;
  private closed = false;
  private readonly stopCheckpointing: () => void;

  private constructor(
    private readonly db: Database.Database,
    private readonly maxBatchEvents: number,
  ) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    // Checkpoints run on the checkpointer's thread; this threshold is only its backstop.
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    db.pragma('journal_size_limit = 67108864');
    db.exec(SCHEMA);
    this.stopCheckpointing = WalCheckpointer.register(db.name);
    this.insertEvent = db.prepare(
      `INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (stream, event_id) DO NOTHING`,
    );
    this.selectStreamHead = db
      .prepare('SELECT revision, position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1')
      .raw(true)
      .safeIntegers(true);
    this.selectEventId = db.prepare('SELECT 1 FROM events WHERE stream = ? AND event_id = ?').pluck(true);
    this.selectStream = db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
      .raw(true);
    this.selectAll = db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
      .raw(true);
    this.writeProbe = db.prepare('INSERT OR REPLACE INTO write_probe (id, at) VALUES (1, ?)');
    const maxPosition = db.prepare('SELECT max(position) FROM events').pluck(true).safeIntegers(true).get() as
      bigint | null;
    this.head = maxPosition ?? -1n;
    this.recent = new RecentEvents(this.head, RECENT_EVENTS);
    this.commitInTransaction = db.transaction(
      (group: PendingAppend[], touched: Map<string, StreamHead>, stored: RecordedEvent[]) =>
        group.map((pending) => this.applyAppend(pending, touched, stored)),
    );
  }

  /** Opens (and creates when missing) the store in `options.file`. */
  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    mkdirSync(dirname(options.file), { recursive: true });
    const maxBatchEvents = options.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS;
    if (!Number.isInteger(maxBatchEvents) || maxBatchEvents < 1) {
      throw new RangeError(`maxBatchEvents must be a positive integer, got ${maxBatchEvents}`);
    }
    return new SqliteEventStore(new Database(options.file), maxBatchEvents);
  }

  /** Committed transactions so far; shows how well appends are being grouped. */
  get transactionCount(): number {
    return this.transactions;
  }

  /** Subscriptions that have not ended. */
  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  append(streamName: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    let rows: EventRow[];
    try {
      this.assertOpen();
      if (typeof streamName !== 'string' || streamName.length === 0)
        throw new TypeError('Stream name must be a non-empty string');
      rows = toRows(events);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamName, rows, expected: options.expectedRevision ?? 'any', resolve, reject });
      this.queuedEvents += rows.length;
      if (this.queuedEvents >= this.maxBatchEvents) this.flush();
      else this.flushTimer ??= setImmediate(() => this.flush());
    });
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const rows = this.selectStream.all(streamName, options.fromRevision ?? 0, options.maxCount ?? -1) as StoredRow[];
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.readPage(options.after ?? -1n, options.maxCount ?? -1);
  }

  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<SubscriptionBatch> {
    this.assertOpen();
    const maxBatchSize = options.maxBatchSize ?? DEFAULT_SUBSCRIPTION_BATCH;
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${maxBatchSize}`);
    }
    const subscription = new SqliteSubscription(this, options.after ?? -1n, maxBatchSize, options.eventTypes);
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    return this.head;
  }

  /**
   * Resolves when the store can write now: it commits a one-row probe (with the durability of an
   * append), so a read-only or full disk shows here even while no appends arrive, and a cleared fault
   * shows without waiting for traffic. Rejects with {@link EventStoreUnavailableError} otherwise.
   */
  async ping(): Promise<void> {
    this.assertOpen();
    try {
      this.writeProbe.run(Date.now());
    } catch (error) {
      throw asUnavailable(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const subscription of [...this.subscriptions]) subscription.end();
    this.db.close();
    this.stopCheckpointing();
  }

  /** @internal Used by subscriptions. */
  readPage(after: bigint, maxCount: number, eventTypes?: readonly string[]): RecordedEvent[] {
    if (this.closed) return [];
    const recent = this.recent.read(after, maxCount, eventTypes);
    if (recent) return recent;
    if (!eventTypes) return (this.selectAll.all(after, maxCount) as StoredRow[]).map(toRecordedEvent);
    return (this.selectTyped(eventTypes).all(after, ...eventTypes, maxCount) as StoredRow[]).map(toRecordedEvent);
  }

  /** Statements for filtered pages, one per distinct type list (consumers use a fixed list each). */
  private readonly typedStatements = new Map<string, Database.Statement>();

  private selectTyped(eventTypes: readonly string[]): Database.Statement {
    const key = eventTypes.join('\u0000');
    let statement = this.typedStatements.get(key);
    if (!statement) {
      const placeholders = eventTypes.map(() => '?').join(', ');
      statement = this.db
        .prepare(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND type IN (${placeholders}) ORDER BY position LIMIT ?`,
        )
        .raw(true);
      this.typedStatements.set(key, statement);
    }
    return statement;
  }

  /** @internal Used by subscriptions. */
  committedHead(): bigint {
    return this.head;
  }

  /** @internal Used by subscriptions. */
  detach(subscription: SqliteSubscription): void {
    this.subscriptions.delete(subscription);
  }

  private flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const group = this.queue;
    this.queue = [];
    this.queuedEvents = 0;
    if (group.length === 0) return;

    let outcomes: AppendOutcome[];
    try {
      outcomes = this.commitGroup(group);
    } catch (error) {
      const unavailable = asUnavailable(error);
      if (unavailable instanceof EventStoreUnavailableError) {
        // The disk refuses every write alike: retrying one by one would fail each the same way.
        outcomes = group.map(() => ({ kind: 'failed', error: unavailable }));
      } else {
        // Something other than a revision conflict broke the transaction: commit one by one so only
        // the append that causes it fails.
        outcomes = group.length === 1 ? [{ kind: 'failed', error }] : group.map((pending) => this.commitAlone(pending));
      }
    }
    group.forEach((pending, i) => settle(pending, outcomes[i]));
  }

  private commitAlone(pending: PendingAppend): AppendOutcome {
    try {
      return this.commitGroup([pending])[0];
    } catch (error) {
      return { kind: 'failed', error: asUnavailable(error) };
    }
  }

  /**
   * Runs one transaction. New heads and written events are staged and only cached once the commit
   * has succeeded, so a rolled-back transaction leaves the caches as correct as they were.
   */
  private commitGroup(group: PendingAppend[]): AppendOutcome[] {
    const touched = new Map<string, StreamHead>();
    const stored: RecordedEvent[] = [];
    const outcomes = this.commitInTransaction(group, touched, stored);
    this.transactions++;
    this.recent.add(stored);
    let written = false;
    for (const [stream, streamHead] of touched) {
      this.cacheHead(stream, streamHead);
      if (streamHead.position > this.head) {
        this.head = streamHead.position;
        written = true;
      }
    }
    if (written) for (const subscription of this.subscriptions) subscription.wake();
    return outcomes;
  }

  /** One append inside the group transaction; a revision conflict is an outcome, not a throw. */
  private applyAppend(
    pending: PendingAppend,
    touched: Map<string, StreamHead>,
    stored: RecordedEvent[],
  ): AppendOutcome {
    const { streamName, rows, expected } = pending;
    const current = touched.get(streamName) ?? this.storedHead(streamName);
    if (!revisionMatches(expected, current.revision)) {
      // A retry of an append that was already stored succeeds whatever revision it expected.
      if (current.revision >= 0 && rows.every((row) => this.selectEventId.get(streamName, row.id) !== undefined)) {
        return {
          kind: 'appended',
          result: { nextExpectedRevision: current.revision, position: current.position, written: 0 },
        };
      }
      const actual = current.revision < 0 ? 'no_stream' : current.revision;
      return { kind: 'failed', error: new WrongExpectedRevisionError(streamName, expected, actual) };
    }
    let revision = current.revision;
    let lastRowid = 0;
    for (const row of rows) {
      // An id the stream already holds is skipped by the unique (stream, event_id) index.
      const info = this.insertEvent.run(streamName, revision + 1, row.id, row.type, row.data, row.metadata);
      if (info.changes === 1) {
        revision++;
        lastRowid = info.lastInsertRowid as number;
        const { id, type, data, metadata } = row.event;
        stored.push({ id, type, data, metadata, streamName, revision, position: toPosition(lastRowid) });
      }
    }
    const written = revision - current.revision;
    if (written === 0) {
      return { kind: 'appended', result: { nextExpectedRevision: revision, position: current.position, written } };
    }
    const position = toPosition(lastRowid);
    touched.set(streamName, { revision, position });
    return { kind: 'appended', result: { nextExpectedRevision: revision, position, written } };
  }

  /** The committed head of a stream, from the cache or the (stream, revision) index. */
  private storedHead(streamName: string): StreamHead {
    const cached = this.heads.get(streamName);
    if (cached) return cached;
    const row = this.selectStreamHead.get(streamName) as [bigint, bigint] | undefined;
    const streamHead = row ? { revision: Number(row[0]), position: row[1] } : NO_STREAM;
    this.cacheHead(streamName, streamHead);
    return streamHead;
  }

  private cacheHead(streamName: string, streamHead: StreamHead): void {
    // Delete first so the entry moves to the young end of the Map's insertion order.
    this.heads.delete(streamName);
    this.heads.set(streamName, streamHead);
    if (this.heads.size > MAX_CACHED_STREAMS) {
      // Evict the oldest tenth in one pass: deleting one entry from the front of a large Map each
      // time makes V8 skip every deleted slot before it on the next call (O(n) per append).
      let evict = Math.ceil(MAX_CACHED_STREAMS / 10);
      for (const key of this.heads.keys()) {
        this.heads.delete(key);
        if (--evict === 0) break;
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The SQLite event store is closed');
  }
}

function revisionMatches(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current < 0;
  return expected === current;
}

/** Serialises events up front (so a bad one fails only its own append) and drops repeated ids. */
function toRows(events: readonly NewEvent[]): EventRow[] {
  if (!Array.isArray(events) || events.length === 0) throw new TypeError('An append needs at least one event');
  const seen = new Set<string>();
  const rows: EventRow[] = [];
  for (const event of events) {
    if (typeof event.id !== 'string' || event.id.length === 0)
      throw new TypeError('Event id must be a non-empty string');
    if (typeof event.type !== 'string' || event.type.length === 0)
      throw new TypeError('Event type must be a non-empty string');
    if (typeof event.metadata !== 'object' || event.metadata === null)
      throw new TypeError('Event metadata must be an object');
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const data = JSON.stringify(event.data) ?? 'null';
    const metadata = JSON.stringify(event.metadata);
    if (FREEZE_APPENDED) {
      deepFreeze(event.data);
      deepFreeze(event.metadata);
    }
    rows.push({ id: event.id, type: event.type, data, metadata, event });
  }
  return rows;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

function toRecordedEvent(row: StoredRow): RecordedEvent {
  const [position, streamName, revision, id, type, data, metadata] = row;
  return {
    id,
    type,
    data: JSON.parse(data),
    metadata: JSON.parse(metadata),
    streamName,
    revision,
    position: toPosition(position),
  };
}

function toPosition(position: number): bigint {
  if (!Number.isSafeInteger(position)) throw new RangeError(`Position ${position} is beyond 2^53`);
  return BigInt(position);
}

function settle(pending: PendingAppend, outcome: AppendOutcome): void {
  switch (outcome.kind) {
    case 'appended':
      return pending.resolve(outcome.result);
    case 'failed':
      return pending.reject(outcome.error);
    default: {
      const unexpected: never = outcome;
      throw new Error(`Unknown append outcome ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * The SQLite event store's writer thread: it owns the write connection and runs the group
 * transactions (expected-revision checks, the stream-head cache, idempotent inserts, COMMIT with
 * `synchronous=FULL`) so the main thread, which serves HTTP, the engine and the projections, no
 * longer waits for them. See `writer-thread.ts` for the main-thread side.
 *
 * Requests are handled one at a time in the order they were posted, each answered with one reply.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { storeFaultOf } from '@journeys/sqlite/store-faults';
import type { ExpectedRevision } from '../event-store.port';
import {
  CELLS_PER_ROW,
  GroupReply,
  GroupRequest,
  PingReply,
  WireError,
  WriterOptions,
  WriterReply,
  WriterRequest,
} from './writer-protocol';

/** Enough heads for the hot streams; older entries are reloaded from the index when needed. */
const MAX_CACHED_STREAMS = 100_000;

/** The last event of a stream; `revision` -1 means the stream does not exist. */
interface StreamHead {
  revision: number;
  position: number;
}

const NO_STREAM: StreamHead = { revision: -1, position: -1 };

/** One append of a group: its rows are `rowCount` rows from `firstRow` in the request's cells. */
interface Append {
  index: number;
  streamName: string;
  expected: ExpectedRevision;
  firstRow: number;
  rowCount: number;
}

type Outcome = { ok: true; next: number; position: number; written: number } | { ok: false; error: WireError };

/** Starts serving requests on this worker thread. */
export function runSqliteWriter(): void {
  const port = parentPort;
  if (!port) throw new Error('runSqliteWriter() runs on a worker thread');
  const options = workerData as WriterOptions;
  let writer: Writer | undefined;
  port.on('message', (request: WriterRequest) => {
    if (request.kind === 'close') {
      try {
        writer?.close();
      } finally {
        port.close();
      }
      return;
    }
    let reply: WriterReply;
    try {
      // Opened on first use, and again after a failed open: a fault at start-up clears like any other.
      writer ??= new Writer(options);
      reply = request.kind === 'group' ? writer.commit(request) : writer.ping();
    } catch (error) {
      reply = { kind: 'failed', error: toWireError(error) };
    }
    const transfer = reply.kind === 'group' ? [reply.results.buffer, reply.positions.buffer] : [];
    port.postMessage(reply, transfer as ArrayBuffer[]);
  });
}

class Writer {
  private readonly db: Database.Database;
  private readonly insertEvent: Database.Statement;
  private readonly selectStreamHead: Database.Statement;
  private readonly selectEventId: Database.Statement;
  private readonly writeProbe: Database.Statement;
  private readonly heads = new Map<string, StreamHead>();
  private readonly inTransaction: (
    appends: Append[],
    cells: string[],
    positions: Float64Array,
    touched: Map<string, StreamHead>,
  ) => Outcome[];

  constructor(options: WriterOptions) {
    const db = new Database(options.file, { fileMustExist: true });
    try {
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.pragma(`wal_autocheckpoint = ${options.walAutocheckpointPages}`);
      db.pragma('journal_size_limit = 67108864');
      db.pragma(`cache_size = -${options.cacheKiB}`);
      this.insertEvent = db.prepare(
        `INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (stream, event_id) DO NOTHING`,
      );
      this.selectStreamHead = db
        .prepare('SELECT revision, position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1')
        .raw(true);
      this.selectEventId = db.prepare('SELECT 1 FROM events WHERE stream = ? AND event_id = ?').pluck(true);
      this.writeProbe = db.prepare('INSERT OR REPLACE INTO write_probe (id, at) VALUES (1, ?)');
    } catch (error) {
      db.close();
      throw error;
    }
    this.db = db;
    this.inTransaction = db.transaction(
      (appends: Append[], cells: string[], positions: Float64Array, touched: Map<string, StreamHead>) =>
        appends.map((append) => this.applyAppend(append, cells, positions, touched)),
    );
  }

  close(): void {
    this.db.close();
  }

  ping(): PingReply {
    try {
      this.writeProbe.run(Date.now());
      return { kind: 'ping' };
    } catch (error) {
      return { kind: 'ping', error: toWireError(error) };
    }
  }

  /**
   * Commits the group in one transaction. When something other than a revision conflict breaks
   * it, commits one append at a time so only the append that causes it fails; a storage fault
   * fails them all at once, since the disk refuses every write alike.
   */
  commit(request: GroupRequest): GroupReply {
    const appends: Append[] = [];
    let firstRow = 0;
    for (let i = 0; i < request.streams.length; i++) {
      const rowCount = request.counts[i];
      appends.push({ index: i, streamName: request.streams[i], expected: request.expected[i], firstRow, rowCount });
      firstRow += rowCount;
    }
    const positions = new Float64Array(firstRow);
    const results = new Float64Array(appends.length * 3);
    const failures: [number, WireError][] = [];
    const record = (append: Append, outcome: Outcome) => {
      if (!outcome.ok) failures.push([append.index, outcome.error]);
      else results.set([outcome.next, outcome.position, outcome.written], append.index * 3);
    };
    let transactions = 0;
    try {
      const outcomes = this.commitGroup(appends, request.cells, positions);
      transactions++;
      appends.forEach((append, i) => record(append, outcomes[i]));
    } catch (error) {
      const wire = toWireError(error);
      if (wire.type === 'unavailable' || appends.length === 1) {
        for (const append of appends) record(append, { ok: false, error: wire });
      } else {
        for (const append of appends) {
          try {
            record(append, this.commitGroup([append], request.cells, positions)[0]);
            transactions++;
          } catch (aloneError) {
            record(append, { ok: false, error: toWireError(aloneError) });
          }
        }
      }
    }
    return { kind: 'group', transactions, results, positions, failures };
  }

  /**
   * Runs one transaction. New heads are staged and only cached once the commit has succeeded, so a
   * rolled-back transaction leaves the cache as correct as it was.
   */
  private commitGroup(appends: Append[], cells: string[], positions: Float64Array): Outcome[] {
    const touched = new Map<string, StreamHead>();
    const outcomes = this.inTransaction(appends, cells, positions, touched);
    for (const [stream, streamHead] of touched) this.cacheHead(stream, streamHead);
    return outcomes;
  }

  /** One append inside the group transaction; a revision conflict is an outcome, not a throw. */
  private applyAppend(
    append: Append,
    cells: string[],
    positions: Float64Array,
    touched: Map<string, StreamHead>,
  ): Outcome {
    const { streamName, expected, firstRow, rowCount } = append;
    const current = touched.get(streamName) ?? this.storedHead(streamName);
    if (!revisionMatches(expected, current.revision)) {
      // A retry of an append that was already stored succeeds whatever revision it expected.
      let allStored = current.revision >= 0;
      for (let row = firstRow; allStored && row < firstRow + rowCount; row++) {
        allStored = this.selectEventId.get(streamName, cells[row * CELLS_PER_ROW]) !== undefined;
      }
      if (allStored) {
        positions.fill(0, firstRow, firstRow + rowCount);
        return { ok: true, next: current.revision, position: current.position, written: 0 };
      }
      const actual = current.revision < 0 ? 'no_stream' : current.revision;
      return { ok: false, error: { type: 'conflict', streamName, expected, actual } };
    }
    let revision = current.revision;
    let lastRowid = 0;
    for (let row = firstRow; row < firstRow + rowCount; row++) {
      const cell = row * CELLS_PER_ROW;
      // An id the stream already holds is skipped by the unique (stream, event_id) index.
      const info = this.insertEvent.run(
        streamName,
        revision + 1,
        cells[cell],
        cells[cell + 1],
        cells[cell + 2],
        cells[cell + 3],
      );
      if (info.changes === 1) {
        revision++;
        lastRowid = info.lastInsertRowid as number;
        positions[row] = lastRowid;
      } else {
        positions[row] = 0;
      }
    }
    const written = revision - current.revision;
    if (written === 0) return { ok: true, next: revision, position: current.position, written };
    touched.set(streamName, { revision, position: lastRowid });
    return { ok: true, next: revision, position: lastRowid, written };
  }

  /** The committed head of a stream, from the cache or the (stream, revision) index. */
  private storedHead(streamName: string): StreamHead {
    const cached = this.heads.get(streamName);
    if (cached) return cached;
    const row = this.selectStreamHead.get(streamName) as [number, number] | undefined;
    const streamHead = row ? { revision: row[0], position: row[1] } : NO_STREAM;
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
}

function revisionMatches(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current < 0;
  return expected === current;
}

/** A storage fault as its typed form; any other error by name, message and SQLite code. */
function toWireError(error: unknown): WireError {
  const fault = storeFaultOf(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (fault) return { type: 'unavailable', fault, code: code as string };
  if (error instanceof Error) {
    return {
      type: 'error',
      name: error.name,
      message: error.message,
      code: typeof code === 'string' ? code : undefined,
    };
  }
  return { type: 'error', name: 'Error', message: String(error) };
}

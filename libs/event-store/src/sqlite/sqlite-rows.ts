/** What the SQLite event store moves between its callers, its writer thread and its tables. */
import Database from 'better-sqlite3';
import type { StoreFault } from '@journeys/sqlite';
import { assertAppendable, assertNewEvent } from '../new-event-checks';
import {
  AppendResult,
  ExpectedRevision,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';
import type { GroupRequest, WireError } from './writer-protocol';

/**
 * Under test, appended events are deep-frozen: subscribers share them with the appender (see
 * {@link RecentEvents}), and a mutation anywhere then fails loudly instead of corrupting a reader.
 */
const FREEZE_APPENDED = process.env.NODE_ENV === 'test';

export const EVENT_COLUMNS = 'position, stream, revision, event_id, type, data, metadata';

/** An event serialised for the events table, with the event it came from. */
export interface EventRow {
  id: string;
  type: string;
  data: string;
  metadata: string;
  event: NewEvent;
}

export interface PendingAppend {
  streamName: string;
  rows: EventRow[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

const FAULT_DESCRIPTIONS: Record<StoreFault, string> = {
  read_only: 'the data directory is read-only',
  disk_full: 'the disk holding the data directory is full',
  io_error: 'writing to the data directory fails (a read-only file system or a disk error)',
  writer_stopped: 'its writer thread stopped; it restarts on the next write',
};

/**
 * The store cannot write now (read-only or full disk, I/O errors); nothing of the failed append was
 * stored. Reads still work. Writes resume by themselves once the fault clears, so a caller may retry.
 * (Should the writer thread stop in the middle of a commit, the append may have been stored: a
 * retry, idempotent by event id, then writes nothing twice.)
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

/**
 * A row as read: positions come back as numbers and are converted, which is exact below 2^53 (far
 * more events than one SQLite file holds) and measurably faster than reading with safeIntegers.
 */
export type StoredRow = [number, string, number, string, string, string, string];

/** The group as the writer thread takes it: flat arrays, the JSON already serialised here. */
export function toRequest(group: PendingAppend[]): GroupRequest {
  const streams: string[] = [];
  const expected: ExpectedRevision[] = [];
  const counts: number[] = [];
  const cells: string[] = [];
  for (const pending of group) {
    streams.push(pending.streamName);
    expected.push(pending.expected);
    counts.push(pending.rows.length);
    for (const row of pending.rows) cells.push(row.id, row.type, row.data, row.metadata);
  }
  return { kind: 'group', streams, expected, counts, cells };
}

/** The error the writer thread reported, as the type callers know. */
export function fromWire(error: WireError | undefined): Error {
  if (!error) return new Error('The SQLite event store writer sent an unexpected reply');
  switch (error.type) {
    case 'conflict':
      return new WrongExpectedRevisionError(error.streamName, error.expected, error.actual);
    case 'unavailable':
      return new EventStoreUnavailableError(error.fault, error.code);
    case 'error': {
      if (error.code) return new Database.SqliteError(error.message, error.code);
      const plain = new Error(error.message);
      plain.name = error.name;
      return plain;
    }
    default: {
      const unexpected: never = error;
      throw new Error(`Unknown writer error ${JSON.stringify(unexpected)}`);
    }
  }
}

/** Serialises events up front (so a bad one fails only its own append) and drops repeated ids. */
export function toRows(events: readonly NewEvent[]): EventRow[] {
  assertAppendable(events);
  const seen = new Set<string>();
  const rows: EventRow[] = [];
  // Events of one decision usually share one metadata object: serialise it once.
  let previousMetadata: unknown;
  let previousMetadataJson = '';
  for (const event of events) {
    assertNewEvent(event);
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const data = JSON.stringify(event.data) ?? 'null';
    if (event.metadata !== previousMetadata) {
      previousMetadata = event.metadata;
      previousMetadataJson = JSON.stringify(event.metadata);
    }
    const metadata = previousMetadataJson;
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

export function toRecordedEvent(row: StoredRow): RecordedEvent {
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

export function toPosition(position: number): bigint {
  if (!Number.isSafeInteger(position)) throw new RangeError(`Position ${position} is beyond 2^53`);
  return BigInt(position);
}

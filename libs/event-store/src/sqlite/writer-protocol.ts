/**
 * What the SQLite event store's main thread and its writer thread (`writer-thread.worker.ts`) say
 * to each other, and the pieces both sides need. Plain data only: everything here crosses the
 * thread boundary by structured clone.
 */
import type { StoreFault } from '@journeys/sqlite';
import type { ExpectedRevision } from '../event-store.port';

/** How the writer thread opens its connection to the file. */
export interface WriterOptions {
  file: string;
  /** `wal_autocheckpoint`: the backstop should the checkpointer thread stop or fall behind. */
  walAutocheckpointPages: number;
  /** `cache_size` in KiB: a group's inserts touch index pages all over both indexes. */
  cacheKiB: number;
}

/**
 * One group of appends, committed in one transaction. Append `i` writes `counts[i]` rows to
 * `streams[i]`; `cells` holds every row as four strings (id, type, data JSON, metadata JSON), in
 * order. Flat arrays clone measurably faster than one object per row.
 */
export interface GroupRequest {
  kind: 'group';
  streams: string[];
  expected: ExpectedRevision[];
  counts: number[];
  cells: string[];
}

/** Commits a one-row probe, with the durability of an append. */
export interface PingRequest {
  kind: 'ping';
}

/** Closes the connection; the thread then exits. */
export interface CloseRequest {
  kind: 'close';
}

export type WriterRequest = GroupRequest | PingRequest | CloseRequest;

/** An error as it crosses the thread boundary (structured clone drops an Error's own fields). */
export type WireError =
  | { type: 'conflict'; streamName: string; expected: ExpectedRevision; actual: number | 'no_stream' }
  | { type: 'unavailable'; fault: StoreFault; code: string }
  | { type: 'error'; name: string; message: string; code?: string };

/**
 * The outcome of a group. For append `i`: `results[3i]` is its next expected revision,
 * `results[3i + 1]` its position, `results[3i + 2]` how many events it wrote, unless `failures`
 * lists `i`. `positions` has one entry per row of the request: the position it was written at, or 0
 * when the stream already held its id. `transactions` counts the commits it took (more than one
 * when a broken group was committed one append at a time).
 */
export interface GroupReply {
  kind: 'group';
  transactions: number;
  results: Float64Array;
  positions: Float64Array;
  failures: [index: number, error: WireError][];
}

export interface PingReply {
  kind: 'ping';
  error?: WireError;
}

/** The whole request failed before any append was tried (the connection could not be opened). */
export interface FailedReply {
  kind: 'failed';
  error: WireError;
}

export type WriterReply = GroupReply | PingReply | FailedReply;

/** Row cells per event in {@link GroupRequest.cells}. */
export const CELLS_PER_ROW = 4;

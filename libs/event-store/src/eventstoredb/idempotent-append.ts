import { AppendResult, ExpectedRevision, NewEvent, WrongExpectedRevisionError } from '../event-store.port';

/** One event of a stream as far as idempotency is concerned. */
export interface KnownEvent {
  id: string;
  revision: number;
}

/**
 * What the adapter knows about one stream: the ids of its events from revision `firstRevision` to
 * `lastRevision`, contiguously, and never more than the last `window` of them.
 *
 * The window is the reach of the idempotency check: an id among a stream's last `window` events is
 * never stored again; an older one may be (EventStoreDB's own check is narrower still: a retry with
 * the same expected revision). Why a window and not the whole stream: a stream that only grows (an
 * engine partition's log holds every unit it ever wrote) would otherwise cost a read of its whole
 * history on the first append of every process, and hold every id in memory; past the cache's
 * capacity it was read whole on every append. The duplicates an append must catch are retries and a
 * new owner deciding again what a writer cut short: they lie in the stream's last events.
 *
 * Stored events never change, so what is known stays true while the stream grows; only the part
 * after `lastRevision` has to be read before an append can be checked.
 */
export class StreamIds {
  /** id -> revision, oldest first (a Map keeps insertion order), so the window trims from the front. */
  private readonly ids = new Map<string, number>();
  private first = -1;
  private last = -1;
  private lastPos = -1n;

  /** @param window Most recent event ids kept (at least 1); Infinity keeps them all. */
  constructor(readonly window: number = Number.POSITIVE_INFINITY) {
    if (!(window >= 1)) throw new RangeError(`The idempotency window must be at least 1, got ${window}`);
  }

  /** Revision of the last known event; -1 when nothing is known (or the stream does not exist). */
  get lastRevision(): number {
    return this.last;
  }

  /** Revision from which ids are known; -1 when nothing is known. */
  get firstRevision(): number {
    return this.first;
  }

  /** Position of the event at `lastRevision`; -1n when nothing is known. */
  get lastPosition(): bigint {
    return this.lastPos;
  }

  get size(): number {
    return this.ids.size;
  }

  holds(id: string): boolean {
    return this.ids.has(id);
  }

  /**
   * Adds the events of a read or a write that started at `fromRevision` (sorted by revision).
   * Ignored when it starts after what is known: that would leave a hole. Events already known are
   * skipped. A read may return its first event after `fromRevision` (a truncated stream); nothing
   * lies in between then. Returns whether anything was added.
   */
  extend(fromRevision: number, events: readonly KnownEvent[], lastPosition: bigint): boolean {
    if (fromRevision > this.last + 1) return false;
    return this.add(events, lastPosition);
  }

  /**
   * Starts from the stream's last events, read backwards from its end (given oldest first): what a
   * process that knows nothing of a stream needs to check an append, whatever the stream's length.
   * Only when nothing is known yet; returns whether anything was added.
   */
  startFromEnd(events: readonly KnownEvent[], lastPosition: bigint): boolean {
    if (this.last >= 0) return false;
    return this.add(events, lastPosition);
  }

  private add(events: readonly KnownEvent[], lastPosition: bigint): boolean {
    const fresh = events.filter((event) => event.revision > this.last);
    if (fresh.length === 0) return false;
    if (this.first < 0) this.first = fresh[0].revision;
    for (const event of fresh) this.ids.set(event.id, event.revision);
    this.last = fresh[fresh.length - 1].revision;
    this.lastPos = lastPosition;
    for (const [id, revision] of this.ids) {
      if (this.ids.size <= this.window) break;
      this.ids.delete(id);
      this.first = revision + 1;
    }
    return true;
  }
}

/**
 * A bounded, least-recently-used map of {@link StreamIds}, so that appends to streams this process
 * has read or written recently need no read to check idempotency.
 */
export class KnownStreamIds {
  private readonly streams = new Map<string, { ids: StreamIds; counted: number }>();
  private total = 0;

  /**
   * @param capacity Event ids kept over all streams.
   * @param window Event ids kept per stream: the reach of the idempotency check (see {@link StreamIds}).
   */
  constructor(
    private readonly capacity: number,
    readonly window: number = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`The known-ids capacity must be a non-negative integer, got ${capacity}`);
    }
  }

  /** The cached ids of a stream, or a new empty (not yet cached) one. */
  get(streamName: string): StreamIds {
    const entry = this.streams.get(streamName);
    if (!entry) return new StreamIds(this.window);
    this.touch(streamName, entry);
    return entry.ids;
  }

  /** Caches (or refreshes) a stream's ids, evicting the least recently used streams beyond capacity. */
  remember(streamName: string, ids: StreamIds): void {
    const previous = this.streams.get(streamName);
    if (previous) {
      this.total -= previous.counted;
      this.streams.delete(streamName);
    }
    if (ids.size > this.capacity) return;
    this.streams.set(streamName, { ids, counted: ids.size });
    this.total += ids.size;
    for (const [name, entry] of this.streams) {
      if (this.total <= this.capacity) break;
      this.streams.delete(name);
      this.total -= entry.counted;
    }
  }

  /** Number of event ids held, for tests and metrics. */
  get size(): number {
    return this.total;
  }

  private touch(streamName: string, entry: { ids: StreamIds; counted: number }): void {
    // Re-inserting moves the entry to the young end of the Map's insertion order.
    this.streams.delete(streamName);
    this.streams.set(streamName, entry);
  }
}

/** The next step of an append, decided from what is known of the stream. */
export type AppendStep =
  /** Every event is already in the stream: nothing to write. */
  | { kind: 'already-stored' }
  /** The requested revision cannot match the (freshly read) stream. */
  | { kind: 'conflict'; actual: number | 'no_stream' }
  /** What is known does not settle it: read the rest of the stream first. */
  | { kind: 'read-stream' }
  /** Write these events, checking the stream is still at `expected`. */
  | { kind: 'write'; events: NewEvent[]; expected: number | 'no_stream' };

/**
 * Decides how to append `events` (already unique by id) to a stream.
 *
 * Every write names the exact revision its idempotency check was made against, even for `'any'`:
 * if another writer got in between, EventStoreDB rejects the write and the check is redone on the
 * new events, so "an id the stream holds is not written again" holds under concurrency. `fresh` says
 * `known` was read to the end of the stream since the last write attempt; a conflict, or success
 * without writing, is only reported then, so it carries the stream's current revision.
 */
export function planAppend(
  events: readonly NewEvent[],
  known: StreamIds,
  requested: ExpectedRevision,
  fresh: boolean,
): AppendStep {
  const pending = events.filter((event) => !known.holds(event.id));
  if (pending.length === 0) return fresh ? { kind: 'already-stored' } : { kind: 'read-stream' };
  const current = known.lastRevision;
  const actual = current < 0 ? 'no_stream' : current;
  switch (requested) {
    case 'any':
      return { kind: 'write', events: pending, expected: actual };
    case 'no_stream':
      if (current < 0) return { kind: 'write', events: pending, expected: 'no_stream' };
      return fresh ? { kind: 'conflict', actual } : { kind: 'read-stream' };
    default:
      // The ids below `requested` must be known before deciding what is new.
      if (current === requested) return { kind: 'write', events: pending, expected: requested };
      return fresh ? { kind: 'conflict', actual } : { kind: 'read-stream' };
  }
}

/** Keeps the first event of each id: an id repeated inside one append is stored once. */
export function uniqueById(events: readonly NewEvent[]): NewEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (seen.has(event.id)) return false;
    seen.add(event.id);
    return true;
  });
}

/** The two server round trips an append is made of. */
export interface AppendIo {
  /** Reads the stream after what `known` covers; returns the (possibly other, fuller) knowledge. */
  catchUp(known: StreamIds): Promise<StreamIds>;
  /**
   * Writes `events` if the stream is still at `expected`, recording them in `known`; undefined when
   * the server reports a conflict.
   */
  write(known: StreamIds, events: NewEvent[], expected: number | 'no_stream'): Promise<AppendResult | undefined>;
  /**
   * Whether a write's failure leaves its outcome unknown (a deadline or a connection lost while
   * the server may have written it). Such a write is checked against the stream, never repeated blind.
   */
  isUnknownOutcome?(error: unknown): boolean;
}

/** Bounds the read-check-write loop of an `'any'` append on a stream that keeps being written. */
export const MAX_APPEND_STEPS = 64;
/** Writes whose outcome was unknown that one append re-checks before it gives up with the error. */
export const MAX_UNKNOWN_OUTCOMES = 3;

/**
 * One append as a loop over {@link planAppend}: read what is unknown, write what is new against the
 * exact revision it was checked at, and after a conflict read again and decide again. A write whose
 * outcome is unknown is handled the same way: whether it landed or not, the stream read after it
 * tells, and a late landing cannot double it (it names a revision the retry has then passed).
 * An append found stored that way reports `written: 0`.
 */
export async function appendIdempotently(
  streamName: string,
  events: NewEvent[],
  requested: ExpectedRevision,
  initial: StreamIds,
  io: AppendIo,
): Promise<AppendResult> {
  let known = initial;
  let fresh = false;
  let unknownOutcomes = 0;
  for (let step = 0; step < MAX_APPEND_STEPS; step++) {
    const plan = planAppend(events, known, requested, fresh);
    switch (plan.kind) {
      case 'already-stored':
        return { nextExpectedRevision: known.lastRevision, position: known.lastPosition, written: 0 };
      case 'conflict':
        throw new WrongExpectedRevisionError(streamName, requested, plan.actual);
      case 'read-stream':
        known = await io.catchUp(known);
        fresh = true;
        break;
      case 'write': {
        let result: AppendResult | undefined;
        try {
          result = await io.write(known, plan.events, plan.expected);
        } catch (error) {
          if (!io.isUnknownOutcome?.(error) || ++unknownOutcomes > MAX_UNKNOWN_OUTCOMES) throw error;
        }
        if (result) return result;
        known = await io.catchUp(known);
        fresh = true;
        break;
      }
      default: {
        const unexpected: never = plan;
        throw new Error(`Unknown append step ${JSON.stringify(unexpected)}`);
      }
    }
  }
  throw new Error(`Stream ${streamName}: the append still conflicted after ${MAX_APPEND_STEPS} steps`);
}

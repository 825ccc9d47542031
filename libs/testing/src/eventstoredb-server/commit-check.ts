/**
 * How EventStoreDB decides whether an append may be written, is a repeat of one already written
 * (idempotent), or conflicts: its index writer's `CheckCommit`, as a pure function.
 *
 * - `any` / `stream_exists`: idempotency is best effort. Only a bounded cache of recently committed
 *   event ids is consulted; if the first id is not in it (or belongs to another stream) the events
 *   are written again, with new revisions.
 * - `no_stream` / an exact revision below the stream's last revision: the proposed ids are compared,
 *   one by one, with the ids stored at the revisions they would have taken. All equal: idempotent (the
 *   original revisions are reported). The first one different: wrong expected version. A later one
 *   different (a partial repeat): wrong expected version too ("corrupted idempotency").
 * - An exact revision above the last revision: wrong expected version; equal: written.
 */

export type ExpectedVersion =
  { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: number };

/** What the check needs to know about the target stream. */
export interface StreamView {
  /** Revision of the stream's last event; -1 when it has none. */
  lastRevision: number;
  tombstoned: boolean;
  /** Soft deleted and not written to since. */
  softDeleted: boolean;
  /** The id of the event stored at `revision`, if any. */
  idAt(revision: number): string | undefined;
}

/** The bounded cache of recently committed event ids (stream and revision of each). */
export interface RecentEventIds {
  get(eventId: string): { streamName: string; revision: number } | undefined;
}

export type CommitDecision =
  | { kind: 'write' }
  /** The proposed events are already stored at revisions `first`..`last`. */
  | { kind: 'idempotent'; first: number; last: number }
  | { kind: 'wrong-expected-version' }
  | { kind: 'stream-deleted' };

export function checkCommit(
  streamName: string,
  stream: StreamView,
  expected: ExpectedVersion,
  eventIds: readonly string[],
  recent: RecentEventIds,
): CommitDecision {
  const current = stream.lastRevision;
  if (stream.tombstoned) return { kind: 'stream-deleted' };
  if (expected.kind === 'stream_exists') {
    if (stream.softDeleted) return { kind: 'stream-deleted' };
    if (current < 0) return { kind: 'wrong-expected-version' };
  }
  if (expected.kind === 'any' || expected.kind === 'stream_exists') {
    return checkByRecentIds(streamName, eventIds, recent);
  }
  const expectedNumber = expected.kind === 'no_stream' ? -1 : expected.revision;
  if (expectedNumber < current) {
    return checkByRevisions(streamName, stream, expected, expectedNumber, eventIds, recent);
  }
  if (expectedNumber > current) return { kind: 'wrong-expected-version' };
  return { kind: 'write' };
}

function checkByRecentIds(streamName: string, eventIds: readonly string[], recent: RecentEventIds): CommitDecision {
  let first = -1;
  let last = -1;
  for (const [index, id] of eventIds.entries()) {
    const known = recent.get(id);
    if (!known || known.streamName !== streamName) {
      return index === 0 ? { kind: 'write' } : { kind: 'wrong-expected-version' };
    }
    if (index === 0) first = known.revision;
    last = known.revision;
  }
  return eventIds.length === 0 ? { kind: 'write' } : { kind: 'idempotent', first, last };
}

function checkByRevisions(
  streamName: string,
  stream: StreamView,
  expected: ExpectedVersion,
  expectedNumber: number,
  eventIds: readonly string[],
  recent: RecentEventIds,
): CommitDecision {
  let revision = expectedNumber;
  for (const id of eventIds) {
    revision += 1;
    const known = recent.get(id);
    if (known && known.streamName === streamName && known.revision === revision) continue;
    if (stream.idAt(revision) === id) continue;
    if (revision !== expectedNumber + 1) return { kind: 'wrong-expected-version' };
    // A soft-deleted stream may be recreated with no_stream.
    if (expected.kind === 'no_stream' && stream.softDeleted) return { kind: 'write' };
    return { kind: 'wrong-expected-version' };
  }
  return revision === expectedNumber
    ? { kind: 'wrong-expected-version' }
    : { kind: 'idempotent', first: expectedNumber + 1, last: revision };
}

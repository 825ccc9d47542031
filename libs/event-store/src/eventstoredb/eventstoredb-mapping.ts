import { randomUUID } from 'node:crypto';
import {
  ANY,
  jsonEvent,
  NO_STREAM,
  START,
  type AppendExpectedRevision,
  type CurrentRevision,
  type EventData,
  type JSONType,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';
import type { EventMetadata, ExpectedRevision, NewEvent, RecordedEvent } from '../event-store.port';

/**
 * Pure translations between the port and EventStoreDB.
 *
 * Positions: the port's position is the event's commit position in the transaction log. Every event
 * written through the gRPC API (EventStoreDB 20.6 and later, including each event of a multi-event
 * append) is its own implicitly committed record whose commit and prepare positions are both its log
 * position, so the commit position is unique per event and orders `$all`; packing prepare into the
 * bigint is therefore not needed. Only events committed by legacy explicit transactions (the TCP API)
 * share one commit position; this adapter never writes those.
 */

/** The event metadata as stored in EventStoreDB: the port's metadata plus its own event id. */
export interface StoredMetadata {
  /** The port's event id. The EventStoreDB event id is a fresh UUID per append attempt (see toEventData). */
  eventId: string;
  occurredAt: string;
  correlationId: string;
  causationId: string;
  actor?: string;
  schemaVersion: number;
  /** EventStoreDB conventions, used by its projections ($bc-, correlation links). */
  $correlationId: string;
  $causationId: string;
}

/** The fields of an EventStoreDB recorded event that the port needs. */
export interface EsdbRecordedEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  created: Date;
  position?: Position;
}

/** Servers before 22.6 report this (2^64 - 1) instead of a position when reading a stream. */
const NO_POSITION = 2n ** 64n - 1n;

export function encodePosition(position: Position): bigint {
  return position.commit;
}

/** Where an exclusive "after" starts; a negative position (the port's empty-store head) is the start. */
export function decodePosition(after: bigint | undefined): ReadPosition {
  if (after === undefined || after < 0n) return START;
  return { commit: after, prepare: after };
}

/** Orders positions the way `$all` does: by commit, then prepare. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    default:
      return BigInt(assertRevision(expected));
  }
}

export function fromEsdbRevision(current: CurrentRevision): number | 'no_stream' {
  return current === NO_STREAM ? 'no_stream' : Number(current);
}

export function assertRevision(revision: number): number {
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new RangeError(`An expected revision must be a non-negative integer, got ${revision}`);
  }
  return revision;
}

/**
 * The event as EventStoreDB stores it. Its EventStoreDB id is random on purpose: EventStoreDB's own
 * idempotency would otherwise turn a concurrent duplicate append into a silent success that cannot be
 * told apart from a real write (so `written` would be wrong); the adapter deduplicates by the port id,
 * kept in the metadata, against the stream instead.
 */
export function toEventData(event: NewEvent): EventData {
  const { occurredAt, correlationId, causationId, actor, schemaVersion } = event.metadata;
  const metadata: StoredMetadata = {
    eventId: event.id,
    occurredAt,
    correlationId,
    causationId,
    ...(actor === undefined ? {} : { actor }),
    schemaVersion,
    $correlationId: correlationId,
    $causationId: causationId,
  };
  // The client serialises data with JSON.stringify, which yields nothing for undefined.
  const data = (event.data === undefined ? null : event.data) as JSONType;
  return jsonEvent({ id: randomUUID(), type: event.type, data, metadata: { ...metadata } });
}

/** Events of system streams and system event types (`$stats-…`, `$metadata`, links) are not the port's. */
export function isSystemEvent(event: Pick<EsdbRecordedEvent, 'streamId' | 'type'>): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/** Maps a stored event to the port; events not written by this adapter get metadata from ESDB's own fields. */
export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.position || event.position.commit >= NO_POSITION) {
    throw new Error(
      `EventStoreDB returned no position for ${event.streamId}@${event.revision}: EventStoreDB 22.6 or later is required`,
    );
  }
  const stored = asRecord(event.metadata);
  return {
    id: stringField(stored, 'eventId') ?? event.id,
    type: event.type,
    data: event.data,
    metadata: toPortMetadata(stored, event),
    streamName: event.streamId,
    revision: Number(event.revision),
    position: encodePosition(event.position),
  };
}

function toPortMetadata(stored: Record<string, unknown>, event: EsdbRecordedEvent): EventMetadata {
  const actor = stringField(stored, 'actor');
  const schemaVersion = stored.schemaVersion;
  return {
    occurredAt: stringField(stored, 'occurredAt') ?? event.created.toISOString(),
    correlationId: stringField(stored, 'correlationId') ?? stringField(stored, '$correlationId') ?? event.id,
    causationId: stringField(stored, 'causationId') ?? stringField(stored, '$causationId') ?? event.id,
    ...(actor === undefined ? {} : { actor }),
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array)
    ? (value as Record<string, unknown>)
    : {};
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

import {
  BACKWARDS,
  END,
  ErrorType,
  FORWARDS,
  isCommandError,
  type EventStoreDBClient,
  type StreamingRead,
} from '@eventstore/db-client';
import type { RecordedEvent } from '../event-store.port';
import { toRecordedEvent } from './eventstoredb-mapping';

/** A stream's events from `fromRevision` on (at most `maxCount`), oldest first; [] when it does not exist. */
export function readStreamForwards(
  client: EventStoreDBClient,
  streamName: string,
  fromRevision: number,
  maxCount?: number,
): Promise<RecordedEvent[]> {
  return readStream(client, streamName, {
    direction: FORWARDS,
    fromRevision: BigInt(fromRevision),
    ...(maxCount === undefined ? {} : { maxCount }),
  });
}

/** A stream's last `count` events (at most; Infinity for all), newest first; [] when it does not exist. */
export function readStreamBackwards(
  client: EventStoreDBClient,
  streamName: string,
  count: number,
): Promise<RecordedEvent[]> {
  return readStream(client, streamName, {
    direction: BACKWARDS,
    fromRevision: END,
    ...(Number.isFinite(count) ? { maxCount: count } : {}),
  });
}

async function readStream(
  client: EventStoreDBClient,
  streamName: string,
  options: Parameters<EventStoreDBClient['readStream']>[1],
): Promise<RecordedEvent[]> {
  try {
    const events: RecordedEvent[] = [];
    for (const { event } of await collect(client.readStream(streamName, options))) {
      if (event) events.push(toRecordedEvent(event));
    }
    return events;
  } catch (error) {
    if (error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND) return [];
    throw error;
  }
}

/** Reads a whole (bounded) read into memory; errors, StreamNotFound included, reject. */
export async function collect<E>(read: StreamingRead<E>): Promise<E[]> {
  // A late error from a read nobody iterates any more must not become an uncaught 'error' event.
  read.on('error', () => undefined);
  const items: E[] = [];
  for await (const item of read) items.push(item);
  return items;
}

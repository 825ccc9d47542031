import type { EventStore, NewEvent } from '@journeys/event-store';
import type { PartitionLog } from './partition-log.port';

/**
 * The partition log of the embedded store: one process owns every partition and the state file is
 * durable on its own, so a unit's events go to their streams (one append per stream, all in the
 * store's same group) and the state changes stay local.
 */
export class LocalPartitionLog implements PartitionLog {
  constructor(private readonly events: EventStore) {}

  async acquire(): Promise<void> {
    // The state file already holds the partition: nobody else can write it.
  }

  async append(_partition: number, outputs: ReadonlyMap<string, readonly NewEvent[]>): Promise<void> {
    await Promise.all(
      [...outputs].map(([stream, events]) => this.events.append(stream, events, { expectedRevision: 'any' })),
    );
  }
}

import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@journeys/event-store';

/**
 * A read model fed by the subscription to all events. The runner calls `apply` with the events
 * after the projection's checkpoint, inside the transaction that also stores the new checkpoint.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the stored shape changes: a different stored version makes the runner rebuild it. */
  readonly version: number;
  /** Creates the projection's tables and indexes; must be idempotent. */
  setup(db: Database.Database): void;
  /** Removes everything the projection stored (the runner then replays from the start). */
  reset(db: Database.Database): void;
  /**
   * The event types `apply` reads. When every projection names them, the runner's subscription
   * leaves the other types unread (never loaded nor decoded); omit it to receive every event.
   */
  readonly eventTypes?: readonly string[];
  /** Applies events in position order. Runs inside a transaction; must not do other I/O. */
  apply(events: readonly RecordedEvent[], db: Database.Database): void;
}

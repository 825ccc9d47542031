import { WrongExpectedRevisionError } from '@journeys/event-store';
import { EventStoreUnavailableError } from '@journeys/event-store/sqlite/sqlite-event-store';
import { storeFaultOf } from '@journeys/sqlite';
import { ConcurrentModification, ServiceUnavailable, type AppError } from '../common/errors';

/**
 * An error of the storage layer that means something to the client, as the matching AppError: a
 * revision conflict that outlived the command's retries (409), or a write the storage refused (503).
 * Undefined for any other error, which stays a bug (500).
 */
export function fromStorage(error: unknown): AppError | undefined {
  if (error instanceof WrongExpectedRevisionError) return new ConcurrentModification(error.streamName);
  return storageUnavailable(error);
}

/**
 * A write the storage refused as a 503: the event store's typed error, or a read-model write (the
 * actions feed, a checkpoint) that hit the same read-only, full or failing disk. Undefined for any
 * other error, which stays a bug (500).
 */
export function storageUnavailable(error: unknown): ServiceUnavailable | undefined {
  if (error instanceof EventStoreUnavailableError) {
    // A writer thread that stopped mid-group may have committed it first: only a retry (idempotent
    // by event id) tells, so the message must not promise that nothing was stored.
    const outcome = error.fault === 'writer_stopped' ? 'it may or may not have been stored' : 'nothing was stored';
    return new ServiceUnavailable(`${error.message}; ${outcome}, retry later (retries are safe)`, [
      { store: 'events', fault: error.fault, code: error.sqliteCode },
    ]);
  }
  const fault = storeFaultOf(error);
  if (!fault) return undefined;
  const code = (error as { code: string }).code;
  return new ServiceUnavailable(`The read-model store cannot write (${code}); retry later`, [
    { store: 'read-models', fault, code },
  ]);
}

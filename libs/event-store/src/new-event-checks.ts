import type { NewEvent } from './event-store.port';

/**
 * The checks both adapters make before an append, so both reject the same bad input with the same
 * message. Throws TypeError naming what is wrong.
 */
export function assertAppendable(events: readonly NewEvent[]): void {
  if (!Array.isArray(events) || events.length === 0) throw new TypeError('An append needs at least one event');
}

/** One event's shape: a non-empty id and type, and metadata that is an object. Throws TypeError. */
export function assertNewEvent(event: NewEvent): void {
  if (typeof event.id !== 'string' || event.id.length === 0) throw new TypeError('Event id must be a non-empty string');
  if (typeof event.type !== 'string' || event.type.length === 0)
    throw new TypeError('Event type must be a non-empty string');
  if (typeof event.metadata !== 'object' || event.metadata === null)
    throw new TypeError('Event metadata must be an object');
}

import type { NewEvent } from '@journeys/event-store';

/**
 * What the engine tells the outside about its work, for `/metrics`. The engine calls it in two
 * places and knows nothing of what is done with it; the counts are derived from the events it stores.
 */
export interface EngineObserver {
  /** A unit of engine work (input batch, timers, a job chunk) committed, with the events it stored, by stream. */
  committed(outputs: ReadonlyMap<string, readonly NewEvent[]>): void;
  /** An input batch of stored events was decided, stored and committed in `seconds`. */
  inputBatchDone(seconds: number): void;
}

/** Injection token of the {@link EngineObserver}; the engine runs without one (no metrics). */
export const ENGINE_OBSERVER = Symbol('ENGINE_OBSERVER');

import type { NewEvent } from '@journeys/event-store';
import { emptyChanges, type EngineChanges, type EngineStore } from './engine-store.port';

/**
 * Units of a partition's work as the partition stream holds them (stream-partition-log.ts): each
 * unit's state changes in `PartitionCommitted` pieces, its events in appends of bounded size.
 */

/** Largest append to the partition stream (bytes of event data, roughly): a unit larger is stored in parts. */
const MAX_APPEND_BYTES = 512 * 1024;

/** The data of one `PartitionCommitted` event: a piece of a unit's changes. */
export interface CommittedData {
  partition: number;
  /** The process that wrote the unit. */
  owner: string;
  /** A unit's changes may take several events; the last one says so and carries the checkpoint. */
  last: boolean;
  checkpoint?: string;
  changes: Partial<EngineChanges>;
}

/** Whether a unit changes nothing (it then needs no entry in the partition stream). */
export function isEmpty(changes: EngineChanges): boolean {
  return Object.values(changes).every((list: readonly unknown[] | undefined) => !list?.length);
}

/** Commits a whole unit's pieces to `store` at once, with the checkpoint its last piece carries. */
export function applyUnit(store: EngineStore, pieces: readonly CommittedData[]): void {
  const changes = emptyChanges();
  for (const piece of pieces) {
    for (const key of CHANGE_KEYS)
      ((changes[key] ??= []) as unknown[]).push(...((piece.changes[key] ?? []) as unknown[]));
  }
  const { checkpoint } = pieces[pieces.length - 1];
  store.commit(changes, checkpoint === undefined ? undefined : BigInt(checkpoint));
}

const CHANGE_KEYS = [...Object.keys(emptyChanges()), 'actionsHanded'] as (keyof EngineChanges)[];

/** A unit's changes in pieces of about {@link MAX_APPEND_BYTES} each, in order; at least one. */
export function splitChanges(changes: EngineChanges): Partial<EngineChanges>[] {
  const pieces: Partial<EngineChanges>[] = [];
  let piece: Partial<EngineChanges> = {};
  let bytes = 0;
  for (const key of CHANGE_KEYS) {
    for (const item of (changes[key] ?? []) as unknown[]) {
      const size = JSON.stringify(item).length;
      if (bytes > 0 && bytes + size > MAX_APPEND_BYTES / 2) {
        pieces.push(piece);
        piece = {};
        bytes = 0;
      }
      ((piece[key] ??= []) as unknown[]).push(item);
      bytes += size;
    }
  }
  pieces.push(piece);
  return pieces;
}

/** The unit's events in appends of at most {@link MAX_APPEND_BYTES} (one event larger goes alone). */
export function parts(events: readonly NewEvent[]): NewEvent[][] {
  const result: NewEvent[][] = [];
  let current: NewEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = JSON.stringify(event.data).length + 200;
    if (current.length && bytes + size > MAX_APPEND_BYTES) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length) result.push(current);
  return result;
}

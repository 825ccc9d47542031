import type { NewEvent } from '@journeys/event-store';
import type { EngineChanges, EngineStore } from './engine-store.port';

/**
 * Where a partition's work becomes durable and visible: the events each unit of engine work stores,
 * and, where the local state is not durable by itself, the state changes that come with them. Two
 * adapters: the local log (the embedded store; the state file is the durable state) and the partition
 * stream in the event store (EventStoreDB: state restorable anywhere, writers fenced).
 */
export interface PartitionLog {
  /**
   * Makes this process the partition's writer: brings `store` up to what the log holds (restoring
   * it from nothing when it is empty) and fences every earlier writer, whose next append fails.
   */
  acquire(partition: number, store: EngineStore): Promise<void>;
  /**
   * Whether this process is still the partition's writer: it acquired it, none of its appends was
   * fenced, and no other process has written the partition since (one read of the log's tail).
   * A process that stalled past its session and got the partition back from Kafka asks this before
   * trusting what it holds. Omitted by a log only one process writes (always its writer).
   * @throws the event store's error when the log cannot be read.
   */
  holds?(partition: number): Promise<boolean>;
  /**
   * Stores a unit of the partition's work: its events, by stream (ids derived from their cause, so
   * storing a unit again writes nothing twice), with its state changes and input checkpoint where
   * the log keeps state. Units of one partition are stored in the order this is called.
   * @throws PartitionFencedError when another process has taken the partition over.
   */
  append(
    partition: number,
    outputs: ReadonlyMap<string, readonly NewEvent[]>,
    changes: () => EngineChanges,
    checkpoint?: bigint,
  ): Promise<void>;
  /** Whether the log would restore faster from a snapshot of the partition's state now. */
  snapshotDue?(partition: number): boolean;
  /**
   * Stores a snapshot of `store`, so that restoring reads it and the units after it instead of every
   * unit since the start. The state is read from `store` before this returns, when it must hold
   * exactly what the log holds (no unit in flight); the caller may go on with the partition's work
   * while the snapshot is stored. Resolves once it is stored; rejects with the event store's error
   * (a snapshot not stored only makes the next restore read more of the log).
   */
  snapshot?(partition: number, store: EngineStore): Promise<void>;
  /** Resolves when every snapshot being stored is stored or has failed. */
  snapshotsStored?(): Promise<void>;
}

/** Injection token of the {@link PartitionLog}; the composition root picks the adapter. */
export const PARTITION_LOG = Symbol('PARTITION_LOG');

/** The partition moved to another process: this one must not decide or write for it any more. */
export class PartitionFencedError extends Error {
  readonly code = 'PARTITION_FENCED';
  constructor(readonly partition: number) {
    super(`Engine partition ${partition} was taken over by another instance; this one stops deciding for it`);
    this.name = 'PartitionFencedError';
  }
}

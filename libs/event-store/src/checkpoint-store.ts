/** How far a reader of the event store got: a position it has finished, and the format of what it keeps. */
export interface Checkpoint {
  position: bigint;
  version: number;
}

/**
 * Where a reader that causes effects outside the service (the Kafka forwarder) keeps its
 * checkpoint. Its loss is visible (everything is sent again), so in EventStoreDB mode it lives in
 * the event store, not in the disposable data directory; embedded, the read-model file holds it.
 */
export interface CheckpointStore {
  /** The last checkpoint saved under `name`, or undefined. */
  load(name: string): Promise<Checkpoint | undefined>;
  /** Durable once it resolves. */
  save(name: string, checkpoint: Checkpoint): Promise<void>;
}

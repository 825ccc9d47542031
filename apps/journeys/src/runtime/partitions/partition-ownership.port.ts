/**
 * Which engine partitions this process owns. One adapter owns every partition (one process: the
 * embedded store, or EventStoreDB without Kafka); the other follows a Kafka consumer group's
 * assignment, so replicas split the partitions and move them when one joins, leaves or stalls.
 */
export interface PartitionOwnership {
  /**
   * Starts following the assignment; `assign` is called with the whole set of partitions this
   * process owns each time it changes (never twice at once).
   */
  start(assign: (partitions: readonly number[]) => Promise<void>): void;
  stop(): Promise<void>;
}

/** Injection token of the {@link PartitionOwnership}. */
export const PARTITION_OWNERSHIP = Symbol('PARTITION_OWNERSHIP');

/** One process owns every partition. */
export class AllPartitions implements PartitionOwnership {
  constructor(private readonly count: number) {}

  start(assign: (partitions: readonly number[]) => Promise<void>): void {
    void assign(Array.from({ length: this.count }, (_, p) => p));
  }

  async stop(): Promise<void> {}
}

import type { RecordedEvent } from '@journeys/event-store';
import type { EventForwarder, ForwarderStatus } from '@journeys/messaging';
import { ENGINE_LOG_EVENT_TYPES } from '../runtime/engine-store/stream-partition-log';
import { COMMAND_OUTCOME_EVENT } from './processed-commands';
import { partitionOf } from '../runtime/partitions/partition-of';

/** Checkpoint of the forwarder that publishes every partition's events (one process owns them all). */
export const FORWARDER_CHECKPOINT = 'kafka_forwarder';

/** The checkpoint of the forwarder of one partition, where replicas split the partitions. */
export const partitionForwarderCheckpoint = (partition: number): string => `kafka_forwarder_p${partition}`;

/**
 * The forwarders of stored events, following the engine's partitions: one for everything while one
 * process owns every partition, else one per owned partition, publishing its customers' events
 * (partition 0 also the events of no customer: journeys, trigger definitions, templates), so a
 * partition's actions are claimed where its outbox is. Each keeps its own checkpoint and picks up
 * where the previous owner's left off. The service's own bookkeeping events are never published.
 */
export class PartitionForwarders {
  private readonly running = new Map<number | 'all', EventForwarder>();
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly make: (checkpoint: string, accepts: (event: RecordedEvent) => boolean) => EventForwarder,
    private readonly partitions: number,
  ) {}

  /** Runs the forwarders of `owned` (every partition: `all`), stopping the others; changes apply in order. */
  follow(owned: readonly number[] | 'all'): Promise<void> {
    this.changes = this.changes.then(async () => {
      const wanted = new Set<number | 'all'>(owned === 'all' ? ['all'] : owned);
      for (const [key, forwarder] of this.running) {
        if (wanted.has(key)) continue;
        this.running.delete(key);
        await forwarder.stop();
      }
      for (const key of wanted) {
        if (this.running.has(key)) continue;
        const forwarder =
          key === 'all'
            ? this.make(FORWARDER_CHECKPOINT, published)
            : this.make(partitionForwarderCheckpoint(key), (e) => published(e) && this.partitionOf(e) === key);
        this.running.set(key, forwarder);
        forwarder.start();
      }
    });
    return this.changes;
  }

  async stop(): Promise<void> {
    await this.changes;
    await Promise.all([...this.running.values()].map((f) => f.stop()));
    this.running.clear();
  }

  /** All forwarders together: the lowest position, caught up and running only if each is. */
  status(): ForwarderStatus | undefined {
    const all = [...this.running.values()].map((f) => f.status());
    if (!all.length) return undefined;
    return {
      position: all.reduce((low, s) => (s.position < low ? s.position : low), all[0].position),
      caughtUp: all.every((s) => s.caughtUp),
      running: all.every((s) => s.running),
      lastError: all.find((s) => s.lastError)?.lastError,
    };
  }

  private partitionOf(event: RecordedEvent): number {
    const customerId = (event.data as { customerId?: unknown } | null)?.customerId;
    return typeof customerId === 'string' ? partitionOf(customerId, this.partitions) : 0;
  }
}

/**
 * Stored events that are the service's own bookkeeping, not part of the downstream contract: the
 * engine's partition log and the outcomes of Kafka commands (their results go to command-results).
 */
export const UNPUBLISHED_EVENT_TYPES: ReadonlySet<string> = new Set([...ENGINE_LOG_EVENT_TYPES, COMMAND_OUTCOME_EVENT]);

/** Whether the forwarders publish a stored event to `journeys.events`. */
export function published(event: RecordedEvent): boolean {
  return !UNPUBLISHED_EVENT_TYPES.has(event.type);
}

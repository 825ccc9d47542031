import type { ReactorBatch, ReactorControl, ReactorHandler, RecordedEvent } from '@journeys/event-store';
import type { ConsentMessage, SegmentChangeMessage, TriggerMessage } from '../../ingestion/ingestion.port';
import { JOURNEY_EVENT_TYPES } from '../../journeys/journey.events';
import { DELIVERY_SETTINGS_CHANGED } from '../../settings/delivery-settings.decider';
import { PartitionFencedError } from '../engine-store/partition-log.port';
import { partitionOf } from '../partitions/partition-of';
import { EngineBatch } from './engine-batch';
import type { EngineQueue } from './engine-queue';
import type { PartitionEngine } from './partition-engine';

/**
 * The engine's input loop, as the reactor's handler: each batch of stored inputs (triggers, segment
 * changes, life-cycle events) goes to the partitions this process owns, each taking its own
 * customers' inputs and every life-cycle event past its checkpoint. A partition decides its share
 * and starts storing its events, then the loop returns once the partition's previous batch has
 * committed, so the next batch is decided while this one's events are with the store's writer. The
 * next batch reads through this one (its parent) until it has committed. Commits stay in order, each
 * after its own events are stored; a failure ends the subscription, and the reactor resubscribes from
 * the lowest committed checkpoint and the same events are decided again (same ids). A partition whose
 * write is fenced is no failure of the loop: the engine forgets it, and the other partitions go on.
 */
export class EngineInputLoop implements ReactorHandler {
  constructor(
    private readonly partitions: () => readonly PartitionEngine[],
    private readonly count: number,
    private readonly queue: EngineQueue,
    private readonly onBatchDone?: (seconds: number) => void,
  ) {}

  /** The lowest checkpoint of the owned partitions: each skips what it has already decided. */
  checkpoint(): bigint | undefined {
    let lowest: bigint | undefined;
    for (const p of this.partitions()) {
      const at = p.store.checkpoint() ?? -1n;
      if (lowest === undefined || at < lowest) lowest = at;
    }
    return lowest === undefined || lowest < 0n ? undefined : lowest;
  }

  /** Position of the last input every owned partition has decided and committed. */
  processed(): bigint {
    let lowest: bigint | undefined;
    for (const p of this.partitions()) if (lowest === undefined || p.processed < lowest) lowest = p.processed;
    return lowest ?? -1n;
  }

  async handle({ events, reached }: ReactorBatch, control: ReactorControl): Promise<void> {
    if (reached === undefined) return;
    if (events.length) {
      await this.queue.next(() => this.decideBatch(events, reached, control));
      return;
    }
    // Nothing for the engine up to here (its own progress events are filtered out).
    const behind = this.partitions().filter((p) => p.processed < reached);
    if (!behind.length) return;
    await this.queue.afterPending(async () => {
      for (const p of behind) {
        p.committer.checkpointOnly(reached);
        p.processed = reached;
      }
    });
  }

  async settle(): Promise<void> {
    await this.queue.next(() => this.queue.dropPending());
  }

  /** Failed batches may have moved the partitions' catalogs ahead of their committed state: reload them. */
  async recover(): Promise<void> {
    await this.queue.next(async () => {
      for (const p of this.partitions()) p.reload();
    });
  }

  private async decideBatch(events: readonly RecordedEvent[], reached: bigint, control: ReactorControl): Promise<void> {
    const began = performance.now();
    const partitions = this.partitions();
    const shares = this.split(events, partitions);
    const previous = partitions.map((p) => p.pending);
    const done = partitions.map((p, i) => this.decideShare(p, shares[i], reached, control));
    Promise.all(done).then(
      () => this.onBatchDone?.((performance.now() - began) / 1000),
      () => undefined,
    );
    await Promise.all(previous.map((pending) => pending?.done.catch(unlessFenced)));
    for (const p of partitions) p.pending?.batch.forgetParent();
  }

  /**
   * Each owned partition's share of the batch: its customers' inputs, and the life-cycle events and
   * delivery settings changes (which every partition follows), past its checkpoint.
   */
  private split(events: readonly RecordedEvent[], partitions: readonly PartitionEngine[]): RecordedEvent[][] {
    const shares = partitions.map((): RecordedEvent[] => []);
    const index = new Map(partitions.map((p, i) => [p.partition, i]));
    for (const event of events) {
      if (JOURNEY_EVENT_TYPES.has(event.type) || event.type === DELIVERY_SETTINGS_CHANGED) {
        partitions.forEach((p, i) => {
          if (event.position > p.processed) shares[i].push(event);
        });
        continue;
      }
      const customerId = (event.data as { customerId: string }).customerId;
      const i = index.get(partitionOf(customerId, this.count));
      if (i !== undefined && event.position > partitions[i].processed) shares[i].push(event);
    }
    return shares;
  }

  private decideShare(
    p: PartitionEngine,
    events: readonly RecordedEvent[],
    reached: bigint,
    control: ReactorControl,
  ): Promise<void> | undefined {
    if (reached <= p.processed) return undefined;
    const previous = p.pending;
    const batch = new EngineBatch(p.store, p.deps.timing, previous?.batch);
    prefetch(p, batch, events);
    for (const event of events) p.decisions.apply(batch, event);
    const appended = p.committer.append(batch, reached);
    // A failed append surfaces through `done`; this only keeps it from being unhandled meanwhile.
    appended.catch(() => undefined);
    const done = (async () => {
      await previous?.done;
      await appended;
      await p.committer.commit(batch, reached);
      p.processed = reached;
    })();
    p.pending = { batch, done };
    done.then(
      () => {
        if (p.pending?.done === done) p.pending = undefined;
      },
      (error: unknown) => {
        // A partition taken over is forgotten already (JourneyEngine's fencing log): the others' inputs
        // go on. Any other failure: nobody may be waiting on this batch, so end the subscription and
        // let the reactor resubscribe from the lowest checkpoint.
        if (!(error instanceof PartitionFencedError)) control.fail(error);
      },
    );
    return done;
  }
}

/** Loads the state of every customer the share's triggers and segment changes touch, in bulk. */
function prefetch(p: PartitionEngine, batch: EngineBatch, events: readonly RecordedEvent[]): void {
  const customers: string[] = [];
  const entryJourneys = new Set<string>();
  for (const event of events) {
    if (event.type === 'TriggerReceived') {
      const message = event.data as TriggerMessage;
      customers.push(message.customerId);
      for (const info of p.catalog.enteredBy(message.trigger)) entryJourneys.add(info.journeyId);
    } else if (event.type === 'SegmentMembershipChanged') {
      customers.push((event.data as SegmentChangeMessage).customerId);
    } else if (event.type === 'ConsentChanged') {
      customers.push((event.data as ConsentMessage).customerId);
    }
  }
  batch.prefetchCustomers(customers, entryJourneys);
}

/** Rethrows every failure but a fenced partition's (that partition is no longer this process's concern). */
function unlessFenced(error: unknown): void {
  if (!(error instanceof PartitionFencedError)) throw error;
}

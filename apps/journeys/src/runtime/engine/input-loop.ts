import type { ReactorBatch, ReactorControl, ReactorHandler, RecordedEvent } from '@journeys/event-store';
import type { SegmentChangeMessage, TriggerMessage } from '../../ingestion/ingestion.port';
import type { EngineStore } from '../engine-store/engine-store.port';
import { EngineBatch, type EngineTiming } from './engine-batch';
import type { EngineCommitter } from './engine-committer';
import type { EngineDecisions } from './engine-decisions';
import type { EngineQueue } from './engine-queue';
import { JourneyCatalog } from './journey-catalog';

/**
 * The engine's input loop, as the reactor's handler: decides each batch of stored inputs (triggers,
 * segment changes, life-cycle events) and starts storing its events, then returns once the batch
 * before it has committed, so the next batch is decided while this one's events are with the
 * store's writer. The next batch reads through this one (its parent) until it has committed.
 * Commits stay in order, each after its own events are stored; a failure ends the subscription, and
 * the reactor resubscribes from the last committed checkpoint and the same events are decided again
 * (same ids).
 */
export class EngineInputLoop implements ReactorHandler {
  /** Position of the last input whose decisions are committed. */
  processed: bigint;

  constructor(
    private readonly store: EngineStore,
    private readonly timing: EngineTiming,
    private readonly queue: EngineQueue,
    private readonly decisions: EngineDecisions,
    private readonly committer: EngineCommitter,
    private readonly catalog: { current: JourneyCatalog },
    private readonly onBatchDone?: (seconds: number) => void,
  ) {
    this.processed = store.checkpoint() ?? -1n;
  }

  checkpoint(): bigint | undefined {
    return this.store.checkpoint();
  }

  async handle({ events, reached }: ReactorBatch, control: ReactorControl): Promise<void> {
    if (events.length) {
      await this.queue.next(() => this.decideBatch(events, reached!, control));
    } else if (reached !== undefined && reached > this.processed) {
      // Nothing for the engine up to here (its own progress events are filtered out).
      await this.queue.afterPending(async () => {
        this.committer.checkpointOnly(reached);
        this.processed = reached;
      });
    }
  }

  async settle(): Promise<void> {
    await this.queue.next(() => this.queue.dropPending());
  }

  /** The failed batch may have moved the catalog ahead of the committed state: reload it. */
  async recover(): Promise<void> {
    await this.queue.next(async () => {
      this.catalog.current = new JourneyCatalog(this.store.journeys());
    });
  }

  private async decideBatch(events: readonly RecordedEvent[], reached: bigint, control: ReactorControl): Promise<void> {
    const began = performance.now();
    const previous = this.queue.pending;
    const batch = new EngineBatch(this.store, this.timing, previous?.batch);
    this.prefetch(batch, events);
    for (const event of events) this.decisions.apply(batch, event);
    const appended = this.committer.append(batch);
    // A failed append surfaces through `done`; this only keeps it from being unhandled meanwhile.
    appended.catch(() => undefined);
    const done = (async () => {
      await previous?.done;
      await appended;
      await this.committer.commit(batch, reached);
      this.processed = reached;
      this.onBatchDone?.((performance.now() - began) / 1000);
    })();
    this.queue.pending = { batch, done };
    done.then(
      () => {
        if (this.queue.pending?.done === done) this.queue.pending = undefined;
      },
      // Nobody may be waiting on this batch: end the subscription so the reactor resubscribes.
      (error: unknown) => control.fail(error),
    );
    await previous?.done;
    batch.forgetParent();
  }

  /** Loads the state of every customer the batch's triggers and segment changes touch, in bulk. */
  private prefetch(batch: EngineBatch, events: readonly RecordedEvent[]): void {
    const customers: string[] = [];
    const entryJourneys = new Set<string>();
    for (const event of events) {
      if (event.type === 'TriggerReceived') {
        const message = event.data as TriggerMessage;
        customers.push(message.customerId);
        for (const info of this.catalog.current.enteredBy(message.trigger)) entryJourneys.add(info.journeyId);
      } else if (event.type === 'SegmentMembershipChanged') {
        customers.push((event.data as SegmentChangeMessage).customerId);
      }
    }
    batch.prefetchCustomers(customers, entryJourneys);
  }
}

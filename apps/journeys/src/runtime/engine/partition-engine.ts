import type { CommandBus } from '@nestjs/cqrs';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '@journeys/definition';
import type { Clock } from '../../common/clock';
import type { EngineObserver } from '../engine-observer';
import type { EngineStore } from '../engine-store/engine-store.port';
import type { PartitionLog } from '../engine-store/partition-log.port';
import type { EngineTiming } from './engine-batch';
import { EngineCommitter } from './engine-committer';
import { EngineDecisions } from './engine-decisions';
import { EngineJobs } from './engine-jobs';
import type { PendingBatch } from './engine-queue';
import { JourneyCatalog } from './journey-catalog';
import { LifecycleMoves } from './lifecycle-moves';

/** What every partition of one engine shares. */
export interface PartitionDependencies {
  log: PartitionLog;
  commands: CommandBus;
  clock: Clock;
  timing: EngineTiming;
  /** JOURNEYS_PARTITIONS. */
  partitions: number;
  observer?: EngineObserver;
  stopping: () => boolean;
}

/**
 * One engine partition: the customers whose id hashes to it (partition-of.ts), decided with its own
 * state (an {@link EngineStore}), its own view of the journeys and its own checkpoint. Partitions of
 * one process share its input subscription and its serial line of work.
 */
export class PartitionEngine {
  /** The journeys as this partition's inputs have seen them so far. */
  catalog: JourneyCatalog;
  /** The delivery settings as this partition's inputs have set them so far. */
  readonly settings: { current: DeliverySettings };
  /** Position of the last input whose decisions are committed. */
  processed: bigint;
  /** The partition's input batch whose events are being stored and whose state is not committed yet. */
  pending: PendingBatch | undefined;
  readonly decisions: EngineDecisions;
  readonly committer: EngineCommitter;
  readonly jobs: EngineJobs;
  readonly moves: LifecycleMoves;

  constructor(
    readonly partition: number,
    readonly store: EngineStore,
    readonly deps: PartitionDependencies,
  ) {
    this.catalog = new JourneyCatalog(store.journeys());
    this.processed = store.checkpoint() ?? -1n;
    this.settings = { current: store.settings() ?? DEFAULT_DELIVERY_SETTINGS };
    const catalog = () => this.catalog;
    this.moves = new LifecycleMoves(deps.commands, deps.clock, partition, deps.partitions);
    this.decisions = new EngineDecisions(catalog, this.settings, { partition, partitions: deps.partitions });
    this.committer = new EngineCommitter(deps.log, partition, store, catalog, this.moves, deps.observer);
    this.jobs = new EngineJobs(store, deps.timing, this.decisions, this.committer, catalog, deps.stopping);
  }

  /** After a failure: the journeys and settings as last committed (a failed batch may have moved them ahead). */
  reload(): void {
    this.catalog = new JourneyCatalog(this.store.journeys());
    this.processed = this.store.checkpoint() ?? -1n;
    this.settings.current = this.store.settings() ?? DEFAULT_DELIVERY_SETTINGS;
  }

  /** Waits for the pending batch whatever its outcome, then forgets it. */
  async dropPending(): Promise<void> {
    await this.pending?.done.catch(() => undefined);
    this.pending = undefined;
  }
}

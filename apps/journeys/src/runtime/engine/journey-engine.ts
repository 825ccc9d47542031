import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, Reactor, type EventStore } from '@journeys/event-store';
import { CLOCK, type Clock } from '../../common/clock';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { JOURNEY_EVENT_TYPES } from '../../journeys/journey.events';
import { DELIVERY_SETTINGS_CHANGED } from '../../settings/delivery-settings.decider';
import { ENGINE_OBSERVER, type EngineObserver } from '../engine-observer';
import { ENGINE_STORES, type EngineStores } from '../engine-store/engine-store.port';
import { PARTITION_LOG, PartitionFencedError, type PartitionLog } from '../engine-store/partition-log.port';
import { ensurePartitionLayout } from '../partitions/partition-layout';
import { PARTITION_OWNERSHIP, type PartitionOwnership } from '../partitions/partition-ownership.port';
import { EngineQueue } from './engine-queue';
import { EngineScheduler } from './engine-scheduler';
import { EngineInputLoop } from './input-loop';
import { PartitionEngine, type PartitionDependencies } from './partition-engine';

/** The engine reacts to these only; its own progress events are never read back. */
const ENGINE_INPUTS = [
  'TriggerReceived',
  'SegmentMembershipChanged',
  ...JOURNEY_EVENT_TYPES,
  'ConsentChanged',
  DELIVERY_SETTINGS_CHANGED,
];
/** Longest a timer run waits for the input loop to take what was stored before it. */
const INPUT_CATCH_UP_MS = 2_000;
/** After a fenced write, how long before a partition Kafka still assigns here is claimed again. */
const RECLAIM_DELAY_MS = 1_000;

/**
 * The data plane, as a thin Nest facade over its parts: the partitions this process owns (each with
 * its own state, checkpoint and view of the journeys), the input loop (one reactor over the stored
 * triggers, segment changes and life-cycle events, handing each partition its share), the scheduler
 * (timers, jobs, end times), all on one serial line. Who may enter and what each step does are pure
 * rules (`runtime/rules/`, the instance decider); the state sits behind the engine-store port.
 */
@Injectable()
export class JourneyEngine implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JourneyEngine.name);
  private readonly deps: PartitionDependencies;
  private owned: PartitionEngine[] = [];
  private readonly queue = new EngineQueue(() => this.owned);
  private inputs!: EngineInputLoop;
  private reactor!: Reactor;
  private scheduler!: EngineScheduler;
  private stopping = false;
  /** The partitions the ownership last assigned, and whether all of them are restored and running. */
  private assigned: readonly number[] = [];
  private restored = false;
  /** Assignments are applied one at a time, in order. */
  private assigning: Promise<void> = Promise.resolve();
  private readonly ownershipListeners: ((partitions: readonly number[]) => void)[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(ENGINE_STORES) private readonly stores: EngineStores,
    @Inject(PARTITION_LOG) log: PartitionLog,
    @Inject(PARTITION_OWNERSHIP) private readonly ownership: PartitionOwnership,
    commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(ENGINE_OBSERVER) observer?: EngineObserver,
  ) {
    this.deps = {
      log: this.fencing(log),
      commands,
      clock,
      timing: { triggerWaitGraceMs: config.triggerWaitGraceMs },
      partitions: config.partitions,
      observer,
      stopping: () => this.stopping,
    };
  }

  /** Refuses to start on state laid out in another partition count; then follows the owned partitions. */
  async onApplicationBootstrap(): Promise<void> {
    await ensurePartitionLayout(this.events, this.config.partitions, async () => {
      // The engine ran before the count was recorded: its state file, or a partition stream.
      if (this.stores.partition(0).checkpoint() !== undefined) return true;
      return (await this.events.readStream('partition-0', { maxCount: 1 })).length > 0;
    });
    this.inputs = new EngineInputLoop(
      () => this.owned,
      this.config.partitions,
      this.queue,
      (seconds) => this.deps.observer?.inputBatchDone(seconds),
    );
    this.reactor = new Reactor(this.events, this.inputs, {
      name: 'engine',
      batchSize: 2_000,
      eventTypes: ENGINE_INPUTS,
      retry: { initialMs: 500, maxMs: 500 },
      onError: (error) =>
        this.logger.error(`Engine batch failed, retrying from the checkpoint: ${errorMessage(error)}`),
    });
    this.scheduler = new EngineScheduler(() => this.owned, this.clock, {
      tick: () => this.tick(),
      onError: (error) => this.logger.error(`Timer run failed: ${String(error)}`),
      onSnapshotError: (partition, error) =>
        this.logger.warn(
          `Snapshot of engine partition ${partition} not stored (taken again after as many units more): ${String(error)}`,
        ),
    });
    this.scheduler.start();
    this.ownership.start((partitions) => this.assign(partitions));
  }

  /** Before the stores close: the batch in flight commits, then the worker stops. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (!this.reactor) return; // never started (refused at bootstrap)
    this.scheduler.stop();
    await this.ownership.stop();
    await this.assigning;
    await this.reactor.stop();
    await this.queue.idle();
    await this.queue.dropPending();
    await this.deps.log.snapshotsStored?.();
  }

  /** How far the engine has read the store (its own progress events are skipped), and its last error. */
  status(): { position: bigint; lastError?: string; caughtUp: boolean; partitions: readonly number[]; ready: boolean } {
    const reactor = this.reactor.status();
    return {
      position: this.inputs.processed(),
      lastError: reactor.lastError,
      caughtUp: reactor.caughtUp,
      partitions: this.owned.map((p) => p.partition),
      ready: this.restored,
    };
  }

  /**
   * Owns exactly `partitions` from now on: the input loop pauses, partitions no longer owned are
   * forgotten, new ones are restored from the partition log (which fences their previous writer),
   * and the input loop resumes from the lowest checkpoint.
   */
  private assign(partitions: readonly number[]): Promise<void> {
    this.assigned = partitions;
    this.restored = false;
    const run = this.assigning.then(async () => {
      if (this.stopping || partitions !== this.assigned) return;
      const started = Date.now();
      let taken: number[] = [];
      await this.reactor.stop();
      await this.queue.next(async () => {
        await this.queue.dropPending();
        const wanted = new Set(partitions);
        for (const p of this.owned.filter((e) => !wanted.has(e.partition))) this.forget(p.partition);
        await this.forgetTakenOver();
        const held = new Set(this.owned.map((p) => p.partition));
        taken = partitions.filter((p) => !held.has(p));
        // Each partition is restored from its own streams: reading them at once overlaps the reads.
        const restored = await Promise.allSettled(
          taken.map(async (partition) => {
            const store = this.stores.partition(partition);
            await this.deps.log.acquire(partition, store);
            this.owned.push(new PartitionEngine(partition, store, this.deps));
          }),
        );
        const failed = restored.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
        this.owned.sort((a, b) => a.partition - b.partition);
      });
      if (this.stopping) return;
      this.reactor.start();
      this.restored = partitions === this.assigned;
      const took = taken.length ? ` (took over ${taken.join(', ')} in ${Date.now() - started} ms)` : '';
      this.logger.log(`Engine partitions owned: ${this.owned.map((p) => p.partition).join(', ') || 'none'}${took}`);
      this.ownershipChanged();
    });
    this.assigning = run.catch((error: unknown) => {
      this.logger.error(`Taking over engine partitions failed: ${errorMessage(error)}`);
      // Try the same assignment again, unless a newer one came meanwhile.
      if (!this.stopping && partitions === this.assigned) setTimeout(() => void this.assign(partitions), 1_000).unref();
    });
    return this.assigning;
  }

  /**
   * Calls `listener` with the partitions this process owns whenever they change (other parts of the
   * process follow the engine's partitions: the forwarder publishes the owned partitions' events).
   */
  onOwnershipChange(listener: (partitions: readonly number[]) => void): void {
    this.ownershipListeners.push(listener);
    if (this.restored) listener(this.owned.map((p) => p.partition));
  }

  private ownershipChanged(): void {
    const partitions = this.owned.map((p) => p.partition);
    for (const listener of this.ownershipListeners) listener(partitions);
  }

  /**
   * Forgets the held partitions another process wrote meanwhile, so they are acquired again now. A
   * member that stalled past its session may get its partitions back from Kafka; without this check
   * it would decide on its stale state until its first write was fenced, and only then claim again,
   * leaving the partitions' timers waiting for both.
   */
  private async forgetTakenOver(): Promise<void> {
    const held = await Promise.all(this.owned.map((p) => this.deps.log.holds?.(p.partition) ?? true));
    for (const { partition } of this.owned.filter((_, i) => !held[i])) {
      this.logger.warn(`Engine partition ${partition} was written by another instance meanwhile; taking it over again`);
      this.forget(partition);
    }
  }

  /** Stops deciding for a partition and deletes its local state (another process writes it now). */
  private forget(partition: number): void {
    this.owned = this.owned.filter((p) => p.partition !== partition);
    this.stores.partition(partition).drop();
  }

  /** The log as the partitions use it: a partition whose writes are fenced is forgotten at once. */
  private fencing(log: PartitionLog): PartitionLog {
    return {
      acquire: (partition, store) => log.acquire(partition, store),
      holds: (partition) => log.holds?.(partition) ?? Promise.resolve(true),
      snapshotDue: (partition) => log.snapshotDue?.(partition) ?? false,
      snapshot: (partition, store) => log.snapshot?.(partition, store) ?? Promise.resolve(),
      snapshotsStored: () => log.snapshotsStored?.() ?? Promise.resolve(),
      append: async (partition, outputs, changes, checkpoint) => {
        try {
          await log.append(partition, outputs, changes, checkpoint);
        } catch (error) {
          if (error instanceof PartitionFencedError && this.owned.some((p) => p.partition === partition)) {
            this.logger.warn(error.message);
            this.owned = this.owned.filter((p) => p.partition !== partition);
            this.ownershipChanged();
            void this.queue.next(async () => this.stores.partition(partition).drop());
            this.reclaimIfAssigned(partition);
          }
          throw error;
        }
      },
    };
  }

  /**
   * A fenced partition that Kafka still assigns here is claimed again (which fences whoever wrote
   * meanwhile). Without this it could stay unowned: a member that stalled rejoins with the partitions
   * it held, the sticky assignment may give it one back, it sees no change and keeps its old claim,
   * the other member forgets the partition, and the old claim's next write is fenced. A newer
   * assignment without the partition cancels the claim; if this member's assignment is the stale
   * one, its next heartbeat brings the new one.
   */
  private reclaimIfAssigned(partition: number): void {
    const assigned = this.assigned;
    if (!assigned.includes(partition)) return;
    setTimeout(() => {
      if (!this.stopping && this.assigned === assigned) void this.assign(assigned);
    }, RECLAIM_DELAY_MS).unref();
  }

  /**
   * Runs due timers and jobs now (tests move a manual clock, then call this). Inputs stored before
   * it are decided first (within a bound), so a trigger stored just before a timer is due is seen
   * before the timer fires, whatever order the two loops would otherwise take them in.
   */
  async tick(): Promise<void> {
    if (this.scheduler.nextWake() !== undefined) {
      const head = await this.events.headPosition().catch(() => undefined);
      if (head !== undefined) await this.waitFor(head, INPUT_CATCH_UP_MS).catch(() => undefined);
    }
    return this.queue.afterPending(() => this.scheduler.runDue());
  }

  /** Resolves once the engine has processed every event up to `position`. */
  async waitFor(position: bigint, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inputs.processed() < position) {
      if (Date.now() > deadline) throw new Error(`Engine did not reach ${position} (at ${this.inputs.processed()})`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await this.queue.idle();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Reactor, type EventStore } from '@journeys/event-store';
import { CLOCK, type Clock } from '../../common/clock';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { EVENT_STORE } from '../../infrastructure/storage.module';
import { JOURNEY_EVENT_TYPES } from '../../journeys/journey.events';
import { ENGINE_OBSERVER, type EngineObserver } from '../engine-observer';
import { ENGINE_STORES, type EngineStores } from '../engine-store/engine-store.port';
import { EngineQueue } from './engine-queue';
import { EngineScheduler } from './engine-scheduler';
import { EngineInputLoop } from './input-loop';
import { PartitionEngine, type PartitionDependencies } from './partition-engine';

/** The engine reacts to these only; its own progress events are never read back. */
const ENGINE_INPUTS = ['TriggerReceived', 'SegmentMembershipChanged', ...JOURNEY_EVENT_TYPES];
/** Longest a timer run waits for the input loop to take what was stored before it. */
const INPUT_CATCH_UP_MS = 2_000;

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

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(ENGINE_STORES) private readonly stores: EngineStores,
    commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(ENGINE_OBSERVER) observer?: EngineObserver,
  ) {
    this.deps = {
      events,
      commands,
      clock,
      timing: { triggerWaitGraceMs: config.triggerWaitGraceMs },
      partitions: config.partitions,
      observer,
      stopping: () => this.stopping,
    };
  }

  onApplicationBootstrap(): void {
    const all = Array.from({ length: this.config.partitions }, (_, p) => p);
    this.owned = all.map((p) => new PartitionEngine(p, this.stores.partition(p), this.deps));
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
    });
    this.reactor.start();
    this.scheduler.start();
  }

  /** Before the stores close: the batch in flight commits, then the worker stops. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.scheduler.stop();
    await this.reactor.stop();
    await this.queue.idle();
    await this.queue.dropPending();
  }

  /** How far the engine has read the store (its own progress events are skipped), and its last error. */
  status(): { position: bigint; lastError?: string } {
    return { position: this.inputs.processed(), lastError: this.reactor.status().lastError };
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

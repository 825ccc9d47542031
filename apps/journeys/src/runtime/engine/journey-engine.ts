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
import { ENGINE_STORE, type EngineStore } from '../engine-store/engine-store.port';
import type { EngineTiming } from './engine-batch';
import { EngineCommitter } from './engine-committer';
import { EngineDecisions } from './engine-decisions';
import { EngineJobs } from './engine-jobs';
import { EngineQueue } from './engine-queue';
import { EngineScheduler } from './engine-scheduler';
import { EngineInputLoop } from './input-loop';
import { JourneyCatalog } from './journey-catalog';
import { LifecycleMoves } from './lifecycle-moves';

/** The engine reacts to these only; its own progress events are never read back. */
const ENGINE_INPUTS = ['TriggerReceived', 'SegmentMembershipChanged', ...JOURNEY_EVENT_TYPES];
/** Longest a timer run waits for the input loop to take what was stored before it. */
const INPUT_CATCH_UP_MS = 2_000;

/**
 * The data plane, as a thin Nest facade over its parts: the input loop (a reactor over the stored
 * triggers, segment changes and life-cycle events), the scheduler (timers, jobs, end times), the
 * jobs (enrolment and stop chunks), all on one serial line. Who may enter and what each step does
 * are pure rules (`runtime/rules/`, the instance decider); the state sits behind the engine-store port.
 */
@Injectable()
export class JourneyEngine implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JourneyEngine.name);
  private readonly timing: EngineTiming;
  private readonly queue = new EngineQueue();
  private readonly catalog: { current: JourneyCatalog } = { current: new JourneyCatalog() };
  private inputs!: EngineInputLoop;
  private reactor!: Reactor;
  private scheduler!: EngineScheduler;
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(ENGINE_STORE) private readonly state: EngineStore,
    commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(ENGINE_OBSERVER) private readonly observer?: EngineObserver,
  ) {
    this.timing = { triggerWaitGraceMs: config.triggerWaitGraceMs };
    this.moves = new LifecycleMoves(commands, clock);
  }

  private readonly moves: LifecycleMoves;

  onApplicationBootstrap(): void {
    this.catalog.current = new JourneyCatalog(this.state.journeys());
    const catalog = () => this.catalog.current;
    const decisions = new EngineDecisions(catalog);
    const committer = new EngineCommitter(this.events, this.state, catalog, this.moves, this.observer);
    const jobs = new EngineJobs(this.state, this.timing, decisions, committer, catalog, () => this.stopping);
    this.inputs = new EngineInputLoop(this.state, this.timing, this.queue, decisions, committer, this.catalog, (s) =>
      this.observer?.inputBatchDone(s),
    );
    this.reactor = new Reactor(this.events, this.inputs, {
      name: 'engine',
      batchSize: 2_000,
      eventTypes: ENGINE_INPUTS,
      retry: { initialMs: 500, maxMs: 500 },
      onError: (error) =>
        this.logger.error(`Engine batch failed, retrying from the checkpoint: ${errorMessage(error)}`),
    });
    this.scheduler = new EngineScheduler(
      this.state,
      this.timing,
      this.clock,
      decisions,
      committer,
      jobs,
      this.moves,
      catalog,
      {
        tick: () => this.tick(),
        onError: (error) => this.logger.error(`Timer run failed: ${String(error)}`),
      },
    );
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
    return { position: this.inputs.processed, lastError: this.reactor.status().lastError };
  }

  /**
   * Runs due timers and jobs now (tests move a manual clock, then call this). Inputs stored before
   * it are decided first (within a bound), so a trigger stored just before a timer is due is seen
   * before the timer fires, whatever order the two loops would otherwise take them in.
   */
  async tick(): Promise<void> {
    if (this.state.nextWake() !== undefined) {
      const head = await this.events.headPosition().catch(() => undefined);
      if (head !== undefined) await this.waitFor(head, INPUT_CATCH_UP_MS).catch(() => undefined);
    }
    return this.queue.afterPending(() => this.scheduler.runDue());
  }

  /** Resolves once the engine has processed every event up to `position`. */
  async waitFor(position: bigint, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inputs.processed < position) {
      if (Date.now() > deadline) throw new Error(`Engine did not reach ${position} (at ${this.inputs.processed})`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await this.queue.idle();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import type { Clock } from '../../common/clock';
import type { EngineStore } from '../engine-store/engine-store.port';
import { pastTheirEnd } from '../rules/lifecycle';
import { EngineBatch, type EngineTiming } from './engine-batch';
import type { EngineCommitter } from './engine-committer';
import type { EngineDecisions } from './engine-decisions';
import { CHUNK, type EngineJobs } from './engine-jobs';
import type { JourneyCatalog } from './journey-catalog';
import type { LifecycleMoves } from './lifecycle-moves';

/** Longest the scheduler sleeps between looks at the timer index. */
const MAX_SLEEP_MS = 200;

/**
 * The engine's clock work: fires due timers in due order (in batches), runs the next due job chunk
 * by chunk, and moves Live versions past their end time to Completing. It wakes for the earliest
 * timer or job, and at least every {@link MAX_SLEEP_MS}.
 */
export class EngineScheduler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: EngineStore,
    private readonly timing: EngineTiming,
    private readonly clock: Clock,
    private readonly decisions: EngineDecisions,
    private readonly committer: EngineCommitter,
    private readonly jobs: EngineJobs,
    private readonly moves: LifecycleMoves,
    private readonly catalog: () => JourneyCatalog,
    private readonly options: {
      /** Runs the scheduler's work on the engine's serial line (see JourneyEngine.tick). */
      tick: () => Promise<void>;
      onError: (error: unknown) => void;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.wakeIn(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Fires due timers (in due order, in batches), then runs one due job after another, then end times. */
  async runDue(): Promise<void> {
    if (this.stopped) return;
    const now = this.clock.now().getTime();
    await this.fireTimers(now);
    for (let job = this.store.dueJob(now); job; job = this.store.dueJob(now)) {
      await this.jobs.run(job);
      if (this.stopped) return;
    }
    for (const move of pastTheirEnd(this.catalog().liveVersions(), now)) await this.moves.make(move);
  }

  private async fireTimers(now: number): Promise<void> {
    for (;;) {
      const due = this.store.dueTimers(now, CHUNK);
      if (!due.length) return;
      const batch = new EngineBatch(this.store, this.timing);
      batch.prefetchInstances(due.map((timer) => timer.instanceId));
      for (const timer of due) {
        batch.removeTimer(timer.timerId);
        const instance = batch.instance(timer.instanceId);
        if (!instance || instance.status === 'new') continue;
        // A timer fires at its due time (a waitForTrigger's deadline, not the grace after it): later
        // steps are timed from it, and a replay decides the same.
        const waiting = instance.waiting?.timerId === timer.timerId ? instance.waiting : undefined;
        const at = waiting ? Date.parse(waiting.dueAt) : timer.dueAt;
        const command = { type: 'FireTimer', timerId: timer.timerId } as const;
        this.decisions.decideFor(batch, instance, command, at, `timer:${timer.timerId}`);
      }
      await this.committer.appendAndCommit(batch);
      if (due.length < CHUNK) return;
    }
  }

  private wakeIn(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.options
        .tick()
        .catch((error: unknown) => this.options.onError(error))
        .finally(() => {
          const wake = this.store.nextWake();
          const now = this.clock.now().getTime();
          this.wakeIn(wake === undefined ? MAX_SLEEP_MS : Math.max(0, Math.min(MAX_SLEEP_MS, wake - now)));
        });
    }, delayMs);
    this.timer.unref?.();
  }
}

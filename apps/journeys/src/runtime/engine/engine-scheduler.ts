import type { Clock } from '../../common/clock';
import { PartitionFencedError } from '../engine-store/partition-log.port';
import { pastTheirEnd, pausesOverrun, type LifecycleMove } from '../rules/lifecycle';
import { versionKey } from '../rules/routing';
import { EngineBatch } from './engine-batch';
import { CHUNK } from './engine-jobs';
import type { PartitionEngine } from './partition-engine';

/** Longest the scheduler sleeps between looks at the timer index. */
const MAX_SLEEP_MS = 200;

/**
 * The engine's clock work, partition by partition: fires due timers in due order (in batches), runs
 * the next due job chunk by chunk, and moves Live versions past their end time to Completing. It
 * wakes for the earliest timer or job, and at least every {@link MAX_SLEEP_MS}.
 */
export class EngineScheduler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly partitions: () => readonly PartitionEngine[],
    private readonly clock: Clock,
    private readonly options: {
      /** Runs the scheduler's work on the engine's serial line (see JourneyEngine.tick). */
      tick: () => Promise<void>;
      onError: (error: unknown) => void;
      /** A snapshot was not stored: the partition's next restore reads more of its log, nothing is lost. */
      onSnapshotError: (partition: number, error: unknown) => void;
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

  /** The earliest due timer or job of the owned partitions (ms). */
  nextWake(): number | undefined {
    let earliest: number | undefined;
    for (const p of this.partitions()) {
      const wake = p.store.nextWake();
      if (wake !== undefined && (earliest === undefined || wake < earliest)) earliest = wake;
    }
    return earliest;
  }

  /**
   * In each owned partition, fires due timers (in due order, in batches), runs one due job after
   * another, and snapshots the state when the partition log asks; then moves Live versions past
   * their end time to Completing and ends pauses that reached their maximum.
   */
  async runDue(): Promise<void> {
    if (this.stopped) return;
    const now = this.clock.now().getTime();
    const ended = new Map<string, { p: PartitionEngine; move: LifecycleMove }>();
    for (const p of this.partitions()) {
      try {
        await this.runPartition(p, now, ended);
      } catch (error) {
        // The engine forgot the partition when its write was fenced; the others' timers are due too.
        if (!(error instanceof PartitionFencedError)) throw error;
      }
      if (this.stopped) return;
    }
    const owned = new Set(this.partitions());
    for (const { p, move } of ended.values()) if (owned.has(p)) await p.moves.make(move);
  }

  private async runPartition(
    p: PartitionEngine,
    now: number,
    ended: Map<string, { p: PartitionEngine; move: LifecycleMove }>,
  ): Promise<void> {
    await this.fireTimers(p, now);
    await this.expireActions(p, now);
    for (let job = p.store.dueJob(now); job; job = p.store.dueJob(now)) {
      await p.jobs.run(job, now);
      if (this.stopped) return;
    }
    for (const move of pastTheirEnd(p.catalog.liveVersions(), now)) {
      ended.set(versionKey(move.journeyId, move.version), { p, move });
    }
    for (const move of pausesOverrun(p.catalog.pausedVersions(), now)) {
      ended.set(versionKey(move.journeyId, move.version), { p, move });
    }
    // Nothing is in flight here: the state holds exactly what the partition log holds. Only reading
    // it waits; storing it goes on beside the work (it took 9.8 s on this line at 100,000 customers).
    if (p.deps.log.snapshotDue?.(p.partition)) {
      const partition = p.partition;
      p.deps.log.snapshot?.(partition, p.store).catch((error) => this.options.onSnapshotError(partition, error));
    }
  }

  private async fireTimers(p: PartitionEngine, now: number): Promise<void> {
    for (;;) {
      const due = p.store.dueTimers(now, CHUNK);
      if (!due.length) return;
      const batch = new EngineBatch(p.store, p.deps.timing);
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
        p.decisions.decideFor(batch, instance, command, at, `timer:${timer.timerId}`);
      }
      await p.committer.appendAndCommit(batch);
      if (due.length < CHUNK) return;
    }
  }

  /**
   * Cancels the actions no reader was handed before their expiry (reason Expired), each decided at
   * its expiry: withdrawn from the outbox at once, then ActionCancelled is stored (as a stop does).
   */
  private async expireActions(p: PartitionEngine, now: number): Promise<void> {
    for (;;) {
      const expired = p.store.expiredActions(now, CHUNK);
      if (!expired.length) return;
      const batch = new EngineBatch(p.store, p.deps.timing);
      batch.prefetchInstances(expired.map((action) => action.instanceId));
      for (const action of expired) {
        p.store.withdrawAction(action.actionId);
        const instance = batch.instance(action.instanceId);
        if (!instance) continue;
        const { stepId } = JSON.parse(action.payload) as { stepId: string };
        const command = { type: 'CancelAction', actionId: action.actionId, stepId, reason: 'Expired' } as const;
        p.decisions.decideFor(batch, instance, command, action.expiresAt, `expire:${action.actionId}`);
      }
      await p.committer.appendAndCommit(batch);
      if (expired.length < CHUNK) return;
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
          // Stopped while the tick ran: the partitions' stores may be closed by now.
          if (this.stopped) return;
          let wake: number | undefined;
          try {
            wake = this.nextWake();
          } catch (error) {
            this.options.onError(error);
          }
          const now = this.clock.now().getTime();
          this.wakeIn(wake === undefined ? MAX_SLEEP_MS : Math.max(0, Math.min(MAX_SLEEP_MS, wake - now)));
        });
    }, delayMs);
    this.timer.unref?.();
  }
}

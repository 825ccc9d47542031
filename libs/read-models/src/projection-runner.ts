import { Reactor, type EventStore, type ReactorBatch, type RecordedEvent } from '@journeys/event-store';
import type { RetryPolicy } from '@journeys/retry';
import type { Projection } from './projection';
import type { ReadModelStore } from './read-model-store';

export interface ProjectionRunnerOptions {
  /** Largest number of events applied in one read-model transaction. */
  batchSize?: number;
  /** Called when a batch fails; the runner retries the batch after a back-off. */
  onError?: (error: unknown) => void;
}

export interface ProjectionStatus {
  /** Highest position applied to every projection (-1n before the first event). */
  position: bigint;
  caughtUp: boolean;
  running: boolean;
  lastError?: string;
}

/** A failed batch is tried again every half second (the read-model file is local: no growing back-off). */
const PROJECTION_RETRY: RetryPolicy = { initialMs: 500, maxMs: 500 };

interface Waiter {
  position: bigint;
  resolve: () => void;
}

/**
 * Feeds every projection from one catch-up subscription to all events. Each batch is applied to all
 * projections in one read-model transaction together with their checkpoints, so a crash at any point
 * resumes exactly after the last committed batch: nothing is counted twice or skipped.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private reactor: Reactor | undefined;
  /** Where the next subscription starts (exclusive): the lowest projection checkpoint, then each batch's end. */
  private resumeAfter: bigint | undefined;
  private applied = -1n;
  private waiters: Waiter[] = [];
  /** Each projection's committed checkpoint, mirrored in memory to skip a query per batch. */
  private readonly checkpoints = new Map<string, bigint>();
  /** Events read since the last start or rebuild. */
  private replayed = 0;
  /** Every type some projection reads, or undefined when one of them reads all events. */
  private readonly eventTypes: readonly string[] | undefined;

  constructor(
    private readonly eventStore: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2_000;
    const names = new Set(projections.map((p) => p.name));
    if (names.size !== projections.length) throw new Error('Projection names must be unique');
    this.eventTypes = projections.every((p) => p.eventTypes)
      ? [...new Set(projections.flatMap((p) => p.eventTypes!))]
      : undefined;
  }

  /** Creates the read models, rebuilds those whose version changed, and starts following the store. */
  start(): void {
    if (this.reactor) return;
    this.resumeAfter = this.prepare();
    this.reactor = new Reactor(
      this.eventStore,
      {
        checkpoint: () => this.resumeAfter,
        handle: async (batch) => this.handle(batch),
      },
      {
        name: 'projections',
        batchSize: this.batchSize,
        eventTypes: this.eventTypes,
        retry: PROJECTION_RETRY,
        onError: (error) => this.options.onError?.(error),
      },
    );
    this.reactor.start();
  }

  /** Stops after the batch in flight has been committed. */
  async stop(): Promise<void> {
    await this.reactor?.stop();
    this.reactor = undefined;
  }

  status(): ProjectionStatus {
    const reactor = this.reactor?.status();
    return {
      position: this.applied,
      caughtUp: reactor?.caughtUp ?? false,
      running: reactor?.running ?? false,
      lastError: reactor?.lastError,
    };
  }

  /** Resolves once every projection has applied the event at `position` (read-your-writes). */
  waitFor(position: bigint, timeoutMs = 10_000): Promise<void> {
    if (this.applied >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`Projections did not reach position ${position} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Drops the named projections (all when none are named) and replays the store into them; the
   * others keep their checkpoints and skip the events they already have. Resolves when caught up.
   */
  async rebuild(names?: readonly string[]): Promise<{ projections: string[]; events: number; ms: number }> {
    const targets = names?.length ? this.projections.filter((p) => names.includes(p.name)) : this.projections;
    const unknown = (names ?? []).filter((n) => !this.projections.some((p) => p.name === n));
    if (unknown.length) throw new Error(`Unknown projections: ${unknown.join(', ')}`);
    const began = performance.now();
    const wasRunning = this.reactor !== undefined;
    await this.stop();
    const db = this.readModels.db;
    this.readModels.transaction(() => {
      for (const p of targets) {
        p.reset(db);
        this.readModels.deleteCheckpoint(p.name);
      }
    });
    const head = await this.eventStore.headPosition();
    this.start();
    await this.waitFor(head, 24 * 60 * 60 * 1000);
    if (!wasRunning) await this.stop();
    return { projections: targets.map((p) => p.name), events: this.replayed, ms: performance.now() - began };
  }

  private prepare(): bigint | undefined {
    const db = this.readModels.db;
    let from: bigint | undefined;
    let fromStart = false;
    this.readModels.transaction(() => {
      for (const p of this.projections) {
        p.setup(db);
        const checkpoint = this.readModels.checkpoint(p.name);
        this.checkpoints.set(p.name, checkpoint && checkpoint.version === p.version ? checkpoint.position : -1n);
        if (checkpoint && checkpoint.version !== p.version) {
          p.reset(db);
          this.readModels.deleteCheckpoint(p.name);
          fromStart = true;
        } else if (!checkpoint) {
          fromStart = true;
        } else if (from === undefined || checkpoint.position < from) {
          from = checkpoint.position;
        }
      }
    });
    this.replayed = 0;
    this.applied = fromStart ? -1n : (from ?? -1n);
    return fromStart ? undefined : from;
  }

  /**
   * Applies a batch. With a type filter the subscription may have read past its last event: no
   * projection reads anything up to `reached`, so every one of them is there too.
   */
  private handle({ events, reached }: ReactorBatch): void {
    if (events.length) this.applyBatch(events, reached!);
    else if (reached !== undefined && reached > this.applied) this.applied = reached;
    if (reached !== undefined) this.resumeAfter = reached;
    this.notify();
  }

  /** Applies a batch and moves every projection's checkpoint to `last` (at or past its last event). */
  private applyBatch(events: readonly RecordedEvent[], last: bigint): void {
    const db = this.readModels.db;
    const advanced: Projection[] = [];
    this.readModels.transaction(() => {
      for (const p of this.projections) {
        const checkpoint = this.checkpoints.get(p.name) ?? -1n;
        if (checkpoint >= last) continue;
        const fresh = checkpoint < events[0].position ? events : events.filter((e) => e.position > checkpoint);
        p.apply(fresh, db);
        this.readModels.saveCheckpoint(p.name, last, p.version);
        advanced.push(p);
      }
    });
    for (const p of advanced) this.checkpoints.set(p.name, last);
    this.applied = last;
    this.replayed += events.length;
  }

  private notify(): void {
    if (!this.waiters.length) return;
    const ready = this.waiters.filter((w) => w.position <= this.applied);
    this.waiters = this.waiters.filter((w) => w.position > this.applied);
    for (const w of ready) w.resolve();
  }
}

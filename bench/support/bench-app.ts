import type Database from 'better-sqlite3';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EventStore } from '../../libs/event-store/src/event-store.port';
import { SqliteEventStore } from '../../libs/event-store/src/sqlite/sqlite-event-store';
import { ProjectionRunner } from '../../libs/read-models/src/projection-runner';
import { ReadModelStore } from '../../libs/read-models/src/read-model-store';
import { createApp } from '../../apps/journeys/src/bootstrap';
import type { Clock } from '../../apps/journeys/src/common/clock';
import { EVENT_STORE } from '../../apps/journeys/src/infrastructure/storage.module';
import { JourneyEngine } from '../../apps/journeys/src/runtime/engine/journey-engine';

/** The admin key the bench's service accepts. */
export const BENCH_KEY = 'bench-admin-secret-0001';
/** Longest the bench waits for the engine or the read models to catch up. */
const CATCH_UP_TIMEOUT_MS = 30 * 60_000;

/** A clock the bench moves by hand (the timers scenario jumps a day ahead). */
export class ManualClock implements Clock {
  constructor(private current = Date.parse('2026-11-28T10:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * The whole service in this process on the embedded store, driven through Fastify's inject (no
 * sockets), with handles on the parts the scenarios time: the store, the engine, the read models.
 */
export class BenchApp {
  readonly store: EventStore;
  readonly engine: JourneyEngine;
  readonly projections: ProjectionRunner;
  readonly readModels: Database.Database;
  /** Resident memory sampled from the start of the service on. */
  readonly rss = new RssSampler().start();

  private constructor(
    readonly app: NestFastifyApplication,
    readonly dataDir: string,
    /** Set when the app runs on a manual clock. */
    readonly clock?: ManualClock,
  ) {
    this.store = app.get<EventStore>(EVENT_STORE);
    this.engine = app.get(JourneyEngine);
    this.projections = app.get(ProjectionRunner);
    this.readModels = app.get(ReadModelStore).db;
  }

  /**
   * Starts the service on `dataDir` (existing data is kept), on the system clock unless one is given;
   * `env` adds settings (JOURNEYS_PARTITIONS, EVENTSTORE_CONNECTION_STRING puts it on EventStoreDB, ...).
   * The scenarios send to customers who gave no consent, so the delivery settings get consentMode
   * `optOut` (no caps, no quiet hours: the controls let every send through) unless a scenario sets its own.
   */
  static async start(dataDir: string, clock?: ManualClock, env: Record<string, string> = {}): Promise<BenchApp> {
    const settings = {
      JOURNEYS_DATA_DIR: dataDir,
      JOURNEYS_API_KEYS: `bench:admin:${BENCH_KEY}`,
      LOG_LEVEL: 'warn',
      ...env,
    };
    const app = await createApp(settings, clock);
    await app.getHttpAdapter().getInstance().ready();
    const bench = new BenchApp(app, dataDir, clock);
    if ((await bench.call('GET', '/settings')).revision === -1)
      await bench.call('PUT', '/settings', { consentMode: 'optOut' });
    return bench;
  }

  /** Events stored after `after`: from positions in the embedded store (rowids), by reading them otherwise. */
  async countEvents(after: bigint): Promise<number> {
    if (this.store instanceof SqliteEventStore) return Number((await this.store.headPosition()) - after);
    let count = 0;
    for (let from = after; ;) {
      const page = await this.store.readAll({ after: from, maxCount: 1_000 });
      if (page.length === 0) return count;
      count += page.length;
      from = page[page.length - 1].position;
    }
  }

  /** Transactions the embedded event store has committed (group commit makes them fewer than appends). */
  storeTransactions(): number {
    return this.store instanceof SqliteEventStore ? this.store.transactionCount : NaN;
  }

  /** One HTTP call; anything but 2xx throws with the answer. */
  async call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await this.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${BENCH_KEY}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json() as Record<string, unknown>;
  }

  /** Waits until the engine has processed everything stored, including what it stored itself. */
  async drain(): Promise<void> {
    for (;;) {
      const head = await this.store.headPosition();
      await this.engine.waitFor(head, CATCH_UP_TIMEOUT_MS);
      await this.engine.tick();
      if ((await this.store.headPosition()) === head) return;
    }
  }

  /** Waits until every read model has applied everything stored so far. */
  async catchUpReadModels(): Promise<void> {
    await this.projections.waitFor(await this.store.headPosition(), CATCH_UP_TIMEOUT_MS);
  }

  async defineTrigger(name: string): Promise<void> {
    await this.call('POST', '/trigger-definitions', { name, attributes: [{ name: 'plan', type: 'text' }] });
    await this.call('POST', `/trigger-definitions/${name}/ready`);
  }

  /** Creates and publishes a journey; returns its id. */
  async publish(definition: unknown): Promise<string> {
    const created = await this.call('POST', '/journeys', definition);
    const published = await this.call('POST', `/journeys/${created.id}/publish`);
    if (published.state !== 'Live') throw new Error(`Journey not Live: ${JSON.stringify(published)}`);
    return created.id as string;
  }

  /** Instances of a journey in the engine's working state, optionally of one status. */
  countInstances(journeyId: string, status?: 'active' | 'completed'): number {
    const row = status
      ? this.readModels
          .prepare('SELECT COUNT(*) AS n FROM rt_instances WHERE journey_id = ? AND status = ?')
          .get(journeyId, status)
      : this.readModels.prepare('SELECT COUNT(*) AS n FROM rt_instances WHERE journey_id = ?').get(journeyId);
    return (row as { n: number }).n;
  }

  async close(): Promise<void> {
    this.rss.stop();
    await this.app.close();
  }
}

/** A trigger journey: an email, a one-hour wait, another email (scenarios 1 and 2). */
export function welcomeJourney(trigger: string) {
  return {
    name: `Bench welcome ${trigger}`,
    audience: { type: 'trigger', trigger, reentry: { mode: 'never' } },
    steps: [
      { id: 'hello', type: 'send', channel: 'email', content: 'welcome', next: 'pause' },
      { id: 'pause', type: 'wait', duration: 'PT1H', next: 'bye' },
      { id: 'bye', type: 'send', channel: 'email', content: 'bye' },
    ],
  };
}

export function seconds(fromMs: number, toMs = performance.now()): number {
  return (toMs - fromMs) / 1000;
}

/**
 * CPU seconds the process used (all threads) since `from`: on a shared machine this moves less than
 * wall-clock time with what else runs, so it is the figure to compare runs by.
 */
export function cpuSeconds(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

/** Samples the process's resident set size periodically and keeps the peak. */
export class RssSampler {
  peakBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 100) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Takes a last sample, stops, and returns the peak. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakBytes;
  }

  sample(): number {
    const rss = process.memoryUsage.rss();
    this.peakBytes = Math.max(this.peakBytes, rss);
    return rss;
  }
}

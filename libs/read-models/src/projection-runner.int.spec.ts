import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, RecordedEvent } from '@journeys/event-store';
import { SqliteEventStore } from '@journeys/event-store/sqlite/sqlite-event-store';
import { documentProjection } from './document-projection';
import { ProjectionRunner } from './projection-runner';
import { ReadModelStore } from './read-model-store';

interface Tally {
  stream: string;
  count: number;
  lastRevision: number;
  types: Record<string, number>;
}

/** Counts events per stream: any double-applied or skipped event shows in the counts. */
const tallies = (version = 1) =>
  documentProjection<Tally>({
    name: 'tallies',
    version,
    keys: (e) => [e.streamName],
    evolve: (doc, e: RecordedEvent) => ({
      stream: e.streamName,
      count: (doc?.count ?? 0) + 1,
      lastRevision: e.revision,
      types: { ...doc?.types, [e.type]: (doc?.types[e.type] ?? 0) + 1 },
    }),
    columns: { size: (doc) => (doc.count >= 10 ? 'large' : 'small') },
  });

const event = (i: number, type = 'Counted'): NewEvent => ({
  id: `e-${i}-${Math.random().toString(36).slice(2)}`,
  type,
  data: { i },
  metadata: { occurredAt: new Date(0).toISOString(), correlationId: 'c', causationId: 'c', schemaVersion: 1 },
});

describe('ProjectionRunner', () => {
  let dir: string;
  let store: SqliteEventStore;
  let readModels: ReadModelStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'projections-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    readModels = ReadModelStore.open(join(dir, 'read-models.sqlite'));
  });

  afterEach(async () => {
    await store.close();
    readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function appendMany(count: number, streams = 25): Promise<bigint> {
    const appends: Promise<unknown>[] = [];
    for (let s = 0; s < streams; s++) {
      const batch: NewEvent[] = [];
      for (let i = s; i < count; i += streams) batch.push(event(i, i % 3 ? 'Counted' : 'Other'));
      if (batch.length) appends.push(store.append(`tally-${s}`, batch, { expectedRevision: 'any' }));
    }
    await Promise.all(appends);
    return store.headPosition();
  }

  it('applies every event once, in batches, and a rebuild from scratch equals the incremental build', async () => {
    const projection = tallies();
    const runner = new ProjectionRunner(store, readModels, [projection], { batchSize: 7 });
    runner.start();
    await runner.waitFor(await appendMany(300));
    await runner.waitFor(await appendMany(200, 10));
    const incremental = projection.find(readModels.db);
    expect(incremental.reduce((sum, t) => sum + t.count, 0)).toBe(500);
    expect(projection.get(readModels.db, 'tally-0')).toMatchObject({ count: 12 + 20 });
    expect(projection.find(readModels.db, { column: 'size', value: 'small' })).toEqual([]);

    const result = await runner.rebuild();
    expect(result).toMatchObject({ projections: ['tallies'], events: 500 });
    expect(projection.find(readModels.db)).toEqual(incremental);
    await runner.stop();
  });

  it('retries a failing batch until it applies, reporting the error meanwhile and counting nothing twice', async () => {
    const projection = tallies();
    let failuresLeft = 3;
    const errors: unknown[] = [];
    const flaky = {
      ...projection,
      apply(events: readonly RecordedEvent[], db: ReadModelStore['db']) {
        projection.apply(events, db);
        // Fails after writing: the batch's transaction must roll back, or the counts double.
        if (failuresLeft-- > 0) throw new TypeError('read model write failed');
      },
    };
    const runner = new ProjectionRunner(store, readModels, [flaky], { batchSize: 50, onError: (e) => errors.push(e) });
    runner.start();
    await runner.waitFor(await appendMany(120));
    expect(errors).toHaveLength(3);
    expect(runner.status()).toMatchObject({ lastError: undefined, running: true });
    expect(projection.find(readModels.db).reduce((sum, t) => sum + t.count, 0)).toBe(120);
    await runner.stop();
    expect(runner.status().running).toBe(false);
  });

  it('resumes from its checkpoint after a restart without counting anything twice', async () => {
    const first = new ProjectionRunner(store, readModels, [tallies()]);
    first.start();
    await first.waitFor(await appendMany(120));
    await first.stop();
    const head = await appendMany(80, 5);

    readModels.close();
    readModels = ReadModelStore.open(join(dir, 'read-models.sqlite'));
    expect(readModels.checkpoint('tallies')?.position).toBeLessThan(head);
    const projection = tallies();
    const second = new ProjectionRunner(store, readModels, [projection]);
    second.start();
    await second.waitFor(head);
    expect(projection.find(readModels.db).reduce((sum, t) => sum + t.count, 0)).toBe(200);
    expect(readModels.checkpoint('tallies')?.position).toBe(head);
    await second.stop();
  });

  it('rebuilds a projection whose version changed and leaves the others at their checkpoints', async () => {
    const other = documentProjection<{ n: number }>({
      name: 'other',
      version: 1,
      keys: () => ['all'],
      evolve: (doc) => ({ n: (doc?.n ?? 0) + 1 }),
    });
    const runner = new ProjectionRunner(store, readModels, [tallies(1), other]);
    runner.start();
    await runner.waitFor(await appendMany(50));
    await runner.stop();

    const bumped = tallies(2);
    const again = new ProjectionRunner(store, readModels, [bumped, other]);
    again.start();
    const head = await appendMany(10, 1);
    await again.waitFor(head);
    expect(bumped.find(readModels.db).reduce((sum, t) => sum + t.count, 0)).toBe(60);
    expect(other.get(readModels.db, 'all')).toEqual({ n: 60 });
    expect(readModels.checkpoint('tallies')).toEqual({ position: head, version: 2 });
    await again.stop();
  });

  it('reads only the types its projections name, and reaches the head past events none of them reads', async () => {
    const counted = documentProjection<{ n: number; types: string[] }>({
      name: 'counted',
      version: 1,
      eventTypes: ['Counted'],
      keys: () => ['all'],
      evolve: (doc, e) => ({ n: (doc?.n ?? 0) + 1, types: [...new Set([...(doc?.types ?? []), e.type])] }),
    });
    const runner = new ProjectionRunner(store, readModels, [counted]);
    runner.start();
    await runner.waitFor(await appendMany(90));
    expect(counted.get(readModels.db, 'all')).toEqual({ n: 60, types: ['Counted'] });

    // The newest events are all of a type nobody reads: the runner still gets to the head.
    const head = (await store.append('other', [event(1, 'Other'), event(2, 'Other')])).position;
    await runner.waitFor(head);
    expect(runner.status().position).toBe(head);
    expect(counted.get(readModels.db, 'all')).toEqual({ n: 60, types: ['Counted'] });

    const rebuilt = await runner.rebuild();
    expect(rebuilt.events).toBe(60);
    expect(counted.get(readModels.db, 'all')).toEqual({ n: 60, types: ['Counted'] });
    await runner.stop();
  });

  it('rebuilds only the named projection', async () => {
    const a = tallies();
    const runner = new ProjectionRunner(store, readModels, [a]);
    runner.start();
    await runner.waitFor(await appendMany(40));
    await expect(runner.rebuild(['nope'])).rejects.toThrow('Unknown projections: nope');
    const before = a.find(readModels.db);
    await runner.rebuild(['tallies']);
    expect(a.find(readModels.db)).toEqual(before);
    expect(runner.status().running).toBe(true);
    await runner.stop();
  });
});

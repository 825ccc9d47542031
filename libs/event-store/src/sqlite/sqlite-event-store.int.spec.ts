import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../event-store.contract';
import { NewEvent, RecordedEvent, SubscriptionBatch, WrongExpectedRevisionError } from '../event-store.port';
import { SqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'journeys-sqlite-es-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

eventStoreContract('SQLite', async () => SqliteEventStore.open({ file: join(dir, 'contract', 'events.sqlite') }));

describe('SqliteEventStore', () => {
  const opened: SqliteEventStore[] = [];
  const openStore = (options: { maxBatchEvents?: number; file?: string } = {}) => {
    const store = SqliteEventStore.open({ file: options.file ?? newFile(), maxBatchEvents: options.maxBatchEvents });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  it('starts empty with head -1n and numbers positions from 1', async () => {
    const store = openStore();
    expect(await store.headPosition()).toBe(-1n);
    expect(await store.readAll()).toEqual([]);

    const result = await store.append('order-1', [newEvent(), newEvent()]);

    expect((await store.readAll()).map((e) => e.position)).toEqual([1n, 2n]);
    expect(result.position).toBe(2n);
    expect(await store.headPosition()).toBe(2n);
  });

  it('commits concurrent appends in far fewer transactions than appends', async () => {
    const store = openStore();
    const before = store.transactionCount;

    const results = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        store.append(`order-${i}`, [newEvent()], { expectedRevision: 'no_stream' }),
      ),
    );

    expect(results.every((r) => r.written === 1)).toBe(true);
    expect(store.transactionCount - before).toBeLessThanOrEqual(5);
    expect(await store.readAll()).toHaveLength(1_000);
  });

  it('shows a stream’s new events only once their append has resolved', async () => {
    const file = newFile();
    const store = openStore({ file });
    await store.append('order-1', [newEvent()]);
    const appended = store.append('order-1', [newEvent()]);
    // Let the group go to the writer thread, then block this thread until another connection sees
    // the commit: the writer's reply cannot be handled meanwhile, so the append has not resolved.
    await new Promise((resolve) => setImmediate(resolve));
    const observer = new Database(file, { readonly: true });
    const count = observer.prepare("SELECT count(*) FROM events WHERE stream = 'order-1'").pluck(true);
    const deadline = Date.now() + 5_000;
    while ((count.get() as number) < 2 && Date.now() < deadline);
    observer.close();
    expect((await store.readStream('order-1')).map((e) => e.revision)).toEqual([0]);

    await appended;
    expect((await store.readStream('order-1')).map((e) => e.revision)).toEqual([0, 1]);
  });

  it('commits each append alone when maxBatchEvents is 1', async () => {
    const store = openStore({ maxBatchEvents: 1 });

    await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(`order-${i}`, [newEvent()])));

    expect(store.transactionCount).toBe(10);
  });

  it('checks each append of a group against the revisions the group wrote before it', async () => {
    const store = openStore();

    const outcomes = await Promise.allSettled([
      store.append('cart-1', [newEvent()], { expectedRevision: 'no_stream' }),
      store.append('cart-1', [newEvent()], { expectedRevision: 'no_stream' }),
      store.append('cart-1', [newEvent()], { expectedRevision: 0 }),
      store.append('cart-2', [newEvent()], { expectedRevision: 5 }),
      store.append('cart-2', [newEvent()], { expectedRevision: 'no_stream' }),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(rejection(outcomes[1])).toMatchObject({ expected: 'no_stream', actual: 0 });
    expect(rejection(outcomes[3])).toMatchObject({ expected: 5, actual: 'no_stream' });
    expect(store.transactionCount).toBe(1);
    expect((await store.readStream('cart-1')).map((e) => e.revision)).toEqual([0, 1]);
  });

  it('fails only the append that breaks a group transaction, and keeps stream heads right', async () => {
    const file = newFile();
    const store = openStore({ file });
    // A second connection installs a trigger that aborts on one event type: a real failure inside
    // the group transaction, not a revision conflict.
    const admin = new Database(file);
    admin.exec(`CREATE TRIGGER refuse_poison BEFORE INSERT ON events WHEN NEW.type = 'Poison'
                BEGIN SELECT RAISE(ABORT, 'poison refused'); END`);
    admin.close();

    const outcomes = await Promise.allSettled([
      store.append('batch-1', [newEvent()], { expectedRevision: 'no_stream' }),
      store.append('batch-1', [newEvent('Poison')], { expectedRevision: 0 }),
      store.append('batch-2', [newEvent(), newEvent()], { expectedRevision: 'no_stream' }),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String(rejection(outcomes[1]))).toMatch(/poison refused/);
    // The rolled-back group had written batch-1 revision 0 before the poison; had that leaked into
    // the cached heads, the retried first append would have been refused above.
    const next = await store.append('batch-1', [newEvent()], { expectedRevision: 0 });
    expect(next.nextExpectedRevision).toBe(1);
    expect((await store.readStream('batch-2')).map((e) => e.revision)).toEqual([0, 1]);
  });

  it('rejects a bad append before it joins a group', async () => {
    const store = openStore();

    await expect(store.append('order-1', [])).rejects.toThrow(/at least one event/);
    await expect(store.append('', [newEvent()])).rejects.toThrow(/Stream name/);
  });

  it('keeps events and stream revisions across a reopen', async () => {
    const file = newFile();
    const first = openStore({ file });
    await first.append('order-1', [newEvent(), newEvent()], { expectedRevision: 'no_stream' });
    await first.close();

    const second = openStore({ file });
    const result = await second.append('order-1', [newEvent()], { expectedRevision: 1 });

    expect(result).toMatchObject({ nextExpectedRevision: 2, position: 3n });
    await expect(second.append('order-1', [newEvent()], { expectedRevision: 1 })).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    expect(await second.headPosition()).toBe(3n);
  });

  it('flushes queued appends on close', async () => {
    const file = newFile();
    const store = SqliteEventStore.open({ file });
    const pending = store.append('order-1', [newEvent()]);

    await store.close();

    await expect(pending).resolves.toMatchObject({ written: 1 });
    const reopened = openStore({ file });
    expect(await reopened.readStream('order-1')).toHaveLength(1);
  });

  it('wakes a subscriber waiting at the head in the same turn as the commit', async () => {
    const store = openStore();
    const delivered: RecordedEvent[] = [];
    let caughtUp = false;
    const consuming = consume(store.subscribeToAll(), (batch) => {
      delivered.push(...batch.events);
      caughtUp ||= batch.caughtUp;
      return delivered.length >= 1;
    });
    await waitUntil(() => caughtUp);

    await store.append('order-1', [newEvent()]);
    // No timer, no poll: the batch is already there once the pending callbacks of this turn ran.
    await new Promise((resolve) => setImmediate(resolve));

    expect(delivered).toHaveLength(1);
    await consuming;
  });

  it('ends a subscription when the consumer breaks out, and all of them on close', async () => {
    const store = SqliteEventStore.open({ file: newFile() });
    await store.append('order-1', [newEvent(), newEvent()]);

    await consume(store.subscribeToAll({ maxBatchSize: 1 }), () => true);
    expect(store.subscriberCount).toBe(0);

    let batches = 0;
    const waitingAtHead = consume(store.subscribeToAll(), () => {
      batches++;
      return false;
    }).catch((error: unknown) => error);
    await waitUntil(() => batches > 0);
    expect(store.subscriberCount).toBe(1);

    await store.close();

    expect(String(await waitingAtHead)).toMatch(/ended/);
    expect(store.subscriberCount).toBe(0);
  });

  it('reports caughtUp only on the batch that reaches the head', async () => {
    const store = openStore();
    await store.append('order-1', [newEvent(), newEvent(), newEvent(), newEvent(), newEvent()]);
    const flags: boolean[] = [];

    await consume(store.subscribeToAll({ maxBatchSize: 2 }), (batch) => {
      flags.push(batch.caughtUp);
      return batch.caughtUp;
    });

    expect(flags).toEqual([false, false, true]);
  });

  it('commits appends made while a group is with the writer as the next group, in order', async () => {
    const store = openStore();
    const positions: bigint[] = [];
    const seen: bigint[] = [];
    const consuming = consume(store.subscribeToAll(), (batch) => {
      seen.push(...batch.events.map((e) => e.position));
      return seen.length >= 30;
    });

    const first = Array.from({ length: 10 }, (_, i) => store.append(`pipe-${i}`, [newEvent()]));
    // The first group is with the writer now; these queue up behind it, over several turns.
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 10 }, (_, i) =>
      store.append(`pipe-${i}`, [newEvent()], { expectedRevision: 0 }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const last = Array.from({ length: 10 }, (_, i) => store.append(`pipe-${i}`, [newEvent()], { expectedRevision: 1 }));
    for (const result of await Promise.all([...first, ...later, ...last])) positions.push(result.position);
    await consuming;

    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    expect(seen).toEqual(positions);
    expect(await store.headPosition()).toBe(positions[positions.length - 1]);
  });

  it('fails the appends a stopped writer thread held, starts a new one, and keeps subscribers in order', async () => {
    const file = newFile();
    const store = openStore({ file });
    await store.append('before-1', [newEvent()]);
    const delivered: bigint[] = [];
    const until: { position?: bigint } = {};
    const consuming = consume(store.subscribeToAll(), (batch) => {
      delivered.push(...batch.events.map((e) => e.position));
      return until.position !== undefined && delivered.includes(until.position);
    });
    await waitUntil(() => delivered.length === 1);

    // A commit whose reply never came: on disk, unknown to the store.
    const admin = new Database(file);
    admin
      .prepare(
        `INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES (?, 0, ?, 'Lost', '{}', '{}')`,
      )
      .run('lost-1', randomUUID());
    admin.close();
    const inFlight = store.append(
      'big-1',
      Array.from({ length: 20_000 }, () => newEvent()),
    );
    await new Promise((resolve) => setImmediate(resolve)); // posted to the writer
    await writerOf(store).terminate();

    await expect(inFlight).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE', fault: 'writer_stopped' });
    const after = await store.append('after-1', [newEvent()], { expectedRevision: 'no_stream' });
    until.position = after.position;
    await store.ping();
    await consuming;

    const stored = (await store.readAll()).map((e) => e.position);
    expect(stored[stored.length - 1]).toBe(after.position);
    // The lost commit's event too, from the table, in order.
    expect(delivered).toEqual(stored);
    expect(await store.headPosition()).toBe(stored[stored.length - 1]);
    // Whatever the stopped thread had written, its connection let go of the write lock.
    expect((await store.append('big-1', [newEvent()])).written).toBe(1);
  });

  function writerOf(store: SqliteEventStore): { terminate(): Promise<number> } {
    const writer = (store as unknown as { writer: { worker?: { terminate(): Promise<number> } } }).writer;
    if (!writer.worker) throw new Error('No writer thread');
    return writer.worker;
  }

  function newFile(): string {
    return join(dir, randomUUID(), 'events.sqlite');
  }
});

function newEvent(type = 'SomethingHappened'): NewEvent {
  const id = randomUUID();
  return {
    id,
    type,
    data: { id },
    metadata: { occurredAt: new Date().toISOString(), correlationId: id, causationId: id, schemaVersion: 1 },
  };
}

function rejection(outcome: PromiseSettledResult<unknown>): unknown {
  if (outcome.status !== 'rejected') throw new Error('Expected a rejected append');
  return outcome.reason;
}

async function consume(
  subscription: AsyncIterable<SubscriptionBatch>,
  done: (batch: SubscriptionBatch) => boolean,
): Promise<void> {
  for await (const batch of subscription) {
    if (done(batch)) return;
  }
  throw new Error('The subscription ended');
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

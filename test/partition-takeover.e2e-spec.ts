import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@journeys/event-store';
import { EventStoreDbEventStore } from '@journeys/event-store/eventstoredb/eventstoredb-event-store';
import { ReadModelStore } from '@journeys/read-models';
import { SqliteEngineStores } from '../apps/journeys/src/runtime/engine-store/sqlite/sqlite-engine-store';
import {
  PARTITION_CLAIMED,
  partitionStream,
  StreamPartitionLog,
} from '../apps/journeys/src/runtime/engine-store/stream-partition-log';
import { JourneyEngine } from '../apps/journeys/src/runtime/engine/journey-engine';
import { partitionOf } from '../apps/journeys/src/runtime/partitions/partition-of';
import { EventStoreDbTestServer } from '../libs/testing/src/eventstoredb-server/eventstoredb-test-server';
import { describeKafka, uniqueKafkaName } from '../libs/testing/src/kafka-broker';
import { kafkaTestSettings } from './support/kafka-app';
import { defineTriggers, publish, trigger } from './support/runtime';
import { eventually, startTestApp, type TestApp } from './support/test-app';

/**
 * A replica that Kafka gives back a partition it held, after another process wrote the partition
 * meanwhile (what a replica stalled past its session meets when it resumes), takes the partition
 * over again when the assignment comes: it does not decide on the state it held until a write of
 * its own is refused. And a replica whose write is refused (fenced) drops the partition and claims
 * it again while Kafka assigns it, without its input loop failing for the partitions it keeps.
 * Two replicas in this process, the real broker, the protocol test server.
 */
describeKafka('partition take-over at a new assignment (EventStoreDB, Kafka)', () => {
  let server: EventStoreDbTestServer;
  let store: EventStore;
  let dir: string;
  const apps: TestApp[] = [];
  let intruderState: ReadModelStore | undefined;

  beforeAll(async () => {
    server = await EventStoreDbTestServer.start({ statsPeriodMs: false });
    store = EventStoreDbEventStore.connect(server.connectionString);
    dir = mkdtempSync(join(tmpdir(), 'journeys-takeover-'));
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    intruderState?.close();
    await store.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('claims a partition written by another process again, at an assignment or after a fenced write', async () => {
    const env = {
      ...kafkaTestSettings().env,
      EVENTSTORE_CONNECTION_STRING: server.connectionString,
      JOURNEYS_PARTITIONS: '2',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_TOPIC_ENGINE_PARTITIONS: uniqueKafkaName('t-engine-partitions'),
    };
    const a = await startTestApp({ env });
    apps.push(a);
    await owning(a, [0, 1]);
    await defineTriggers(a);
    const journeyId = await publish(a, {
      name: 'welcome',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
      steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'hello' }],
    });

    // Another process claims partition 0 while `a` believes it still owns it (as after a stall).
    const intruder = new StreamPartitionLog(store, 'intruder', () => new Date());
    intruderState = ReadModelStore.open(join(dir, 'intruder.sqlite'));
    const intruderStores = new SqliteEngineStores(intruderState);
    await intruder.acquire(0, intruderStores.partition(0));

    // A second replica joins; the sticky assignment leaves partition 0 with `a`.
    const b = await startTestApp({ env });
    apps.push(b);
    await Promise.all([owning(a, [0]), owning(b, [1])]);

    // `a` claimed partition 0 again when the assignment came, with nothing of its own refused first.
    const claims = await claimantsOf(store, 0);
    expect(claims).toHaveLength(3);
    expect(claims[1]).toBe('intruder');
    expect(claims[2]).toBe(claims[0]);

    // And it decides for the partition's customers at once.
    const customerId = Array.from({ length: 50 }, (_, i) => `c${i}`).find((id) => partitionOf(id, 2) === 0)!;
    const posted = await a.request('ingest', 'POST', '/triggers', [trigger('t1', customerId, 'signed-up')]);
    expect(posted.status).toBe(202);
    const entered = await eventually(
      async () =>
        (await store.readAll())
          .filter((e) => e.type === 'CustomerEntered' && (e.data as { journeyId: string }).journeyId === journeyId)
          .map((e) => (e.data as { customerId: string }).customerId),
      (ids) => ids.length > 0,
      20_000,
    );
    expect(entered).toEqual([customerId]);

    // Another process claims partition 1 under `b`. The batch of `b` that decides the next trigger is
    // fenced: `b` forgets the partition, claims it again (Kafka still assigns it) and decides the
    // trigger, and its input loop never reports an error for a partition that moved.
    await intruder.acquire(1, intruderStores.partition(1));
    const other = Array.from({ length: 50 }, (_, i) => `d${i}`).find((id) => partitionOf(id, 2) === 1)!;
    const errors = new Set<string>();
    const watch = setInterval(() => {
      const { lastError } = b.app.get(JourneyEngine).status();
      if (lastError) errors.add(lastError);
    }, 5);
    try {
      expect((await b.request('ingest', 'POST', '/triggers', [trigger('t2', other, 'signed-up')])).status).toBe(202);
      const entries = await eventually(
        async () =>
          (await store.readAll()).filter(
            (e) => e.type === 'CustomerEntered' && (e.data as { customerId: string }).customerId === other,
          ).length,
        (n) => n > 0,
        20_000,
      );
      expect(entries).toBe(1);
    } finally {
      clearInterval(watch);
    }
    expect([...errors]).toEqual([]);
    const claimsOf1 = await claimantsOf(store, 1);
    expect(claimsOf1.slice(-2)[0]).toBe('intruder');
    expect(claimsOf1.at(-1)).not.toBe('intruder');
  }, 90_000);
});

/** Waits until the replica has restored exactly `partitions` (its assignment done). */
async function owning(t: TestApp, partitions: number[]): Promise<void> {
  const wanted = JSON.stringify({ ready: true, partitions });
  await eventually(
    async () => {
      const { ready, partitions: owned } = t.app.get(JourneyEngine).status();
      return JSON.stringify({ ready, partitions: owned });
    },
    (status) => status === wanted,
    60_000,
  );
}

/** Who claimed the partition, oldest first. */
async function claimantsOf(store: EventStore, partition: number): Promise<string[]> {
  return (await store.readStream(partitionStream(partition)))
    .filter((e) => e.type === PARTITION_CLAIMED)
    .map((e) => (e.data as { owner: string }).owner);
}

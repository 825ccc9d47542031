import { join } from 'node:path';
import type { EventStore, RecordedEvent } from '@journeys/event-store';
import { EventStoreDbEventStore } from '@journeys/event-store/eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from '@journeys/event-store/sqlite/sqlite-event-store';
import { ReadModelStore } from '@journeys/read-models';
import { EventStoreDbTestServer } from '../../libs/testing/src/eventstoredb-server/eventstoredb-test-server';

/**
 * Where the service under test keeps its events. `npm test` runs a set of end-to-end suites twice:
 * on the embedded SQLite store, and (jest project `eventstoredb`) with EVENTSTORE_CONNECTION_STRING
 * naming an EventStoreDB protocol test server in the test's process. There each data directory gets
 * a test server of its own, so a service restarted on the same directory finds its events, as it
 * does with SQLite; {@link moveEventStore} gives a directory another's events (an emptied pod).
 */
let mode: 'sqlite' | 'eventstoredb' = 'sqlite';
const servers = new Map<string, Promise<EventStoreDbTestServer>>();

/** Called by the `eventstoredb` project's setup file: this test file runs on EventStoreDB. */
export function useEventStoreDb(): void {
  mode = 'eventstoredb';
  afterAll(async () => {
    const running = await Promise.all(servers.values());
    servers.clear();
    await Promise.all([...new Set(running)].map((server) => server.close()));
  });
}

export function storeMode(): 'sqlite' | 'eventstoredb' {
  return mode;
}

/**
 * Settings that put a service on `dataDir`'s event store: none for SQLite (the file in the
 * directory). On EventStoreDB with Kafka the replicas split the engine partitions through a consumer
 * group, so a service restarted after a SIGKILL gets its partitions back once the dead member's
 * session ends: 6 s (the broker's least) keeps the suites quick, as in test/scale-out.e2e-spec.ts.
 */
export async function eventStoreSettings(dataDir: string): Promise<Record<string, string>> {
  if (mode === 'sqlite') return {};
  return { EVENTSTORE_CONNECTION_STRING: (await serverOf(dataDir)).connectionString, KAFKA_SESSION_TIMEOUT_MS: '6000' };
}

/** The event store a service on `dataDir` uses, opened beside it; close it after use. */
export async function openEventStoreOf(dataDir: string): Promise<EventStore> {
  if (mode === 'sqlite') return SqliteEventStore.open({ file: join(dataDir, 'events.sqlite') });
  return EventStoreDbEventStore.connect((await serverOf(dataDir)).connectionString);
}

/** Every event the store of `dataDir` holds, read beside the service. */
export async function storedEventsOf(dataDir: string): Promise<RecordedEvent[]> {
  const store = await openEventStoreOf(dataDir);
  try {
    return await store.readAll();
  } finally {
    await store.close();
  }
}

/** The test server of a data directory (EventStoreDB mode only), for faults and inspection. */
export async function eventStoreServerOf(dataDir: string): Promise<EventStoreDbTestServer> {
  if (mode !== 'eventstoredb') throw new Error('Not in EventStoreDB mode');
  return serverOf(dataDir);
}

/** From now on `to` uses the event store of `from`: a pod restarted on an empty data directory. */
export async function moveEventStore(from: string, to: string): Promise<void> {
  if (mode !== 'eventstoredb') throw new Error('Only an EventStoreDB event store lives outside the data directory');
  servers.set(to, serverOf(from));
  servers.delete(from);
}

/** Stops the test server of a data directory the test is done with. */
export async function releaseEventStore(dataDir: string): Promise<void> {
  const server = servers.get(dataDir);
  servers.delete(dataDir);
  if (!server) return;
  const others = await Promise.all(servers.values());
  const released = await server;
  if (!others.includes(released)) await released.close();
}

/** A checkpoint kept for `name` by the service on `dataDir`: in the read-model file, or in EventStoreDB. */
export async function checkpointOf(dataDir: string, name: string): Promise<bigint | undefined> {
  if (mode === 'sqlite') {
    const readModels = ReadModelStore.open(join(dataDir, 'read-models.sqlite'));
    try {
      return readModels.checkpoint(name)?.position;
    } finally {
      readModels.close();
    }
  }
  const store = EventStoreDbEventStore.connect((await serverOf(dataDir)).connectionString);
  try {
    return (await store.checkpoints().load(name))?.position;
  } finally {
    await store.close();
  }
}

/**
 * The forwarders' checkpoint on `dataDir`: `kafka_forwarder` where one process owns every partition,
 * else the lowest of the per-partition ones (`kafka_forwarder_p<n>`, JOURNEYS_PARTITIONS of this run).
 */
export async function forwarderCheckpointOf(dataDir: string): Promise<bigint | undefined> {
  if (mode === 'sqlite') return checkpointOf(dataDir, 'kafka_forwarder');
  const partitions = Number(process.env.JOURNEYS_PARTITIONS ?? 1);
  const all = await Promise.all(
    Array.from({ length: partitions }, (_, p) => checkpointOf(dataDir, `kafka_forwarder_p${p}`)),
  );
  if (all.some((c) => c === undefined)) return undefined;
  return (all as bigint[]).reduce((low, c) => (c < low ? c : low));
}

function serverOf(dataDir: string): Promise<EventStoreDbTestServer> {
  let server = servers.get(dataDir);
  if (!server) {
    server = EventStoreDbTestServer.start();
    servers.set(dataDir, server);
  }
  return server;
}

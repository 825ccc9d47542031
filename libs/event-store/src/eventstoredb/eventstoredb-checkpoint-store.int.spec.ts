import { randomUUID } from 'node:crypto';
import { EventStoreDbTestServer } from '../../../testing/src/eventstoredb-server/eventstoredb-test-server';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

describe('checkpoints in EventStoreDB (protocol test server)', () => {
  let server: EventStoreDbTestServer;

  beforeAll(async () => {
    server = await EventStoreDbTestServer.start({ statsPeriodMs: false });
  });

  afterAll(async () => {
    await server.close();
  });

  it('keep the latest checkpoint of a name for a later process, out of sight of $all readers', async () => {
    const name = `forwarder-${randomUUID()}`;
    const writer = EventStoreDbEventStore.connect(server.connectionString);
    const head = await writer.headPosition();
    expect(await writer.checkpoints().load(name)).toBeUndefined();
    for (let position = 1n; position <= 15n; position++)
      await writer.checkpoints().save(name, { position, version: 1 });
    await writer.close();

    const reader = EventStoreDbEventStore.connect(server.connectionString);
    try {
      expect(await reader.checkpoints().load(name)).toEqual({ position: 15n, version: 1 });
      expect(await reader.headPosition()).toBe(head);
      expect(await reader.readAll({ after: head })).toEqual([]);
    } finally {
      // A load reads to the end of its read: closing does not wait for one left half-read.
      await Promise.race([
        reader.close(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('close hung')), 5_000)),
      ]);
    }
  });

  it('bound the checkpoint stream with $maxCount', async () => {
    const name = `bounded-${randomUUID()}`;
    const store = EventStoreDbEventStore.connect(server.connectionString);
    try {
      for (let position = 1n; position <= 15n; position++)
        await store.checkpoints().save(name, { position, version: 2 });
      const stream = server.log.readStream(`$journeys-checkpoint-${name}`, 'start', 'forwards', 100);
      expect(stream.kind === 'events' && stream.records.length).toBe(10);
    } finally {
      await store.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { eventStoreContract } from '../event-store.contract';
import type { NewEvent } from '../event-store.port';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  eventStoreContract('EventStoreDB', async () => EventStoreDbEventStore.connect(connectionString));

  describe('EventStoreDB adapter specifics', () => {
    let store: EventStoreDbEventStore;

    beforeAll(() => {
      store = EventStoreDbEventStore.connect(connectionString);
    });

    afterAll(async () => {
      await store.close();
    });

    it('keeps ids that are not UUIDs and stays idempotent on them', async () => {
      const stream = `esdbTest-${randomUUID()}`;
      const events = ['order-1:created', 'order-1:paid'].map(newEvent);

      const first = await store.append(stream, events, { expectedRevision: 'no_stream' });
      const retry = await store.append(stream, events, { expectedRevision: 'any' });

      expect(retry).toEqual({ nextExpectedRevision: 1, position: first.position, written: 0 });
      expect((await store.readStream(stream)).map((e) => e.id)).toEqual(['order-1:created', 'order-1:paid']);
    });

    it('finds ids a stream holds when this process has never seen the stream', async () => {
      const stream = `esdbTest-${randomUUID()}`;
      const events = ['a', 'b'].map(newEvent);
      await store.append(stream, events, { expectedRevision: 'no_stream' });
      const other = EventStoreDbEventStore.connect(connectionString);
      try {
        const result = await other.append(stream, [...events, newEvent('c')], { expectedRevision: 1 });

        expect(result).toMatchObject({ nextExpectedRevision: 2, written: 1 });
      } finally {
        await other.close();
      }
    });

    it('leaves system events out of readAll and headPosition', async () => {
      const stream = `esdbTest-${randomUUID()}`;
      const first = await store.append(stream, [newEvent('a')]);
      const second = await store.append(stream, [newEvent('b')]);
      // Set a stream's metadata: a `$metadata` event in `$$stream` lands after ours in $all.
      const client = EventStoreDBClient.connectionString(connectionString);
      await client.setStreamMetadata(stream, { maxCount: 1000 });
      await client.dispose();

      const head = await store.headPosition();
      const all = await store.readAll({ after: first.position });

      expect(head).toBeGreaterThanOrEqual(second.position);
      expect(all.every((e) => !e.streamName.startsWith('$') && !e.type.startsWith('$'))).toBe(true);
      expect(all.some((e) => e.position === head)).toBe(true);
    });
  });
} else {
  describe('EventStore contract: EventStoreDB', () => {
    console.log('skipped: no EventStoreDB (set EVENTSTORE_CONNECTION_STRING to run the contract suite against it)');
    it.skip('runs the contract suite against EventStoreDB', () => undefined);
  });
}

function newEvent(id: string): NewEvent {
  return {
    id,
    type: 'Happened',
    data: { id },
    metadata: { occurredAt: new Date().toISOString(), correlationId: id, causationId: id, schemaVersion: 1 },
  };
}

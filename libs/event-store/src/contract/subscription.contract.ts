import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '../event-store.port';
import type { ContractFaults } from '../event-store.contract';
import {
  consumeUntil,
  expectStrictlyIncreasing,
  newEvent,
  newStreamName,
  readAllAfter,
} from './contract-support.contract';

/** Catch-up subscriptions to all events; positions as the place a reader resumes from. */
export function subscriptionContract(getStore: () => EventStore, faults?: ContractFaults): void {
  let store: EventStore;

  beforeAll(() => {
    store = getStore();
  });

  describe('subscribeToAll', () => {
    it('delivers events after the given position, exclusive', async () => {
      const stream = newStreamName();
      await store.append(stream, [newEvent(), newEvent(), newEvent()]);
      const [first, ...rest] = await store.readStream(stream);
      const delivered: RecordedEvent[] = [];

      await consumeUntil(store.subscribeToAll({ after: first.position }), (batch) => {
        delivered.push(...batch.events.filter((e) => e.streamName === stream));
        return delivered.length >= rest.length;
      });

      expect(delivered).toEqual(rest);
    });

    it('catches up on stored events, then delivers live ones as they are appended', async () => {
      const head = await store.headPosition();
      const stream = newStreamName();
      const stored = [newEvent(), newEvent(), newEvent()];
      const live = [newEvent(), newEvent()];
      await store.append(stream, stored, { expectedRevision: 'no_stream' });
      const ours: RecordedEvent[] = [];
      const positions: bigint[] = [];
      let liveAppended = false;

      await consumeUntil(store.subscribeToAll({ after: head, maxBatchSize: 2 }), async (batch) => {
        expect(batch.events.length).toBeLessThanOrEqual(2);
        positions.push(...batch.events.map((e) => e.position));
        ours.push(...batch.events.filter((e) => e.streamName === stream));
        if (batch.caughtUp && !liveAppended) {
          // Caught up means everything stored before the batch was read has been delivered.
          expect(ours.map((e) => e.id)).toEqual(stored.map((e) => e.id));
          liveAppended = true;
          await store.append(stream, live, { expectedRevision: 2 });
        }
        return ours.length >= stored.length + live.length;
      });

      expect(ours.map((e) => e.id)).toEqual([...stored, ...live].map((e) => e.id));
      expect(ours.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
      expect(positions[0] > head).toBe(true);
      expectStrictlyIncreasing(positions);
    });

    it('delivers only the requested event types, in order, and still reports catching up', async () => {
      const head = await store.headPosition();
      const stream = newStreamName();
      const wanted = `Wanted${randomUUID().slice(0, 8)}`;
      const events = [newEvent('Other'), newEvent(wanted), newEvent('Other'), newEvent('Other'), newEvent(wanted)];
      await store.append(stream, events);
      const delivered: RecordedEvent[] = [];
      let caughtUp = false;

      await consumeUntil(store.subscribeToAll({ after: head, maxBatchSize: 1, eventTypes: [wanted] }), (batch) => {
        delivered.push(...batch.events);
        caughtUp ||= batch.caughtUp;
        return delivered.length >= 2 && caughtUp;
      });

      expect(delivered.map((e) => e.id)).toEqual([events[1].id, events[4].id]);
      expect(delivered.every((e) => e.type === wanted)).toBe(true);
    });

    it('lets several subscribers read the same events independently', async () => {
      const stream = newStreamName();
      const head = await store.headPosition();
      const collect = async () => {
        const ids: string[] = [];
        await consumeUntil(store.subscribeToAll({ after: head }), (batch) => {
          ids.push(...batch.events.filter((e) => e.streamName === stream).map((e) => e.id));
          return ids.length >= 4;
        });
        return ids;
      };
      const subscribers = [collect(), collect()];
      const events = [newEvent(), newEvent(), newEvent(), newEvent()];
      for (const event of events) await store.append(stream, [event]);

      const expected = events.map((e) => e.id);
      expect(await Promise.all(subscribers)).toEqual([expected, expected]);
    });
  });

  describe('positions', () => {
    // EventStoreDB's positions are log offsets: strictly increasing, with gaps of a record's size.
    it('are opaque: every position an event carries resumes readAll and subscribeToAll right after it', async () => {
      const stream = newStreamName();
      const events = [newEvent(), newEvent(), newEvent(), newEvent()];
      await store.append(stream, events.slice(0, 2));
      await store.append(stream, events.slice(2));
      const stored = await store.readStream(stream);
      expectStrictlyIncreasing(stored.map((e) => e.position));

      for (const [i, event] of stored.entries()) {
        const after = (await readAllAfter(store, event.position, stored.at(-1)!.position)).filter(
          (e) => e.streamName === stream,
        );
        expect(after.map((e) => e.id)).toEqual(events.slice(i + 1).map((e) => e.id));
      }
      const resumed: RecordedEvent[] = [];
      await consumeUntil(store.subscribeToAll({ after: stored[1].position }), (batch) => {
        resumed.push(...batch.events.filter((e) => e.streamName === stream));
        return resumed.length >= 2;
      });
      expect(resumed).toEqual(stored.slice(2));
    });

    it('a filtered subscription moves its checkpoint past events it does not deliver, and resumes from it', async () => {
      const head = await store.headPosition();
      const stream = newStreamName();
      const wanted = `Wanted${randomUUID().slice(0, 8)}`;
      const unwanted = await store.append(
        stream,
        Array.from({ length: 60 }, () => newEvent('Unwanted')),
      );
      let checkpoint: bigint | undefined;

      await consumeUntil(store.subscribeToAll({ after: head, maxBatchSize: 10, eventTypes: [wanted] }), (batch) => {
        expect(batch.events).toEqual([]);
        if (batch.checkpoint !== undefined) checkpoint = batch.checkpoint;
        return checkpoint !== undefined && checkpoint >= unwanted.position;
      });
      const later = newEvent(wanted);
      await store.append(stream, [later]);
      const delivered: RecordedEvent[] = [];
      await consumeUntil(store.subscribeToAll({ after: checkpoint, eventTypes: [wanted] }), (batch) => {
        delivered.push(...batch.events);
        return delivered.length >= 1;
      });

      expect(delivered.map((e) => e.id)).toEqual([later.id]);
    });
  });

  if (faults) {
    describe('faults', () => {
      it('a subscription the server drops resumes after the last event it considered: no gap, no repeat', async () => {
        const head = await store.headPosition();
        const stream = newStreamName();
        const wanted = `Wanted${randomUUID().slice(0, 8)}`;
        const before = [newEvent(wanted), newEvent('Unwanted'), newEvent(wanted), newEvent('Unwanted')];
        const after = [newEvent('Unwanted'), newEvent(wanted), newEvent(wanted)];
        await store.append(stream, before);
        const delivered: string[] = [];
        let dropped = false;

        await consumeUntil(
          store.subscribeToAll({ after: head, maxBatchSize: 1, eventTypes: [wanted] }),
          async (batch) => {
            delivered.push(...batch.events.map((e) => e.id));
            if (!dropped && batch.caughtUp && delivered.length === 2) {
              dropped = true;
              await faults.dropSubscriptions();
              await store.append(stream, after);
            }
            return delivered.length >= 4;
          },
        );

        expect(dropped).toBe(true);
        expect(delivered).toEqual([before[0], before[2], after[1], after[2]].map((e) => e.id));
      });
    });
  }
}

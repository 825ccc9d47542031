import type { EventStore } from '../event-store.port';
import { expectStrictlyIncreasing, newEvent, newStreamName, withoutPosition } from './contract-support.contract';

/** Reads of one stream and of all streams, and the head. */
export function readContract(getStore: () => EventStore): void {
  let store: EventStore;

  beforeAll(() => {
    store = getStore();
  });

  describe('readStream', () => {
    it('returns the events in revision order with everything they were appended with', async () => {
      const stream = newStreamName();
      const events = [1, 2, 3, 4, 5].map((n) => newEvent('Counted', { n, nested: { list: [n, 'ü€'] } }));
      await store.append(stream, events.slice(0, 2), { expectedRevision: 'no_stream' });
      await store.append(stream, events.slice(2), { expectedRevision: 1 });

      const stored = await store.readStream(stream);

      expect(stored.map(withoutPosition)).toEqual(
        events.map((e, revision) => ({ ...e, streamName: stream, revision })),
      );
      expectStrictlyIncreasing(stored.map((e) => e.position));
    });

    it('honours fromRevision and maxCount', async () => {
      const stream = newStreamName();
      await store.append(
        stream,
        [0, 1, 2, 3, 4].map(() => newEvent()),
        { expectedRevision: 'no_stream' },
      );

      const revisions = async (options: { fromRevision?: number; maxCount?: number }) =>
        (await store.readStream(stream, options)).map((e) => e.revision);

      expect(await revisions({ fromRevision: 2 })).toEqual([2, 3, 4]);
      expect(await revisions({ maxCount: 2 })).toEqual([0, 1]);
      expect(await revisions({ fromRevision: 1, maxCount: 2 })).toEqual([1, 2]);
      expect(await revisions({ fromRevision: 5 })).toEqual([]);
    });

    it('returns an empty array for a stream that does not exist', async () => {
      expect(await store.readStream(newStreamName())).toEqual([]);
    });

    it('round-trips metadata with and without an actor', async () => {
      const stream = newStreamName();
      const withActor = newEvent('Acted', {}, { actor: 'user:alice' });
      const withoutActor = newEvent('Happened', { empty: null });

      await store.append(stream, [withActor, withoutActor]);

      const [first, second] = await store.readStream(stream);
      expect(first.metadata).toEqual(withActor.metadata);
      expect(second.metadata).toEqual(withoutActor.metadata);
      expect(second.metadata.actor).toBeUndefined();
      expect(second.data).toEqual({ empty: null });
    });
  });

  describe('readAll and headPosition', () => {
    it('returns events after a position in position order, revision order within a stream', async () => {
      const head = await store.headPosition();
      const [s1, s2] = [newStreamName(), newStreamName()];
      const appended: string[] = [];
      for (let i = 0; i < 3; i++) {
        for (const stream of [s1, s2]) {
          const event = newEvent();
          appended.push(event.id);
          await store.append(stream, [event]);
        }
      }

      const all = await store.readAll({ after: head });

      expect(all.every((e) => e.position > head)).toBe(true);
      expectStrictlyIncreasing(all.map((e) => e.position));
      const ours = all.filter((e) => e.streamName === s1 || e.streamName === s2);
      expect(ours.map((e) => e.id)).toEqual(appended);
      expect(ours.filter((e) => e.streamName === s1).map((e) => e.revision)).toEqual([0, 1, 2]);
    });

    it('treats after as exclusive and honours maxCount', async () => {
      const stream = newStreamName();
      await store.append(stream, [newEvent(), newEvent(), newEvent()]);
      const [first, second] = await store.readStream(stream);

      const afterFirst = await store.readAll({ after: first.position, maxCount: 1 });

      expect(afterFirst).toHaveLength(1);
      expect(afterFirst[0].id).toBe(second.id);
      expect(afterFirst[0]).toEqual(second);
    });

    it('headPosition is at least the position of the last acknowledged append', async () => {
      const result = await store.append(newStreamName(), [newEvent()]);

      expect((await store.headPosition()) >= result.position).toBe(true);
    });

    it('ping resolves', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

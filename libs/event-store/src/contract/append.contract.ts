import type { EventStore, NewEvent } from '../event-store.port';
import { WrongExpectedRevisionError } from '../event-store.port';
import {
  captureError,
  expectStrictlyIncreasing,
  expectWrongRevision,
  newEvent,
  newStreamName,
  readAllAfter,
} from './contract-support.contract';

/** Appends: expected revisions, idempotency by event id, concurrent writers. */
export function appendContract(getStore: () => EventStore): void {
  let store: EventStore;

  beforeAll(() => {
    store = getStore();
  });

  describe('expected revision', () => {
    it("'no_stream' creates a stream and reports the last revision", async () => {
      const stream = newStreamName();
      const result = await store.append(stream, [newEvent(), newEvent()], { expectedRevision: 'no_stream' });

      expect(result.nextExpectedRevision).toBe(1);
      expect(result.written).toBe(2);
      expect(typeof result.position).toBe('bigint');
      const stored = await store.readStream(stream);
      expect(stored.map((e) => e.revision)).toEqual([0, 1]);
      expect(stored[1].position).toBe(result.position);
    });

    it("'no_stream' on an existing stream fails with the actual revision", async () => {
      const stream = newStreamName();
      await store.append(stream, [newEvent(), newEvent()], { expectedRevision: 'no_stream' });

      const error = await captureError(store.append(stream, [newEvent()], { expectedRevision: 'no_stream' }));

      expectWrongRevision(error, { streamName: stream, expected: 'no_stream', actual: 1 });
    });

    it('an exact revision appends when it is the current last revision', async () => {
      const stream = newStreamName();
      const first = await store.append(stream, [newEvent()], { expectedRevision: 'no_stream' });
      const second = await store.append(stream, [newEvent(), newEvent()], {
        expectedRevision: first.nextExpectedRevision,
      });

      expect(first.nextExpectedRevision).toBe(0);
      expect(second.nextExpectedRevision).toBe(2);
      expect(second.written).toBe(2);
      expect(second.position > first.position).toBe(true);
    });

    it('a stale exact revision fails and writes nothing', async () => {
      const stream = newStreamName();
      await store.append(stream, [newEvent(), newEvent(), newEvent()], { expectedRevision: 'no_stream' });

      const error = await captureError(store.append(stream, [newEvent()], { expectedRevision: 1 }));

      expectWrongRevision(error, { streamName: stream, expected: 1, actual: 2 });
      expect(await store.readStream(stream)).toHaveLength(3);
    });

    it('an exact revision on a missing stream fails with actual no_stream', async () => {
      const stream = newStreamName();

      const error = await captureError(store.append(stream, [newEvent()], { expectedRevision: 0 }));

      expectWrongRevision(error, { streamName: stream, expected: 0, actual: 'no_stream' });
      expect(await store.readStream(stream)).toEqual([]);
    });

    it("'any' and no option append whatever the stream holds", async () => {
      const stream = newStreamName();
      const created = await store.append(stream, [newEvent()], { expectedRevision: 'any' });
      const appended = await store.append(stream, [newEvent()]);
      const again = await store.append(stream, [newEvent()], { expectedRevision: 'any' });

      expect([created, appended, again].map((r) => r.nextExpectedRevision)).toEqual([0, 1, 2]);
    });
  });

  describe('idempotency by event id', () => {
    it('the same append twice stores its events once', async () => {
      const stream = newStreamName();
      const events = [newEvent(), newEvent()];
      const first = await store.append(stream, events, { expectedRevision: 'no_stream' });

      const retry = await store.append(stream, events, { expectedRevision: 'no_stream' });

      expect(retry).toEqual({ nextExpectedRevision: 1, position: first.position, written: 0 });
      expect((await store.readStream(stream)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    });

    it('a partially new batch stores only the new events', async () => {
      const stream = newStreamName();
      const [a, b, c] = [newEvent(), newEvent(), newEvent()];
      await store.append(stream, [a, b], { expectedRevision: 'no_stream' });

      const result = await store.append(stream, [a, b, c], { expectedRevision: 1 });

      expect(result.written).toBe(1);
      expect(result.nextExpectedRevision).toBe(2);
      expect((await store.readStream(stream)).map((e) => e.id)).toEqual([a.id, b.id, c.id]);
    });

    it('an id repeated inside one append is stored once', async () => {
      const stream = newStreamName();
      const a = newEvent();
      const b = newEvent();

      const result = await store.append(stream, [a, b, a], { expectedRevision: 'no_stream' });

      expect(result.written).toBe(2);
      expect(result.nextExpectedRevision).toBe(1);
      expect((await store.readStream(stream)).map((e) => e.id)).toEqual([a.id, b.id]);
    });

    // EventStoreDB alone repeats an append idempotently only with the same expected revision.
    it('a retry after the stream moved on stores nothing and reports the current revision', async () => {
      const stream = newStreamName();
      const events = [newEvent(), newEvent()];
      const first = await store.append(stream, events, { expectedRevision: 'no_stream' });
      const later = await store.append(stream, [newEvent()], { expectedRevision: 1 });

      const retries = [
        await store.append(stream, events, { expectedRevision: 'no_stream' }),
        await store.append(stream, events, { expectedRevision: 0 }),
        await store.append(stream, events, { expectedRevision: 'any' }),
      ];

      expect(retries.map((r) => [r.written, r.nextExpectedRevision])).toEqual([
        [0, 2],
        [0, 2],
        [0, 2],
      ]);
      expect(later.position > first.position).toBe(true);
      expect(await store.readStream(stream)).toHaveLength(3);
    });

    it('concurrent retries of the same append store it once', async () => {
      const stream = newStreamName();
      const events = [newEvent(), newEvent()];

      const results = await Promise.all([1, 2, 3].map(() => store.append(stream, events, { expectedRevision: 'any' })));

      expect(results.map((r) => r.written).sort()).toEqual([0, 0, 2]);
      expect(await store.readStream(stream)).toHaveLength(2);
    });
  });

  describe('concurrency', () => {
    it('lets exactly one append win each revision and loses none of the retried ones', async () => {
      const streamCount = 200;
      const appendersPerStream = 10;
      const head = await store.headPosition();
      const streams = Array.from({ length: streamCount }, () => newStreamName());
      let conflicts = 0;

      // Every appender starts from 'no_stream' and retries with the revision the conflict reports.
      const appendUntilWritten = async (stream: string, event: NewEvent) => {
        let expected: number | 'no_stream' = 'no_stream';
        for (;;) {
          try {
            return await store.append(stream, [event], { expectedRevision: expected });
          } catch (error) {
            if (!(error instanceof WrongExpectedRevisionError)) throw error;
            conflicts++;
            expected = error.actual;
          }
        }
      };
      const attempts = streams.flatMap((stream) =>
        Array.from({ length: appendersPerStream }, () => ({ stream, event: newEvent() })),
      );

      const results = await Promise.all(attempts.map((a) => appendUntilWritten(a.stream, a.event)));

      expect(conflicts).toBeGreaterThan(0);
      expect(results.every((r) => r.written === 1)).toBe(true);
      for (const stream of streams) {
        const stored = await store.readStream(stream);
        expect(stored.map((e) => e.revision)).toEqual([...Array(appendersPerStream).keys()]);
        const expectedIds = attempts.filter((a) => a.stream === stream).map((a) => a.event.id);
        expect(stored.map((e) => e.id).sort()).toEqual(expectedIds.sort());
      }
      const ourStreams = new Set(streams);
      const all = await readAllAfter(store, head);
      const ours = all.filter((e) => ourStreams.has(e.streamName));
      expect(ours).toHaveLength(streamCount * appendersPerStream);
      expectStrictlyIncreasing(all.map((e) => e.position));
    }, 120_000);
  });
}

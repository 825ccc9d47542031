import { randomUUID } from 'node:crypto';
import {
  EventMetadata,
  EventStore,
  NewEvent,
  RecordedEvent,
  streamName,
  SubscriptionBatch,
  WrongExpectedRevisionError,
} from './event-store.port';

/**
 * The behaviour every {@link EventStore} adapter must show. An adapter spec calls it once:
 *
 * ```ts
 * eventStoreContract('SQLite', async () => SqliteEventStore.open({ file }));
 * ```
 *
 * Every test uses fresh stream names and reads relative to the head it found, so the suite runs
 * unchanged against a shared server that already holds events (and gets events from other suites).
 */
export function eventStoreContract(adapterName: string, open: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;

    beforeAll(async () => {
      store = await open();
    });

    afterAll(async () => {
      await store?.close();
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

      it('concurrent retries of the same append store it once', async () => {
        const stream = newStreamName();
        const events = [newEvent(), newEvent()];

        const results = await Promise.all(
          [1, 2, 3].map(() => store.append(stream, events, { expectedRevision: 'any' })),
        );

        expect(results.map((r) => r.written).sort()).toEqual([0, 0, 2]);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
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
  });
}

function newStreamName(): string {
  return streamName('contractTest', randomUUID());
}

function newEvent(
  type = 'SomethingHappened',
  data: unknown = { value: randomUUID() },
  extra: Partial<EventMetadata> = {},
): NewEvent {
  const id = randomUUID();
  return {
    id,
    type,
    data,
    metadata: {
      occurredAt: new Date().toISOString(),
      correlationId: `corr-${id}`,
      causationId: `cause-${id}`,
      schemaVersion: 1,
      ...extra,
    },
  };
}

function withoutPosition({ position: _position, ...rest }: RecordedEvent): Omit<RecordedEvent, 'position'> {
  return rest;
}

async function captureError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, it resolved');
}

function expectWrongRevision(
  error: unknown,
  fields: Pick<WrongExpectedRevisionError, 'streamName' | 'expected' | 'actual'>,
): void {
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', ...fields });
}

function expectStrictlyIncreasing(positions: bigint[]): void {
  for (let i = 1; i < positions.length; i++) {
    if (!(positions[i] > positions[i - 1])) {
      throw new Error(`Positions not strictly increasing at ${i}: ${positions[i - 1]} then ${positions[i]}`);
    }
  }
}

/** Reads every event after `after`, page by page. */
async function readAllAfter(store: EventStore, after: bigint): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let from = after;
  for (;;) {
    const page = await store.readAll({ after: from, maxCount: 1000 });
    if (page.length === 0) return all;
    all.push(...page);
    from = page[page.length - 1].position;
  }
}

/** Consumes a subscription until `done` says so; breaking out of the loop ends the subscription. */
async function consumeUntil(
  subscription: AsyncIterable<SubscriptionBatch>,
  done: (batch: SubscriptionBatch) => boolean | Promise<boolean>,
): Promise<void> {
  for await (const batch of subscription) {
    if (await done(batch)) return;
  }
  throw new Error('The subscription ended before the expected events arrived');
}

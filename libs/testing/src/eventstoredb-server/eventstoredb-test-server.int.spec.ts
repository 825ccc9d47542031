import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  DeadlineExceededError,
  END,
  ErrorType,
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  streamNameFilter,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type EventData,
  type Filter,
  type Position,
} from '@eventstore/db-client';
import { EventStoreDbTestServer } from './eventstoredb-test-server';

/** The test server as the real client sees it: every assertion goes through @eventstore/db-client. */
describe.each([
  ['BatchAppend', true],
  ['Append', false],
])('EventStoreDB test server, appends over %s', (_path, batchAppend) => {
  let server: EventStoreDbTestServer;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    server = await EventStoreDbTestServer.start({ batchAppend, statsPeriodMs: false, idempotencyCacheSize: 4 });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });

  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  const append = (stream: string, events: EventData | EventData[], expectedRevision: AppendExpectedRevision) =>
    client.appendToStream(stream, events, { expectedRevision });

  describe('expected revision', () => {
    it('no_stream creates, then conflicts with the current revision', async () => {
      const stream = newStream();
      const created = await append(stream, [event(), event()], NO_STREAM);
      expect(created).toMatchObject({ success: true, nextExpectedRevision: 1n });

      const error = await failure(append(stream, event(), NO_STREAM));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expectedVersion: 'no_stream', actualVersion: 1n });
    });

    it('an exact revision appends only at the last revision', async () => {
      const stream = newStream();
      await append(stream, [event(), event()], NO_STREAM);

      expect(await append(stream, event(), 1n)).toMatchObject({ nextExpectedRevision: 2n });
      expect(await failure(append(stream, event(), 1n))).toMatchObject({ expectedVersion: 1n, actualVersion: 2n });
      expect(await failure(append(newStream(), event(), 0n))).toMatchObject({
        expectedVersion: 0n,
        actualVersion: 'no_stream',
      });
    });

    it('stream_exists needs a stream; any takes whatever there is', async () => {
      const stream = newStream();
      expect(await failure(append(stream, event(), STREAM_EXISTS))).toMatchObject({
        expectedVersion: 'stream_exists',
        actualVersion: 'no_stream',
      });
      await append(stream, event(), ANY);
      expect(await append(stream, event(), STREAM_EXISTS)).toMatchObject({ nextExpectedRevision: 1n });
    });
  });

  describe('idempotent appends, as the server applies them', () => {
    it('the same ids with the same exact or no_stream revision: the original result, nothing written', async () => {
      const stream = newStream();
      const events = [event(), event()];
      const first = await append(stream, events, NO_STREAM);
      await append(stream, event(), 1n);

      const retried = await append(stream, events, NO_STREAM);

      expect(retried).toEqual({ success: true, nextExpectedRevision: 1n, position: first.position });
      expect(await revisionsOf(client, stream)).toEqual([0n, 1n, 2n]);
    });

    it('the same ids with another expected revision: a conflict', async () => {
      const stream = newStream();
      await append(stream, event(), NO_STREAM);
      const events = [event(), event()];
      await append(stream, events, 0n);
      await append(stream, event(), 2n);

      expect(await failure(append(stream, events, 1n))).toBeInstanceOf(WrongExpectedVersionError);
      expect(await revisionsOf(client, stream)).toEqual([0n, 1n, 2n, 3n]);
    });

    it('a partial repeat (first ids stored, the rest new) is a conflict', async () => {
      const stream = newStream();
      const [a, b] = [event(), event()];
      await append(stream, [a, b], NO_STREAM);

      expect(await failure(append(stream, [a, b, event()], NO_STREAM))).toBeInstanceOf(WrongExpectedVersionError);
    });

    it('any: best effort, from a bounded cache of recent ids; forgotten ids are written again', async () => {
      const stream = newStream();
      const events = [event(), event()];
      await append(stream, events, ANY);
      expect(await append(stream, events, ANY)).toMatchObject({ nextExpectedRevision: 1n });

      // The cache holds 4 ids on this server; push these two out.
      await append(newStream(), [event(), event(), event(), event()], ANY);
      expect(await append(stream, events, ANY)).toMatchObject({ nextExpectedRevision: 3n });
      expect(await revisionsOf(client, stream)).toEqual([0n, 1n, 2n, 3n]);
    });
  });

  describe('deleted streams', () => {
    it('a tombstoned stream refuses appends and reads with stream-deleted', async () => {
      const stream = newStream();
      await append(stream, event(), NO_STREAM);
      await client.tombstoneStream(stream);

      const appendError = await failure(append(stream, event(), ANY));
      expect(appendError).toBeInstanceOf(StreamDeletedError);
      expect(appendError).toMatchObject({ type: ErrorType.STREAM_DELETED, streamName: stream });
      expect(await failure(revisionsOf(client, stream))).toMatchObject({ type: ErrorType.STREAM_DELETED });
    });

    it('a soft-deleted stream reads as not found and is recreated by no_stream, revisions continuing', async () => {
      const stream = newStream();
      await append(stream, [event(), event()], NO_STREAM);
      await client.deleteStream(stream);

      expect(await failure(revisionsOf(client, stream))).toMatchObject({ type: ErrorType.STREAM_NOT_FOUND });
      expect(await append(stream, event(), NO_STREAM)).toMatchObject({ nextExpectedRevision: 2n });
      expect(await revisionsOf(client, stream)).toEqual([2n]);
    });
  });

  it('refuses an append over the maximum append size', async () => {
    const big = jsonEvent({ type: 'Big', data: { text: 'x'.repeat(1024 * 1024) } });
    expect(await failure(append(newStream(), big, ANY))).toBeInstanceOf(MaxAppendSizeExceededError);
  });

  it('answers an append that misses its deadline with a deadline error, and may still write it', async () => {
    const stream = newStream();
    server.setAppendLatency(300);
    try {
      const error = await failure(client.appendToStream(stream, event(), { deadline: 100 }));
      expect(error).toBeInstanceOf(DeadlineExceededError);
    } finally {
      server.setAppendLatency(0);
    }
    await waitUntil(async () => (await revisionsOf(client, stream).catch(() => [])).length === 1);
  });
});

describe('EventStoreDB test server: $all and subscriptions', () => {
  let server: EventStoreDbTestServer;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    server = await EventStoreDbTestServer.start({ statsPeriodMs: 20, liveBufferSize: 8 });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });

  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  it('positions: commit equals prepare, strictly increasing with gaps; forwards inclusive, backwards exclusive', async () => {
    const stream = newStream();
    await client.appendToStream(stream, [event(), event(), event()]);
    const stored = (await collect(client.readStream(stream))).map((e) => e.event!.position!);

    expect(stored.every((p) => p.commit === p.prepare)).toBe(true);
    expect(stored[1].commit - stored[0].commit).toBeGreaterThan(1n);
    const forwards = await collect(client.readAll({ fromPosition: stored[1], maxCount: 1, direction: FORWARDS }));
    expect(forwards[0].event?.position).toEqual(stored[1]);
    const backwards = await collect(client.readAll({ fromPosition: stored[1], maxCount: 1, direction: BACKWARDS }));
    expect(backwards[0].event?.position).toEqual(stored[0]);

    const between = { commit: stored[0].commit + 1n, prepare: stored[0].commit + 1n };
    expect(await failure(collect(client.readAll({ fromPosition: between, maxCount: 1 })))).toMatchObject({
      message: expect.stringMatching(/invalid position/i),
    });
  });

  it('keeps system events in $all and out of excludeSystemEvents subscriptions', async () => {
    await waitUntil(async () =>
      (await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 50 }))).some(
        (e) => e.event?.type === '$statsCollected',
      ),
    );
    const stream = newStream();
    await client.appendToStream(stream, [event(), event()]);

    const seen: AllStreamResolvedEvent[] = [];
    for await (const resolved of client.subscribeToAll({ fromPosition: START, filter: excludeSystemEvents() })) {
      seen.push(resolved);
      if (resolved.event?.streamId === stream && resolved.event.revision === 1n) break;
    }
    expect(seen.some((e) => e.event?.type.startsWith('$'))).toBe(false);
  });

  it('honours $maxCount stream metadata on reads', async () => {
    const stream = newStream();
    await client.appendToStream(stream, [event(), event(), event()]);
    await client.setStreamMetadata(stream, { maxCount: 2 });

    expect(await revisionsOf(client, stream)).toEqual([1n, 2n]);
    const [last] = await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }));
    expect(last.event?.revision).toBe(2n);
  });

  it('filters by event type or stream name, by prefix or regex', async () => {
    const tag = randomUUID().slice(0, 8);
    const start = await lastPosition(client);
    const [s1, s2] = [`alpha${tag}-1`, `beta${tag}-1`];
    await client.appendToStream(s1, [event(`Opened${tag}`), event(`Closed${tag}`)]);
    await client.appendToStream(s2, [event(`Opened${tag}`), event(`Other${tag}`)]);

    const run = async (filter: Filter, expected: number) => {
      const got: string[] = [];
      for await (const resolved of client.subscribeToAll({ fromPosition: start, filter })) {
        got.push(`${resolved.event?.streamId}/${resolved.event?.type}`);
        if (got.length >= expected) break;
      }
      return got;
    };

    expect(await run(eventTypeFilter({ prefixes: [`Opened${tag}`] }), 2)).toEqual([
      `${s1}/Opened${tag}`,
      `${s2}/Opened${tag}`,
    ]);
    expect(await run(eventTypeFilter({ regex: `^(Closed|Other)${tag}$` }), 2)).toEqual([
      `${s1}/Closed${tag}`,
      `${s2}/Other${tag}`,
    ]);
    expect(await run(streamNameFilter({ prefixes: [`beta${tag}`] }), 2)).toEqual([
      `${s2}/Opened${tag}`,
      `${s2}/Other${tag}`,
    ]);
    expect(await run(streamNameFilter({ regex: `^alpha${tag}-` }), 2)).toEqual([
      `${s1}/Opened${tag}`,
      `${s1}/Closed${tag}`,
    ]);
  });

  it('sends checkpoints every interval of considered events, with no matching event to carry them', async () => {
    const start = await lastPosition(client);
    const stream = newStream();
    const appended = await client.appendToStream(
      stream,
      Array.from({ length: 100 }, () => event('Unwanted')),
    );
    const checkpoints: Position[] = [];
    let caughtUp = false;
    const subscription = client.subscribeToAll({
      fromPosition: start,
      filter: eventTypeFilter({
        prefixes: ['NothingMatches'],
        maxSearchWindow: 10,
        checkpointInterval: 2,
        checkpointReached: (_, position) => void checkpoints.push(position),
      }),
    });
    subscription.on('caughtUp', () => (caughtUp = true));
    await waitUntil(async () => caughtUp);
    await subscription.unsubscribe();

    // Catch-up: one every 2 pages of 10 considered events, then one on going live, at the end of the log.
    expect(checkpoints.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < checkpoints.length; i++)
      expect(checkpoints[i].commit).toBeGreaterThanOrEqual(checkpoints[i - 1].commit);
    expect(checkpoints.at(-1)!.commit).toBeGreaterThanOrEqual(appended.position!.commit);
  });

  it('catches up, goes live, falls behind for a slow reader and catches up again without a gap', async () => {
    const start = await lastPosition(client);
    const stream = newStream();
    await client.appendToStream(stream, [event(), event()]);
    const signals: string[] = [];
    const subscription = client.subscribeToAll(
      { fromPosition: start, filter: streamNameFilter({ prefixes: [stream] }) },
      { highWaterMark: 1 },
    );
    subscription.on('caughtUp', () => signals.push('caughtUp'));
    subscription.on('fellBehind', () => signals.push('fellBehind'));
    const revisionsSeen: bigint[] = [];
    for await (const resolved of subscription) {
      revisionsSeen.push(resolved.event!.revision);
      if (revisionsSeen.length === 2) {
        await waitUntil(async () => signals.includes('caughtUp'));
        // 60 live events against a buffer of 8 while this reader waits.
        for (let i = 0; i < 6; i++)
          await client.appendToStream(
            stream,
            Array.from({ length: 10 }, () => event()),
          );
      }
      if (revisionsSeen.length === 62) break;
    }

    expect(revisionsSeen).toEqual(Array.from({ length: 62 }, (_, i) => BigInt(i)));
    expect(signals[0]).toBe('caughtUp');
    expect(signals).toContain('fellBehind');
    expect(signals.lastIndexOf('caughtUp')).toBeGreaterThan(signals.indexOf('fellBehind'));
  });

  it('drops subscriptions on demand, as a server restart does', async () => {
    const subscription = client.subscribeToAll({ fromPosition: END });
    const confirmed = new Promise((resolve) => subscription.once('confirmation', resolve));
    const consumed = failure(
      (async () => {
        for await (const _ of subscription) void _;
      })(),
    );
    await confirmed;

    expect(server.dropSubscriptions()).toBeGreaterThan(0);

    expect(await consumed).toMatchObject({ type: ErrorType.UNAVAILABLE });
  });

  it('serves again after an outage, with its data', async () => {
    const stream = newStream();
    await client.appendToStream(stream, event());
    await server.stop();
    // A cut connection: the call in flight is cancelled, new ones find nobody listening.
    const error = await failure(client.appendToStream(stream, event()));
    expect([ErrorType.UNAVAILABLE, ErrorType.CANCELLED]).toContain((error as { type: string }).type);

    await server.restart();
    await waitUntil(
      async () =>
        await client.appendToStream(stream, event()).then(
          () => true,
          () => false,
        ),
    );
    expect(await revisionsOf(client, stream)).toEqual([0n, 1n]);
  });
});

function newStream(): string {
  return `serverTest-${randomUUID()}`;
}

function event(type = 'Happened'): EventData {
  return jsonEvent({ type, data: { at: Date.now() } });
}

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

async function revisionsOf(client: EventStoreDBClient, stream: string): Promise<bigint[]> {
  return (await collect(client.readStream(stream))).map((e) => e.event!.revision);
}

async function lastPosition(client: EventStoreDBClient): Promise<Position> {
  const [last] = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
  return last.event!.position;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected a failure, got success');
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

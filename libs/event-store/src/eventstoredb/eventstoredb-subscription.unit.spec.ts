import { PassThrough } from 'node:stream';
import { CommandError, UnavailableError, AccessDeniedError } from '@eventstore/db-client';
import type { RecordedEvent, SubscriptionBatch } from '../event-store.port';
import { backoff, batchesOf, CAUGHT_UP, FELL_BEHIND, isTransient } from './eventstoredb-subscription';

/** An item as the source yields it: here simply the position of an event. */
interface Item {
  at: number;
}

describe('batchesOf', () => {
  it('groups what is already buffered, at most maxBatchSize events per batch', async () => {
    const source = objectStream();
    write(source, 1, 2, 3, 4, 5);
    const batches = run(source, { maxBatchSize: 2, headAtStart: 100n });

    expect(await positions(batches, 3)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('catching up, fills a batch with events still arriving; live, delivers what is buffered at once', async () => {
    const source = objectStream();
    write(source, 1);
    const batches = run(source, { maxBatchSize: 3, headAtStart: 100n });

    const first = batches.next();
    setTimeout(() => write(source, 2), 2);
    setTimeout(() => write(source, 3, 4), 4);
    expect(summary((await first).value)).toEqual({ at: [1, 2, 3], caughtUp: false });
    source.write(CAUGHT_UP);
    expect(summary((await batches.next()).value)).toEqual({ at: [4], caughtUp: true });
    write(source, 5);
    expect(summary((await batches.next()).value)).toEqual({ at: [5], caughtUp: true });
  });

  it('catching up, delivers a batch that stops filling after the linger and loses nothing after it', async () => {
    const source = objectStream();
    write(source, 1);
    const batches = run(source, { maxBatchSize: 10, headAtStart: 100n });

    const first = await batches.next();
    write(source, 2, 3);

    expect(summary(first.value)).toEqual({ at: [1], caughtUp: false });
    expect(summary((await batches.next()).value)).toEqual({ at: [2, 3], caughtUp: false });
  });

  it('is caught up only after the server says so and nothing is left in the buffer', async () => {
    const source = objectStream();
    write(source, 1, 2, 3);
    source.write(CAUGHT_UP);
    write(source, 4);
    const batches = run(source, { maxBatchSize: 2, headAtStart: 100n });

    expect(await flags(batches, 2)).toEqual([
      { at: [1, 2], caughtUp: false },
      { at: [3, 4], caughtUp: true },
    ]);
  });

  it('announces caught up with an empty batch when the signal comes after the last event', async () => {
    const source = objectStream();
    write(source, 1);
    const batches = run(source, { maxBatchSize: 10, headAtStart: 100n });

    const first = await batches.next();
    source.write(CAUGHT_UP);
    const second = await batches.next();
    write(source, 2);
    const third = await batches.next();

    expect([first.value, second.value, third.value].map(summary)).toEqual([
      { at: [1], caughtUp: false },
      { at: [], caughtUp: true },
      { at: [2], caughtUp: true },
    ]);
  });

  it('starts with an empty caught-up batch when there is nothing to catch up on', async () => {
    const source = objectStream();
    const batches = run(source, { maxBatchSize: 10, headAtStart: 'now' });

    expect(summary((await batches.next()).value)).toEqual({ at: [], caughtUp: true });
    write(source, 7);
    expect(summary((await batches.next()).value)).toEqual({ at: [7], caughtUp: true });
  });

  it('counts as caught up past the head seen at start when the server sends no signals', async () => {
    const source = objectStream();
    write(source, 1, 2);
    const batches = run(source, { maxBatchSize: 1, headAtStart: 2n });

    expect(await flags(batches, 2)).toEqual([
      { at: [1], caughtUp: false },
      { at: [2], caughtUp: true },
    ]);
  });

  it('is not caught up after the server says it fell behind, until it catches up again', async () => {
    const source = objectStream();
    source.write(CAUGHT_UP);
    write(source, 1);
    source.write(FELL_BEHIND);
    write(source, 2);
    const batches = run(source, { maxBatchSize: 1, headAtStart: 0n });

    const seen = await flags(batches, 2);
    source.write(CAUGHT_UP);
    seen.push(summary((await batches.next()).value));

    expect(seen).toEqual([
      { at: [1], caughtUp: false },
      { at: [2], caughtUp: false },
      { at: [], caughtUp: true },
    ]);
  });

  it('skips items the mapping drops and ends with the source', async () => {
    const source = objectStream();
    write(source, 1, -2, 3);
    source.end();
    const batches = run(source, { maxBatchSize: 10, headAtStart: 100n });

    expect(summary((await batches.next()).value)).toEqual({ at: [1, 3], caughtUp: false });
    expect((await batches.next()).done).toBe(true);
  });
});

describe('resubscription policy', () => {
  it('resubscribes after server and connection failures, not after refusals or bugs', () => {
    const unavailable: CommandError = new UnavailableError();
    const denied: CommandError = new AccessDeniedError();
    const prematureClose = Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });

    expect(isTransient(unavailable)).toBe(true);
    expect(isTransient(prematureClose)).toBe(true);
    expect(isTransient(denied)).toBe(false);
    expect(isTransient(new TypeError('bad mapping'))).toBe(false);
  });

  it('backs off exponentially with jitter, capped at five seconds', () => {
    expect(backoff(0)).toBe(0);
    for (let failures = 1; failures < 12; failures++) {
      const ceiling = Math.min(5_000, 100 * 2 ** (failures - 1));
      const delay = backoff(failures);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});

function objectStream(): PassThrough {
  return new PassThrough({ objectMode: true, highWaterMark: 64 });
}

function write(source: PassThrough, ...at: number[]): void {
  for (const position of at) source.write({ at: position } satisfies Item);
}

function run(
  source: PassThrough,
  options: { maxBatchSize: number; headAtStart: bigint | 'now' },
): AsyncGenerator<SubscriptionBatch> {
  return batchesOf<Item>(source, {
    ...options,
    // Negative positions stand for events the mapping drops (system events, duplicates).
    toEvent: (item) => (item.at < 0 ? undefined : recorded(item.at)),
    state: { deliveredCaughtUp: false },
  });
}

function recorded(at: number): RecordedEvent {
  return {
    id: `e${at}`,
    type: 'Happened',
    data: {},
    metadata: { occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'c', causationId: 'c', schemaVersion: 1 },
    streamName: 's-1',
    revision: at,
    position: BigInt(at),
  };
}

function summary(batch: SubscriptionBatch | void): { at: number[]; caughtUp: boolean } {
  if (!batch) throw new Error('The batches ended');
  return { at: batch.events.map((e) => Number(e.position)), caughtUp: batch.caughtUp };
}

async function flags(batches: AsyncGenerator<SubscriptionBatch>, count: number) {
  const seen: { at: number[]; caughtUp: boolean }[] = [];
  for (let i = 0; i < count; i++) seen.push(summary((await batches.next()).value));
  return seen;
}

async function positions(batches: AsyncGenerator<SubscriptionBatch>, count: number): Promise<number[][]> {
  return (await flags(batches, count)).map((batch) => batch.at);
}

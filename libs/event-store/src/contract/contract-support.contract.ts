import { randomUUID } from 'node:crypto';
import {
  EventMetadata,
  EventStore,
  NewEvent,
  RecordedEvent,
  streamName,
  SubscriptionBatch,
  WrongExpectedRevisionError,
} from '../event-store.port';

/** Helpers of the event store contract suite. */

export function newStreamName(): string {
  return streamName('contractTest', randomUUID());
}

export function newEvent(
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

export function withoutPosition({ position: _position, ...rest }: RecordedEvent): Omit<RecordedEvent, 'position'> {
  return rest;
}

export async function captureError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, it resolved');
}

export function expectWrongRevision(
  error: unknown,
  fields: Pick<WrongExpectedRevisionError, 'streamName' | 'expected' | 'actual'>,
): void {
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', ...fields });
}

export function expectStrictlyIncreasing(positions: bigint[]): void {
  for (let i = 1; i < positions.length; i++) {
    if (!(positions[i] > positions[i - 1])) {
      throw new Error(`Positions not strictly increasing at ${i}: ${positions[i - 1]} then ${positions[i]}`);
    }
  }
}

/** Reads every event after `after` (up to `until`, inclusive, when given), page by page. */
export async function readAllAfter(store: EventStore, after: bigint, until?: bigint): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let from = after;
  for (;;) {
    const page = await store.readAll({ after: from, maxCount: 1000 });
    const within = until === undefined ? page : page.filter((e) => e.position <= until);
    all.push(...within);
    if (page.length === 0 || within.length < page.length) return all;
    from = page[page.length - 1].position;
  }
}

/** Consumes a subscription until `done` says so; breaking out of the loop ends the subscription. */
export async function consumeUntil(
  subscription: AsyncIterable<SubscriptionBatch>,
  done: (batch: SubscriptionBatch) => boolean | Promise<boolean>,
): Promise<void> {
  for await (const batch of subscription) {
    if (await done(batch)) return;
  }
  throw new Error('The subscription ended before the expected events arrived');
}

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@journeys/event-store';
import { SqliteEventStore } from '@journeys/event-store/sqlite/sqlite-event-store';
import { ReadModelStore, readModelCheckpoints } from '@journeys/read-models';
import { cloudEventsRoute, EventForwarder } from './event-forwarder';
import type { MessagePublisher, OutboundMessage } from './outbound-message';

const event = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'CustomerEntered',
  data: { customerId: 'c1', n },
  metadata: { occurredAt: '2026-11-28T10:00:00.000Z', correlationId: 'c', causationId: 'c', schemaVersion: 1 },
});

/**
 * A publisher that holds every call until the test acknowledges or fails it, and records the
 * order calls were handed over in (its `sequence()` is itself: calls are answered in order).
 */
class HeldPublisher implements MessagePublisher {
  readonly calls: { values: number[]; ack(): void; fail(error: Error): void }[] = [];

  publish(messages: readonly OutboundMessage[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const values = messages.map((m) => (JSON.parse(m.value) as { data: { n: number } }).data.n);
      this.calls.push({ values, ack: resolve, fail: reject });
    });
  }

  sequence(): MessagePublisher {
    return this;
  }
}

describe('EventForwarder rounds in flight (real SQLite store, held publisher)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let checkpoints: ReadModelStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journeys-forwarder-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    checkpoints = ReadModelStore.open(join(dir, 'read-models.sqlite'));
  });

  afterEach(async () => {
    await store.close();
    checkpoints.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads ahead while rounds are unacknowledged, checkpoints them in order, resends from the checkpoint after a failure', async () => {
    await store.append(
      'instance-c1',
      Array.from({ length: 10 }, (_, n) => event(n)),
    );
    const stored = await store.readAll();
    const publisher = new HeldPublisher();
    const forwarder = new EventForwarder(store, readModelCheckpoints(checkpoints), publisher, {
      name: 'fwd',
      routes: [cloudEventsRoute('events', '/journeys')],
      batchSize: 2,
      maxRoundsInFlight: 3,
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const position = () => checkpoints.checkpoint('fwd')?.position;
    forwarder.start();

    // Three rounds in flight and no more; nothing acknowledged, nothing checkpointed.
    await until(() => publisher.calls.length === 3);
    await settle();
    expect(publisher.calls.map((c) => c.values)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(position()).toBeUndefined();

    // Acknowledged out of order: the checkpoint waits for the earlier round.
    publisher.calls[1].ack();
    await settle();
    expect(position()).toBeUndefined();
    publisher.calls[0].ack();
    await until(() => position() === stored[3].position);

    // Meanwhile the last rounds were read (the window had room again) and the subscription caught up.
    await until(() => publisher.calls.length === 5);
    expect(publisher.calls.slice(3).map((c) => c.values)).toEqual([
      [6, 7],
      [8, 9],
    ]);

    // Round three fails, and with it the rounds handed over after it (as a sequence does).
    for (const call of publisher.calls.slice(2)) call.fail(new Error('broker unreachable'));
    await until(() => forwarder.status().lastError === 'broker unreachable');
    expect(position()).toBe(stored[3].position);

    // After the back-off it resends from the checkpoint, in order, and checkpoints the rest.
    const resent = () => publisher.calls.slice(5);
    await until(() => resent().length === 3, 5_000);
    for (const call of resent()) call.ack();
    await until(() => position() === stored[9].position);
    expect(resent().map((c) => c.values)).toEqual([
      [4, 5],
      [6, 7],
      [8, 9],
    ]);
    expect(forwarder.status()).toMatchObject({ position: stored[9].position, caughtUp: true, lastError: undefined });
    await forwarder.stop();
  }, 20_000);
});

const settle = () => new Promise((r) => setTimeout(r, 50));

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

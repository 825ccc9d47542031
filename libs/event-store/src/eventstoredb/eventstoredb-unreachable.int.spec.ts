import { createServer } from 'node:net';
import type { NewEvent, SubscriptionBatch } from '../event-store.port';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * The adapter against a real client and a port nobody listens on: the failure paths that need no
 * EventStoreDB server (the contract suite covers the rest when one is configured).
 */
describe('EventStoreDB adapter without a reachable server', () => {
  let connectionString: string;
  const warnings: { message: string; context?: Record<string, unknown> }[] = [];
  let store: EventStoreDbEventStore;

  beforeAll(async () => {
    connectionString = `esdb://127.0.0.1:${await freePort()}?tls=false`;
  });

  beforeEach(() => {
    warnings.length = 0;
    store = EventStoreDbEventStore.connect(connectionString, {
      logger: { warn: (message, context) => warnings.push({ message, context }) },
    });
  });

  afterEach(async () => {
    await store.close();
  });

  it('fails ping, so /health reports the store down', async () => {
    await expect(store.ping()).rejects.toThrow(/UNAVAILABLE/);
  });

  it('rejects an append instead of hanging', async () => {
    await expect(store.append('journey-1', [newEvent('a')])).rejects.toThrow(/UNAVAILABLE/);
  });

  it('keeps resubscribing with back-off, and close ends the consumer loop', async () => {
    const delivered: SubscriptionBatch[] = [];
    const consuming = (async () => {
      for await (const batch of store.subscribeToAll()) delivered.push(batch);
    })();

    await waitUntil(() => warnings.length >= 3);
    await store.close();
    await consuming;

    expect(delivered).toEqual([]);
    expect(warnings.map((w) => w.context?.attempt)).toEqual(warnings.map((_, i) => i + 1));
  });

  it('refuses to work once closed', async () => {
    await store.close();

    expect(() => store.subscribeToAll()).toThrow(/closed/);
    await expect(store.append('journey-1', [newEvent('a')])).rejects.toThrow(/closed/);
  });

  it('rejects bad input before reaching the server, as the SQLite adapter does', async () => {
    await expect(store.append('journey-1', [])).rejects.toThrow(TypeError);
    await expect(store.append('', [newEvent('a')])).rejects.toThrow(TypeError);
    await expect(store.append('journey-1', [newEvent('a')], { expectedRevision: -1 })).rejects.toThrow(RangeError);
    await expect(store.append('journey-1', [{ ...newEvent('a'), data: { big: 1n } }])).rejects.toThrow(TypeError);
    expect(() => store.subscribeToAll({ maxBatchSize: 0 })).toThrow(RangeError);
  });
});

function newEvent(id: string): NewEvent {
  return {
    id,
    type: 'Happened',
    data: {},
    metadata: { occurredAt: new Date().toISOString(), correlationId: id, causationId: id, schemaVersion: 1 },
  };
}

/** A port that was free a moment ago: connecting to it is refused. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('No port');
  return address.port;
}

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@journeys/event-store';
import { EventStoreDbEventStore } from '@journeys/event-store/eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from '@journeys/event-store/sqlite/sqlite-event-store';
import { EventStoreDbTestServer } from '../../../../libs/testing/src/eventstoredb-server/eventstoredb-test-server';
import { ProcessedCommands } from './processed-commands';

const ok = (id: string) => ({ result: { commandId: 'c1', ok: true as const, result: { id } } });
const at = new Date('2026-11-28T10:00:00Z');

describe.each([
  ['SQLite', 'sqlite'],
  ['EventStoreDB (protocol test server)', 'eventstoredb'],
] as const)('ProcessedCommands in the event store (%s)', (_name, kind) => {
  let dir: string;
  let server: EventStoreDbTestServer | undefined;
  const stores: EventStore[] = [];
  /** Another process on the same event store: a pod restarted on an empty data directory. */
  const open = (): EventStore => {
    const store =
      kind === 'sqlite'
        ? SqliteEventStore.open({ file: join(dir, 'events.sqlite') })
        : EventStoreDbEventStore.connect(server!.connectionString);
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'processed-commands-'));
    if (kind === 'eventstoredb') server = await EventStoreDbTestServer.start({ statsPeriodMs: false });
  });

  afterAll(async () => {
    for (const store of stores) await store.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the first outcome of a command id where a later process finds it', async () => {
    const processed = new ProcessedCommands(open());
    await processed.save('c1', ok('j1'), at);
    await processed.save('c1', ok('other'), at);

    expect(await processed.get('c1')).toEqual(ok('j1'));
    expect(await processed.get('missing')).toBeUndefined();
    const elsewhere = new ProcessedCommands(open());
    expect(await elsewhere.get('c1')).toEqual(ok('j1'));
  });

  it('takes any command id a producer chooses', async () => {
    const processed = new ProcessedCommands(open());
    const id = 'order/42: créer — "journey" #1';
    await processed.save(id, ok('j2'), at);

    expect(await processed.get(id)).toEqual(ok('j2'));
  });
});

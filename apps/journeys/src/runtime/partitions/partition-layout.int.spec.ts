import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@journeys/event-store/sqlite/sqlite-event-store';
import { ConfigurationError } from '../../config/app-config';
import { ensurePartitionLayout, LAYOUT_STREAM } from './partition-layout';

describe('the partition layout recorded in the store (SQLite)', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'layout-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the count on the first start and refuses another one after', async () => {
    await ensurePartitionLayout(store, 3, async () => false);
    await ensurePartitionLayout(store, 3, async () => false);
    expect((await store.readStream(LAYOUT_STREAM)).map((e) => e.data)).toEqual([{ partitions: 3 }]);
    await expect(ensurePartitionLayout(store, 4, async () => false)).rejects.toThrow(
      /JOURNEYS_PARTITIONS is 4, but this store's engine state is split into 3 partition/,
    );
  });

  it('takes state from before the count was recorded as one partition', async () => {
    const refused = ensurePartitionLayout(store, 6, async () => true);
    await expect(refused).rejects.toBeInstanceOf(ConfigurationError);
    expect(await store.readStream(LAYOUT_STREAM)).toEqual([]);
    await ensurePartitionLayout(store, 1, async () => true);
    expect((await store.readStream(LAYOUT_STREAM)).map((e) => e.data)).toEqual([{ partitions: 1 }]);
  });

  it('lets replicas starting together record it once', async () => {
    await Promise.all([1, 2, 3].map(() => ensurePartitionLayout(store, 12, async () => false)));
    expect((await store.readStream(LAYOUT_STREAM)).map((e) => e.data)).toEqual([{ partitions: 12 }]);
  });
});

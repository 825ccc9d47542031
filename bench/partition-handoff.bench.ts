/**
 * Scale-out, hand-off: one engine partition holding M customers who wait (a one-time segment journey
 * with a one-day wait), its log in EventStoreDB; then a process with an empty disk takes it over:
 * timed from the start of the take-over until the partition's state is restored and claimed, read
 * from the partition stream alone and again from a snapshot plus the stream after it.
 *
 * EventStoreDB here is the protocol test server in this process (libs/testing/src/eventstoredb-server),
 * so the figures are of the protocol path on this machine, not of a real server's speed.
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/partition-handoff.bench.ts [--quick]
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { EventStoreDbEventStore } from '../libs/event-store/src/eventstoredb/eventstoredb-event-store';
import { ReadModelStore } from '../libs/read-models/src/read-model-store';
import { EventStoreDbTestServer } from '../libs/testing/src/eventstoredb-server/eventstoredb-test-server';
import { SqliteEngineStores } from '../apps/journeys/src/runtime/engine-store/sqlite/sqlite-engine-store';
import { partitionStream, StreamPartitionLog } from '../apps/journeys/src/runtime/engine-store/stream-partition-log';
import { SEGMENT_JOURNEY } from './segment-enrolment.bench';
import { BenchApp, ManualClock, seconds } from './support/bench-app';
import { MiB, round, runAlone, type BenchResult } from './support/bench-result';

const MEMBERSHIP_BATCH = 10_000;

export async function benchPartitionHandoff(opts: { quick: boolean; dir: string }): Promise<BenchResult> {
  // BENCH_HANDOFF_CUSTOMERS sizes a run between the quick and the full one.
  const customers = Number(process.env.BENCH_HANDOFF_CUSTOMERS) || (opts.quick ? 20_000 : 100_000);
  const server = await EventStoreDbTestServer.start({ statsPeriodMs: false });
  try {
    const env = { EVENTSTORE_CONNECTION_STRING: server.connectionString, JOURNEYS_PARTITIONS: '1' };
    const bench = await BenchApp.start(mkdtempSync(join(opts.dir, 'owner-')), new ManualClock(), env);
    const filledAt = performance.now();
    try {
      for (let i = 0; i < customers; i += MEMBERSHIP_BATCH) {
        const joined = Array.from({ length: Math.min(MEMBERSHIP_BATCH, customers - i) }, (_, k) => `m-${i + k}`);
        await bench.call('POST', '/segments/bench/membership', { joined });
      }
      await bench.publish(SEGMENT_JOURNEY);
      await bench.drain();
    } finally {
      await bench.close();
    }
    const fillSeconds = seconds(filledAt);

    const events = EventStoreDbEventStore.connect(server.connectionString);
    try {
      const streamEvents = (await events.readStream(partitionStream(0))).length;
      const takeOver = async (name: string) => {
        const store = new SqliteEngineStores(ReadModelStore.open(join(opts.dir, `${name}.sqlite`))).partition(0);
        const log = new StreamPartitionLog(events, name, () => new Date());
        const began = performance.now();
        await log.acquire(0, store);
        const took = seconds(began);
        const waiting = store.dueTimers(Number.MAX_SAFE_INTEGER, customers + 1).length;
        return { took, waiting, store, log };
      };
      const fromStream = await takeOver('empty-disk');
      if (fromStream.waiting !== customers) throw new Error(`restored ${fromStream.waiting} of ${customers} timers`);
      const snapshotAt = performance.now();
      await fromStream.log.snapshot(0, fromStream.store);
      const snapshotSeconds = seconds(snapshotAt);
      const fromSnapshot = await takeOver('empty-disk-after-snapshot');
      if (fromSnapshot.waiting !== customers)
        throw new Error(`restored ${fromSnapshot.waiting} timers from the snapshot`);
      return {
        name: 'partition hand-off',
        figures: {
          waitingCustomers: customers,
          fillSeconds: round(fillSeconds, 1),
          partitionStreamEvents: streamEvents,
          handOffFromStreamSeconds: round(fromStream.took, 2),
          snapshotSeconds: round(snapshotSeconds, 2),
          handOffFromSnapshotSeconds: round(fromSnapshot.took, 2),
          peakRssMiB: round(process.memoryUsage.rss() / MiB),
        },
        notes:
          `One partition holding ${customers.toLocaleString('en-US')} customers at a one-day wait, taken over by a ` +
          'process with an empty disk (a fresh state file): restore from the partition stream, then from a snapshot ' +
          'and the stream after it, and claim (which fences the previous owner). EventStoreDB is the protocol test ' +
          "server in this process: a protocol-path figure, not a real server's.",
      };
    } finally {
      await events.close();
    }
  } finally {
    await server.close();
  }
}

if (require.main === module) runAlone('partition-handoff', (o) => benchPartitionHandoff(o));

/**
 * Scale-out, hand-off: one engine partition holding M customers who wait (a one-time segment journey
 * with a one-day wait), its log in EventStoreDB; then a process with an empty disk takes it over:
 * timed from the start of the take-over until the partition's state is restored and claimed: from
 * the latest snapshot the owner took (if any) and the stream after it, then again right after a
 * fresh snapshot.
 *
 * EventStoreDB here is the protocol test server in a process of its own (libs/testing/src/eventstoredb-server),
 * so the figures are of the protocol path on this machine, not of a real server's speed.
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/partition-handoff.bench.ts [--quick]
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { EventStoreDbEventStore } from '../libs/event-store/src/eventstoredb/eventstoredb-event-store';
import { ReadModelStore } from '../libs/read-models/src/read-model-store';
import { SqliteEngineStores } from '../apps/journeys/src/runtime/engine-store/sqlite/sqlite-engine-store';
import {
  partitionStream,
  snapshotsStream,
  StreamPartitionLog,
} from '../apps/journeys/src/runtime/engine-store/stream-partition-log';
import { SEGMENT_JOURNEY } from './segment-enrolment.bench';
import { BenchApp, ManualClock, seconds } from './support/bench-app';
import { MiB, round, runAlone, type BenchResult } from './support/bench-result';
import { startTestServerProcess } from '../libs/testing/src/eventstoredb-server/server-process';

const MEMBERSHIP_BATCH = 10_000;

export async function benchPartitionHandoff(opts: { quick: boolean; dir: string }): Promise<BenchResult> {
  // BENCH_HANDOFF_CUSTOMERS sizes a run between the quick and the full one.
  const customers = Number(process.env.BENCH_HANDOFF_CUSTOMERS) || (opts.quick ? 20_000 : 100_000);
  // The store in a process of its own, as a server on another host: the take-over's process holds
  // only what it restores.
  const server = await startTestServerProcess();
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
      // The owner snapshots on its own once its units outgrow the last snapshot (32 MiB at least):
      // a take-over starts from the latest one and reads the stream after it.
      const ownerSnapshots = (await events.readStream(snapshotsStream(0))).map((e) => e.data as { revision: number });
      const takeOver = async (name: string) => {
        // A connection of its own: the new owner knows nothing of the stream, as on another host.
        const own = EventStoreDbEventStore.connect(server.connectionString);
        const store = new SqliteEngineStores(ReadModelStore.open(join(opts.dir, `${name}.sqlite`))).partition(0);
        const log = new StreamPartitionLog(own, name, () => new Date());
        const began = performance.now();
        await log.acquire(0, store);
        const took = seconds(began);
        const waiting = store.dueTimers(Number.MAX_SAFE_INTEGER, customers + 1).length;
        if (waiting !== customers) throw new Error(`${name}: restored ${waiting} of ${customers} timers`);
        return { took, store, log, close: () => own.close() };
      };
      const afterFill = await takeOver('empty-disk');
      const snapshotAt = performance.now();
      const storing = afterFill.log.snapshot(0, afterFill.store);
      // What the engine's serial line waits for: reading the state; storing it goes on beside the work.
      const snapshotReadSeconds = seconds(snapshotAt);
      await storing;
      const snapshotSeconds = seconds(snapshotAt);
      await afterFill.close();
      const afterSnapshot = await takeOver('empty-disk-after-snapshot');
      await afterSnapshot.close();
      const restoredFrom = ownerSnapshots.at(-1)?.revision ?? -1;
      return {
        name: 'partition hand-off',
        figures: {
          waitingCustomers: customers,
          fillSeconds: round(fillSeconds, 1),
          partitionStreamEvents: streamEvents,
          ownerSnapshots: ownerSnapshots.length,
          handOffStreamEventsRead: streamEvents - (restoredFrom + 1),
          handOffSeconds: round(afterFill.took, 2),
          snapshotSeconds: round(snapshotSeconds, 2),
          snapshotReadSeconds: round(snapshotReadSeconds, 2),
          handOffRightAfterSnapshotSeconds: round(afterSnapshot.took, 2),
          peakRssMiB: round(process.memoryUsage.rss() / MiB),
        },
        notes:
          `One partition holding ${customers.toLocaleString('en-US')} customers at a one-day wait, taken over by a ` +
          'process with an empty disk (a fresh state file and its own connection): restore from the latest snapshot ' +
          'the owner took (if its units outgrew 32 MiB) and the partition stream after it, and claim (which fences ' +
          'the previous owner); then again right after a snapshot. EventStoreDB is the protocol test server in a ' +
          "process of its own on the same cores: a protocol-path figure, not a real server's. A snapshot holds up " +
          'the engine only while its state is read (snapshotReadSeconds); it is stored beside the work.',
      };
    } finally {
      await events.close();
    }
  } finally {
    await server.stop();
  }
}

if (require.main === module) runAlone('partition-handoff', (o) => benchPartitionHandoff(o));

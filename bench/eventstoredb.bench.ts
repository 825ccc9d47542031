/**
 * Scenario 8 (`--eventstoredb`), the EventStoreDB protocol path: trigger ingestion with the service on
 * the EventStoreDB adapter, against the EventStoreDB protocol test server in a process of its own;
 * then, on the events it stored, a service started on an empty data directory (a new pod) catches up,
 * and its read models are rebuilt once more with nothing else running. These are figures of the
 * client, the adapter and the protocol on this machine, next to the embedded store's: the test server
 * is an in-memory stand-in, so they say nothing of a real EventStoreDB's speed.
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/eventstoredb.bench.ts [--quick] [--profile]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchApp, cpuSeconds, seconds } from './support/bench-app';
import { printResult, round, type BenchResult } from './support/bench-result';
import { profiled } from './support/cpu-profile';
import { startTestServerProcess } from '../libs/testing/src/eventstoredb-server/server-process';
import { benchTriggerIngestion } from './trigger-ingestion.bench';

/** Triggers stored through the protocol path; the full size leaves about a million events to rebuild from. */
export const eventStoreDbTriggers = (quick: boolean) => (quick ? 5_000 : 150_000);

export async function benchEventStoreDb(opts: {
  quick: boolean;
  dir: string;
  profile?: string;
}): Promise<BenchResult[]> {
  const server = await startTestServerProcess();
  try {
    const ingestion = await benchTriggerIngestion({
      quick: opts.quick,
      dir: opts.dir,
      profile: opts.profile && `${opts.profile}-ingestion`,
      eventStoreDb: server.connectionString,
      triggers: eventStoreDbTriggers(opts.quick),
    });
    const rebuild = await benchNewPod(server.connectionString, opts);
    return [ingestion, rebuild];
  } finally {
    await server.stop();
  }
}

/** A service on an empty data directory against a filled EventStoreDB, then a rebuild of its read models. */
async function benchNewPod(connectionString: string, opts: { dir: string; profile?: string }): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(opts.dir, 'new-pod-'));
  const began = performance.now();
  const bench = await BenchApp.start(dataDir, undefined, { EVENTSTORE_CONNECTION_STRING: connectionString });
  try {
    await bench.catchUpReadModels();
    const readModelsCaughtUp = seconds(began);
    await bench.drain();
    const engineCaughtUp = seconds(began);
    const events = await bench.countEvents(-1n);
    const cpuBefore = process.cpuUsage();
    const { value: rebuilt, hotSpots } = await profiled(
      'projection rebuild (EventStoreDB)',
      opts.profile && `${opts.profile}-rebuild`,
      () => bench.projections.rebuild(),
    );
    const cpu = cpuSeconds(cpuBefore);
    const eventsPerSec = events / (rebuilt.ms / 1000);
    return {
      name: 'new pod and rebuild (EventStoreDB protocol path)',
      figures: {
        events,
        secondsUntilReadModelsCaughtUp: round(readModelsCaughtUp, 2),
        secondsUntilEngineCaughtUp: round(engineCaughtUp, 2),
        rebuildSeconds: round(rebuilt.ms / 1000, 2),
        rebuildEventsPerSec: round(eventsPerSec),
        rebuildSecondsPerMillionEvents: round(1_000_000 / eventsPerSec, 1),
        cpuMicrosPerEvent: round((cpu * 1e6) / events, 1),
      },
      notes:
        `A service started on an empty data directory against the EventStoreDB holding the ${events} events of the ` +
        'ingestion run (a pod whose emptyDir is new): secondsUntil* count from its start until every read model, ' +
        'then the engine (which replays its inputs and writes nothing new), caught up with the store. Then all ' +
        `${rebuilt.projections.length} read models were dropped and rebuilt with nothing else running: ` +
        'rebuildEventsPerSec over every event of the store, read through the adapter (client-side type filter) ' +
        'from the protocol test server in another process; rebuildSecondsPerMillionEvents extrapolates it.',
      hotSpots: hotSpots && [hotSpots],
    };
  } finally {
    await bench.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-'));
  benchEventStoreDb({
    quick: process.argv.includes('--quick'),
    dir,
    profile: process.argv.includes('--profile') ? join(dir, 'eventstoredb') : undefined,
  })
    .then((results) => results.forEach(printResult))
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}

/**
 * Scenario 5, projection rebuild: every read model dropped and rebuilt by replaying the whole store
 * (`ProjectionRunner.rebuild()`), in a service started on a data directory that an earlier scenario
 * filled.
 *
 * Run alone (fills a store by segment enrolment and timers first):
 *   node -r ./libs/testing/src/ts-register.js bench/projection-rebuild.bench.ts [--quick] [--profile]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storageFiles } from '../apps/journeys/src/infrastructure/storage.module';
import { BenchApp, cpuSeconds, ManualClock } from './support/bench-app';
import { MiB, printResult, round, type BenchResult } from './support/bench-result';
import { profiled } from './support/cpu-profile';
import { benchSegmentEnrolment } from './segment-enrolment.bench';
import { benchTimers } from './timers.bench';

/** `dataDir`: a data directory to rebuild (left in place); a fresh one is filled when omitted. */
export async function benchProjectionRebuild(opts: {
  quick: boolean;
  dir: string;
  profile?: string;
  dataDir?: string;
}): Promise<BenchResult> {
  const dataDir = opts.dataDir ?? (await fill(opts.quick, opts.dir));
  const bench = await BenchApp.start(dataDir, new ManualClock());
  try {
    await bench.drain();
    await bench.catchUpReadModels();
    const head = await bench.store.headPosition();
    const cpuBefore = process.cpuUsage();
    const { value: rebuilt, hotSpots } = await profiled('projection rebuild', opts.profile, () =>
      bench.projections.rebuild(),
    );
    const cpu = cpuSeconds(cpuBefore);
    if (bench.projections.status().position !== head) throw new Error('The rebuild did not reach the head');
    const files = storageFiles(dataDir);
    // Positions are rowids from 1 and events are never deleted: the head is the number of events.
    const storeEvents = Number(head);
    return {
      name: 'projection rebuild',
      figures: {
        events: storeEvents,
        eventsApplied: rebuilt.events,
        projections: rebuilt.projections.length,
        seconds: round(rebuilt.ms / 1000, 2),
        eventsPerSec: round(storeEvents / (rebuilt.ms / 1000)),
        cpuMicrosPerEvent: round((cpu * 1e6) / storeEvents, 1),
        eventStoreMiB: round(statSync(files.eventStore).size / MiB),
        readModelsMiB: round(statSync(files.readModels).size / MiB),
      },
      notes:
        `All ${rebuilt.projections.length} read models (${rebuilt.projections.join(', ')}) dropped and rebuilt from ` +
        `the ${storeEvents} events of the store, in a service just started on that data directory ` +
        `(the engine idle, no new events). ${rebuilt.events} of them are of types some read model reads; the ` +
        'others (triggers and segment changes as received) are skipped by the subscription unread. eventsPerSec and ' +
        'cpuMicrosPerEvent count every event of the store.',
      hotSpots: hotSpots && [hotSpots],
    };
  } finally {
    await bench.close();
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function fill(quick: boolean, dir: string): Promise<string> {
  const dataDir = mkdtempSync(join(dir, 'rebuild-'));
  const bench = await BenchApp.start(dataDir, new ManualClock());
  try {
    await benchSegmentEnrolment({ quick, dir, bench });
    await benchTimers({ quick, dir, bench });
  } finally {
    await bench.close();
  }
  return dataDir;
}

if (require.main === module) {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-'));
  benchProjectionRebuild({
    quick: process.argv.includes('--quick'),
    dir,
    profile: process.argv.includes('--profile') ? join(dir, 'projection-rebuild') : undefined,
  })
    .then(printResult)
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}

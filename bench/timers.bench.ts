/**
 * Scenario 4, timers: M customers waiting on a one-day wait (filled by the segment enrolment
 * scenario, not by M HTTP triggers), their resident memory while they wait, then the manual clock
 * moved past their due time: timers fired per second until every customer has completed.
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/timers.bench.ts [--quick] [--profile]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BenchApp, cpuSeconds, ManualClock, RssSampler, seconds } from './support/bench-app';
import { MiB, round, runAlone, type BenchResult } from './support/bench-result';
import { profiled } from './support/cpu-profile';
import { benchSegmentEnrolment } from './segment-enrolment.bench';

/** How long the waiting customers are watched at rest (the engine's scheduler keeps looking). */
const HOLD_MS = 3_000;

/**
 * `bench`: an app on a manual clock whose customers are already waiting (the segment scenario
 * leaves them so); when omitted, a fresh app is filled by segment enrolment first.
 */
export async function benchTimers(opts: {
  quick: boolean;
  dir: string;
  profile?: string;
  bench?: BenchApp;
}): Promise<BenchResult> {
  const dataDir = opts.bench?.dataDir ?? mkdtempSync(join(opts.dir, 'timers-'));
  const bench = opts.bench ?? (await BenchApp.start(dataDir, new ManualClock()));
  try {
    if (!opts.bench) await benchSegmentEnrolment({ quick: opts.quick, dir: opts.dir, bench });
    const clock = bench.clock;
    if (!clock) throw new Error('The timers scenario needs an app on a manual clock');
    const pending = bench.readModels.prepare('SELECT COUNT(*) AS n, MAX(due_at) AS last FROM rt_timers').get() as {
      n: number;
      last: number | null;
    };
    if (!pending.n || pending.last === null) throw new Error('No customers are waiting');
    const completedBefore = completedCount(bench);

    await bench.catchUpReadModels();
    await new Promise((r) => setTimeout(r, HOLD_MS));
    bench.rss.sample();
    const peakFillingAndWaiting = bench.rss.peakBytes;
    const rssAllWaiting = process.memoryUsage.rss();
    const heapAllWaiting = process.memoryUsage().heapUsed;
    const maxRss = process.resourceUsage().maxRSS * 1024;
    // With --expose-gc (the runner passes it): what stays resident once the garbage is collected.
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    const afterGc = collect ? process.memoryUsage() : undefined;

    const firing = new RssSampler().start();
    const headBefore = await bench.store.headPosition();
    clock.advance(pending.last - clock.now().getTime() + 1_000);
    const cpuBefore = process.cpuUsage();
    const began = performance.now();
    const { hotSpots } = await profiled('timers firing', opts.profile, async () => {
      await bench.engine.tick();
      await bench.drain();
    });
    const fireSeconds = seconds(began);
    const cpu = cpuSeconds(cpuBefore);
    const storedEvents = Number((await bench.store.headPosition()) - headBefore);
    await bench.catchUpReadModels();
    const readModelsSeconds = seconds(began);
    const peakFiring = firing.stop();
    const left = (bench.readModels.prepare('SELECT COUNT(*) AS n FROM rt_timers').get() as { n: number }).n;
    const completed = completedCount(bench) - completedBefore;
    if (left !== 0 || completed !== pending.n) {
      throw new Error(`expected ${pending.n} customers completed, found ${completed} (${left} timers left)`);
    }

    return {
      name: 'timers',
      figures: {
        waiting: pending.n,
        rssAllWaitingMiB: round(rssAllWaiting / MiB),
        heapUsedAllWaitingMiB: round(heapAllWaiting / MiB),
        peakRssWaitingMiB: round(peakFillingAndWaiting / MiB),
        ...(afterGc && {
          rssAfterGcMiB: round(afterGc.rss / MiB),
          heapLiveAfterGcMiB: round(afterGc.heapUsed / MiB),
        }),
        maxRssMiB: round(maxRss / MiB),
        timersFiredPerSec: round(pending.n / fireSeconds),
        secondsUntilAllFired: round(fireSeconds, 2),
        storedEvents,
        storedEventsPerSec: round(storedEvents / fireSeconds),
        cpuMicrosPerTimer: round((cpu * 1e6) / pending.n),
        secondsUntilReadModelsCaughtUp: round(readModelsSeconds, 2),
        peakRssFiringMiB: round(peakFiring / MiB),
      },
      notes:
        `${pending.n} customers at a one-day wait, entered through a one-time segment journey. RSS sampled every ` +
        `100 ms from the start of the service: peakRssWaitingMiB is the peak while they entered and then waited ` +
        `(${HOLD_MS / 1000} s at rest after the read models caught up), rssAllWaitingMiB the RSS at the end of that ` +
        'rest, maxRssMiB the kernel high-water mark of the process until then; after a full GC (when run with ' +
        '--expose-gc): rssAfterGcMiB and the live heap. Then the manual clock moved past ' +
        'their due time: secondsUntilAllFired runs until every wait had fired, the second send was requested and ' +
        'every customer completed (committed); cpuMicrosPerTimer is the CPU time of the process until then, per timer.',
      hotSpots: hotSpots && [hotSpots],
    };
  } finally {
    if (!opts.bench) {
      await bench.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

function completedCount(bench: BenchApp): number {
  return (
    bench.readModels.prepare("SELECT COUNT(*) AS n FROM rt_instances WHERE status = 'completed'").get() as {
      n: number;
    }
  ).n;
}

if (require.main === module) runAlone('timers', benchTimers);

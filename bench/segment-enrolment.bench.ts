/**
 * Scenario 3, segment enrolment: M members join a segment (POST /segments/{id}/membership in
 * batches of 10,000), then a one-time segment journey (send, then a one-day wait) is published;
 * timed from publish until every member has entered and is durably at the wait.
 *
 * It leaves M customers waiting, which the timers scenario (4) uses when given the same app.
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/segment-enrolment.bench.ts [--quick] [--profile]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BenchApp, cpuSeconds, ManualClock, seconds } from './support/bench-app';
import { MiB, round, runAlone, type BenchResult } from './support/bench-result';
import { profiled } from './support/cpu-profile';

const MEMBERSHIP_BATCH = 10_000;
export const SEGMENT_JOURNEY = {
  name: 'Bench segment',
  audience: { type: 'segment', segments: ['bench'], frequency: { mode: 'once' } },
  steps: [
    { id: 'digest', type: 'send', channel: 'email', content: 'digest', next: 'pause' },
    { id: 'pause', type: 'wait', duration: 'P1D', next: 'bye' },
    { id: 'bye', type: 'send', channel: 'email', content: 'bye' },
  ],
};

export function segmentMembers(quick: boolean): number {
  return quick ? 50_000 : 1_000_000;
}

/**
 * `bench`: an app to enrol into, left open with the members waiting (a fresh one, closed and
 * deleted at the end, when omitted). `profile`: path prefix for the .cpuprofile of the enrolment.
 */
export async function benchSegmentEnrolment(opts: {
  quick: boolean;
  dir: string;
  profile?: string;
  bench?: BenchApp;
}): Promise<BenchResult> {
  const members = segmentMembers(opts.quick);
  const dataDir = opts.bench?.dataDir ?? mkdtempSync(join(opts.dir, 'segment-'));
  const bench = opts.bench ?? (await BenchApp.start(dataDir, new ManualClock()));
  try {
    const joinedAt = performance.now();
    for (let i = 0; i < members; i += MEMBERSHIP_BATCH) {
      const joined = Array.from(
        { length: Math.min(MEMBERSHIP_BATCH, members - i) },
        (_, k) => `m-${String(i + k).padStart(7, '0')}`,
      );
      await bench.call('POST', '/segments/bench/membership', { joined });
    }
    await bench.drain();
    const membershipSeconds = seconds(joinedAt);
    await bench.catchUpReadModels();

    const headBefore = await bench.store.headPosition();
    const transactionsBefore = bench.storeTransactions();
    const cpuBefore = process.cpuUsage();
    const began = performance.now();
    let journeyId = '';
    const { hotSpots } = await profiled('segment enrolment', opts.profile, async () => {
      journeyId = await bench.publish(SEGMENT_JOURNEY);
      await bench.drain();
    });
    const enrolSeconds = seconds(began);
    const cpu = cpuSeconds(cpuBefore);
    const storedEvents = Number((await bench.store.headPosition()) - headBefore);
    const transactions = bench.storeTransactions() - transactionsBefore;
    await bench.catchUpReadModels();
    const readModelsSeconds = seconds(began);
    const waiting = bench.countInstances(journeyId, 'active');
    if (waiting !== members) throw new Error(`expected ${members} members at the wait, found ${waiting}`);

    return {
      name: 'segment enrolment',
      figures: {
        members,
        secondsUntilAllEntered: round(enrolSeconds, 2),
        enrolledPerSec: round(members / enrolSeconds),
        storedEvents,
        storedEventsPerSec: round(storedEvents / enrolSeconds),
        storeTransactions: transactions,
        cpuMicrosPerMember: round((cpu * 1e6) / members),
        secondsUntilReadModelsCaughtUp: round(readModelsSeconds, 2),
        membershipSeconds: round(membershipSeconds, 2),
        maxRssMiB: round((process.resourceUsage().maxRSS * 1024) / MiB),
      },
      notes:
        `M = ${members} members joined segment 'bench' through POST /segments/bench/membership in batches of ` +
        `${MEMBERSHIP_BATCH} (membershipSeconds, until the engine had recorded them all), then a one-time segment ` +
        'journey (send, one-day wait, send) was published: secondsUntilAllEntered runs from the publish request ' +
        "until every member's send was requested and wait scheduled and committed. maxRssMiB: the process's peak " +
        'resident set so far (kernel high-water mark). cpuMicrosPerMember: CPU time of the process (all threads) ' +
        'until all had entered, per member.',
      hotSpots: hotSpots && [hotSpots],
    };
  } finally {
    if (!opts.bench) {
      await bench.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

if (require.main === module) runAlone('segment-enrolment', benchSegmentEnrolment);

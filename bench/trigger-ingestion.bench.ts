/**
 * Scenario 1, trigger ingestion: N distinct customers' triggers into a Live journey (send, then a
 * one-hour wait), posted in batches over HTTP (in-process, through Fastify's inject), timed until
 * every customer is durably at the wait (the engine's state committed), then until the read models
 * have caught up too.
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/trigger-ingestion.bench.ts [--quick] [--profile] [--delivery]
 * (--delivery: with consent and a frequency cap active, see BENCH_DELIVERY_SETTINGS)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BenchApp, cpuSeconds, seconds, welcomeJourney } from './support/bench-app';
import { runAlone, round, type BenchResult } from './support/bench-result';
import { profiled } from './support/cpu-profile';

const BATCH = 1_000;
const IN_FLIGHT = 4;

/** The delivery controls of the `delivery` variant: opt-in consent (every customer opted in) and an e-mail cap. */
export const BENCH_DELIVERY_SETTINGS = {
  consentMode: 'optIn',
  frequencyCaps: [{ channel: 'email', count: 3, period: 'P1D' }],
};

/**
 * `profile`: path prefix for the measured phase's .cpuprofile (unset: not profiled). `delivery`: with
 * consent and a frequency cap active (every customer's e-mail opt-in stored before the timed phase),
 * else with the controls letting every send through (consentMode optOut, no caps).
 * `eventStoreDb`: a connection string to run the service on EventStoreDB instead of the embedded store.
 */
export async function benchTriggerIngestion(opts: {
  quick: boolean;
  dir: string;
  profile?: string;
  delivery?: boolean;
  /** Engine partitions of the one process (JOURNEYS_PARTITIONS); 1 unless given. */
  partitions?: number;
  eventStoreDb?: string;
  triggers?: number;
}): Promise<BenchResult> {
  const triggers = opts.triggers ?? (opts.quick ? 20_000 : 200_000);
  const partitions = opts.partitions ?? 1;
  const dataDir = mkdtempSync(join(opts.dir, 'triggers-'));
  const env: Record<string, string> = { JOURNEYS_PARTITIONS: String(partitions) };
  if (opts.eventStoreDb) env.EVENTSTORE_CONNECTION_STRING = opts.eventStoreDb;
  const bench = await BenchApp.start(dataDir, undefined, env);
  try {
    await bench.defineTrigger('signed-up');
    const journeyId = await bench.publish(welcomeJourney('signed-up'));
    if (opts.delivery) await giveConsent(bench, triggers);
    await bench.drain();
    await bench.catchUpReadModels();
    const headBefore = await bench.store.headPosition();
    const occurredAt = new Date().toISOString();
    const transactionsBefore = bench.storeTransactions();
    const cpuBefore = process.cpuUsage();
    const mainBefore = mainThreadCpuSeconds();
    const began = performance.now();
    let acceptedAt = 0;
    const { hotSpots } = await profiled('trigger ingestion', opts.profile, async () => {
      const posts: Promise<unknown>[] = [];
      for (let i = 0; i < triggers; i += BATCH) {
        const messages = Array.from({ length: Math.min(BATCH, triggers - i) }, (_, k) => ({
          id: `t-${i + k}`,
          trigger: 'signed-up',
          customerId: `c-${i + k}`,
          occurredAt,
          attributes: { plan: 'pro' },
        }));
        posts.push(bench.call('POST', '/triggers', messages));
        if (posts.length >= IN_FLIGHT) await posts.shift();
      }
      await Promise.all(posts);
      acceptedAt = performance.now();
      await bench.drain();
    });
    const atWait = seconds(began);
    const cpu = cpuSeconds(cpuBefore);
    const mainThreadCpu = mainThreadCpuSeconds() - mainBefore;
    const storedEvents = await bench.countEvents(headBefore);
    const transactions = bench.storeTransactions() - transactionsBefore;
    await bench.catchUpReadModels();
    const readModelsSeconds = seconds(began);
    const waiting = bench.countInstances(journeyId, 'active');
    if (waiting !== triggers) throw new Error(`expected ${triggers} customers at the wait, found ${waiting}`);
    const analytics = (await bench.call('GET', `/journeys/${journeyId}/analytics`)) as {
      versions: { sends: { requested: number } }[];
    };
    const requested = analytics.versions[0].sends.requested;
    if (requested !== triggers) throw new Error(`expected ${triggers} messages requested, found ${requested}`);

    return {
      name: opts.eventStoreDb
        ? 'trigger ingestion (EventStoreDB protocol path)'
        : opts.delivery
          ? 'trigger ingestion, consent and cap'
          : partitions === 1
            ? 'trigger ingestion'
            : `trigger ingestion, one process owning ${partitions} partitions`,
      figures: {
        triggers,
        triggersPerSec: round(triggers / atWait),
        acceptedPerSec: round(triggers / seconds(began, acceptedAt)),
        secondsUntilAllAtWait: round(atWait, 2),
        storedEvents,
        eventsPerTrigger: round(storedEvents / triggers, 1),
        storedEventsPerSec: round(storedEvents / atWait),
        // Group-commit transactions of the embedded store; EventStoreDB has none to count.
        ...(Number.isNaN(transactions) ? {} : { storeTransactions: transactions }),
        cpuMicrosPerTrigger: round((cpu * 1e6) / triggers),
        mainThreadCpuMicrosPerTrigger: round((mainThreadCpu * 1e6) / triggers),
        secondsUntilReadModelsCaughtUp: round(readModelsSeconds, 2),
      },
      notes:
        `N = ${triggers} distinct customers, one trigger each, posted to POST /triggers in batches of ${BATCH} ` +
        `(${IN_FLIGHT} requests in flight) into a Live journey (send, one-hour wait, send); timed from the first post ` +
        `until every customer's send was requested and its wait scheduled and committed (triggersPerSec), and until ` +
        'every read model had applied it all. The read models follow concurrently in the same process. ' +
        'cpuMicrosPerTrigger: CPU time of the process (all threads) until all were at the wait, per trigger; ' +
        'mainThreadCpuMicrosPerTrigger: the part of it on the main thread (the event-store writer, WAL checkpoints ' +
        'and GC helpers run on others).' +
        (opts.delivery
          ? ' Delivery controls active: consentMode optIn with an e-mail opt-in stored for every customer before the ' +
            'timed phase, and a cap of 3 e-mails per customer per P1D (each send is checked against both and counted).'
          : ' Delivery controls letting every send through: consentMode optOut, no caps, no quiet hours.') +
        (opts.eventStoreDb
          ? ' EventStoreDB protocol path: the service on the EventStoreDB adapter (@eventstore/db-client over ' +
            'gRPC) against the protocol test server in a process of its own on the same machine. It measures the ' +
            "client and protocol side, not a real server's speed."
          : ''),
      hotSpots: hotSpots && [hotSpots],
    };
  } finally {
    await bench.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Settings with consent and a cap, and an e-mail opt-in for every customer the timed phase sends to. */
async function giveConsent(bench: BenchApp, customers: number): Promise<void> {
  await bench.call('PUT', '/settings', BENCH_DELIVERY_SETTINGS);
  const occurredAt = new Date(Date.now() - 60_000).toISOString();
  for (let i = 0; i < customers; i += BATCH) {
    const records = Array.from({ length: Math.min(BATCH, customers - i) }, (_, k) => ({
      customerId: `c-${i + k}`,
      channel: 'email',
      status: 'optedIn',
      occurredAt,
    }));
    await bench.call('POST', '/consent', records);
  }
}

/** CPU seconds of the calling (main) thread, from /proc/thread-self/schedstat (Linux, ns); NaN elsewhere. */
function mainThreadCpuSeconds(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return NaN;
  }
}

if (require.main === module) {
  runAlone('trigger-ingestion', (o) => benchTriggerIngestion({ ...o, delivery: process.argv.includes('--delivery') }));
}

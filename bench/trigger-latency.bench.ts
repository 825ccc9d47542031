/**
 * Scenario 2, latency: triggers offered at a fixed rate (one trigger per POST /triggers), each timed
 * from the moment the schedule says it is sent until its ActionRequested is stored, as seen by a
 * subscription to the store filtered to ActionRequested and matched by customer id.
 *
 * The sender is open-loop: trigger i is due at start + i / rate whatever happened to earlier ones,
 * and its latency counts from that due time, so a stall delays (and counts against) every trigger
 * due during it instead of hiding them (no coordinated omission).
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/trigger-latency.bench.ts [--quick] [--profile]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BenchApp, welcomeJourney } from './support/bench-app';
import { runAlone, round, type BenchResult } from './support/bench-result';
import { profiled } from './support/cpu-profile';

const RATE_PER_SEC = 2_000;
const DRAIN_TIMEOUT_MS = 120_000;

/** Milliseconds at the given quantile (0..1) of sorted samples. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export async function benchTriggerLatency(opts: {
  quick: boolean;
  dir: string;
  profile?: string;
  rate?: number;
}): Promise<BenchResult> {
  const rate = opts.rate ?? RATE_PER_SEC;
  const holdSeconds = opts.quick ? 10 : 60;
  const warmUpSeconds = opts.quick ? 1 : 5;
  const total = rate * (holdSeconds + warmUpSeconds);
  const warmUp = rate * warmUpSeconds;
  const dataDir = mkdtempSync(join(opts.dir, 'latency-'));
  const bench = await BenchApp.start(dataDir);
  try {
    await bench.defineTrigger('signed-up');
    await bench.publish(welcomeJourney('signed-up'));
    await bench.drain();
    await bench.catchUpReadModels();

    const dueAt = new Float64Array(total);
    const acceptedAt = new Float64Array(total);
    const storedAt = new Float64Array(total);
    let stored = 0;
    let allStored: () => void = () => undefined;
    const everyActionStored = new Promise<void>((resolve) => (allStored = resolve));
    const actions = bench.store.subscribeToAll({
      after: await bench.store.headPosition(),
      eventTypes: ['ActionRequested'],
      maxBatchSize: 5_000,
    });
    const watching = (async () => {
      for await (const batch of actions) {
        const now = performance.now();
        for (const event of batch.events) {
          const index = Number((event.data as { customerId: string }).customerId.slice(2));
          if (storedAt[index] === 0) {
            storedAt[index] = now;
            if (++stored === total) allStored();
          }
        }
      }
    })();

    const occurredAt = new Date().toISOString();
    let sendErrors = 0;
    let maxSendLagMs = 0;
    const send = (i: number) => {
      const message = { id: `t-${i}`, trigger: 'signed-up', customerId: `c-${i}`, occurredAt, attributes: {} };
      bench.call('POST', '/triggers', message).then(
        () => (acceptedAt[i] = performance.now()),
        () => sendErrors++,
      );
    };
    const transactionsBefore = bench.storeTransactions();
    const { hotSpots } = await profiled(`${rate} triggers/s`, opts.profile, async () => {
      const start = performance.now() + 10;
      const interval = 1000 / rate;
      await new Promise<void>((done) => {
        let next = 0;
        const pump = () => {
          const now = performance.now();
          for (; next < total && start + next * interval <= now; next++) {
            dueAt[next] = start + next * interval;
            maxSendLagMs = Math.max(maxSendLagMs, now - dueAt[next]);
            send(next);
          }
          if (next === total) done();
          else setTimeout(pump, Math.max(0, start + next * interval - performance.now()));
        };
        setTimeout(pump, 10);
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        everyActionStored,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`only ${stored} of ${total} ActionRequested stored`)),
            DRAIN_TIMEOUT_MS,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    });
    const transactions = bench.storeTransactions() - transactionsBefore;
    await actions[Symbol.asyncIterator]().return?.();
    await watching;

    const measured = total - warmUp;
    const endToEnd = new Float64Array(measured);
    const accept = new Float64Array(measured);
    for (let i = warmUp; i < total; i++) {
      endToEnd[i - warmUp] = storedAt[i] - dueAt[i];
      accept[i - warmUp] = acceptedAt[i] - dueAt[i];
    }
    const window = rate * Math.min(10, holdSeconds);
    const firstWindow = endToEnd.slice(0, window).sort();
    const lastWindow = endToEnd.slice(measured - window).sort();
    endToEnd.sort();
    accept.sort();
    const offeredSeconds = (dueAt[total - 1] - dueAt[warmUp]) / 1000;
    const lastStored = storedAt.slice(warmUp).reduce((a, b) => Math.max(a, b), 0);
    return {
      name: 'trigger latency',
      figures: {
        offeredPerSec: rate,
        heldSeconds: holdSeconds,
        triggers: measured,
        p50Ms: round(quantile(endToEnd, 0.5), 1),
        p90Ms: round(quantile(endToEnd, 0.9), 1),
        p99Ms: round(quantile(endToEnd, 0.99), 1),
        p999Ms: round(quantile(endToEnd, 0.999), 1),
        maxMs: round(endToEnd[measured - 1], 1),
        p99First10sMs: round(quantile(firstWindow, 0.99), 1),
        p99Last10sMs: round(quantile(lastWindow, 0.99), 1),
        acceptP50Ms: round(quantile(accept, 0.5), 1),
        acceptP99Ms: round(quantile(accept, 0.99), 1),
        achievedPerSec: round(measured / ((lastStored - dueAt[warmUp]) / 1000)),
        maxSendLagMs: round(maxSendLagMs, 1),
        storeTransactionsPerSec: round(transactions / ((lastStored - dueAt[0]) / 1000)),
        sendErrors,
      },
      notes:
        `${rate} triggers/s offered open-loop for ${holdSeconds} s after a ${warmUpSeconds} s warm-up (not counted), ` +
        `one trigger per POST /triggers, each for a new customer, into a Live journey (send, one-hour wait, send). ` +
        `Latency: from the trigger's scheduled send time to its ActionRequested seen by a store subscription ` +
        `(eventTypes ActionRequested) in the same process; accept: scheduled send time to the 202. ` +
        `${measured} triggers over ${offeredSeconds.toFixed(1)} s measured; maxSendLagMs is how late the sender ` +
        'itself ran behind its schedule (counted in the latencies); p99First10sMs and p99Last10sMs show whether the ' +
        'service keeps up as its store grows; storeTransactionsPerSec counts the event ' +
        "store's commits (each an fsync) over the whole run, warm-up included.",
      hotSpots: hotSpots && [hotSpots],
    };
  } finally {
    await bench.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) runAlone('trigger-latency', benchTriggerLatency);

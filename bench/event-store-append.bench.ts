/**
 * Appends and reads on the embedded SQLite event store, durable (WAL, synchronous=FULL) throughout.
 *
 * - grouped: N appenders, each appending one event to its own stream and awaiting it; group
 *   commit puts everything appended in one event-loop turn into one transaction.
 * - one transaction per append: the same load with `maxBatchEvents: 1`.
 * - engine-like large groups: many concurrent appenders writing a few events at a time to many
 *   short customer streams (what the journey engine does), then reading everything back with
 *   `readAll` pages and with a catch-up subscription (a projection rebuild).
 * - long streams: 100-event appends to a few long streams with random event ids, the worst case
 *   for the (stream, event_id) index (its pages for a stream are all rewritten by each group).
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/event-store-append.bench.ts [--quick]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent } from '../libs/event-store/src/event-store.port';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';

import type { BenchResult } from './support/bench-result';

export type { BenchResult };

interface Scale {
  appenders: number;
  groupedAppends: number;
  singleTxAppends: number;
  engineAppenders: number;
  engineStreams: number;
  engineEventsPerAppend: number;
  engineEvents: number;
  longStreamBatch: number;
  longStreamEvents: number;
}

const QUICK: Scale = {
  appenders: 200,
  groupedAppends: 20_000,
  singleTxAppends: 400,
  engineAppenders: 1_000,
  engineStreams: 10_000,
  engineEventsPerAppend: 5,
  engineEvents: 100_000,
  longStreamBatch: 100,
  longStreamEvents: 100_000,
};
const FULL: Scale = {
  appenders: 200,
  groupedAppends: 200_000,
  singleTxAppends: 3_000,
  engineAppenders: 1_000,
  engineStreams: 50_000,
  engineEventsPerAppend: 5,
  engineEvents: 1_000_000,
  longStreamBatch: 100,
  longStreamEvents: 500_000,
};

/** Measures append and read throughput in fresh SQLite files under `opts.dir`. */
export async function benchAppends(opts: { quick: boolean; dir: string }): Promise<BenchResult> {
  const scale = opts.quick ? QUICK : FULL;
  const grouped = await appendOneEventEach(join(opts.dir, 'grouped.sqlite'), scale.appenders, scale.groupedAppends);
  const single = await appendOneEventEach(join(opts.dir, 'single.sqlite'), scale.appenders, scale.singleTxAppends, 1);
  const engineFile = join(opts.dir, 'engine.sqlite');
  const engine = await appendLikeTheEngine(engineFile, scale);
  const reads = await readEverything(engineFile);
  const longStreams = await appendToLongStreams(
    join(opts.dir, 'long.sqlite'),
    scale.appenders,
    scale.longStreamBatch,
    scale.longStreamEvents,
  );

  return {
    name: 'event-store-append',
    figures: {
      groupedAppendsPerSec: round(grouped.perSec),
      groupedTransactions: grouped.transactions,
      singleTxAppendsPerSec: round(single.perSec),
      groupCommitSpeedup: round(grouped.perSec / single.perSec, 1),
      engineEventsPerSec: round(engine.perSec),
      engineAppendsPerSec: round(engine.perSec / scale.engineEventsPerAppend),
      engineTransactions: engine.transactions,
      // Wall-clock figures move with whatever else runs on the machine; CPU time per event less so.
      engineCpuMicrosPerEvent: round(engine.cpuMicrosPerEvent, 2),
      readAllEventsPerSec: round(reads.readAllPerSec),
      catchUpSubscriptionEventsPerSec: round(reads.catchUpPerSec),
      longStreamEventsPerSec: round(longStreams.perSec),
    },
    notes:
      `SQLite WAL, synchronous=FULL (fsync per commit), events of ~${EVENT_BYTES} bytes of JSON. ` +
      `Grouped: ${scale.appenders} concurrent appenders, 1 event per append to their own stream, ` +
      `${scale.groupedAppends} appends in ${grouped.transactions} transactions. One transaction per append ` +
      `(maxBatchEvents 1): same appenders, ${scale.singleTxAppends} appends. Engine-like: ${scale.engineAppenders} ` +
      `appenders, ${scale.engineEventsPerAppend} events per append with exact expected revisions over ` +
      `${scale.engineStreams} streams, ${scale.engineEvents} events in ${engine.transactions} transactions, then ` +
      `read back in pages of ${READ_PAGE}. Long streams: ${scale.appenders} streams, ${scale.longStreamBatch} ` +
      `events per append, ${scale.longStreamEvents} events.`,
  };
}

const READ_PAGE = 10_000;
const PAYLOAD = {
  customerId: '',
  journeyId: 'journey-00000000',
  stepId: 'step-wait-3',
  attributes: { plan: 'gold', score: 42 },
};
const EVENT_BYTES = JSON.stringify(newEvent(0)).length;

function newEvent(n: number): NewEvent {
  const id = randomUUID();
  return {
    id,
    type: 'StepEntered',
    data: { ...PAYLOAD, customerId: `customer-${n}` },
    metadata: { occurredAt: new Date().toISOString(), correlationId: id, causationId: id, schemaVersion: 1 },
  };
}

/** `appenders` loops, each appending single events to its own stream until `total` appends are done. */
async function appendOneEventEach(file: string, appenders: number, total: number, maxBatchEvents?: number) {
  const store = SqliteEventStore.open({ file, maxBatchEvents });
  let remaining = total;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: appenders }, async (_, a) => {
      let expectedRevision: number | 'no_stream' = 'no_stream';
      while (remaining > 0) {
        remaining--;
        const result = await store.append(`bench-${a}`, [newEvent(a)], { expectedRevision });
        expectedRevision = result.nextExpectedRevision;
      }
    }),
  );
  const seconds = elapsedSeconds(started);
  const transactions = store.transactionCount;
  await store.close();
  return { perSec: total / seconds, transactions };
}

/** Appenders take turns over many customer streams, a few events per append, like the engine. */
async function appendLikeTheEngine(file: string, scale: Scale) {
  const store = SqliteEventStore.open({ file });
  const revisions = new Map<string, number>();
  let remaining = Math.ceil(scale.engineEvents / scale.engineEventsPerAppend);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: scale.engineAppenders }, async (_, a) => {
      for (let turn = 0; remaining > 0; turn++) {
        remaining--;
        // Appender a owns customers a, a + appenders, a + 2 * appenders, ...: no two write one stream.
        const customer = (a + turn * scale.engineAppenders) % scale.engineStreams;
        const stream = `instance-${customer}`;
        const events = Array.from({ length: scale.engineEventsPerAppend }, () => newEvent(customer));
        const result = await store.append(stream, events, { expectedRevision: revisions.get(stream) ?? 'no_stream' });
        revisions.set(stream, result.nextExpectedRevision);
      }
    }),
  );
  const seconds = elapsedSeconds(started);
  const cpu = process.cpuUsage(cpuBefore);
  const transactions = store.transactionCount;
  await store.close();
  return {
    perSec: scale.engineEvents / seconds,
    transactions,
    cpuMicrosPerEvent: (cpu.user + cpu.system) / scale.engineEvents,
  };
}

async function appendToLongStreams(file: string, appenders: number, batchSize: number, totalEvents: number) {
  const store = SqliteEventStore.open({ file });
  let remaining = Math.ceil(totalEvents / batchSize);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: appenders }, async (_, a) => {
      while (remaining > 0) {
        remaining--;
        await store.append(
          `bench-${a}`,
          Array.from({ length: batchSize }, (_, i) => newEvent(i)),
        );
      }
    }),
  );
  const seconds = elapsedSeconds(started);
  await store.close();
  return { perSec: totalEvents / seconds };
}

async function readEverything(file: string) {
  const store = SqliteEventStore.open({ file });
  try {
    let started = process.hrtime.bigint();
    let count = 0;
    for (let after = -1n; ;) {
      const page = await store.readAll({ after, maxCount: READ_PAGE });
      if (page.length === 0) break;
      count += page.length;
      after = page[page.length - 1].position;
    }
    const readAllPerSec = count / elapsedSeconds(started);

    started = process.hrtime.bigint();
    let delivered = 0;
    for await (const batch of store.subscribeToAll({ maxBatchSize: READ_PAGE })) {
      delivered += batch.events.length;
      if (batch.caughtUp) break;
    }
    return { readAllPerSec, catchUpPerSec: delivered / elapsedSeconds(started) };
  } finally {
    await store.close();
  }
}

function elapsedSeconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

if (require.main === module) {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-es-'));
  benchAppends({ quick: process.argv.includes('--quick'), dir })
    .then((result) => {
      console.log(result.name);
      console.table(Object.entries(result.figures).map(([figure, value]) => ({ figure, value })));
      console.log(result.notes);
    })
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}

/**
 * Scenario 7, Kafka end to end: N triggers produced on journeys.triggers (keyed by customer, in
 * batches) into a Live journey (send, one-hour wait, send), timed until every customer's action is
 * published on journeys.actions. The service runs in this process on the embedded store.
 *
 * Run alone (needs a broker): KAFKA_BROKERS=127.0.0.1:9092 node -r ./libs/testing/src/ts-register.js bench/kafka-triggers.bench.ts [--quick] [--profile]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { TOPIC_ROLES, type TopicNames } from '../libs/messaging/src/topics';
import { createApp } from '../apps/journeys/src/bootstrap';
import { topicVariable } from '../apps/journeys/src/config/app-config';
import { KafkaMessaging } from '../apps/journeys/src/messaging/kafka-messaging.service';
import { ReadModelStore } from '../libs/read-models/src/read-model-store';
import type { EventStore } from '../libs/event-store/src/event-store.port';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { EVENT_STORE } from '../apps/journeys/src/infrastructure/storage.module';
import { printResult, round, type BenchResult } from './support/bench-result';
import { cpuSeconds, seconds, welcomeJourney } from './support/bench-app';
import { profiled } from './support/cpu-profile';

const KEY = 'bench-admin-secret-0001';

export async function benchKafkaTriggers(opts: {
  quick: boolean;
  dir: string;
  brokers: string[];
  /** Path prefix for the measured phase's .cpuprofile (unset: not profiled). */
  profile?: string;
}): Promise<BenchResult> {
  const triggers = opts.quick ? 20_000 : 100_000;
  const batch = 1_000;
  const run = `${process.pid}-${Date.now().toString(36)}`;
  const topics = Object.fromEntries(TOPIC_ROLES.map((role) => [role, `bench-${role}-${run}`])) as unknown as TopicNames;
  const env: Record<string, string> = {
    JOURNEYS_DATA_DIR: mkdtempSync(join(opts.dir, 'kafka-')),
    JOURNEYS_API_KEYS: `bench:admin:${KEY}`,
    LOG_LEVEL: 'error',
    KAFKA_BROKERS: opts.brokers.join(','),
    KAFKA_GROUP_ID: `bench-${run}`,
  };
  for (const role of TOPIC_ROLES) env[topicVariable(role)] = topics[role];
  const app = await createApp(env);
  const kafka = new Kafka({ clientId: `bench-${run}`, brokers: opts.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `bench-reader-${run}` });
  try {
    await app.get(KafkaMessaging).ready();
    const call = async (method: 'POST', url: string, body?: unknown) => {
      const r = await app.inject({ method, url, headers: { authorization: `Bearer ${KEY}` }, payload: body as object });
      if (r.statusCode >= 300) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
      return r.json() as Record<string, unknown>;
    };
    await call('POST', '/trigger-definitions', { name: 'signed-up', attributes: [{ name: 'plan', type: 'text' }] });
    await call('POST', '/trigger-definitions/signed-up/ready');
    const created = await call('POST', '/journeys', welcomeJourney('signed-up'));
    await call('POST', `/journeys/${created.id}/publish`);

    let published = 0;
    let done: () => void = () => undefined;
    const allPublished = new Promise<void>((resolve) => (done = resolve));
    await consumer.connect();
    await consumer.subscribe({ topic: topics.actions, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch: b }) => {
        published += b.messages.length;
        if (published >= triggers) done();
      },
    });
    await producer.connect();

    const messaging = app.get(KafkaMessaging);
    const db = app.get(ReadModelStore).db;
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const now = new Date().toISOString();
    const cpuBefore = process.cpuUsage();
    const mainBefore = mainThreadCpuSeconds();
    const store = app.get<EventStore>(EVENT_STORE);
    const transactionsBefore = store instanceof SqliteEventStore ? store.transactionCount : NaN;
    const began = performance.now();
    // Phase marks: every trigger stored and its offset committed (Kafka intake), every customer known
    // to the engine, every customer at the wait, every action read back from journeys.actions.
    let producedAt = 0;
    let consumedAt = 0;
    let storedAt = 0;
    let enteredAt = 0;
    const { hotSpots } = await profiled('kafka triggers', opts.profile, async () => {
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < triggers; i += batch) {
        const messages = Array.from({ length: Math.min(batch, triggers - i) }, (_, k) => {
          const customerId = `c-${i + k}`;
          const value = {
            id: `t-${i + k}`,
            trigger: 'signed-up',
            customerId,
            occurredAt: now,
            attributes: { plan: 'pro' },
          };
          return { key: customerId, value: JSON.stringify(value) };
        });
        sends.push(producer.send({ topic: topics.triggers, acks: -1, messages }));
        if (sends.length >= 4) await sends.shift();
      }
      await Promise.all(sends);
      producedAt = performance.now();
      while (!enteredAt) {
        if (!consumedAt && messaging.consumed(topics.triggers) >= triggers) consumedAt = performance.now();
        if (!storedAt && count('SELECT COUNT(*) AS n FROM rt_profiles') >= triggers) storedAt = performance.now();
        if (count('SELECT COUNT(*) AS n FROM rt_timers') >= triggers) enteredAt = performance.now();
        await new Promise((r) => setTimeout(r, 20));
      }
      consumedAt ||= enteredAt;
      await allPublished;
    });
    const total = seconds(began);
    const cpu = cpuSeconds(cpuBefore);
    const mainThreadCpu = mainThreadCpuSeconds() - mainBefore;
    const transactions = store instanceof SqliteEventStore ? store.transactionCount - transactionsBefore : NaN;
    return {
      name: 'kafka triggers',
      figures: {
        triggers,
        triggersPerSec: Math.round(triggers / total),
        producedSeconds: Number(seconds(began, producedAt).toFixed(2)),
        secondsUntilAllEngineProcessed: Number(seconds(began, storedAt).toFixed(2)),
        secondsUntilAllAtWait: Number(seconds(began, enteredAt).toFixed(2)),
        secondsUntilAllConsumed: Number(seconds(began, consumedAt).toFixed(2)),
        secondsUntilAllActionsPublished: Number(total.toFixed(2)),
        cpuMicrosPerTrigger: round((cpu * 1e6) / triggers),
        mainThreadCpuMicrosPerTrigger: round((mainThreadCpu * 1e6) / triggers),
        storeTransactions: transactions,
      },
      notes:
        `N = ${triggers} triggers for distinct customers produced on journeys.triggers (batches of ${batch}, 4 in flight, ` +
        'acks -1) into a Live journey (send, one-hour wait, send); timed from the first produce until every ' +
        "customer's action request was read back from journeys.actions. One broker, one service process. " +
        'secondsUntilAllConsumed: every trigger stored and its offset committed by the triggers consumer. ' +
        'cpuMicrosPerTrigger: CPU time of the process (all threads; the bench producer and reader included) ' +
        'until the last action was read back, per trigger; mainThreadCpuMicrosPerTrigger: the part of it on the main ' +
        'thread (engine, store, consumers, forwarder), the thread that bounds the throughput (Linux /proc, 10 ms ticks).',
      hotSpots: hotSpots && [hotSpots],
    };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await app.close();
    rmSync(env.JOURNEYS_DATA_DIR, { recursive: true, force: true });
  }
}

/** CPU seconds of this process's main thread (Linux: /proc/self/task/<pid>/stat, in clock ticks of 10 ms); NaN elsewhere. */
function mainThreadCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

if (require.main === module) {
  const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
  if (!brokers?.length) throw new Error('KAFKA_BROKERS is not set');
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-'));
  // Kept like `npm run bench` keeps them (bench/results/<timestamp>-*, out of git), to open in DevTools.
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profile = process.argv.includes('--profile') ? join('bench', 'results', `${stamp}-kafka-triggers`) : undefined;
  benchKafkaTriggers({ quick: process.argv.includes('--quick'), dir, brokers, profile })
    .then(printResult)
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}

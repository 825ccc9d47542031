/**
 * Scale-out throughput: N triggers posted over HTTP, spread over the replicas, into a Live journey
 * (send, one-hour wait, send); timed until every customer is at the wait, first with one service
 * process owning every engine partition, then with two splitting them. The processes share the
 * EventStoreDB protocol test server (in this process) and the Kafka broker, as in production they
 * would share EventStoreDB and Kafka.
 *
 * On a 2-core machine the replicas, the broker and the test server share the same cores: the figure
 * cannot show scaling, only what the same work costs when split between two processes.
 *
 * Run alone: KAFKA_BROKERS=... node -r ./libs/testing/src/ts-register.js bench/scale-out-triggers.bench.ts [--quick]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EventStoreDbTestServer } from '../libs/testing/src/eventstoredb-server/eventstoredb-test-server';
import { uniqueKafkaName } from '../libs/testing/src/kafka-broker';
import { kafkaTestSettings } from '../test/support/kafka-app';
import { call, EDITOR_KEY, freePort, INGEST_KEY, kill, startService } from '../test/support/service-process';
import { seconds, welcomeJourney } from './support/bench-app';
import { round, runAlone, type BenchResult } from './support/bench-result';

const PARTITIONS = 4;
const BATCH = 500;
const IN_FLIGHT = 4;
const VIEWER_KEY = 'vi-viewer-secret-bench';

interface Replica {
  port: number;
  dataDir: string;
  process: ChildProcess;
}

export async function benchScaleOutTriggers(opts: {
  quick: boolean;
  dir: string;
  brokers: string[];
}): Promise<BenchResult> {
  const triggers = opts.quick ? 5_000 : 40_000;
  const figures: Record<string, number> = { triggers, partitions: PARTITIONS };
  for (const replicas of [1, 2]) {
    const perSec = await run(opts.dir, replicas, triggers);
    figures[replicas === 1 ? 'oneProcessTriggersPerSec' : 'twoProcessesTriggersPerSec'] = round(perSec);
  }
  return {
    name: 'scale-out trigger throughput',
    figures,
    notes:
      `N = ${triggers} distinct customers, one trigger each, posted to POST /triggers in batches of ${BATCH} spread ` +
      `over the replicas (${IN_FLIGHT} requests in flight), with EventStoreDB (the protocol test server, in the ` +
      `bench process) and Kafka, JOURNEYS_PARTITIONS=${PARTITIONS}; timed until every customer is at the wait as ` +
      'the analytics of the first replica show it. One process owns every partition, then two split them. Both ' +
      'cores are shared by the replicas, the broker and the test server, so two processes cannot be faster here.',
  };
}

async function run(dir: string, count: number, triggers: number): Promise<number> {
  const server = await EventStoreDbTestServer.start({ statsPeriodMs: false });
  const settings = kafkaTestSettings();
  const env = {
    ...settings.env,
    EVENTSTORE_CONNECTION_STRING: server.connectionString,
    JOURNEYS_PARTITIONS: String(PARTITIONS),
    KAFKA_SESSION_TIMEOUT_MS: '10000',
    KAFKA_TOPIC_ENGINE_PARTITIONS: uniqueKafkaName('bench-engine-partitions'),
    JOURNEYS_API_KEYS: `ed:editor:${EDITOR_KEY},feed:ingest:${INGEST_KEY},vi:viewer:${VIEWER_KEY}`,
  };
  const replicas: Replica[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const dataDir = mkdtempSync(join(dir, `replica-${i}-`));
      replicas.push({ port, dataDir, process: await startService(dataDir, port, env) });
    }
    await waitForOwners(replicas);
    const [first] = replicas;
    await call(first.port, EDITOR_KEY, 'POST', '/trigger-definitions', { name: 'signed-up', attributes: [] });
    await call(first.port, EDITOR_KEY, 'POST', '/trigger-definitions/signed-up/ready');
    const created = await call(first.port, EDITOR_KEY, 'POST', '/journeys', welcomeJourney('signed-up'));
    const journeyId = created.body.id as string;
    await call(first.port, EDITOR_KEY, 'POST', `/journeys/${journeyId}/publish`);

    const occurredAt = new Date().toISOString();
    const began = performance.now();
    const posts: Promise<unknown>[] = [];
    for (let i = 0, n = 0; i < triggers; i += BATCH, n++) {
      const messages = Array.from({ length: Math.min(BATCH, triggers - i) }, (_, k) => ({
        id: `t-${i + k}`,
        trigger: 'signed-up',
        customerId: `c-${i + k}`,
        occurredAt,
        attributes: {},
      }));
      const replica = replicas[n % replicas.length];
      posts.push(
        call(replica.port, INGEST_KEY, 'POST', '/triggers', messages).then((r) => {
          if (r.status !== 202 || r.body.accepted !== messages.length) throw new Error(`intake: ${JSON.stringify(r)}`);
        }),
      );
      if (posts.length >= IN_FLIGHT) await posts.shift();
    }
    await Promise.all(posts);
    for (;;) {
      const analytics = await call(first.port, VIEWER_KEY, 'GET', `/journeys/${journeyId}/analytics`);
      const pause = (analytics.body.versions?.[0]?.steps ?? []).find((s: { stepId: string }) => s.stepId === 'pause');
      if (pause?.current >= triggers) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return triggers / seconds(began);
  } finally {
    for (const r of replicas) await kill(r.process, 'SIGTERM');
    for (const r of replicas) rmSync(r.dataDir, { recursive: true, force: true });
    await server.close();
  }
}

async function waitForOwners(replicas: readonly Replica[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const owned: number[] = [];
    for (const r of replicas) {
      const health = (await fetch(`http://127.0.0.1:${r.port}/health`).then((x) => x.json())) as {
        engine?: { partitions?: number[] };
      };
      owned.push(...(health.engine?.partitions ?? []));
    }
    if (new Set(owned).size === PARTITIONS && owned.length === PARTITIONS && owned.length > 0) return;
    if (Date.now() > deadline) throw new Error(`partitions not all owned: ${JSON.stringify(owned)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

if (require.main === module) {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (!brokers.length) throw new Error('KAFKA_BROKERS is needed');
  runAlone('scale-out-triggers', (o) => benchScaleOutTriggers({ ...o, brokers }));
}

/**
 * The runtime end to end on the embedded default, in-process (HTTP through Fastify's inject):
 *
 * - trigger ingestion: N distinct customers' triggers into a Live journey (send, then a one-hour wait),
 *   timed until every customer is durably at the wait;
 * - segment enrolment: M members of a one-time segment journey, timed from publish until all entered.
 *
 * Run alone: node -r ./libs/testing/src/ts-register.js bench/runtime.bench.ts [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EventStore } from '../libs/event-store/src/event-store.port';
import { ReadModelStore } from '../libs/read-models/src/read-model-store';
import { createApp } from '../apps/journeys/src/bootstrap';
import { EVENT_STORE } from '../apps/journeys/src/infrastructure/storage.module';
import { JourneyEngine } from '../apps/journeys/src/runtime/engine/journey-engine';
import type { BenchResult } from './event-store-append.bench';

const KEY = 'bench-admin-secret-0001';

async function start(dir: string): Promise<NestFastifyApplication> {
  const app = await createApp({ JOURNEYS_DATA_DIR: dir, JOURNEYS_API_KEYS: `bench:admin:${KEY}`, LOG_LEVEL: 'warn' });
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function call(app: NestFastifyApplication, method: 'GET' | 'POST', url: string, body?: unknown) {
  const response = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${KEY}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Waits until the engine has processed everything stored, including what it stored itself. */
async function drain(app: NestFastifyApplication): Promise<void> {
  const store = app.get<EventStore>(EVENT_STORE);
  const engine = app.get(JourneyEngine);
  for (;;) {
    const head = await store.headPosition();
    await engine.waitFor(head, 10 * 60_000);
    await engine.tick();
    if ((await store.headPosition()) === head) return;
  }
}

function countInstances(app: NestFastifyApplication, journeyId: string, where = ''): number {
  const db = app.get(ReadModelStore).db;
  return (
    db.prepare(`SELECT COUNT(*) AS n FROM rt_instances WHERE journey_id = ? ${where}`).get(journeyId) as { n: number }
  ).n;
}

async function publish(app: NestFastifyApplication, definition: unknown): Promise<string> {
  const created = await call(app, 'POST', '/journeys', definition);
  await call(app, 'POST', `/journeys/${created.id}/publish`);
  return created.id as string;
}

export async function benchRuntime(opts: { quick: boolean; dir: string }): Promise<BenchResult> {
  const triggers = opts.quick ? 20_000 : 200_000;
  const members = opts.quick ? 20_000 : 100_000;
  const batch = 1_000;
  const dir = mkdtempSync(join(opts.dir, 'runtime-'));
  const app = await start(dir);
  try {
    await call(app, 'POST', '/trigger-definitions', {
      name: 'signed-up',
      attributes: [{ name: 'plan', type: 'text' }],
    });
    await call(app, 'POST', '/trigger-definitions/signed-up/ready');
    const welcome = await publish(app, {
      name: 'Bench welcome',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
      steps: [
        { id: 'hello', type: 'send', channel: 'email', content: 'welcome', next: 'pause' },
        { id: 'pause', type: 'wait', duration: 'PT1H', next: 'bye' },
        { id: 'bye', type: 'send', channel: 'email', content: 'bye' },
      ],
    });
    await drain(app);
    const store = app.get<EventStore>(EVENT_STORE);
    const headBefore = await store.headPosition();
    const now = new Date().toISOString();
    const began = performance.now();
    let ingestedAt = 0;
    const posts: Promise<unknown>[] = [];
    for (let i = 0; i < triggers; i += batch) {
      const messages = Array.from({ length: Math.min(batch, triggers - i) }, (_, k) => ({
        id: `t-${i + k}`,
        trigger: 'signed-up',
        customerId: `c-${i + k}`,
        occurredAt: now,
        attributes: { plan: 'pro' },
      }));
      posts.push(call(app, 'POST', '/triggers', messages));
      if (posts.length >= 4) await posts.shift();
    }
    await Promise.all(posts);
    ingestedAt = performance.now();
    await drain(app);
    const triggerSeconds = (performance.now() - began) / 1000;
    const waiting = countInstances(app, welcome, "AND status = 'active'");
    if (waiting !== triggers) throw new Error(`expected ${triggers} customers at the wait, found ${waiting}`);
    const storedEvents = Number((await store.headPosition()) - headBefore);

    const ids = Array.from({ length: members }, (_, i) => `m-${String(i).padStart(7, '0')}`);
    for (let i = 0; i < members; i += 10_000) {
      await call(app, 'POST', '/segments/bench/membership', { joined: ids.slice(i, i + 10_000) });
    }
    await drain(app);
    const enrolStart = performance.now();
    const segmentJourney = await publish(app, {
      name: 'Bench segment',
      audience: { type: 'segment', segments: ['bench'], frequency: { mode: 'once' } },
      steps: [
        { id: 'digest', type: 'send', channel: 'email', content: 'digest', next: 'pause' },
        { id: 'pause', type: 'wait', duration: 'P1D', next: 'bye' },
        { id: 'bye', type: 'send', channel: 'email', content: 'bye' },
      ],
    });
    await drain(app);
    const enrolSeconds = (performance.now() - enrolStart) / 1000;
    const enrolled = countInstances(app, segmentJourney);
    if (enrolled !== members) throw new Error(`expected ${members} enrolled, found ${enrolled}`);

    return {
      name: 'runtime (embedded)',
      figures: {
        triggers,
        triggersPerSec: Math.round(triggers / triggerSeconds),
        triggerAcceptSeconds: Number(((ingestedAt - began) / 1000).toFixed(2)),
        triggerSeconds: Number(triggerSeconds.toFixed(2)),
        storedEventsPerSec: Math.round(storedEvents / triggerSeconds),
        segmentMembers: members,
        enrolSeconds: Number(enrolSeconds.toFixed(2)),
        enrolledPerSec: Math.round(members / enrolSeconds),
      },
      notes:
        `Triggers: ${triggers} distinct customers posted in batches of ${batch} (4 requests in flight), timed until every ` +
        `customer's send was requested and its one-hour wait scheduled and committed. Segment: ${members} members of a ` +
        'one-time segment journey (send, then a one-day wait), timed from publish until every member entered.',
    };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-'));
  benchRuntime({ quick: process.argv.includes('--quick'), dir })
    .then((r) => console.table(r.figures))
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore, RecordedEvent } from '@journeys/event-store';
import { EventStoreDbEventStore } from '@journeys/event-store/eventstoredb/eventstoredb-event-store';
import { startTestServerProcess, type TestServerProcess } from '../libs/testing/src/eventstoredb-server/server-process';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { describeKafka, kafkaBrokers, uniqueKafkaName } from '../libs/testing/src/kafka-broker';
import { partitionOf } from '../apps/journeys/src/runtime/partitions/partition-of';
import { kafkaTestSettings } from './support/kafka-app';
import { ADMIN_KEY, call, EDITOR_KEY, freePort, INGEST_KEY, kill, startService } from './support/service-process';

const PARTITIONS = 6;
const SESSION_TIMEOUT_MS = 6_000;
/**
 * How late a timer of a partition that moved may fire: the session timeout of the member that held it,
 * then a rebalance (which waits for a stalled member's session to end too) and the restore.
 */
const HAND_OFF_BOUND_MS = 2 * SESSION_TIMEOUT_MS + 10_000;

interface Replica {
  name: string;
  port: number;
  dataDir: string;
  process?: ChildProcess;
}

/**
 * Scale-out under faults (issue 13): three service processes share the EventStoreDB protocol test
 * server and a real Kafka broker, splitting six engine partitions, while triggers and segment joins
 * keep coming. One replica is SIGKILLed, another SIGSTOPped past its session timeout and resumed (a
 * stale owner), a fourth starts. Afterwards the stored events show that every trigger entered once,
 * every wait fired once, no step of an instance ran twice or asked for two different actions, no
 * stale owner wrote after losing a partition, and the timers of moved partitions fired in time.
 */
describeKafka('scale-out: replicas split the engine partitions (3 processes, EventStoreDB, Kafka)', () => {
  let server: TestServerProcess;
  let store: EventStore;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    // In a process of its own, like a real server: not answering between this test's turns.
    server = await startTestServerProcess({ statsPeriodMs: false });
    store = EventStoreDbEventStore.connect(server.connectionString);
  });
  afterAll(async () => {
    for (const r of replicas) if (r.process) await kill(r.process, 'SIGKILL').catch(() => undefined);
    for (const r of replicas) rmSync(r.dataDir, { recursive: true, force: true });
    await store.close();
    await server.stop();
  });

  it('keeps every customer on course through a kill, a stall and a join', async () => {
    const settings = kafkaTestSettings();
    const env = {
      ...settings.env,
      EVENTSTORE_CONNECTION_STRING: server.connectionString,
      JOURNEYS_PARTITIONS: String(PARTITIONS),
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      KAFKA_TOPIC_ENGINE_PARTITIONS: uniqueKafkaName('t-engine-partitions'),
      JOURNEYS_API_KEYS: `ed:editor:${EDITOR_KEY},feed:ingest:${INGEST_KEY},vi:viewer:${VIEWER_KEY},ops:admin:${ADMIN_KEY}`,
    };
    const start = async (name: string) => {
      const replica: Replica = {
        name,
        port: await freePort(),
        dataDir: mkdtempSync(join(tmpdir(), `journeys-${name}-`)),
      };
      replica.process = await startService(replica.dataDir, replica.port, env);
      replicas.push(replica);
      return replica;
    };
    const [a, b, c] = [await start('a'), await start('b'), await start('c')];
    await waitForOwners(replicas, PARTITIONS);

    const journeys = await setUp(a.port);
    const seen = new Map<string, number>();
    const claims: Claim[] = [];
    const watcher = watchTimers(store, seen, claims);
    const producer = new Kafka({
      clientId: 'scale-out-load',
      brokers: kafkaBrokers() ?? [],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    const load = new Load(replicas, { producer, topic: settings.topics.triggers });
    const running = load.run();

    const marks: Record<string, number> = { load: Date.now() };
    await sleep(4_000);
    await kill(a.process!, 'SIGKILL');
    marks[`SIGKILL a (pid ${a.process!.pid})`] = Date.now();
    a.process = undefined;
    await sleep(4_000);
    const stalled = b.process!;
    stalled.kill('SIGSTOP');
    marks[`SIGSTOP b (pid ${stalled.pid})`] = Date.now();
    await sleep(SESSION_TIMEOUT_MS + 6_000);
    stalled.kill('SIGCONT');
    marks['SIGCONT b'] = Date.now();
    marks[`d up (pid ${(await start('d')).process!.pid})`] = Date.now();
    await sleep(6_000);
    load.stop();
    await running;
    await producer.disconnect();

    const live = replicas.filter((r) => r.process);
    await waitForOwners(live, PARTITIONS);
    await settled(c.port, journeys, load);
    watcher.stop();

    const events = await store.readAll();
    const accepted = load.acceptedTriggers();
    expect(accepted.size).toBeGreaterThan(100);
    assertEnteredOnce(events, accepted, journeys.triggered);
    assertWaitsFiredOnce(events);
    assertNoStepTwice(events);
    assertNoStaleWrites(events, stalled.pid!);
    assertTimersInTime(events, seen, { marks, claims });
  }, 300_000);
});

const VIEWER_KEY = 'vi-viewer-secret-0003';

async function setUp(port: number): Promise<{ triggered: string; segment: string }> {
  await call(port, EDITOR_KEY, 'POST', '/trigger-definitions', { name: 'signed-up', attributes: [] });
  await call(port, EDITOR_KEY, 'POST', '/trigger-definitions/signed-up/ready');
  const publish = async (definition: unknown) => {
    const created = await call(port, EDITOR_KEY, 'POST', '/journeys', definition);
    const published = await call(port, EDITOR_KEY, 'POST', `/journeys/${created.body.id}/publish`);
    expect(published.body.state).toBe('Live');
    return created.body.id as string;
  };
  const triggered = await publish({
    name: 'welcome',
    audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
    steps: [
      { id: 'hello', type: 'send', channel: 'email', content: 'hello', next: 'pause' },
      { id: 'pause', type: 'wait', duration: 'PT3S', next: 'bye' },
      { id: 'bye', type: 'send', channel: 'email', content: 'bye' },
    ],
  });
  const segment = await publish({
    name: 'beta',
    audience: { type: 'segment', segments: ['beta'], frequency: { mode: 'dynamic' } },
    steps: [
      { id: 'intro', type: 'send', channel: 'email', content: 'intro', next: 'pause' },
      { id: 'pause', type: 'wait', duration: 'PT2S', next: 'outro' },
      { id: 'outro', type: 'send', channel: 'email', content: 'outro' },
    ],
  });
  return { triggered, segment };
}

/**
 * Triggers and segment joins posted to whichever replica answers, each batch retried until stored;
 * and triggers over Kafka keyed by something other than their customer, so they arrive on a topic
 * partition any replica may hold: the engine partition follows the customerId in the body.
 */
class Load {
  private stopped = false;
  private readonly triggers = new Set<string>();
  private batch = 0;

  constructor(
    private readonly replicas: readonly Replica[],
    private readonly kafka: { producer: Producer; topic: string },
  ) {}

  async run(): Promise<void> {
    while (!this.stopped) {
      const n = this.batch++;
      const now = new Date().toISOString();
      const messages = Array.from({ length: 10 }, (_, i) => ({
        id: `t-${n}-${i}`,
        trigger: 'signed-up',
        customerId: `c${(n * 10 + i) % 400}`,
        occurredAt: now,
        attributes: {},
      }));
      await this.post('/triggers', messages);
      for (const m of messages) this.triggers.add(m.id);
      const overKafka = { ...messages[0], id: `k-${n}`, customerId: `c${(n * 7) % 400}` };
      await this.kafka.producer.send({
        topic: this.kafka.topic,
        messages: [{ key: `not-the-customer-${n}`, value: JSON.stringify(overKafka) }],
      });
      this.triggers.add(overKafka.id);
      await this.post('/segments/beta/membership', { joined: [`s${n}`] });
      await sleep(150);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  acceptedTriggers(): ReadonlySet<string> {
    return this.triggers;
  }

  get segmentJoins(): number {
    return this.batch;
  }

  /** Retries on another replica until one stores the body (the same ids: a retry is idempotent). */
  private async post(path: string, body: unknown): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const live = this.replicas.filter((r) => r.process && r.process.exitCode === null);
      const replica = live[attempt % live.length];
      try {
        const response = await Promise.race([
          call(replica.port, INGEST_KEY, 'POST', path, body),
          sleep(2_000).then(() => ({ status: 0 })),
        ]);
        if (response.status === 202) return;
      } catch {
        // Not answering (killed or stopped): the next replica.
      }
      await sleep(100);
    }
  }
}

/** A partition claim as the watcher saw it: the stream, the claimant, and when (wall clock). */
interface Claim {
  stream: string;
  owner: string;
  at: number;
}

/** Notes when each WaitElapsed was first seen (wall clock), by timer id, and when each partition was claimed. */
function watchTimers(store: EventStore, seen: Map<string, number>, claims: Claim[]): { stop(): void } {
  const subscription = store.subscribeToAll({ eventTypes: ['WaitElapsed', 'PartitionClaimed'] });
  const iterator = subscription[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await iterator.next().catch(() => ({ done: true as const, value: undefined }));
      if (next.done) return;
      for (const e of next.value.events) {
        if (e.type === 'PartitionClaimed') {
          claims.push({ stream: e.streamName, owner: data(e).owner as string, at: Date.now() });
          continue;
        }
        const timerId = (e.data as { timerId: string }).timerId;
        if (!seen.has(timerId)) seen.set(timerId, Date.now());
      }
    }
  })();
  return { stop: () => void iterator.return?.() };
}

async function waitForOwners(replicas: readonly Replica[], partitions: number): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const owned: number[] = [];
    for (const r of replicas) {
      const health = (await fetch(`http://127.0.0.1:${r.port}/health`).then(
        (x) => x.json(),
        () => undefined,
      )) as { engine?: { partitions?: number[] } } | undefined;
      owned.push(...(health?.engine?.partitions ?? []));
    }
    if (owned.length === partitions && new Set(owned).size === partitions) return;
    if (Date.now() > deadline) throw new Error(`partitions not all owned once: ${JSON.stringify(owned)}`);
    await sleep(250);
  }
}

/** Waits until every customer who entered either journey has completed it. */
async function settled(port: number, journeys: { triggered: string; segment: string }, load: Load): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const counts = await Promise.all(
      [journeys.triggered, journeys.segment].map(async (id) => {
        const analytics = await call(port, VIEWER_KEY, 'GET', `/journeys/${id}/analytics`);
        return analytics.body.versions[0] as { entered: number; completed: number; active: number };
      }),
    );
    const [t, s] = counts;
    if (t.entered >= load.acceptedTriggers().size && s.entered >= load.segmentJoins && t.active + s.active === 0)
      return;
    if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(counts)}`);
    await sleep(500);
  }
}

const data = (e: RecordedEvent) => e.data as Record<string, unknown>;

function assertEnteredOnce(events: readonly RecordedEvent[], accepted: ReadonlySet<string>, journeyId: string): void {
  const entries = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'CustomerEntered' || data(e).journeyId !== journeyId) continue;
    const id = (data(e).trigger as { id: string }).id;
    entries.set(id, (entries.get(id) ?? 0) + 1);
  }
  const wrong = [...accepted].filter((id) => entries.get(id) !== 1);
  expect(wrong).toEqual([]);
}

function assertWaitsFiredOnce(events: readonly RecordedEvent[]): void {
  const scheduled = new Set(events.filter((e) => e.type === 'WaitScheduled').map((e) => data(e).timerId as string));
  const fired = new Map<string, number>();
  for (const e of events.filter((x) => x.type === 'WaitElapsed')) {
    fired.set(data(e).timerId as string, (fired.get(data(e).timerId as string) ?? 0) + 1);
  }
  expect([...scheduled].filter((id) => fired.get(id) !== 1)).toEqual([]);
  expect(scheduled.size).toBeGreaterThan(100);
}

function assertNoStepTwice(events: readonly RecordedEvent[]): void {
  const steps = new Map<string, number>();
  const actions = new Map<string, Set<string>>();
  for (const e of events) {
    const key = `${data(e).instanceId}|${data(e).stepId}`;
    if (e.type === 'StepEntered') steps.set(key, (steps.get(key) ?? 0) + 1);
    if (e.type === 'ActionRequested') actions.set(key, (actions.get(key) ?? new Set()).add(data(e).actionId as string));
  }
  expect([...steps].filter(([, n]) => n !== 1)).toEqual([]);
  expect([...actions].filter(([, ids]) => ids.size !== 1)).toEqual([]);
}

/**
 * In every partition stream, each unit after a claim was written by the claimant; in particular the
 * stalled process wrote nothing for a partition after another process claimed it.
 */
function assertNoStaleWrites(events: readonly RecordedEvent[], stalledPid: number): void {
  const byStream = new Map<string, RecordedEvent[]>();
  for (const e of events)
    if (e.streamName.startsWith('partition-')) byStream.set(e.streamName, [...(byStream.get(e.streamName) ?? []), e]);
  let claimsFromOthers = 0;
  for (const [, stream] of byStream) {
    let owner: string | undefined;
    for (const e of stream.sort((x, y) => x.revision - y.revision)) {
      if (e.type === 'PartitionClaimed') {
        owner = data(e).owner as string;
        if (!owner.includes(`:${stalledPid}:`)) claimsFromOthers++;
      } else if (e.type === 'PartitionCommitted') {
        expect(data(e).owner).toBe(owner);
      }
    }
  }
  expect(claimsFromOthers).toBeGreaterThan(0);
}

/**
 * Every timer fired within the hand-off bound of its due time (the watcher saw it no later). A late
 * timer fails the test with the timeline it needs explaining: the faults, and its partition's claims.
 */
function assertTimersInTime(
  events: readonly RecordedEvent[],
  seen: ReadonlyMap<string, number>,
  timeline: { marks: Record<string, number>; claims: readonly Claim[] },
): void {
  const scheduled = new Map(
    events.filter((e) => e.type === 'WaitScheduled').map((e) => [data(e).timerId as string, data(e)]),
  );
  const lateness = [...seen].map(([timerId, at]) => {
    const wait = scheduled.get(timerId);
    const dueAt = wait ? Date.parse(wait.dueAt as string) : at;
    const stream = `partition-${partitionOf(String(wait?.customerId), PARTITIONS)}`;
    return { timerId, stream, dueAt, at, lateMs: at - dueAt };
  });
  const late = lateness.filter((t) => t.lateMs > HAND_OFF_BOUND_MS);
  const t0 = timeline.marks.load;
  const rel = (at: number) => `${((at - t0) / 1000).toFixed(1)} s`;
  const explain = [...new Set(late.map((t) => t.stream))].map((stream) => {
    const timers = late.filter((t) => t.stream === stream);
    const span = (times: number[]) => `${rel(Math.min(...times))} to ${rel(Math.max(...times))}`;
    return {
      stream,
      timers: timers.length,
      due: span(timers.map((t) => t.dueAt)),
      fired: span(timers.map((t) => t.at)),
      latestMs: Math.max(...timers.map((t) => t.lateMs)),
      claims: timeline.claims.filter((c) => c.stream === stream).map((c) => `${rel(c.at)} by ${c.owner}`),
    };
  });
  const faults = Object.entries(timeline.marks).map(([what, at]) => `${rel(at)} ${what}`);
  expect({ late: explain, faults }).toEqual({ late: [], faults });
  console.log(
    `timers fired: ${seen.size}; latest ${Math.max(...lateness.map((t) => t.lateMs))} ms after due; ${faults.join(', ')}`,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

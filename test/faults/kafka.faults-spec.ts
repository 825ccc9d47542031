import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { TOPIC_ROLES, type TopicNames } from '@journeys/messaging';
import { TopicReader } from '@journeys/messaging/testing/topic-reader';
import { uniqueKafkaName } from '../../libs/testing/src/kafka-broker';
import { topicVariable } from '../../apps/journeys/src/config/app-config';
import { storageFiles } from '../../apps/journeys/src/infrastructure/storage.module';
import { ADMIN_KEY, EDITOR_KEY, INGEST_KEY } from '../support/service-process';
import { faultsSizes } from './support/faults-scale';
import { startLoggedService, type LoggedService } from './support/logged-service';
import { ownBrokerUnsupported, startOwnKafkaBroker, type OwnKafkaBroker } from './support/own-kafka-broker';

const sizes = faultsSizes();
jest.setTimeout(sizes.testTimeoutMs + 300_000);

const unsupported = ownBrokerUnsupported();
if (unsupported) process.stderr.write(`Kafka faults: skipped: ${unsupported}\n`);

interface Trigger {
  id: string;
  trigger: string;
  customerId: string;
  occurredAt: string;
  attributes: Record<string, unknown>;
}
interface SegmentChange {
  id: string;
  segmentId: string;
  customerId: string;
  change: 'joined';
  occurredAt: string;
}

/** Everything produced, as the broker acknowledged it. */
class Load {
  readonly triggers = new Map<string, Trigger>();
  readonly invalid = new Set<string>();
  readonly members = new Map<string, SegmentChange>();
  /** Sends the broker refused (while it was away), to send again later. */
  readonly unsent: { topic: string; key: string; value: string; record: () => void }[] = [];
  private n = 0;

  constructor(
    private readonly producer: Producer,
    private readonly topics: TopicNames,
    private readonly prefix: string,
  ) {}

  /** One tick: new sign-ups and members, re-sent duplicates, a refused trigger and a non-JSON one. */
  async tick(size: number): Promise<void> {
    const at = new Date().toISOString();
    const triggers: Trigger[] = [];
    const members: SegmentChange[] = [];
    for (let i = 0; i < size; i++, this.n++) {
      const customerId = `${this.prefix}-c${this.n}`;
      triggers.push({
        id: `${this.prefix}-t${this.n}`,
        trigger: 'signed-up',
        customerId,
        occurredAt: at,
        attributes: { plan: 'pro' },
      });
      if (i % 4 === 0) {
        members.push({
          id: `${this.prefix}-s${this.n}`,
          segmentId: 'vip',
          customerId: `${this.prefix}-m${this.n}`,
          change: 'joined',
          occurredAt: at,
        });
      }
    }
    const duplicates = [...this.triggers.values()].slice(-2);
    const bad: Trigger = {
      id: `${this.prefix}-bad${this.n}`,
      trigger: 'no-such-trigger',
      customerId: `${this.prefix}-x${this.n}`,
      occurredAt: at,
      attributes: {},
    };
    await this.send(
      this.topics.triggers,
      [...triggers, ...duplicates].map((t) => [t.customerId, JSON.stringify(t), () => this.triggers.set(t.id, t)]),
    );
    await this.send(this.topics.triggers, [
      [bad.customerId, JSON.stringify(bad), () => this.invalid.add(bad.id)],
      [`${this.prefix}-y`, '{"id": "not json', () => undefined],
    ]);
    await this.send(
      this.topics.segments,
      members.map((m) => [m.customerId, JSON.stringify(m), () => this.members.set(m.id, m)]),
    );
  }

  private async send(topic: string, messages: [string, string, () => void][]): Promise<void> {
    if (!messages.length) return;
    try {
      await this.producer.send({ topic, acks: -1, messages: messages.map(([key, value]) => ({ key, value })) });
      for (const [, , record] of messages) record();
    } catch {
      for (const [key, value, record] of messages) this.unsent.push({ topic, key, value, record });
    }
  }

  /** Sends again what the broker refused; they count once acknowledged. */
  async resend(): Promise<void> {
    const pending = this.unsent.splice(0);
    for (const m of pending) await this.send(m.topic, [[m.key, m.value, m.record]]);
  }
}

interface StoredCounts {
  triggerIds: Map<string, number>;
  segmentIds: Map<string, number>;
  entered: Map<string, number>;
  waitsElapsed: Map<string, number>;
  actionsPerStep: Map<string, number>;
  instances: number;
}

/** Reads the stopped service's event store: how often each thing happened. */
function storedCounts(dataDir: string): StoredCounts {
  const db = new Database(storageFiles(dataDir).eventStore, { readonly: true });
  try {
    const count = (sql: string) =>
      new Map((db.prepare(sql).all() as { k: string; n: number }[]).map((r) => [r.k, r.n]));
    return {
      triggerIds: count(
        `SELECT json_extract(data, '$.id') k, count(*) n FROM events WHERE type = 'TriggerReceived' GROUP BY 1`,
      ),
      segmentIds: count(
        `SELECT json_extract(data, '$.id') k, count(*) n FROM events WHERE type = 'SegmentMembershipChanged' GROUP BY 1`,
      ),
      entered: count(
        `SELECT json_extract(data, '$.journeyId') || '|' || json_extract(data, '$.customerId') k, count(*) n
           FROM events WHERE type = 'CustomerEntered' GROUP BY 1`,
      ),
      waitsElapsed: count(
        `SELECT json_extract(data, '$.instanceId') k, count(*) n FROM events WHERE type = 'WaitElapsed' GROUP BY 1`,
      ),
      actionsPerStep: count(
        `SELECT json_extract(data, '$.instanceId') || '|' || json_extract(data, '$.stepId') k, count(*) n
           FROM events WHERE type = 'ActionRequested' GROUP BY 1`,
      ),
      instances: (db.prepare(`SELECT count(*) n FROM events WHERE type = 'CustomerEntered'`).get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

/** Polls until `accept` holds (conditions, not sleeps). */
async function waitUntil<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch((error: unknown) => error as T);
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} within ${ms} ms; last: ${JSON.stringify(value)?.slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const JOURNEYS = {
  signUp: {
    name: 'Kafka sign-up with a wait',
    audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
    steps: [
      { id: 'hello', type: 'send', channel: 'email', content: 'hello', next: 'hold' },
      { id: 'hold', type: 'wait', duration: 'PT1S', next: 'bye' },
      { id: 'bye', type: 'send', channel: 'email', content: 'bye' },
    ],
  },
  vip: {
    name: 'Kafka VIP with a wait',
    audience: { type: 'segment', segments: ['vip'], frequency: { mode: 'dynamic' } },
    steps: [
      { id: 'welcome', type: 'send', channel: 'sms', content: 'vip', next: 'hold' },
      { id: 'hold', type: 'wait', duration: 'PT1S', next: 'perks' },
      { id: 'perks', type: 'send', channel: 'email', content: 'perks' },
    ],
  },
};

(unsupported ? describe.skip : describe)(`Kafka faults (${sizes.scale}, own broker)`, () => {
  let broker: OwnKafkaBroker;
  let kafka: Kafka;
  let producer: Producer;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    broker = await startOwnKafkaBroker();
    kafka = new Kafka({
      clientId: uniqueKafkaName('faults'),
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 3 },
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await broker?.dispose();
  });

  /** A data directory, topics and a group of this test's own, and the service on them. */
  async function setUp() {
    const dataDir = mkdtempSync(join(tmpdir(), 'journeys-faults-kafka-data-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const topics = Object.fromEntries(
      TOPIC_ROLES.map((role) => [role, uniqueKafkaName(`f-${role}`)]),
    ) as unknown as TopicNames;
    const env: Record<string, string> = {
      JOURNEYS_DATA_DIR: dataDir,
      JOURNEYS_API_KEYS: `ed:editor:${EDITOR_KEY},feed:ingest:${INGEST_KEY},ops:admin:${ADMIN_KEY}`,
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_GROUP_ID: uniqueKafkaName('journeys'),
    };
    for (const role of TOPIC_ROLES) env[topicVariable(role)] = topics[role];
    let service: LoggedService | undefined;
    cleanups.push(async () => {
      await service?.stop('SIGKILL');
    });
    const start = async () => {
      service = await startLoggedService(env);
      await waitUntil(
        () => service!.call('GET', '/health'),
        (h) => (h.body as { kafka?: { state: string } })?.kafka?.state === 'running',
        'Kafka did not start in the service',
        120_000,
      );
      return service;
    };
    await start();
    const s = () => service!;
    const ed = (method: string, path: string, body?: unknown) =>
      s().call(method, path, { key: EDITOR_KEY, body: body === undefined ? undefined : JSON.stringify(body) });
    // The suite predates consent: its customers never gave any, so every send goes out (consentMode optOut).
    const settings = await s().call('PUT', '/settings', {
      key: ADMIN_KEY,
      body: JSON.stringify({ consentMode: 'optOut' }),
    });
    expect(settings.status).toBe(200);
    await ed('POST', '/trigger-definitions', { name: 'signed-up', attributes: [{ name: 'plan', type: 'text' }] });
    await ed('POST', '/trigger-definitions/signed-up/ready');
    const ids: Record<keyof typeof JOURNEYS, string> = { signUp: '', vip: '' };
    for (const key of Object.keys(JOURNEYS) as (keyof typeof JOURNEYS)[]) {
      ids[key] = ((await ed('POST', '/journeys', JOURNEYS[key])).body as { id: string }).id;
      expect((await ed('POST', `/journeys/${ids[key]}/publish`)).body).toMatchObject({ state: 'Live' });
    }
    const reader = await TopicReader.open(kafka, [topics.actions, topics.deadLetter]);
    cleanups.push(() => reader.close());
    const analytics = async (key: keyof typeof JOURNEYS) =>
      (
        (await ed('GET', `/journeys/${ids[key]}/analytics`)).body as {
          versions: { entered: number; completed: number }[];
        }
      ).versions[0];
    return { dataDir, topics, env, start, service: s, ed, ids, reader, analytics };
  }

  /**
   * Waits until every produced sign-up and member went through both sends and the wait, and every
   * action is on journeys.actions; stops the service; then checks the store and the topic: every
   * trigger once, every entry once, every wait fired once, every action requested once, every action
   * published at least once and never under two ids.
   */
  async function expectExactlyOnce(env: Awaited<ReturnType<typeof setUp>>, load: Load) {
    const signUps = new Set([...load.triggers.values()].map((t) => t.customerId)).size;
    const members = new Set([...load.members.values()].map((m) => m.customerId)).size;
    for (const [key, expected] of [
      ['signUp', signUps],
      ['vip', members],
    ] as const) {
      await waitUntil(
        () => env.analytics(key),
        (a) => a?.entered === expected && a.completed === expected,
        `${key}: not all ${expected} customers entered and completed`,
        180_000,
      );
    }
    const actionsExpected = 2 * (signUps + members);
    const published = () =>
      env.reader
        .on(env.topics.actions)
        .map((m) => m.value as { actionId: string; journeyId: string; customerId: string; stepId: string });
    await waitUntil(
      async () => new Set(published().map((a) => a.actionId)).size,
      (n) => n === actionsExpected,
      `not all ${actionsExpected} actions reached journeys.actions`,
      120_000,
    );
    await env.service().stop('SIGTERM');

    const stored = storedCounts(env.dataDir);
    for (const id of load.triggers.keys()) expect([id, stored.triggerIds.get(id)]).toEqual([id, 1]);
    for (const id of load.invalid) expect([id, stored.triggerIds.get(id)]).toEqual([id, undefined]);
    for (const id of load.members.keys()) expect([id, stored.segmentIds.get(id)]).toEqual([id, 1]);
    expect([...stored.entered.values()].filter((n) => n !== 1)).toEqual([]);
    expect(stored.entered.size).toBe(signUps + members);
    expect(stored.instances).toBe(signUps + members);
    expect([...stored.waitsElapsed.values()].filter((n) => n !== 1)).toEqual([]);
    expect(stored.waitsElapsed.size).toBe(stored.instances);
    expect([...stored.actionsPerStep.values()].filter((n) => n !== 1)).toEqual([]);
    expect(stored.actionsPerStep.size).toBe(2 * stored.instances);

    const idsPerStep = new Map<string, Set<string>>();
    for (const a of published()) {
      const step = `${a.journeyId}|${a.customerId}|${a.stepId}`;
      idsPerStep.set(step, (idsPerStep.get(step) ?? new Set()).add(a.actionId));
    }
    expect([...idsPerStep].filter(([, actionIds]) => actionIds.size !== 1)).toEqual([]);
    expect(idsPerStep.size).toBe(actionsExpected);

    // Every refused trigger is on the dead-letter topic (at least once: the output is at-least-once).
    const dead = new Set(
      env.reader
        .on(env.topics.deadLetter)
        .map((m) => {
          try {
            return (JSON.parse((m.value as { value: string }).value) as { id?: string }).id;
          } catch {
            return undefined;
          }
        })
        .filter((id): id is string => id !== undefined),
    );
    expect([...load.invalid].filter((id) => !dead.has(id))).toEqual([]);
    process.stderr.write(
      `Kafka faults: ${load.triggers.size} triggers, ${load.members.size} segment joins, ${load.invalid.size} refused; ` +
        `${stored.instances} instances; ${published().length} action messages for ${actionsExpected} actions\n`,
    );
  }

  it(`keeps every trigger, wait and action exactly once through ${sizes.scale === 'full' ? 10 : 5} SIGKILLs under continuous load`, async () => {
    const env = await setUp();
    const load = new Load(producer, env.topics, 'crash');
    let producing = true;
    const loadLoop = (async () => {
      while (producing) {
        await load.tick(sizes.scale === 'full' ? 50 : 10);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const kills = sizes.scale === 'full' ? 10 : 5;
    for (let k = 0; k < kills; k++) {
      // A random moment: the service has been up for 1 to 6 s, consuming, firing waits and publishing.
      await new Promise((r) => setTimeout(r, 1_000 + Math.floor(Math.random() * 5_000)));
      const [, signal] = await env.service().stop('SIGKILL');
      expect(signal).toBe('SIGKILL');
      await env.start();
    }
    producing = false;
    await loadLoop;
    await load.resend();
    expect(load.unsent).toEqual([]);
    await expectExactlyOnce(env, load);
  });

  it('keeps serving HTTP, reports Kafka degraded, and loses nothing when the broker stops and restarts mid-load', async () => {
    const env = await setUp();
    const load = new Load(producer, env.topics, 'outage');
    for (let i = 0; i < 5; i++) await load.tick(20);

    await broker.stop();
    // Sends fail while the broker is away; they are kept and sent again after it is back.
    await load.tick(20);
    const health = await waitUntil(
      () => env.service().call('GET', '/health'),
      (h) => (h.body as { status?: string })?.status === 'degraded',
      'health did not report Kafka degraded',
      60_000,
    );
    expect(health.status).toBe(200);
    // HTTP intake keeps working meanwhile; its actions wait for the broker.
    const httpTriggers = Array.from({ length: 20 }, (_, i) => ({
      id: `outage-http-${i}`,
      trigger: 'signed-up',
      customerId: `outage-http-c${i}`,
      occurredAt: new Date().toISOString(),
      attributes: { plan: 'pro' },
    }));
    const accepted = await env
      .service()
      .call('POST', '/triggers', { key: INGEST_KEY, body: JSON.stringify(httpTriggers) });
    expect(accepted.body).toMatchObject({ accepted: 20 });
    for (const t of httpTriggers) load.triggers.set(t.id, t as Trigger);

    await broker.start();
    await waitUntil(
      () => env.service().call('GET', '/health'),
      (h) => h.status === 200 && (h.body as { status?: string }).status === 'ok',
      'health did not recover after the broker came back',
      120_000,
    );
    await load.resend();
    for (let i = 0; i < 5; i++) await load.tick(20);
    expect(load.unsent).toEqual([]);
    expect(env.service().child.exitCode).toBeNull();
    await expectExactlyOnce(env, load);
  });
});

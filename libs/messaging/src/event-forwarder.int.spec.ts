import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { NewEvent } from '@journeys/event-store';
import { SqliteEventStore } from '@journeys/event-store/sqlite/sqlite-event-store';
import { ReadModelStore, readModelCheckpoints } from '@journeys/read-models';
import { describeKafka, kafkaBrokers, uniqueKafkaName } from '../../testing/src/kafka-broker';
import { cloudEventsRoute, EventForwarder } from './event-forwarder';
import { createProducer, ensureTopics, KafkaPublisher } from './kafka/kafka-client';
import type { MessagePublisher, OutboundMessage } from './outbound-message';
import { TopicReader } from './testing/topic-reader';

const event = (type: string, data: Record<string, unknown>): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    occurredAt: '2026-11-28T10:00:00.000Z',
    actor: 'ed',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    schemaVersion: 1,
  },
});

/** Fails the first `failures` publishes, as a broker that is unreachable for a while would. */
class FlakyPublisher implements MessagePublisher {
  attempts = 0;
  constructor(
    private readonly inner: MessagePublisher,
    private failures: number,
  ) {}
  async publish(messages: readonly OutboundMessage[]): Promise<void> {
    this.attempts++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('broker unreachable');
    }
    await this.inner.publish(messages);
  }
}

describeKafka('EventForwarder (real SQLite store, real broker)', () => {
  const kafka = new Kafka({
    clientId: uniqueKafkaName('fwd'),
    brokers: kafkaBrokers() ?? [],
    logLevel: logLevel.NOTHING,
  });
  let dir: string;
  let store: SqliteEventStore;
  let checkpoints: ReadModelStore;
  let producer: Producer;
  let reader: TopicReader | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'journeys-forwarder-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    checkpoints = ReadModelStore.open(join(dir, 'read-models.sqlite'));
    producer = createProducer(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    await reader?.close();
    await producer.disconnect();
    await store.close();
    checkpoints.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every event as a CloudEvent with its stored id and resumes from the checkpoint', async () => {
    const topic = uniqueKafkaName('events');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
    await admin.disconnect();

    const journeyId = randomUUID();
    await store.append(`journey-${journeyId}`, [
      event('JourneyCreated', { journeyId, name: 'Welcome' }),
      event('JourneyVersionWentLive', { journeyId, version: 1 }),
    ]);
    await store.append('instance-c1', [event('CustomerEntered', { journeyId, customerId: 'c1', version: 1 })]);
    await store.append('triggerDefinition-signed-up', [event('TriggerDefinitionCreated', { name: 'signed-up' })]);

    const options = { name: 'kafka_forwarder', routes: [cloudEventsRoute(topic, '/journeys')], batchSize: 2 };
    const first = new EventForwarder(store, readModelCheckpoints(checkpoints), new KafkaPublisher(producer), options);
    first.start();
    reader = await TopicReader.open(kafka, [topic]);
    await reader.waitFor((m) => m.length >= 4, 15_000, 'the first four events');
    await first.stop();

    const stored = await store.readAll();
    expect(checkpoints.checkpoint('kafka_forwarder')?.position).toBe(stored[3].position);
    const byId = new Map(reader.messages.map((m) => [m.value.id, m]));
    expect(byId.get(stored[0].id)).toMatchObject({
      key: journeyId,
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      value: {
        specversion: '1.0',
        id: stored[0].id,
        source: '/journeys',
        type: 'journeys.JourneyCreated',
        subject: `journey-${journeyId}`,
        time: '2026-11-28T10:00:00.000Z',
        datacontenttype: 'application/json',
        data: { journeyId, name: 'Welcome' },
        correlationid: 'corr-1',
        causationid: 'cause-1',
        actor: 'ed',
        position: stored[0].position.toString(),
        schemaversion: 1,
        partitionkey: journeyId,
      },
    });
    expect(byId.get(stored[2].id)?.key).toBe('c1');
    expect(byId.get(stored[3].id)?.key).toBe('triggerDefinition-signed-up');

    // Written while the forwarder is down, then a publish failure after the restart: nothing is lost.
    await store.append(`journey-${journeyId}`, [
      event('JourneyEditStarted', { journeyId, version: 2 }),
      event('JourneyDraftDiscarded', { journeyId, version: 2 }),
    ]);
    const flaky = new FlakyPublisher(new KafkaPublisher(producer), 2);
    const second = new EventForwarder(store, readModelCheckpoints(checkpoints), flaky, options);
    second.start();
    await store.append(`journey-${journeyId}`, [event('JourneyVersionStopRequested', { journeyId, version: 1 })]);
    const all = await store.readAll();
    await reader.waitFor((m) => all.every((e) => m.some((x) => x.value.id === e.id)), 15_000, 'every stored event');
    await second.stop();
    expect(flaky.attempts).toBeGreaterThan(2);
    expect(checkpoints.checkpoint('kafka_forwarder')?.position).toBe(all[all.length - 1].position);
    // At least once: ids may repeat, but per journey they arrive in stored order.
    const journeyIds = reader.messages.filter((m) => m.key === journeyId).map((m) => m.value.id);
    const firstSeen = [...new Set(journeyIds)];
    expect(firstSeen).toEqual(all.filter((e) => e.streamName === `journey-${journeyId}`).map((e) => e.id));
  }, 40_000);
});

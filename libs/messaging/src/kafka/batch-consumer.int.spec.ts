import { Kafka, logLevel, type Producer } from 'kafkajs';
import { describeKafka, kafkaBrokers, uniqueKafkaName } from '../../../testing/src/kafka-broker';
import { TopicReader } from '../testing/topic-reader';
import { KafkaBatchConsumer, type BatchHandler } from './batch-consumer';
import { createProducer, ensureTopics, KafkaPublisher } from './kafka-client';

describeKafka('KafkaBatchConsumer (real broker)', () => {
  const kafka = new Kafka({
    clientId: uniqueKafkaName('bc'),
    brokers: kafkaBrokers() ?? [],
    logLevel: logLevel.NOTHING,
  });
  let producer: Producer;
  let consumer: KafkaBatchConsumer | undefined;
  let reader: TopicReader | undefined;

  beforeAll(async () => {
    producer = createProducer(kafka);
    await producer.connect();
  });
  afterEach(async () => {
    await consumer?.stop();
    await reader?.close();
  });
  afterAll(() => producer.disconnect());

  it('dead-letters poison messages, retries a failing chunk in order and commits only finished work', async () => {
    const topic = uniqueKafkaName('in');
    const deadLetterTopic = uniqueKafkaName('dlq');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [
      { topic, numPartitions: 1, replicationFactor: 1 },
      { topic: deadLetterTopic, numPartitions: 1, replicationFactor: 1 },
    ]);

    const values = [
      JSON.stringify({ id: 'a1' }),
      '{"id": "a2"', // cut short
      JSON.stringify({ id: 'a3', failOnce: true }),
      '[1, 2]',
      JSON.stringify({ id: 'a4', refuse: true }),
      JSON.stringify({ id: 'a5' }),
    ];
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: 'customer-1', value })) });

    // The "durable store" of the handler: ids in the order they were stored.
    const stored: string[] = [];
    const seen: string[] = [];
    let failed = false;
    const handle: BatchHandler = async (messages) => {
      const refusals = [];
      for (const [index, { value }] of messages.entries()) {
        seen.push(String(value.id));
        if (value.failOnce && !failed) {
          failed = true;
          throw new Error('store unavailable');
        }
        if (value.refuse) {
          refusals.push({
            index,
            reason: 'VALIDATION_FAILED' as const,
            message: 'refused',
            errors: [{ code: 'UnknownTrigger', path: '$.trigger', message: 'no such trigger' }],
          });
        } else if (!stored.includes(String(value.id))) {
          stored.push(String(value.id));
        }
      }
      return { deadLetters: refusals };
    };

    const groupId = uniqueKafkaName('group');
    consumer = new KafkaBatchConsumer({
      kafka,
      groupId,
      topic,
      deadLetterTopic,
      publisher: new KafkaPublisher(producer),
      handle,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    await consumer.start();
    reader = await TopicReader.open(kafka, [deadLetterTopic]);
    await reader.waitFor((m) => m.length >= 3, 15_000, 'three dead letters');
    await waitUntil(async () => (await committed(admin, groupId, topic)) === '6');

    expect(stored).toEqual(['a1', 'a3', 'a5']);
    // The failing chunk was handed in again from its start: order kept, nothing skipped.
    expect(seen).toEqual(['a1', 'a3', 'a1', 'a3', 'a4', 'a5']);
    expect(reader.messages.map((m) => [m.key, m.value.reason, m.value.origin.offset])).toEqual([
      ['customer-1', 'BAD_JSON', '1'],
      ['customer-1', 'NOT_AN_OBJECT', '3'],
      ['customer-1', 'VALIDATION_FAILED', '4'],
    ]);
    expect(reader.messages[0].value).toMatchObject({
      origin: { topic, partition: 0, offset: '1', key: 'customer-1' },
      value: '{"id": "a2"',
    });
    expect(reader.messages[2].value.errors).toEqual([
      { code: 'UnknownTrigger', path: '$.trigger', message: 'no such trigger' },
    ]);
    expect(consumer.status()).toMatchObject({ topic, groupId, state: 'running', lag: 0, retrying: false });
    await admin.disconnect();
  }, 30_000);
});

async function committed(admin: ReturnType<Kafka['admin']>, groupId: string, topic: string): Promise<string> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return offsets.partitions[0].offset;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { describeKafka, kafkaBrokers, uniqueKafkaName } from '../../../testing/src/kafka-broker';

const MESSAGE_COUNT = 1_000;
const KEY_COUNT = 37;
const BATCH_SIZE = 100;
const PARTITIONS = 3;

interface Received {
  /** The Kafka message key, checked against the key the producer put in the value. */
  messageKey: string | undefined;
  key: string;
  seq: number;
  partition: number;
}

describeKafka('Kafka broker (real, via kafkajs)', () => {
  const kafka = new Kafka({
    clientId: uniqueKafkaName('smoke'),
    brokers: kafkaBrokers() ?? [],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  beforeAll(() => admin.connect());

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin.disconnect();
  });

  it('delivers 1,000 keyed messages across 3 partitions to a consumer group, in order per key', async () => {
    const topic = uniqueKafkaName('smoke-topic');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true })).toBe(
      true,
    );

    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await producer.connect();
    // One batch at a time, so the per-key order on the wire is the order of `seq`.
    for (let start = 0; start < MESSAGE_COUNT; start += BATCH_SIZE) {
      const messages = Array.from({ length: BATCH_SIZE }, (_, offset) => {
        const seq = start + offset;
        const key = `customer-${seq % KEY_COUNT}`;
        return { key, value: JSON.stringify({ key, seq }) };
      });
      await producer.send({ topic, acks: -1, messages });
    }

    const received: Received[] = [];
    let allReceived: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    consumer = kafka.consumer({ groupId: uniqueKafkaName('smoke-group') });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const { key, seq } = JSON.parse(message.value?.toString() ?? '{}') as { key: string; seq: number };
          received.push({ messageKey: message.key?.toString(), key, seq, partition: batch.partition });
        }
        if (received.length >= MESSAGE_COUNT) {
          allReceived();
        }
      },
    });
    await withDeadline(done, 60_000, () => `only ${received.length} of ${MESSAGE_COUNT} messages arrived`);

    expect(received).toHaveLength(MESSAGE_COUNT);
    expect(received.filter((message) => message.messageKey !== message.key)).toEqual([]);
    expect(new Set(received.map((message) => message.seq)).size).toBe(MESSAGE_COUNT);
    expect(new Set(received.map((message) => message.partition))).toEqual(new Set([0, 1, 2]));
    for (const [key, seqs] of seqsByKey(received)) {
      expect({ key, seqs }).toEqual({ key, seqs: [...seqs].sort((a, b) => a - b) });
      expect(new Set(received.filter((message) => message.key === key).map((message) => message.partition)).size).toBe(
        1,
      );
    }

    await admin.deleteTopics({ topics: [topic] });
  }, 90_000);
});

function seqsByKey(messages: Received[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const { key, seq } of messages) {
    byKey.set(key, [...(byKey.get(key) ?? []), seq]);
  }
  return byKey;
}

function withDeadline(condition: Promise<void>, ms: number, describeFailure: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describeFailure())), ms);
  });
  return Promise.race([condition, deadline]).finally(() => clearTimeout(timer));
}

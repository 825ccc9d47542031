/**
 * Raw Kafka throughput with kafkajs, no service code: the ceiling the Kafka adapters work under.
 *
 * Produces N keyed ~300-byte JSON messages to a fresh 3-partition topic in batched sends with
 * acks=-1, then consumes them all with eachBatch in a fresh consumer group.
 *
 * Run alone (needs a broker: `export "$(deploy/local/kafka.sh start)"`):
 *   node -r ./libs/testing/src/ts-register.js bench/kafka-raw.bench.ts [--quick]
 */
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { kafkaBrokers, uniqueKafkaName } from '../libs/testing/src/kafka-broker';

interface Scale {
  messages: number;
  batchSize: number;
  inFlightSends: number;
}

const QUICK: Scale = { messages: 20_000, batchSize: 500, inFlightSends: 4 };
const FULL: Scale = { messages: 200_000, batchSize: 500, inFlightSends: 4 };
const PARTITIONS = 3;
const KEYS = 10_000;
const CONSUME_TIMEOUT_MS = 300_000;

/** Measures produce, consume and end-to-end message rates against the brokers in `opts.brokers`. */
export async function benchKafkaRaw(opts: {
  quick: boolean;
  brokers: string[];
}): Promise<{ name: string; figures: Record<string, number>; notes: string }> {
  const scale = opts.quick ? QUICK : FULL;
  const kafka = new Kafka({ clientId: uniqueKafkaName('bench'), brokers: opts.brokers, logLevel: logLevel.NOTHING });
  const topic = uniqueKafkaName('bench-raw');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    const produceStarted = performance.now();
    await produceAll(kafka, topic, scale);
    const produceEnded = performance.now();
    const consumed = await consumeAll(kafka, topic, scale.messages);
    const produceSeconds = (produceEnded - produceStarted) / 1000;
    const consumeSeconds = (consumed.lastMessageAt - consumed.firstBatchAt) / 1000;
    const endToEndSeconds = (consumed.lastMessageAt - produceStarted) / 1000;

    return {
      name: 'kafka-raw',
      figures: {
        messages: scale.messages,
        valueBytes: VALUE_BYTES,
        producedMsgsPerSec: round(scale.messages / produceSeconds),
        producedMBPerSec: round((scale.messages * VALUE_BYTES) / produceSeconds / 1e6, 1),
        consumedMsgsPerSec: round(scale.messages / consumeSeconds),
        endToEndMsgsPerSec: round(scale.messages / endToEndSeconds),
        consumerFirstBatchMs: round(consumed.firstBatchAt - consumed.runStartedAt),
        consumedBatches: consumed.batches,
      },
      notes:
        `kafkajs 2.2, one broker, ${PARTITIONS} partitions, ${KEYS} distinct keys, ~${VALUE_BYTES}-byte JSON values, ` +
        `no compression. Produce: sends of ${scale.batchSize} messages, acks=-1, up to ${scale.inFlightSends} sends in ` +
        `flight. Consume: fresh group from the beginning, eachBatch with default fetch sizes, counted from the first ` +
        `batch (group join excluded; see consumerFirstBatchMs). End to end: first send to last message consumed, ` +
        `join included.`,
    };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

const VALUE_BYTES = messageValue(0).length;

function messageValue(n: number): string {
  return JSON.stringify({
    type: 'TriggerReceived',
    customerId: customerKey(n),
    journeyId: 'journey-0000000000000000',
    triggerId: `trigger-${n.toString().padStart(10, '0')}`,
    occurredAt: '2026-01-01T00:00:00.000Z',
    attributes: { plan: 'gold', country: 'DE', score: 42, tags: ['newsletter', 'trial', 'mobile'] },
    pad: 'x'.repeat(30),
  });
}

function customerKey(n: number): string {
  return `customer-${(n % KEYS).toString().padStart(6, '0')}`;
}

async function produceAll(kafka: Kafka, topic: string, scale: Scale): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < scale.messages) {
        const start = next;
        next = Math.min(start + scale.batchSize, scale.messages);
        const messages: Message[] = [];
        for (let n = start; n < next; n += 1) {
          messages.push({ key: customerKey(n), value: messageValue(n) });
        }
        await producer.send({ topic, acks: -1, messages });
      }
    };
    await Promise.all(Array.from({ length: scale.inFlightSends }, lane));
  } finally {
    await producer.disconnect();
  }
}

interface ConsumeTimes {
  runStartedAt: number;
  firstBatchAt: number;
  lastMessageAt: number;
  batches: number;
}

async function consumeAll(kafka: Kafka, topic: string, expected: number): Promise<ConsumeTimes> {
  const consumer = kafka.consumer({ groupId: uniqueKafkaName('bench-raw-group') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let received = 0;
    let batches = 0;
    let firstBatchAt = 0;
    let allReceived: (lastMessageAt: number) => void = () => undefined;
    const done = new Promise<number>((resolve) => (allReceived = resolve));
    const runStartedAt = performance.now();
    await consumer.run({
      eachBatch: async ({ batch }) => {
        firstBatchAt ||= performance.now();
        batches += 1;
        received += batch.messages.length;
        if (received >= expected) {
          allReceived(performance.now());
        }
      },
    });
    const lastMessageAt = await withDeadline(done, CONSUME_TIMEOUT_MS, () => `consumed ${received} of ${expected}`);
    return { runStartedAt, firstBatchAt, lastMessageAt, batches };
  } finally {
    await consumer.disconnect();
  }
}

function withDeadline<T>(condition: Promise<T>, ms: number, describeFailure: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describeFailure())), ms);
  });
  return Promise.race([condition, deadline]).finally(() => clearTimeout(timer));
}

function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

if (require.main === module) {
  const brokers = kafkaBrokers();
  if (!brokers) {
    console.error('KAFKA_BROKERS is not set; start a broker with: export "$(deploy/local/kafka.sh start)"');
    process.exit(2);
  }
  benchKafkaRaw({ quick: process.argv.includes('--quick'), brokers }).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

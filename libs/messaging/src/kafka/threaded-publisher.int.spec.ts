import type { Worker } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import { describeKafka, kafkaBrokers, uniqueKafkaName } from '../../../testing/src/kafka-broker';
import type { OutboundMessage } from '../outbound-message';
import { TopicReader } from '../testing/topic-reader';
import { ensureTopics } from './kafka-client';
import { ThreadedKafkaPublisher } from './threaded-publisher';

describeKafka('ThreadedKafkaPublisher (real broker)', () => {
  const brokers = kafkaBrokers() ?? [];
  const kafka = new Kafka({ clientId: uniqueKafkaName('tp'), brokers, logLevel: logLevel.NOTHING });
  let publisher: ThreadedKafkaPublisher | undefined;
  let reader: TopicReader | undefined;

  afterEach(async () => {
    await publisher?.stop();
    await reader?.close();
  });

  /** One partition, so the order on the topic is the order of publishing; records over 1,000 bytes are refused. */
  async function smallTopic(): Promise<string> {
    const topic = uniqueKafkaName('tp');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [
      { topic, numPartitions: 1, replicationFactor: 1, config: { 'max.message.bytes': '1000' } },
    ]);
    await admin.disconnect();
    return topic;
  }

  const messages = (topic: string, ...values: string[]): OutboundMessage[] =>
    values.map((value) => ({ topic, key: 'k', value, headers: { 'content-type': 'application/json' } }));

  it('publishes from its thread, counts what was acknowledged and keeps a sequence in call order', async () => {
    const topic = await smallTopic();
    const published: [string, number][] = [];
    publisher = new ThreadedKafkaPublisher({
      connection: { brokers, clientId: uniqueKafkaName('tp') },
      observer: {
        published: (t, n) => published.push([t, n]),
        received: () => undefined,
        deadLettered: () => undefined,
      },
    });
    await publisher.start();
    await publisher.publish(messages(topic, '"a"'));
    const sequence = publisher.sequence();
    // Handed over without waiting for each other: the thread sends them one after another.
    await Promise.all(['b', 'c', 'd', 'e'].map((v) => sequence.publish(messages(topic, `"${v}1"`, `"${v}2"`))));

    reader = await TopicReader.open(kafka, [topic]);
    await reader.waitFor((m) => m.length >= 9, 15_000, 'nine messages');
    expect(reader.messages.map((m) => m.value)).toEqual(['a', 'b1', 'b2', 'c1', 'c2', 'd1', 'd2', 'e1', 'e2']);
    expect(reader.messages[0]).toMatchObject({ key: 'k', headers: { 'content-type': 'application/json' } });
    expect(published).toEqual([
      [topic, 1],
      [topic, 2],
      [topic, 2],
      [topic, 2],
      [topic, 2],
    ]);
  }, 30_000);

  it('fails the later calls of a sequence unsent once one fails, and keeps serving other calls', async () => {
    const topic = await smallTopic();
    publisher = new ThreadedKafkaPublisher({ connection: { brokers, clientId: uniqueKafkaName('tp') } });
    await publisher.start();
    const sequence = publisher.sequence();
    const results = await Promise.allSettled([
      sequence.publish(messages(topic, '"first"')),
      sequence.publish(messages(topic, JSON.stringify('x'.repeat(2_000)))), // over the topic's limit
      sequence.publish(messages(topic, '"after the failure"')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    await expect(sequence.publish(messages(topic, '"later still"'))).rejects.toThrow(/earlier publish/);
    await publisher.publish(messages(topic, '"outside the sequence"'));

    reader = await TopicReader.open(kafka, [topic]);
    await reader.waitFor((m) => m.length >= 2, 15_000, 'two messages');
    expect(reader.messages.map((m) => m.value)).toEqual(['first', 'outside the sequence']);
  }, 30_000);

  it('fails what a dead thread had, fails its sequences for good, and starts a new thread for the next call', async () => {
    const topic = await smallTopic();
    publisher = new ThreadedKafkaPublisher({ connection: { brokers, clientId: uniqueKafkaName('tp') } });
    await publisher.start();
    const sequence = publisher.sequence();
    await sequence.publish(messages(topic, '"before"'));
    const inFlight = sequence.publish(messages(topic, '"lost with the thread"'));
    await (publisher as unknown as { worker: Worker }).worker.terminate();
    await expect(inFlight).rejects.toThrow(/exited/);
    await expect(sequence.publish(messages(topic, '"after"'))).rejects.toThrow(/earlier publish/);
    await publisher.publish(messages(topic, '"on a new thread"'));

    reader = await TopicReader.open(kafka, [topic]);
    await reader.waitFor((m) => m.some((x) => x.value === 'on a new thread'), 15_000, 'the message after the restart');
    expect(reader.messages.map((m) => m.value)).not.toContain('after');
  }, 30_000);

  it('rejects start-up while the broker is unreachable', async () => {
    publisher = new ThreadedKafkaPublisher({
      connection: { brokers: ['127.0.0.1:1'], clientId: uniqueKafkaName('tp') },
    });
    await expect(publisher.start()).rejects.toThrow();
  }, 60_000);
});

import { Kafka, logLevel, Partitioners, type Admin, type Producer, type SASLOptions } from 'kafkajs';
import type { MessagePublisher, MessagingLogger, MessagingObserver, OutboundMessage } from '../outbound-message';

/** How to reach the brokers. */
export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/** A kafkajs client whose log lines go to `logger` (kafkajs INFO and below only at debug). */
export function createKafka(connection: KafkaConnection, logger?: MessagingLogger): Kafka {
  return new Kafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    ssl: connection.ssl ?? false,
    sasl: connection.sasl as SASLOptions | undefined,
    logLevel: logger ? logLevel.INFO : logLevel.NOTHING,
    logCreator:
      () =>
      ({ namespace, level, log }) => {
        if (!logger) return;
        const line = `${namespace}: ${log.message}${log.error ? ` (${String(log.error)})` : ''}`;
        if (level === logLevel.ERROR) logger.error(line);
        else if (level === logLevel.WARN) logger.warn(line);
        else logger.debug?.(line);
      },
  });
}

/** A topic the service needs, with the settings it gets when the service creates it. */
export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  /** Topic-level configs, e.g. `max.message.bytes`. */
  config?: Record<string, string>;
}

/**
 * Creates the topics that do not exist yet and waits for their leaders; existing topics are left
 * as they are (their partitions and configs belong to whoever created them). Returns the created names.
 */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (!missing.length) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((s) => ({
      topic: s.topic,
      numPartitions: s.numPartitions,
      replicationFactor: s.replicationFactor,
      configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
    })),
  });
  return missing.map((s) => s.topic);
}

/** The producer settings every publisher uses: Java-compatible key hashing, no topic auto-creation. */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
}

/**
 * Publishes through one kafkajs producer with `acks: -1` (all in-sync replicas), one `sendBatch`
 * per call so that a call's messages for one partition keep their order.
 */
export class KafkaPublisher implements MessagePublisher {
  constructor(
    private readonly producer: Producer,
    private readonly observer?: MessagingObserver,
  ) {}

  async publish(messages: readonly OutboundMessage[]): Promise<void> {
    if (!messages.length) return;
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic);
      if (list) list.push(m);
      else byTopic.set(m.topic, [m]);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map(({ key, value, headers }) => ({ key, value, headers })),
      })),
    });
    for (const [topic, list] of byTopic) this.observer?.published(topic, list.length);
  }
}

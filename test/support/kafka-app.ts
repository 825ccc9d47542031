import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { TOPIC_ROLES, type TopicNames } from '@journeys/messaging';
import { TopicReader } from '@journeys/messaging/testing/topic-reader';
import { kafkaBrokers, uniqueKafkaName } from '../../libs/testing/src/kafka-broker';
import { topicVariable } from '../../apps/journeys/src/config/app-config';
import { KafkaMessaging } from '../../apps/journeys/src/messaging/kafka-messaging.service';
import { startTestApp, type ManualClock, type TestApp, type TestConsentMode } from './test-app';

/** Topic names and a group id no other test uses, as settings for the app. */
export function kafkaTestSettings(): { env: Record<string, string>; topics: TopicNames; groupId: string } {
  const topics = Object.fromEntries(
    TOPIC_ROLES.map((role) => [role, uniqueKafkaName(`t-${role}`)]),
  ) as unknown as TopicNames;
  const groupId = uniqueKafkaName('journeys');
  const env: Record<string, string> = {
    KAFKA_BROKERS: (kafkaBrokers() ?? []).join(','),
    KAFKA_GROUP_ID: groupId,
    KAFKA_CLIENT_ID: 'journeys-e2e',
  };
  for (const role of TOPIC_ROLES) env[topicVariable(role)] = topics[role];
  return { env, topics, groupId };
}

/** The app with Kafka on, plus a producer for inbound topics and a reader of the outbound ones. */
export interface KafkaTestApp {
  t: TestApp;
  topics: TopicNames;
  groupId: string;
  kafka: Kafka;
  reader: TopicReader;
  produce(topic: string, messages: { key?: string; value: unknown }[]): Promise<void>;
  /** Closes the app (keeping its data when asked), the producer and the reader. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startKafkaTestApp(
  options: {
    settings?: ReturnType<typeof kafkaTestSettings>;
    dataDir?: string;
    clock?: ManualClock;
    consentMode?: TestConsentMode;
  } = {},
): Promise<KafkaTestApp> {
  const settings = options.settings ?? kafkaTestSettings();
  const { dataDir, clock, consentMode } = options;
  const t = await startTestApp({ dataDir, clock, env: settings.env, consentMode });
  await withTimeout(t.app.get(KafkaMessaging).ready(), 30_000, 'Kafka messaging did not start');
  const kafka = new Kafka({
    clientId: uniqueKafkaName('e2e'),
    brokers: kafkaBrokers() ?? [],
    logLevel: logLevel.NOTHING,
  });
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const { topics } = settings;
  const reader = await TopicReader.open(kafka, [
    topics.commandResults,
    topics.deadLetter,
    topics.events,
    topics.actions,
  ]);
  return {
    t,
    topics,
    groupId: settings.groupId,
    kafka,
    reader,
    async produce(topic, messages) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map(({ key, value }) => ({
          key: key ?? null,
          value: typeof value === 'string' ? value : JSON.stringify(value),
        })),
      });
    },
    async close({ keepData = false } = {}) {
      await t.close({ keepData });
      await producer.disconnect();
      await reader.close();
    },
  };
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EVENT_STORE, type Checkpoint, type CheckpointStore, type EventStore } from '@journeys/event-store';
import {
  cloudEventsRoute,
  createKafka,
  ensureTopics,
  EventForwarder,
  KafkaBatchConsumer,
  ThreadedKafkaPublisher,
  TOPIC_ROLES,
  type BatchConsumerStatus,
  type BatchHandler,
  type MessagingLogger,
  type MessagingObserver,
  type TopicSpec,
} from '@journeys/messaging';
import { retryUntilDone, type RetryPolicy } from '@journeys/retry';
import { CLOCK, type Clock } from '../common/clock';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { Ingestion } from '../ingestion/ingestion.port';
import { CHECKPOINT_STORE } from '../infrastructure/storage.module';
import { JourneysMetrics } from '../metrics/journeys-metrics';
import { ForwardRoutes } from './forward-routes';
import { KafkaCommandConsumer } from './kafka-command.consumer';
import { ingestionHandler } from './kafka-ingestion.handler';
import { messagingMetrics } from './messaging-metrics';
import { FORWARDER_CHECKPOINT, PartitionForwarders } from './partition-forwarders';
import { JourneyEngine } from '../runtime/engine/journey-engine';

export { FORWARDER_CHECKPOINT };

/** `source` of every CloudEvent the service publishes. */
export const CLOUD_EVENTS_SOURCE = '/journeys';
/** While the broker is unreachable at start-up. */
const START_RETRY: RetryPolicy = { initialMs: 1_000, maxMs: 30_000 };
/** Large journey definitions travel in events; dead letters carry up to 1 MiB of the original. */
const LARGE_MESSAGES = { 'max.message.bytes': String(10 * 1024 * 1024) };

/** The `kafka` section of `/health`. */
export interface KafkaHealth {
  /** `starting` until topics exist and every consumer and the forwarder run (retried while the broker is away). */
  state: 'starting' | 'running' | 'stopped';
  brokers: string[];
  lastError?: string;
  consumers: Omit<BatchConsumerStatus, 'partitions'>[];
  forwarder: { position: string; lag?: string; caughtUp: boolean; running: boolean; lastError?: string };
}

/**
 * Everything Kafka, active only when KAFKA_BROKERS is set: creates missing topics, runs the
 * consumers (commands; triggers and segments when the ingestion path exists) in their consumer
 * groups and the forwarder of stored events. Starts in the background, retrying while the broker
 * is unreachable, so the HTTP API serves meanwhile; stops before the stores close.
 */
@Injectable()
export class KafkaMessaging implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Kafka');
  private readonly observer: MessagingObserver;
  private state: KafkaHealth['state'] = 'stopped';
  private lastError: string | undefined;
  private readonly stopped = new AbortController();
  private startup: Promise<void> | undefined;
  private markReady: () => void = () => undefined;
  private readonly started = new Promise<void>((resolve) => (this.markReady = resolve));
  private publisher: ThreadedKafkaPublisher | undefined;
  private consumers: KafkaBatchConsumer[] = [];
  private forwarders: PartitionForwarders | undefined;
  /** The forwarders' position while they do not run (from the checkpoint, or their last status). */
  private forwarderPosition = -1n;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commandConsumer: KafkaCommandConsumer,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    private readonly routes: ForwardRoutes,
    private readonly moduleRef: ModuleRef,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: JourneysMetrics,
  ) {
    this.observer = messagingMetrics(metrics);
    if (this.enabled) this.registerGauges(metrics);
  }

  get enabled(): boolean {
    return this.config.kafkaBrokers.length > 0;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.checkpoints.load(FORWARDER_CHECKPOINT).then(
      (checkpoint: Checkpoint | undefined) => (this.forwarderPosition = checkpoint?.position ?? this.forwarderPosition),
      () => undefined,
    );
    this.state = 'starting';
    this.startup = this.startWithRetry();
  }

  /** Resolves once the topics exist, the forwarder runs and the consumers are subscribed (tests wait on it). */
  ready(): Promise<void> {
    return this.started;
  }

  /** Consumers commit what they finished and leave their groups; the forwarder acknowledges its batch. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.enabled) return;
    this.stopped.abort();
    await this.startup;
    await this.teardown();
    this.state = 'stopped';
  }

  health(head: bigint | undefined): KafkaHealth | undefined {
    if (!this.enabled) return undefined;
    const forwarder = this.forwarders?.status();
    const position = forwarder?.position ?? this.forwarderPosition;
    return {
      state: this.state,
      brokers: this.config.kafkaBrokers,
      lastError: this.lastError,
      consumers: this.consumers.map((c) => {
        const { partitions: _partitions, ...status } = c.status();
        return status;
      }),
      forwarder: {
        position: position.toString(),
        lag: head === undefined ? undefined : (head > position ? head - position : 0n).toString(),
        caughtUp: forwarder?.caughtUp ?? false,
        running: forwarder?.running ?? false,
        lastError: forwarder?.lastError,
      },
    };
  }

  /** Messages of `topic` this replica has finished and will commit (sum of its partitions' next offsets). */
  consumed(topic: string): number {
    const status = this.consumers.find((c) => c.status().topic === topic)?.status();
    return (status?.partitions ?? []).reduce((sum, p) => sum + Number(p.next), 0);
  }

  /** Starts, retrying with back-off (1 s doubling to 30 s) while the broker is unreachable, until stopped. */
  private async startWithRetry(): Promise<void> {
    const outcome = await retryUntilDone(
      async () => {
        try {
          await this.start();
        } catch (error) {
          await this.teardown();
          throw error;
        }
      },
      {
        policy: START_RETRY,
        signal: this.stopped.signal,
        onRetry: ({ error, delayMs }) => {
          this.lastError = error instanceof Error ? error.message : String(error);
          this.logger.error(`Kafka start failed, retrying in ${delayMs} ms: ${this.lastError}`);
        },
      },
    );
    if (outcome === 'stopped') return;
    this.state = 'running';
    this.lastError = undefined;
    this.markReady();
  }

  private async start(): Promise<void> {
    const { kafka: settings, kafkaBrokers } = this.config;
    const connection = { brokers: kafkaBrokers, clientId: settings.clientId, ssl: settings.ssl, sasl: settings.sasl };
    const kafka = createKafka(connection, this.kafkaLogger());
    const admin = kafka.admin();
    await admin.connect();
    try {
      const created = await ensureTopics(admin, this.topicSpecs());
      if (created.length) this.logger.log(`Created topics ${created.join(', ')}`);
    } finally {
      await admin.disconnect();
    }

    // Every publish (events, actions, command results, dead letters) encodes on the producer thread.
    const publisher = new ThreadedKafkaPublisher({ connection, observer: this.observer, logger: this.kafkaLogger() });
    this.publisher = publisher;
    await publisher.start();
    const { topics } = settings;
    // Before the consumers: joining a group can wait for a dead member's session to time out.
    this.forwarders = new PartitionForwarders(
      (name, accepts) =>
        new EventForwarder(this.store, this.checkpoints, publisher, {
          name,
          routes: [cloudEventsRoute(topics.events, CLOUD_EVENTS_SOURCE), ...this.routes.all()],
          logger: this.logger,
          accepts,
        }),
      this.config.partitions,
    );
    if (this.splitsPartitions()) this.engine()?.onOwnershipChange((owned) => void this.forwarders?.follow(owned));
    else this.forwarders.follow('all');
    const consumer = (role: 'commands' | 'triggers' | 'segments' | 'consent', handle: BatchHandler) =>
      new KafkaBatchConsumer({
        kafka,
        groupId: `${settings.groupId}.${role}`,
        topic: topics[role],
        deadLetterTopic: topics.deadLetter,
        publisher,
        handle,
        observer: this.observer,
        logger: this.logger,
        now: () => this.clock.now(),
      });
    this.consumers = [consumer('commands', this.commandConsumer.handle)];
    const ingestion = this.ingestion();
    if (ingestion) {
      this.consumers.push(
        consumer(
          'triggers',
          ingestionHandler((m) => ingestion.ingestTriggers(m)),
        ),
        consumer(
          'segments',
          ingestionHandler((m) => ingestion.ingestSegmentChanges(m)),
        ),
        consumer(
          'consent',
          ingestionHandler((m) => ingestion.ingestConsent(m)),
        ),
      );
    } else {
      this.logger.warn(`No ingestion path in this build: ${topics.triggers} and ${topics.segments} are not consumed`);
    }
    await Promise.all(this.consumers.map((c) => c.start()));

    this.logger.log(
      `Consuming ${this.consumers.map((c) => c.status().topic).join(', ')} in group ${settings.groupId}.*; ` +
        `forwarding events to ${topics.events}`,
    );
  }

  private async teardown(): Promise<void> {
    const quietly = async (work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        this.logger.warn(`Kafka shutdown step failed: ${String(error)}`);
      }
    };
    const forwarded = this.forwarders?.status()?.position;
    await Promise.all([
      ...this.consumers.map((c) => quietly(() => c.stop())),
      quietly(async () => this.forwarders?.stop()),
    ]);
    await quietly(async () => this.publisher?.stop());
    this.consumers = [];
    if (forwarded !== undefined) this.forwarderPosition = forwarded;
    this.forwarders = undefined;
    this.publisher = undefined;
  }

  /** Replicas split the engine's partitions (EventStoreDB and Kafka): each forwards its own partitions' events. */
  private splitsPartitions(): boolean {
    return this.config.eventStoreConnectionString !== undefined;
  }

  private engine(): JourneyEngine | undefined {
    try {
      return this.moduleRef.get(JourneyEngine, { strict: false });
    } catch {
      return undefined;
    }
  }

  /** The ingestion path, when this build has one (it is resolved across modules, not imported). */
  private ingestion(): Ingestion | undefined {
    try {
      return this.moduleRef.get(Ingestion, { strict: false });
    } catch {
      return undefined;
    }
  }

  private topicSpecs(): TopicSpec[] {
    const { topics, topicPartitions, replicationFactor } = this.config.kafka;
    return TOPIC_ROLES.map((role) => ({
      topic: topics[role],
      numPartitions: topicPartitions,
      replicationFactor,
      config: role === 'events' || role === 'deadLetter' ? LARGE_MESSAGES : undefined,
    }));
  }

  private registerGauges(metrics: JourneysMetrics): void {
    metrics.observeKafka({
      partitions: () =>
        this.consumers.flatMap((c) => {
          const { topic, groupId, partitions } = c.status();
          return partitions.map(({ partition, lag }) => ({ topic, group: groupId, partition, lag }));
        }),
      forwarderPosition: () => this.forwarders?.status()?.position ?? this.forwarderPosition,
    });
  }

  /** kafkajs lines at warn and error go to the service log; the rest only at debug. */
  private kafkaLogger(): MessagingLogger {
    const logger = new Logger('kafkajs');
    return {
      log: (m) => logger.log(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
      debug: (m) => logger.debug(m),
    };
  }
}

import { Logger } from '@nestjs/common';
import { createKafka, PartitionGroup } from '@journeys/messaging';
import { retryUntilDone } from '@journeys/retry';
import type { AppConfig } from '../config/app-config';
import type { PartitionOwnership } from '../runtime/partitions/partition-ownership.port';

/**
 * Engine partitions owned as a Kafka consumer group assigns them (group `<KAFKA_GROUP_ID>.engine`,
 * one topic partition per engine partition): replicas split the partitions, and they move when a
 * replica joins, leaves or stalls past its session timeout.
 */
export class KafkaPartitionOwnership implements PartitionOwnership {
  private readonly logger = new Logger('EnginePartitions');
  private readonly stopped = new AbortController();
  private group: PartitionGroup | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly config: AppConfig) {}

  start(assign: (partitions: readonly number[]) => Promise<void>): void {
    const { kafka: settings, kafkaBrokers, partitions } = this.config;
    const connection = { brokers: kafkaBrokers, clientId: settings.clientId, ssl: settings.ssl, sasl: settings.sasl };
    this.running = retryUntilDone(
      async () => {
        const group = new PartitionGroup({
          kafka: createKafka(connection),
          groupId: `${settings.groupId}.engine`,
          topic: settings.enginePartitionsTopic,
          partitions,
          replicationFactor: settings.replicationFactor,
          sessionTimeoutMs: settings.sessionTimeoutMs,
          onAssigned: (owned) => void assign(owned),
          logger: this.logger,
        });
        this.group = group;
        try {
          await group.start();
        } catch (error) {
          await group.stop().catch(() => undefined);
          throw error;
        }
      },
      {
        policy: { initialMs: 1_000, maxMs: 30_000 },
        signal: this.stopped.signal,
        onRetry: ({ error, delayMs }) =>
          this.logger.error(`Joining the engine's partition group failed, retrying in ${delayMs} ms: ${String(error)}`),
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await this.running;
    await this.group?.stop();
  }
}

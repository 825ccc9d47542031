import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { EventStore } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { Public } from '../auth/roles.decorator';
import { EVENT_STORE } from '../infrastructure/storage.module';
import { KafkaMessaging, type KafkaHealth } from '../messaging/kafka-messaging.service';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  eventStore: { status: 'up' | 'down'; head?: string; error?: string };
  projections: { position: string; lag?: string; caughtUp: boolean; running: boolean; lastError?: string };
  /** Present when KAFKA_BROKERS is set: consumer lag per topic and the forwarder's position and lag. */
  kafka?: KafkaHealth;
}

/** Kafka is degraded while it is not running, a consumer retries or crashed, or the forwarder fails. */
function kafkaDegraded(kafka: KafkaHealth | undefined): boolean {
  if (!kafka) return false;
  return (
    kafka.state !== 'running' ||
    kafka.consumers.some((c) => c.retrying || c.state === 'crashed') ||
    kafka.forwarder.lastError !== undefined
  );
}

@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly projections: ProjectionRunner,
    @Optional() private readonly kafka?: KafkaMessaging,
  ) {}

  /** Up when the store answers; degraded while projections or Kafka report an error. No customer data. */
  @Public()
  @Get('health')
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const projections = this.projections.status();
    let eventStore: HealthReport['eventStore'];
    let head: bigint | undefined;
    try {
      await this.eventStore.ping();
      head = await this.eventStore.headPosition();
      eventStore = { status: 'up', head: head.toString() };
    } catch (error) {
      eventStore = { status: 'down', error: error instanceof Error ? error.message : String(error) };
    }
    const kafka = this.kafka?.health(head);
    const status =
      eventStore.status === 'down'
        ? 'down'
        : projections.lastError || !projections.running || kafkaDegraded(kafka)
          ? 'degraded'
          : 'ok';
    if (status === 'down') void reply.status(503);
    return {
      status,
      eventStore,
      projections: {
        position: projections.position.toString(),
        lag:
          head === undefined ? undefined : (head > projections.position ? head - projections.position : 0n).toString(),
        caughtUp: projections.caughtUp,
        running: projections.running,
        lastError: projections.lastError,
      },
      ...(kafka ? { kafka } : {}),
    };
  }
}

import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { Public } from '../auth/roles.decorator';
import { ApiContract } from '../common/api-contract';
import { KafkaMessaging, type KafkaHealth } from '../messaging/kafka-messaging.service';
import { JourneyEngine } from '../runtime/engine/journey-engine';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  eventStore: { status: 'up' | 'down'; head?: string; error?: string };
  projections: { position: string; lag?: string; caughtUp: boolean; running: boolean; lastError?: string };
  /**
   * The runtime engine: how far it has read the store (its own progress events are skipped), its
   * last error, the partitions this replica owns, and whether they are all restored and running.
   */
  engine: { position: string; lag?: string; lastError?: string; partitions: readonly number[]; ready: boolean };
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
    private readonly engine: JourneyEngine,
    @Optional() private readonly kafka?: KafkaMessaging,
  ) {}

  /** Up when the store answers; degraded while projections or Kafka report an error. No customer data. */
  @Public()
  @Get('health')
  @ApiContract({
    tag: 'operations',
    summary: 'Check health',
    description:
      'Up when the event store answers; degraded while projections, the engine or Kafka report an error; 503 when the store is down.',
    public: true,
    ok: { status: 200, schema: 'HealthReport', description: 'ok or degraded' },
    errors: [503],
  })
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
    const engine = this.engine.status();
    const lag = (position: bigint) =>
      head === undefined ? undefined : (head > position ? head - position : 0n).toString();
    const status =
      eventStore.status === 'down'
        ? 'down'
        : projections.lastError || !projections.running || engine.lastError || kafkaDegraded(kafka)
          ? 'degraded'
          : 'ok';
    if (status === 'down') void reply.status(503);
    return {
      status,
      eventStore,
      projections: {
        position: projections.position.toString(),
        lag: lag(projections.position),
        caughtUp: projections.caughtUp,
        running: projections.running,
        lastError: projections.lastError,
      },
      engine: {
        position: engine.position.toString(),
        lag: lag(engine.position),
        lastError: engine.lastError,
        partitions: engine.partitions,
        ready: engine.ready,
      },
      ...(kafka ? { kafka } : {}),
    };
  }
}

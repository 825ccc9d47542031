import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { EventStore } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { Public } from '../auth/roles.decorator';
import { EVENT_STORE } from '../infrastructure/storage.module';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  eventStore: { status: 'up' | 'down'; head?: string; error?: string };
  projections: { position: string; lag?: string; caughtUp: boolean; running: boolean; lastError?: string };
}

@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly projections: ProjectionRunner,
  ) {}

  /** Up when the store answers; degraded while projections report an error. No customer data. */
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
    const status =
      eventStore.status === 'down' ? 'down' : projections.lastError || !projections.running ? 'degraded' : 'ok';
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
    };
  }
}

import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { Public } from '../auth/roles.decorator';
import { ApiContract } from '../common/api-contract';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JourneyEngine } from '../runtime/engine/journey-engine';
import { followerVerdict, type FollowerState } from './readiness';

/** How long the store may take to answer a readiness probe before it counts as down. */
const STORE_TIMEOUT_MS = 3_000;

/**
 * Kubernetes-style probes (@nestjs/terminus): `/health/live` answers while the process serves HTTP;
 * `/health/ready` while the store answers and the projections and engine are within
 * `READINESS_MAX_LAG` events of it. 503 with terminus's body when not.
 */
@Controller('health')
export class ProbesController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly projections: ProjectionRunner,
    private readonly engine: JourneyEngine,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The process is alive: it answers without touching the store. */
  @Public()
  @Get('live')
  @ApiContract({
    tag: 'operations',
    summary: 'Probe liveness',
    description: 'The process answers; the store is not touched (a Kubernetes livenessProbe).',
    public: true,
    ok: { status: 200, schema: 'ProbeResult', description: 'ok' },
  })
  live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.answer(reply, [
      () => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
    ]);
  }

  /** Ready for traffic: store reachable, read models and engine caught up within the bound. */
  @Public()
  @Get('ready')
  @ApiContract({
    tag: 'operations',
    summary: 'Probe readiness',
    description:
      'The store answers, the read models and the engine are caught up within the bound, and the engine partitions ' +
      'this replica owns are restored (a Kubernetes readinessProbe); 503 otherwise.',
    public: true,
    ok: { status: 200, schema: 'ProbeResult', description: 'ok' },
    errors: [503],
  })
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    // Terminus runs the checks together; the followers measure their lag against this one probe.
    const head = this.probeStore();
    const follower = (key: 'projections' | 'engine', state: FollowerState) => async () => {
      const indicator = this.indicators.check(key);
      const at = await head.catch(() => undefined);
      if (at === undefined) return indicator.down({ reason: 'the event store did not answer' });
      const { status, ...details } = followerVerdict(state, at, this.config.readinessMaxLag);
      const data: Record<string, unknown> = { ...details, position: state.position.toString() };
      return status === 'up'
        ? indicator.up(data)
        : status === 'degraded'
          ? indicator.degraded(data)
          : indicator.down(data);
    };
    return this.answer(reply, [
      async () => {
        const indicator = this.indicators.check('eventStore');
        try {
          return indicator.up({ head: (await head).toString() });
        } catch (error) {
          return indicator.down({ error: error instanceof Error ? error.message : String(error) });
        }
      },
      follower('projections', this.projections.status()),
      // The engine restarts its own loop after a failure: it is always following; it is ready once the
      // partitions it was given are restored.
      follower('engine', engineFollower(this.engine.status())),
    ]);
  }

  /** The head position once the store proved it can write, or a rejection within {@link STORE_TIMEOUT_MS}. */
  private async probeStore(): Promise<bigint> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${STORE_TIMEOUT_MS} ms`)), STORE_TIMEOUT_MS);
    });
    const probe = (async () => {
      await this.eventStore.ping();
      return this.eventStore.headPosition();
    })();
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Terminus throws a 503 with its result; the body stays terminus's, not the API's error shape. */
  private async answer(
    reply: FastifyReply,
    checks: Parameters<HealthCheckService['check']>[0],
  ): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}

function engineFollower(engine: ReturnType<JourneyEngine['status']>): FollowerState {
  return {
    ...engine,
    running: true,
    notReady: engine.ready ? undefined : `restoring engine partitions (owns ${engine.partitions.join(', ') || 'none'})`,
  };
}

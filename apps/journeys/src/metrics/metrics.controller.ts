import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';
import { JourneysMetrics } from './journeys-metrics';

@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly registry: JourneysMetrics) {}

  /** Prometheus text format; counts, durations and positions only, no customer data. */
  @Public()
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.render();
  }
}

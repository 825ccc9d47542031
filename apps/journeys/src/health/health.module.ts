import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RuntimeModule } from '../runtime/runtime.module';
import { HealthController } from './health.controller';
import { ProbesController } from './probes.controller';
import { RootController } from './root.controller';

/** `GET /health` (the summary), the `/health/live` and `/health/ready` probes, and `GET /` pointing to them. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), RuntimeModule],
  controllers: [RootController, HealthController, ProbesController],
})
export class HealthModule {}

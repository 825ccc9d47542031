import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AdminController } from './admin/admin.controller';
import { AuthModule } from './auth/auth.module';
import { AppConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { StorageModule } from './infrastructure/storage.module';
import { JourneysModule } from './journeys/journeys.module';
import { MessagingModule } from './messaging/messaging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RuntimeModule } from './runtime/runtime.module';
import { ClockModule } from './common/clock.module';
import { systemClock, type Clock } from './common/clock';

@Module({})
export class AppModule {
  /** The whole service; `env` defaults to the process environment (tests pass their own). */
  static forRoot(env: Record<string, string | undefined> = process.env, clock: Clock = systemClock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        CqrsModule.forRoot(),
        StorageModule,
        AuthModule,
        JourneysModule,
        RuntimeModule,
        MetricsModule,
        MessagingModule,
        ClockModule.forRoot(clock),
        HealthModule,
      ],
      controllers: [AdminController],
    };
  }
}

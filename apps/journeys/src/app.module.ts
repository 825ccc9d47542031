import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { AdminController } from './admin/admin.controller';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { APP_CONFIG, AppConfigModule } from './config/config.module';
import { logOptions } from './logging/log-options';
import { HealthModule } from './health/health.module';
import { ContractController } from './openapi/contract.controller';
import { StorageModule } from './infrastructure/storage.module';
import { JourneysModule } from './journeys/journeys.module';
import { MessagingModule } from './messaging/messaging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RuntimeModule } from './runtime/runtime.module';
import { SettingsModule } from './settings/settings.module';
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
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => logOptions(config.logLevel, config.logFormat),
        }),
        CqrsModule.forRoot(),
        StorageModule,
        AuthModule,
        JourneysModule,
        RuntimeModule,
        SettingsModule,
        MetricsModule,
        MessagingModule,
        ClockModule.forRoot(clock),
        HealthModule,
      ],
      controllers: [AdminController, ContractController],
    };
  }
}

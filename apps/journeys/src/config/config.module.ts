import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { loadConfig, type AppConfig } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * @nestjs/config with one validated, typed object. The environment is passed in (tests hand in
 * their own) and is validated when the module is created, so a bad value stops start-up.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ journeys: loadConfig(env) })] })],
      providers: [
        {
          provide: APP_CONFIG,
          useFactory: (config: ConfigService) => config.getOrThrow<AppConfig>('journeys'),
          inject: [ConfigService],
        },
      ],
      exports: [APP_CONFIG],
    };
  }
}

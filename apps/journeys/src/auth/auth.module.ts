import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { ApiKeyGuard, API_KEY_RING } from './api-key.guard';
import { ApiKeyRing, ensureGeneratedAdminKey } from './api-keys';
import { MeController } from './me.controller';

@Global()
@Module({
  controllers: [MeController],
  providers: [
    {
      provide: API_KEY_RING,
      useFactory: (config: AppConfig) => {
        if (config.apiKeys.length) return new ApiKeyRing(config.apiKeys);
        const { key, file, created } = ensureGeneratedAdminKey(config.dataDir);
        new Logger('Auth').log(
          `JOURNEYS_API_KEYS is not set: ${created ? 'created' : 'using'} the admin key in ${file} (owner-only)`,
        );
        return new ApiKeyRing([key]);
      },
      inject: [APP_CONFIG],
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [API_KEY_RING],
})
export class AuthModule {}

import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ProjectionRunner } from '@journeys/read-models';
import { AppModule } from '../app.module';

/** Rebuilds read models on the configured stores, without the HTTP server. */
export async function rebuildProjections(names: readonly string[]) {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(), { logger: ['error', 'warn'] });
  try {
    return await app.get(ProjectionRunner).rebuild([...names]);
  } finally {
    await app.close();
  }
}

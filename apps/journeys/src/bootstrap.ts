import 'reflect-metadata';
import { ConsoleLogger, Logger, ValidationPipe, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '@journeys/messaging/json-depth';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProjectionRunner } from '@journeys/read-models';
import { AppModule } from './app.module';
import { LOG_LEVELS, loadConfig, type AppConfig } from './config/app-config';
import { AppExceptionFilter } from './common/app-exception.filter';
import { APP_CONFIG } from './config/config.module';
import { ValidationFailed } from './common/errors';
import { validationProblems } from './common/validation-problems';
import { storageFiles } from './infrastructure/storage.module';
import { recordHttpDurations } from './metrics/http-metrics';
import { JourneysMetrics } from './metrics/journeys-metrics';
import { systemClock, type Clock } from './common/clock';
import { serveConsole } from './console/console-files';

/** Largest accepted request body; larger ones get 413. */
export const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

function loggerFor(config: Pick<AppConfig, 'logLevel' | 'logFormat'>): ConsoleLogger {
  const levels = LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1) as NestLogLevel[];
  return new ConsoleLogger({ logLevels: ['fatal', ...levels], json: config.logFormat === 'json' });
}

/**
 * `curl -X POST -H 'content-type: application/json' .../publish` sends no body; Fastify refuses that
 * by default. An empty body is treated as no body; anything else goes to Fastify's own JSON parser
 * (prototype-poisoning checks included).
 */
function acceptEmptyJsonBodies(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') done(null, undefined);
    else if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(
        new ValidationFailed([
          { code: 'TooDeep', path: '$', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` },
        ]),
        undefined,
      );
    } else parse(request, text, done);
  });
}

/** Creates the service (HTTP on Fastify) without listening; tests and main share it. */
export async function createApp(
  env: Record<string, string | undefined> = process.env,
  clock: Clock = systemClock,
): Promise<NestFastifyApplication> {
  const config = loadConfig(env);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(env, clock),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    { logger: loggerFor(config), abortOnError: false, bodyParser: false },
  );
  acceptEmptyJsonBodies(app);
  // Before the routes are registered (app.init): Fastify gives a route the hooks that exist then.
  recordHttpDurations(app.getHttpAdapter().getInstance(), app.get(JourneysMetrics).httpRequestDuration);
  app.useGlobalFilters(new AppExceptionFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new ValidationFailed(validationProblems(errors)),
    }),
  );
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder()
    .setTitle('Journeys')
    .setDescription('Event-sourced customer journeys: definitions, life cycle, templates, audit history')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  await serveConsole(app);
  await app.init();
  app.get(ProjectionRunner).start();
  return app;
}

/** Starts the service and logs where its data lives and where it listens. */
export async function main(): Promise<void> {
  const app = await createApp();
  const config = app.get<AppConfig>(APP_CONFIG);
  const logger = new Logger('Journeys');
  await app.listen({ port: config.port, host: config.host });
  if (config.eventStoreConnectionString) {
    logger.log(`Event store: EventStoreDB (${config.eventStoreConnectionString.replace(/\/\/[^@]*@/, '//***@')})`);
  } else {
    logger.log(`Event store: embedded SQLite at ${storageFiles(config.dataDir).eventStore}`);
  }
  logger.log(`Read models: ${storageFiles(config.dataDir).readModels}`);
  logger.log(`Listening on ${await app.getUrl()} (console: /console, health: /health, API docs: /docs)`);
}

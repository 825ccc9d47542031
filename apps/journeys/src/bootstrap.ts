import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '@journeys/messaging/json-depth';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProjectionRunner } from '@journeys/read-models';
import { AppModule } from './app.module';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { generatedKeyFile } from './auth/api-keys';
import { loadConfig, type AppConfig } from './config/app-config';
import { AppExceptionFilter } from './common/app-exception.filter';
import { RouteMethods } from './common/route-methods';
import { PathParamPipe } from './common/path-params';
import { APP_CONFIG } from './config/config.module';
import { ValidationFailed } from './common/errors';
import { validationProblems } from './common/validation-problems';
import { storageFiles } from './infrastructure/storage.module';
import { ServiceLogger } from './logging/service-logger';
import { recordHttpDurations } from './metrics/http-metrics';
import { JourneysMetrics } from './metrics/journeys-metrics';
import { systemClock, type Clock } from './common/clock';
import { serveConsole } from './console/console-files';
import { serveOpenApi } from './openapi/openapi-document';

/** Largest accepted request body; larger ones get 413. */
export const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

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
  loadConfig(env); // a bad setting stops here with every problem named, before Nest starts
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(env, clock),
    // Path parameters are checked by PathParamPipe (400), not cut at Fastify's default of 100 bytes (414).
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, routerOptions: { maxParamLength: 4096 } }),
    // Lines logged while the modules start wait for the pino logger (LOG_LEVEL, LOG_FORMAT).
    { bufferLogs: true, abortOnError: false, bodyParser: false },
  );
  app.useLogger(new ServiceLogger(app.get(PinoNestLogger)));
  acceptEmptyJsonBodies(app);
  // Before the routes are registered (app.init): Fastify gives a route the hooks that exist then.
  recordHttpDurations(app.getHttpAdapter().getInstance(), app.get(JourneysMetrics).httpRequestDuration);
  const routes = RouteMethods.watch(app.getHttpAdapter().getInstance());
  app.useGlobalFilters(new AppExceptionFilter(routes));
  app.useGlobalPipes(
    new PathParamPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new ValidationFailed(validationProblems(errors)),
    }),
  );
  app.enableShutdownHooks();
  serveOpenApi(app);
  await serveConsole(app);
  try {
    await app.init();
  } catch (error) {
    // Refused while starting (e.g. a partition count the store's state was not laid out in): release
    // the stores and threads the modules opened, so the process can exit with the reason.
    await app.close().catch(() => undefined);
    throw error;
  }
  app.get(ProjectionRunner).start();
  return app;
}

/** Starts the service and logs the few lines a newcomer needs: data, keys, address, docs. */
export async function main(): Promise<void> {
  const app = await createApp();
  const config = app.get<AppConfig>(APP_CONFIG);
  const logger = new Logger('Journeys');
  await app.listen({ port: config.port, host: config.host });
  for (const line of startupLines(config, app.getHttpServer().address() as AddressInfo)) logger.log(line);
}

/** Where the data is, which keys open the API, the address really bound and where the docs are. */
export function startupLines(config: AppConfig, bound: AddressInfo): string[] {
  const files = storageFiles(config.dataDir);
  const store = config.eventStoreConnectionString
    ? `EventStoreDB (${config.eventStoreConnectionString.replace(/\/\/[^@]*@/, '//***@')})`
    : `embedded SQLite ${files.eventStore}`;
  const keys = config.apiKeys.length
    ? `API keys: ${config.apiKeys.map((k) => `${k.name} (${k.role})`).join(', ')} from JOURNEYS_API_KEYS`
    : `Admin API key: ${generatedKeyFile(config.dataDir)} (send it as Authorization: Bearer <key>)`;
  const host = ['0.0.0.0', '::'].includes(bound.address)
    ? 'localhost'
    : bound.family === 'IPv6'
      ? `[${bound.address}]`
      : bound.address;
  const base = `http://${host}:${bound.port}`;
  return [
    `Data directory: ${config.dataDir} (event store: ${store}; read models: ${files.readModels})`,
    keys,
    `Listening on ${bound.address}:${bound.port}: console ${base}/console, API docs ${base}/docs, readiness ${base}/health/ready, metrics ${base}/metrics`,
  ];
}

import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ProjectionRunner } from '@journeys/read-models';
import { AppModule } from './app.module';
import { ConfigurationError } from './config/app-config';

const USAGE = 'usage: journeys-cli rebuild-projections [name ...]';

/** Operator commands that run without the HTTP server, on the same configuration. */
async function cli(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'rebuild-projections') {
    console.error(USAGE);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(), { logger: ['error', 'warn'] });
  try {
    const result = await app.get(ProjectionRunner).rebuild(args);
    const rate = result.ms > 0 ? Math.round((result.events / result.ms) * 1000) : result.events;
    console.log(
      `Rebuilt ${result.projections.join(', ') || '(none)'}: ${result.events} events in ${Math.round(result.ms)} ms (${rate} events/s)`,
    );
    return 0;
  } finally {
    await app.close();
  }
}

cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigurationError ? error.message : error);
    process.exit(1);
  },
);

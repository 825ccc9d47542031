import type { LoggerService } from '@nestjs/common';

/** Nest's start-up chatter (every module, every route mapped): useful when debugging, noise otherwise. */
const DEBUG_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/**
 * The service's logger: nestjs-pino's, with Nest's own start-up lines moved from info to debug so
 * that the lines that matter (data directory, key file, address, docs) stand out.
 */
export class ServiceLogger implements LoggerService {
  constructor(private readonly pino: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    if (typeof context === 'string' && DEBUG_CONTEXTS.has(context)) this.pino.debug?.(message, ...params);
    else this.pino.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.pino.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.pino.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.pino.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.pino.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.pino.fatal?.(message, ...params);
  }
}

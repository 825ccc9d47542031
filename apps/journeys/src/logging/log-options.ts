import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { DestinationStream, LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

/** `LOG_LEVEL` values: pino's level names. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number] & LevelWithSilent;

/** Nest's names that `LOG_LEVEL` took before pino, still accepted. */
export const LEGACY_LOG_LEVELS: Readonly<Record<string, LogLevel>> = { log: 'info', verbose: 'trace' };

/** `json` (one object a line, for collectors), `pretty` (for people) or `auto`: pretty on a terminal, else JSON. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Where secrets could appear in a log record: the caller's key in the request headers, and
 * configuration or payload fields named like secrets (one level deep, and at the top).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...['password', 'secret', 'apiKey', 'apiKeys', 'token', 'authorization'].flatMap((field) => [field, `*.${field}`]),
];

/** Probes and scrapes come every few seconds: they would drown the access log. */
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** The path without its query: a query may carry anything a caller put there, a key included. */
export const pathOf = (url: string | undefined): string => (url ?? '').split('?')[0];

/** The request's path as the client sent it (middie may rewrite `url` for the middleware's mount). */
const requestPath = (req: IncomingMessage & { originalUrl?: string }): string => pathOf(req.originalUrl ?? req.url);

/**
 * nestjs-pino (pino-http) settings: an access-log line per request (method, path, status, time),
 * secrets redacted, pino-pretty on a terminal (in-thread, so lines keep their order with stdout).
 */
export function logOptions(
  level: LogLevel,
  format: LogFormat,
  isTty = Boolean(process.stdout.isTTY),
): Params<IncomingMessage, ServerResponse> {
  const readable = format === 'pretty' || (format === 'auto' && isTty);
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.has(requestPath(req)) },
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse, ms: number) =>
      `${req.method} ${requestPath(req)} ${res.statusCode} ${Math.round(ms)} ms`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse) =>
      `${req.method} ${requestPath(req)} ${res.statusCode}`,
    // Level names ("info"), not numbers, so a reader of the JSON needs no table.
    formatters: { level: (label: string) => ({ level: label }) },
    // The request line says it all; headers (and so the caller's key) stay out of the record.
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: pathOf(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
  // nestjs-pino's default route pattern ('{/*splat}') reaches only '/' under Nest 12 on Fastify.
  const forRoutes = [{ path: '{*splat}', method: RequestMethod.ALL }];
  if (!readable) return { pinoHttp: options, forRoutes };
  const stream: DestinationStream = pretty({
    sync: true,
    colorize: isTty,
    translateTime: 'SYS:HH:MM:ss.l',
    messageFormat: '{if context}[{context}] {end}{msg}',
    ignore: 'pid,hostname,context,req,res,responseTime',
  });
  return { pinoHttp: [options, stream], forRoutes };
}

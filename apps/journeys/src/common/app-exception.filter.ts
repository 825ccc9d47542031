import {
  Catch,
  HttpException,
  Logger,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fromStorage } from '../infrastructure/store-faults';
import { AppError, HTTP_STATUS, errorBody, type ErrorBody } from './errors';
import type { RouteMethods } from './route-methods';

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Maps every error to the contract's error body; unknown errors become a 500 without internals. */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly routes?: RouteMethods) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    // No route matched (Fastify's 404 handler): a known path with another method is a 405.
    const unrouted = exception instanceof NotFoundException || (request as { is404?: boolean }).is404 === true;
    const allowed = unrouted ? this.routes?.allowed(request.url) : undefined;
    if (allowed?.length && !allowed.includes(request.method)) {
      const message = `${request.method} is not allowed here; allowed: ${allowed.join(', ')}`;
      void reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send({ error: { code: 'METHOD_NOT_ALLOWED', message, details: [{ allowed }] } });
      return;
    }
    const [status, body] = this.toResponse(exception);
    void reply.status(status).send(body);
  }

  private toResponse(exception: unknown): [number, ErrorBody] {
    if (exception instanceof AppError) return [HTTP_STATUS[exception.kind], errorBody(exception)];
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response && 'message' in response
          ? String((response as { message: unknown }).message)
          : exception.message;
      return [status, { error: { code: HTTP_CODES[status] ?? `HTTP_${status}`, message, details: [] } }];
    }
    const known = fromStorage(exception);
    if (known) {
      // Contention or a refusing disk, not a bug: no stack (/health reports the disk too).
      this.logger.warn(known.message);
      return [HTTP_STATUS[known.kind], errorBody(known)];
    }
    const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      const message = exception instanceof Error ? exception.message : 'Bad request';
      return [
        fastifyStatus,
        { error: { code: HTTP_CODES[fastifyStatus] ?? `HTTP_${fastifyStatus}`, message, details: [] } },
      ];
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return [500, { error: { code: 'INTERNAL', message: 'Internal error', details: [] } }];
  }
}

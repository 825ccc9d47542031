import type { FastifyInstance } from 'fastify';
import type { Histogram } from 'prom-client';

/** Requests that matched no route share one label value, so probes of random paths add no series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Observes every response's duration by method, route pattern (`/journeys/:id`, never the raw
 * path: one series per route, not per journey) and status code.
 */
export function recordHttpDurations(
  fastify: FastifyInstance,
  histogram: Histogram<'method' | 'route' | 'status_code'>,
): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    histogram.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

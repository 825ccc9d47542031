/**
 * A typed client of the Journeys REST API: openapi-fetch over the types openapi-typescript generates
 * from the service's OpenAPI document (`npm run generate:client`). Every path, parameter, body and
 * answer is typed; errors come back as `{ error: ErrorBody }`, never thrown.
 *
 * ```ts
 * const journeys = createJourneysClient({ baseUrl: 'http://localhost:3000', apiKey });
 * const { data, error, response } = await journeys.POST('/journeys', { body: definition });
 * ```
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './openapi-types';

export type { components, operations, paths } from './openapi-types';
export type Schemas = components['schemas'];
export type JourneysClient = Client<paths>;

export interface JourneysClientOptions {
  /** Where the service listens, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** An API key; sent as `Authorization: Bearer <key>`. Public routes work without one. */
  apiKey?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

export function createJourneysClient(options: JourneysClientOptions): JourneysClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  if (options.apiKey !== undefined) {
    const auth: Middleware = {
      onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${options.apiKey}`);
        return request;
      },
    };
    client.use(auth);
  }
  return client;
}

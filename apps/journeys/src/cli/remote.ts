import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJourneysClient, type JourneysClient, type Schemas } from '@journeys/client';

export type Journey = Schemas['Journey'];

/** A refusal or failure the CLI reports (exit code 1), with the service's error body when there is one. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

export interface RemoteOptions {
  url?: string;
  key?: string;
}

/**
 * The client of the service the CLI talks to: `--url`, else JOURNEYS_URL, else localhost on PORT
 * (3000); `--key`, else JOURNEYS_API_KEY, else the admin key `npm start` generated in the data directory.
 */
export function remote(options: RemoteOptions, env: NodeJS.ProcessEnv = process.env): JourneysClient {
  const baseUrl = options.url ?? env.JOURNEYS_URL ?? `http://localhost:${env.PORT ?? 3000}`;
  const keyFile = join(env.JOURNEYS_DATA_DIR ?? 'data', 'admin-api-key');
  const apiKey =
    options.key ?? env.JOURNEYS_API_KEY ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
  if (!apiKey)
    throw new CliError(`No API key: pass --key, set JOURNEYS_API_KEY, or start the service once to create ${keyFile}`);
  return createJourneysClient({ baseUrl, apiKey });
}

type Answer<T> = {
  data?: T;
  error?: { error: { code: string; message: string; details: unknown[] } };
  response: Response;
};

/** The answer's body, or a CliError with the status and the service's error. */
export function ok<T>(answer: Answer<T>, what: string): T {
  if (answer.data !== undefined && answer.response.ok) return answer.data;
  const error = answer.error?.error;
  throw new CliError(
    `${what}: ${answer.response.status} ${error ? `${error.code}: ${error.message}` : answer.response.statusText}`,
    error?.details ?? [],
  );
}

/** Calls the service, turning an unreachable one into a CliError that says where it looked. */
export async function reach<T>(call: () => Promise<T>, client: { baseUrl?: string } = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `Cannot reach the service${client.baseUrl ? ` at ${client.baseUrl}` : ''}: ${(error as Error).message}`,
    );
  }
}

/** The journey with this name (case-insensitive, as the service keeps names unique), if any. */
export async function journeyNamed(client: JourneysClient, name: string): Promise<Journey | undefined> {
  const list = ok(await client.GET('/journeys'), 'List journeys');
  const found = list.journeys.find((j) => j.name.trim().toLowerCase() === name.trim().toLowerCase());
  if (!found) return undefined;
  return ok(await client.GET('/journeys/{id}', { params: { path: { id: found.id } } }), `Get journey ${name}`);
}

/** The definition of one version. */
export async function versionDefinition(client: JourneysClient, id: string, version: number) {
  const answer = ok(
    await client.GET('/journeys/{id}/versions/{version}', { params: { path: { id, version } } }),
    `Get version ${version} of ${id}`,
  );
  return answer.definition;
}

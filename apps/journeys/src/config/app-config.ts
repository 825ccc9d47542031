import { resolve } from 'node:path';

export const ROLES = ['admin', 'editor', 'viewer', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ApiKey {
  name: string;
  role: Role;
  secret: string;
}

/** The service's settings, read once from the environment at start-up (README "Configuration"). */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  eventStoreConnectionString?: string;
  kafkaBrokers: string[];
  /** Empty when JOURNEYS_API_KEYS is unset: the service then creates an admin key in the data dir. */
  apiKeys: ApiKey[];
  logLevel: LogLevel;
  logFormat: 'text' | 'json';
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates every setting; throws one {@link ConfigurationError} naming each bad value. */
export function loadConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };

  const port = parsePort(value('PORT') ?? '3000', problems);
  const dataDir = resolve(value('JOURNEYS_DATA_DIR') ?? './data');

  const eventStoreConnectionString = value('EVENTSTORE_CONNECTION_STRING');
  if (
    eventStoreConnectionString &&
    !/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb):\/\//.test(eventStoreConnectionString)
  ) {
    problems.push(
      'EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover:// (e.g. esdb://localhost:2113?tls=false)',
    );
  }

  const kafkaBrokers = (value('KAFKA_BROKERS') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of kafkaBrokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) problems.push(`KAFKA_BROKERS: "${broker}" is not host:port`);
  }

  const apiKeys = parseApiKeys(value('JOURNEYS_API_KEYS'), problems);

  const logLevel = (value('LOG_LEVEL') ?? 'log') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`);

  const logFormat = (value('LOG_FORMAT') ?? 'text') as AppConfig['logFormat'];
  if (logFormat !== 'text' && logFormat !== 'json')
    problems.push(`LOG_FORMAT must be text or json; got "${logFormat}"`);

  if (problems.length) throw new ConfigurationError(problems);
  return {
    port,
    host: value('HOST') ?? '0.0.0.0',
    dataDir,
    eventStoreConnectionString,
    kafkaBrokers,
    apiKeys,
    logLevel,
    logFormat,
  };
}

function parsePort(raw: string, problems: string[]): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 0 || port > 65535) {
    problems.push(`PORT must be an integer from 0 to 65535; got "${raw}"`);
  }
  return port;
}

/** `name:role:secret` entries separated by commas; secrets are never echoed in messages. */
export function parseApiKeys(raw: string | undefined, problems: string[]): ApiKey[] {
  if (!raw) return [];
  const keys: ApiKey[] = [];
  raw.split(',').forEach((entry, index) => {
    const trimmed = entry.trim();
    if (!trimmed) return;
    const [name, role, ...rest] = trimmed.split(':');
    const secret = rest.join(':');
    const where = `JOURNEYS_API_KEYS entry ${index + 1}${name ? ` ("${name}")` : ''}`;
    if (!name || !role || !secret) {
      problems.push(`${where} must be name:role:secret`);
      return;
    }
    if (!ROLES.includes(role as Role))
      problems.push(`${where}: role must be one of ${ROLES.join(', ')}; got "${role}"`);
    if (secret.length < 16) problems.push(`${where}: secret must be at least 16 characters`);
    if (keys.some((k) => k.name === name)) problems.push(`${where}: the name is used twice`);
    keys.push({ name, role: role as Role, secret });
  });
  return keys;
}

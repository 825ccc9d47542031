import { resolve } from 'node:path';
import { durationSign, durationUpperBoundMs, parseIsoDuration } from '@journeys/definition';
import { DEFAULT_TOPICS, TOPIC_NAME_PATTERN, TOPIC_ROLES, type TopicNames } from '@journeys/messaging/topics';
import { LEGACY_LOG_LEVELS, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../logging/log-options';

export const ROLES = ['admin', 'editor', 'viewer', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** Kafka settings; they take effect only when `kafkaBrokers` is not empty. */
export interface KafkaConfig {
  clientId: string;
  /** The consumer group every replica of the service joins (one group per inbound topic, see README). */
  groupId: string;
  ssl: boolean;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  topics: TopicNames;
  /** Partitions and replication factor of the topics the service creates when they are missing. */
  topicPartitions: number;
  replicationFactor: number;
  /** The topic whose partitions replicas split among them (one per engine partition; it carries no messages). */
  enginePartitionsTopic: string;
  /**
   * How long a replica may stay silent before the others take its engine partitions over
   * (KAFKA_SESSION_TIMEOUT_MS, the engine group's session timeout, default 30000).
   */
  sessionTimeoutMs: number;
}

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
  kafka: KafkaConfig;
  /** Empty when JOURNEYS_API_KEYS is unset: the service then creates an admin key in the data dir. */
  apiKeys: ApiKey[];
  /** pino's level names. */
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** `/health/ready` fails while the projections or the engine are more events than this behind the store. */
  readinessMaxLag: number;
  /**
   * How long after its deadline a `waitForTrigger` times out (ms): a trigger that occurred before
   * the deadline but arrives within this grace still wins (JOURNEYS_TRIGGER_WAIT_GRACE, default PT5S).
   */
  triggerWaitGraceMs: number;
  /**
   * Engine partitions (JOURNEYS_PARTITIONS, default 1): customers are split among them by the hash
   * Kafka's default partitioner uses, and replicas split the partitions. Set once per deployment.
   */
  partitions: number;
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

  const kafka = parseKafka(value, problems);

  const apiKeys = parseApiKeys(value('JOURNEYS_API_KEYS'), problems);

  const { logLevel, logFormat } = parseLogging(value, problems);

  const readinessMaxLag = parseCount('READINESS_MAX_LAG', value('READINESS_MAX_LAG') ?? '10000', problems, 100_000_000);

  const triggerWaitGraceMs = parseGrace(value('JOURNEYS_TRIGGER_WAIT_GRACE') ?? 'PT5S', problems);
  const partitions = parseCount('JOURNEYS_PARTITIONS', value('JOURNEYS_PARTITIONS') ?? '1', problems, 256);

  if (problems.length) throw new ConfigurationError(problems);
  return {
    port,
    host: value('HOST') ?? '0.0.0.0',
    dataDir,
    eventStoreConnectionString,
    kafkaBrokers,
    kafka,
    apiKeys,
    logLevel,
    logFormat,
    readinessMaxLag,
    triggerWaitGraceMs,
    partitions,
  };
}

/** An ISO duration of hours, minutes and seconds from zero to one hour, in ms. */
function parseGrace(raw: string, problems: string[]): number {
  const duration = parseIsoDuration(raw);
  const calendar = duration !== null && (duration.years || duration.months || duration.weeks || duration.days);
  const ms = duration === null ? Number.NaN : durationUpperBoundMs(duration);
  if (duration === null || calendar || durationSign(duration) < 0 || !(ms <= 3_600_000)) {
    problems.push(`JOURNEYS_TRIGGER_WAIT_GRACE must be an ISO 8601 duration from PT0S to PT1H; got "${raw}"`);
    return 0;
  }
  return ms;
}

/** `LOG_LEVEL` (pino's names; Nest's `log` and `verbose` still read) and `LOG_FORMAT` (`text` reads as `pretty`). */
function parseLogging(
  value: (name: string) => string | undefined,
  problems: string[],
): { logLevel: LogLevel; logFormat: LogFormat } {
  const level = value('LOG_LEVEL')?.toLowerCase() ?? 'info';
  const logLevel = (LEGACY_LOG_LEVELS[level] ?? level) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${level}"`);
  const format = value('LOG_FORMAT')?.toLowerCase() ?? 'auto';
  const logFormat = (format === 'text' ? 'pretty' : format) as LogFormat;
  if (!LOG_FORMATS.includes(logFormat))
    problems.push(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}; got "${format}"`);
  return { logLevel, logFormat };
}

/** `KAFKA_TOPIC_COMMAND_RESULTS` for the role `commandResults`. */
export function topicVariable(role: keyof TopicNames): string {
  return `KAFKA_TOPIC_${role.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function parseKafka(value: (name: string) => string | undefined, problems: string[]): KafkaConfig {
  const topics = { ...DEFAULT_TOPICS };
  for (const role of TOPIC_ROLES) {
    const name = value(topicVariable(role));
    if (name === undefined) continue;
    if (!TOPIC_NAME_PATTERN.test(name))
      problems.push(`${topicVariable(role)}: "${name}" is not a topic name (1-249 letters, digits, ".", "_", "-")`);
    topics[role] = name;
  }
  const seen = new Map<string, string>();
  for (const role of TOPIC_ROLES) {
    const other = seen.get(topics[role]);
    if (other) problems.push(`${topicVariable(role)} and ${other} name the same topic "${topics[role]}"`);
    seen.set(topics[role], topicVariable(role));
  }

  const clientId = value('KAFKA_CLIENT_ID') ?? 'journeys';
  const groupId = value('KAFKA_GROUP_ID') ?? 'journeys';
  for (const [name, id] of [
    ['KAFKA_CLIENT_ID', clientId],
    ['KAFKA_GROUP_ID', groupId],
  ]) {
    if (!TOPIC_NAME_PATTERN.test(id)) problems.push(`${name}: "${id}" must be 1-249 letters, digits, ".", "_", "-"`);
  }

  const ssl = parseBoolean('KAFKA_SSL', value('KAFKA_SSL') ?? 'false', problems);
  const mechanism = value('KAFKA_SASL_MECHANISM')?.toLowerCase();
  const username = value('KAFKA_SASL_USERNAME');
  const password = value('KAFKA_SASL_PASSWORD');
  let sasl: KafkaConfig['sasl'];
  if (mechanism !== undefined) {
    if (!SASL_MECHANISMS.includes(mechanism as SaslMechanism))
      problems.push(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}; got "${mechanism}"`);
    if (!username || !password) problems.push('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    sasl = { mechanism: mechanism as SaslMechanism, username: username ?? '', password: password ?? '' };
  } else if (username || password) {
    problems.push('KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD are set but KAFKA_SASL_MECHANISM is not');
  }

  return {
    clientId,
    groupId,
    ssl,
    sasl,
    topics,
    topicPartitions: parseCount('KAFKA_TOPIC_PARTITIONS', value('KAFKA_TOPIC_PARTITIONS') ?? '3', problems),
    sessionTimeoutMs: parseCount(
      'KAFKA_SESSION_TIMEOUT_MS',
      value('KAFKA_SESSION_TIMEOUT_MS') ?? '30000',
      problems,
      3_600_000,
    ),
    enginePartitionsTopic: topicName(
      'KAFKA_TOPIC_ENGINE_PARTITIONS',
      value('KAFKA_TOPIC_ENGINE_PARTITIONS') ?? 'journeys.engine-partitions',
      problems,
    ),
    replicationFactor: parseCount('KAFKA_REPLICATION_FACTOR', value('KAFKA_REPLICATION_FACTOR') ?? '1', problems),
  };
}

function topicName(name: string, raw: string, problems: string[]): string {
  if (!TOPIC_NAME_PATTERN.test(raw))
    problems.push(`${name}: "${raw}" is not a topic name (1-249 letters, digits, ".", "_", "-")`);
  return raw;
}

function parseBoolean(name: string, raw: string, problems: string[]): boolean {
  const normalised = raw.toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no'].includes(normalised)) return false;
  problems.push(`${name} must be true or false; got "${raw}"`);
  return false;
}

function parseCount(name: string, raw: string, problems: string[], max = 10_000): number {
  const count = Number(raw);
  if (!/^\d+$/.test(raw) || count < 1 || count > max) {
    problems.push(`${name} must be an integer from 1 to ${max}; got "${raw}"`);
  }
  return count;
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

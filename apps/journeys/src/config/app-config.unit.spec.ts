import { ConfigurationError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.eventStoreConnectionString).toBeUndefined();
    expect(config.kafkaBrokers).toEqual([]);
    expect(config.apiKeys).toEqual([]);
    expect(config.logLevel).toBe('info');
    expect(config.logFormat).toBe('auto');
    expect(config.kafka).toEqual({
      clientId: 'journeys',
      groupId: 'journeys',
      ssl: false,
      sasl: undefined,
      topics: {
        triggers: 'journeys.triggers',
        segments: 'journeys.segments',
        consent: 'journeys.consent',
        commands: 'journeys.commands',
        commandResults: 'journeys.command-results',
        events: 'journeys.events',
        actions: 'journeys.actions',
        deadLetter: 'journeys.dead-letter',
      },
      topicPartitions: 3,
      replicationFactor: 1,
      enginePartitionsTopic: 'journeys.engine-partitions',
      sessionTimeoutMs: 30_000,
    });
    expect(config.partitions).toBe(1);
    expect(config.triggerWaitGraceMs).toBe(5_000);
  });

  it('reads the engine partitions, the session timeout and the waitForTrigger grace', () => {
    const config = loadConfig({
      JOURNEYS_PARTITIONS: '12',
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      KAFKA_TOPIC_ENGINE_PARTITIONS: 'ops.engine',
      JOURNEYS_TRIGGER_WAIT_GRACE: 'PT1M',
    });
    expect(config.partitions).toBe(12);
    expect(config.kafka).toMatchObject({ sessionTimeoutMs: 10_000, enginePartitionsTopic: 'ops.engine' });
    expect(config.triggerWaitGraceMs).toBe(60_000);
    let error: unknown;
    try {
      loadConfig({ JOURNEYS_PARTITIONS: '0', JOURNEYS_TRIGGER_WAIT_GRACE: 'P1D', KAFKA_SESSION_TIMEOUT_MS: 'x' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigurationError).problems).toEqual([
      'KAFKA_SESSION_TIMEOUT_MS must be an integer from 1 to 3600000; got "x"',
      'JOURNEYS_TRIGGER_WAIT_GRACE must be an ISO 8601 duration from PT0S to PT1H; got "P1D"',
      'JOURNEYS_PARTITIONS must be an integer from 1 to 256; got "0"',
    ]);
  });

  it('reads the Kafka topics, client, group, TLS and SASL settings', () => {
    const config = loadConfig({
      KAFKA_BROKERS: 'kafka:9092',
      KAFKA_TOPIC_TRIGGERS: 'in.triggers',
      KAFKA_TOPIC_SEGMENTS: 'in.segments',
      KAFKA_TOPIC_CONSENT: 'in.consent',
      KAFKA_TOPIC_COMMANDS: 'in.commands',
      KAFKA_TOPIC_COMMAND_RESULTS: 'out.results',
      KAFKA_TOPIC_EVENTS: 'out.events',
      KAFKA_TOPIC_ACTIONS: 'out.actions',
      KAFKA_TOPIC_DEAD_LETTER: 'out.dlq',
      KAFKA_CLIENT_ID: 'journeys-eu',
      KAFKA_GROUP_ID: 'journeys-eu-group',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'hunter2-hunter2',
      KAFKA_TOPIC_PARTITIONS: '12',
      KAFKA_REPLICATION_FACTOR: '3',
    });
    expect(config.kafka).toEqual({
      clientId: 'journeys-eu',
      groupId: 'journeys-eu-group',
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'hunter2-hunter2' },
      topics: {
        triggers: 'in.triggers',
        segments: 'in.segments',
        consent: 'in.consent',
        commands: 'in.commands',
        commandResults: 'out.results',
        events: 'out.events',
        actions: 'out.actions',
        deadLetter: 'out.dlq',
      },
      topicPartitions: 12,
      replicationFactor: 3,
      enginePartitionsTopic: 'journeys.engine-partitions',
      sessionTimeoutMs: 30_000,
    });
  });

  it('names every bad Kafka setting and never echoes the SASL password', () => {
    let error: unknown;
    try {
      loadConfig({
        KAFKA_TOPIC_EVENTS: 'bad topic',
        KAFKA_TOPIC_ACTIONS: 'journeys.triggers',
        KAFKA_SSL: 'maybe',
        KAFKA_SASL_MECHANISM: 'gssapi',
        KAFKA_SASL_PASSWORD: 'do-not-print-me',
        KAFKA_TOPIC_PARTITIONS: '0',
        KAFKA_REPLICATION_FACTOR: 'three',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems.join('\n');
    expect(problems).toMatch(/KAFKA_TOPIC_EVENTS: "bad topic" is not a topic name/);
    expect(problems).toMatch(/KAFKA_TOPIC_ACTIONS and KAFKA_TOPIC_TRIGGERS name the same topic/);
    expect(problems).toMatch(/KAFKA_SSL must be true or false/);
    expect(problems).toMatch(/KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512/);
    expect(problems).toMatch(/needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
    expect(problems).toMatch(/KAFKA_TOPIC_PARTITIONS must be an integer/);
    expect(problems).toMatch(/KAFKA_REPLICATION_FACTOR must be an integer/);
    expect((error as Error).message).not.toContain('do-not-print-me');
  });

  it('parses every setting', () => {
    const config = loadConfig({
      PORT: '8080',
      JOURNEYS_DATA_DIR: '/tmp/j',
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      KAFKA_BROKERS: '127.0.0.1:9092, kafka:9093',
      JOURNEYS_API_KEYS: 'ed:editor:0123456789abcdef,ops:admin:fedcba9876543210:x',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 8080,
      dataDir: '/tmp/j',
      kafkaBrokers: ['127.0.0.1:9092', 'kafka:9093'],
      apiKeys: [
        { name: 'ed', role: 'editor', secret: '0123456789abcdef' },
        { name: 'ops', role: 'admin', secret: 'fedcba9876543210:x' },
      ],
      logLevel: 'debug',
    });
  });

  it("takes pino's level names for LOG_LEVEL, and Nest's older ones", () => {
    expect(loadConfig({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' })).toMatchObject({
      logLevel: 'info',
      logFormat: 'json',
    });
    expect(loadConfig({ LOG_LEVEL: 'TRACE' }).logLevel).toBe('trace');
    expect(loadConfig({ LOG_LEVEL: 'log', LOG_FORMAT: 'text' })).toMatchObject({
      logLevel: 'info',
      logFormat: 'pretty',
    });
    expect(loadConfig({ LOG_LEVEL: 'verbose' }).logLevel).toBe('trace');
    expect(() => loadConfig({ LOG_LEVEL: 'loud', LOG_FORMAT: 'xml' })).toThrow(
      /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "loud"[\s\S]*LOG_FORMAT must be one of auto, json, pretty/,
    );
  });

  it('names every bad value at once and never echoes a secret', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        EVENTSTORE_CONNECTION_STRING: 'http://x',
        KAFKA_BROKERS: 'nohost',
        JOURNEYS_API_KEYS: 'ed:superuser:0123456789abcdef,broken,short:viewer:abc',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems;
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/EVENTSTORE_CONNECTION_STRING/);
    expect(problems.join('\n')).toMatch(/KAFKA_BROKERS: "nohost"/);
    expect(problems.join('\n')).toMatch(/role must be one of/);
    expect(problems.join('\n')).toMatch(/entry 2 \("broken"\) must be name:role:secret/);
    expect(problems.join('\n')).toMatch(/at least 16 characters/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect((error as Error).message).not.toContain('0123456789abcdef');
  });
});

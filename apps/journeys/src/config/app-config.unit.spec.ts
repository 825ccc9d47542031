import { ConfigurationError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.eventStoreConnectionString).toBeUndefined();
    expect(config.kafkaBrokers).toEqual([]);
    expect(config.apiKeys).toEqual([]);
    expect(config.logLevel).toBe('log');
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

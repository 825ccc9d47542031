import { MetricsRegistry } from './metrics.registry';

describe('MetricsRegistry', () => {
  it('renders counters and gauges in the Prometheus text format, sorted by name', async () => {
    const registry = new MetricsRegistry();
    const received = registry.counter('journeys_kafka_messages_in_total', 'Messages consumed.');
    received.inc({ topic: 'journeys.triggers' }, 3);
    received.inc({ topic: 'journeys.triggers' });
    received.inc({ topic: 'a "quoted"\nname' });
    registry.gauge('journeys_lag', 'Lag.', () => [{ labels: { topic: 't' }, value: 7 }]);
    registry.gauge('a_memory', 'Memory.', async () => 42);
    registry.gauge('broken', 'Fails.', () => {
      throw new Error('store down');
    });
    expect(registry.counter('journeys_kafka_messages_in_total', 'again')).toBeDefined();

    expect(await registry.render()).toBe(
      [
        '# HELP a_memory Memory.',
        '# TYPE a_memory gauge',
        'a_memory 42',
        '# HELP journeys_kafka_messages_in_total Messages consumed.',
        '# TYPE journeys_kafka_messages_in_total counter',
        'journeys_kafka_messages_in_total{topic="journeys.triggers"} 4',
        'journeys_kafka_messages_in_total{topic="a \\"quoted\\"\\nname"} 1',
        '# HELP journeys_lag Lag.',
        '# TYPE journeys_lag gauge',
        'journeys_lag{topic="t"} 7',
        '',
      ].join('\n'),
    );
  });

  it('refuses bad names and a name used for two kinds', () => {
    const registry = new MetricsRegistry();
    expect(() => registry.counter('bad-name', 'x')).toThrow(/Bad metric name/);
    registry.gauge('g', 'x', () => 1);
    expect(() => registry.counter('g', 'x')).toThrow(/is a gauge/);
  });
});

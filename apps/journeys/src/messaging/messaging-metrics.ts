import type { MessagingObserver } from '@journeys/messaging';
import type { MetricsRegistry } from '../metrics/metrics.registry';

/** The Kafka counters of `/metrics`: messages in, out and dead-lettered, by topic. */
export function messagingMetrics(registry: MetricsRegistry): MessagingObserver {
  const received = registry.counter('journeys_kafka_messages_in_total', 'Messages consumed and committed, by topic.');
  const published = registry.counter(
    'journeys_kafka_messages_out_total',
    'Messages acknowledged by the broker, by topic.',
  );
  const deadLettered = registry.counter(
    'journeys_kafka_dead_letters_total',
    'Consumed messages sent to the dead-letter topic, by source topic and reason.',
  );
  return {
    received: (topic, count) => received.inc({ topic }, count),
    published: (topic, count) => published.inc({ topic }, count),
    deadLettered: (topic, reason, count) => deadLettered.inc({ topic, reason }, count),
  };
}

import type { MessagingObserver } from '@journeys/messaging';
import type { JourneysMetrics } from '../metrics/journeys-metrics';

/** The Kafka counters of `/metrics`: messages in, out and dead-lettered, by topic. */
export function messagingMetrics(metrics: JourneysMetrics): MessagingObserver {
  return {
    received: (topic, count) => metrics.kafkaMessagesIn.inc({ topic }, count),
    published: (topic, count) => metrics.kafkaMessagesOut.inc({ topic }, count),
    deadLettered: (topic, reason, count) => metrics.kafkaDeadLetters.inc({ topic, reason }, count),
  };
}

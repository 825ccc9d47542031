import { Global, Inject, Module } from '@nestjs/common';
import type { EventStore } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { EVENT_STORE } from '../infrastructure/storage.module';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';

/**
 * `GET /metrics`: process memory, event store head, projection position, and whatever other
 * modules register (the Kafka consumers and forwarder add their counters and lags).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry],
  exports: [MetricsRegistry],
})
export class MetricsModule {
  constructor(registry: MetricsRegistry, projections: ProjectionRunner, @Inject(EVENT_STORE) eventStore: EventStore) {
    registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage().rss);
    registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', () => process.memoryUsage().heapUsed);
    registry.gauge('nodejs_heap_total_bytes', 'V8 heap allocated, in bytes.', () => process.memoryUsage().heapTotal);
    registry.gauge('process_uptime_seconds', 'Seconds since the process started.', () => process.uptime());
    registry.gauge('journeys_projection_position', 'Event store position every read model has applied.', () =>
      Number(projections.status().position),
    );
    registry.gauge('journeys_event_store_head_position', 'Position of the last stored event.', async () =>
      Number(await eventStore.headPosition()),
    );
  }
}

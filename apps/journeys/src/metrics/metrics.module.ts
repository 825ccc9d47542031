import { Global, Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EVENT_STORE, type EventStore } from '@journeys/event-store';
import { ProjectionRunner } from '@journeys/read-models';
import { ENGINE_OBSERVER } from '../runtime/engine-observer';
import { JourneyEngine } from '../runtime/engine/journey-engine';
import { JourneysMetrics } from './journeys-metrics';
import { MetricsController } from './metrics.controller';

/**
 * `GET /metrics` (prom-client): default process metrics, HTTP durations, the engine's work, intake
 * outcomes, positions and lags, and the Kafka families when Kafka runs (README "Metrics").
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: JourneysMetrics,
      useFactory: (store: EventStore, projections: ProjectionRunner, modules: ModuleRef) =>
        new JourneysMetrics({
          headPosition: () => store.headPosition(),
          projectionPosition: () => projections.status().position,
          // Looked up when scraped: the engine itself depends on this module's ENGINE_OBSERVER.
          enginePosition: () => modules.get(JourneyEngine, { strict: false }).status().position,
        }),
      inject: [EVENT_STORE, ProjectionRunner, ModuleRef],
    },
    {
      provide: ENGINE_OBSERVER,
      useFactory: (metrics: JourneysMetrics) => metrics.engineObserver(),
      inject: [JourneysMetrics],
    },
  ],
  exports: [JourneysMetrics, ENGINE_OBSERVER],
})
export class MetricsModule {}

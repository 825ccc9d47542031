import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Module } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@journeys/event-store';
import { ReadModelStore } from '@journeys/read-models';
import { CLOCK, type Clock } from '../common/clock';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { KafkaPartitionOwnership } from '../messaging/kafka-partition-ownership';
import { IngestionController } from '../ingestion/ingestion.controller';
import { Ingestion } from '../ingestion/ingestion.port';
import { IngestionService } from '../ingestion/ingestion.service';
import { ActionsController, ActionsOutbox } from './actions-feed';
import { ActionsRoute } from './actions-route';
import { JourneyEngine } from './engine/journey-engine';
import { CrossJourneyController } from './cross-journey.controller';
import { ENGINE_STORES } from './engine-store/engine-store.port';
import { LocalPartitionLog } from './engine-store/local-partition-log';
import { PARTITION_LOG } from './engine-store/partition-log.port';
import { SqliteEngineStores } from './engine-store/sqlite/sqlite-engine-store';
import { StreamPartitionLog } from './engine-store/stream-partition-log';
import { AllPartitions, PARTITION_OWNERSHIP } from './partitions/partition-ownership.port';
import { RuntimeController } from './runtime.controller';

/** The data plane: ingestion, the engine, the actions output, analytics and customer progress. */
@Module({
  controllers: [IngestionController, ActionsController, RuntimeController, CrossJourneyController],
  providers: [
    { provide: Ingestion, useClass: IngestionService },
    {
      provide: ENGINE_STORES,
      useFactory: (readModels: ReadModelStore) => new SqliteEngineStores(readModels),
      inject: [ReadModelStore],
    },
    // With EventStoreDB the state of a partition lives in its stream, so any replica can take it over;
    // with the embedded store the state file is durable where it is.
    {
      provide: PARTITION_LOG,
      useFactory: (config: AppConfig, events: EventStore, clock: Clock) =>
        config.eventStoreConnectionString
          ? new StreamPartitionLog(events, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, () =>
              clock.now(),
            )
          : new LocalPartitionLog(events),
      inject: [APP_CONFIG, EVENT_STORE, CLOCK],
    },
    // Replicas split the partitions only where they share the event store and have Kafka to coordinate.
    {
      provide: PARTITION_OWNERSHIP,
      useFactory: (config: AppConfig) =>
        config.eventStoreConnectionString && config.kafkaBrokers.length
          ? new KafkaPartitionOwnership(config)
          : new AllPartitions(config.partitions),
      inject: [APP_CONFIG],
    },
    JourneyEngine,
    ActionsOutbox,
    ActionsRoute,
  ],
  exports: [Ingestion, JourneyEngine, ActionsOutbox],
})
export class RuntimeModule {}

import { Module } from '@nestjs/common';
import { ReadModelStore } from '@journeys/read-models';
import { IngestionController } from '../ingestion/ingestion.controller';
import { Ingestion } from '../ingestion/ingestion.port';
import { IngestionService } from '../ingestion/ingestion.service';
import { ActionsController, ActionsOutbox } from './actions-feed';
import { ActionsRoute } from './actions-route';
import { JourneyEngine } from './engine/journey-engine';
import { CrossJourneyController } from './cross-journey.controller';
import { ENGINE_STORES } from './engine-store/engine-store.port';
import { SqliteEngineStores } from './engine-store/sqlite/sqlite-engine-store';
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
    JourneyEngine,
    ActionsOutbox,
    ActionsRoute,
  ],
  exports: [Ingestion, JourneyEngine, ActionsOutbox],
})
export class RuntimeModule {}

import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@journeys/event-store';
import { EventStoreDbEventStore } from '@journeys/event-store/eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from '@journeys/event-store/sqlite/sqlite-event-store';
import { ProjectionRunner, ReadModelStore } from '@journeys/read-models';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { PROJECTIONS } from './projections';

/** The token lives beside the port; kept here too for the code that imports it from this module. */
export { EVENT_STORE };

/** Where the embedded files live inside the data directory. */
export function storageFiles(dataDir: string) {
  return { eventStore: join(dataDir, 'events.sqlite'), readModels: join(dataDir, 'read-models.sqlite') };
}

export function openEventStore(config: AppConfig): EventStore {
  return config.eventStoreConnectionString
    ? EventStoreDbEventStore.connect(config.eventStoreConnectionString)
    : SqliteEventStore.open({ file: storageFiles(config.dataDir).eventStore });
}

/**
 * The event store (EventStoreDB when configured, else the embedded SQLite file), the read-model
 * store and the projection runner that feeds it.
 */
@Global()
@Module({
  providers: [
    { provide: EVENT_STORE, useFactory: openEventStore, inject: [APP_CONFIG] },
    {
      provide: ReadModelStore,
      useFactory: (config: AppConfig) => ReadModelStore.open(storageFiles(config.dataDir).readModels),
      inject: [APP_CONFIG],
    },
    {
      provide: ProjectionRunner,
      useFactory: (store: EventStore, readModels: ReadModelStore) => {
        const logger = new Logger('Projections');
        return new ProjectionRunner(store, readModels, PROJECTIONS, {
          onError: (error) => logger.error(`Projection batch failed, retrying: ${String(error)}`),
        });
      },
      inject: [EVENT_STORE, ReadModelStore],
    },
  ],
  exports: [EVENT_STORE, ReadModelStore, ProjectionRunner],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionRunner,
  ) {}

  /** Runs after intake has stopped: the batch in flight commits, then the stores close. */
  async onApplicationShutdown(): Promise<void> {
    await this.projections.stop();
    await this.eventStore.close();
    this.readModels.close();
  }
}

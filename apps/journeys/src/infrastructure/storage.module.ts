import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { EVENT_STORE, type CheckpointStore, type EventStore } from '@journeys/event-store';
import { EventStoreDbEventStore } from '@journeys/event-store/eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from '@journeys/event-store/sqlite/sqlite-event-store';
import { ProjectionRunner, readModelCheckpoints, ReadModelStore } from '@journeys/read-models';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { PROJECTIONS } from './projections';

/** The token lives beside the port; kept here too for the code that imports it from this module. */
export { EVENT_STORE };
/** Checkpoints of readers whose loss would show outside (the Kafka forwarders): see {@link CheckpointStore}. */
export const CHECKPOINT_STORE = Symbol('CHECKPOINT_STORE');

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
 * Durable checkpoints: in EventStoreDB when it is the event store (the data directory is then
 * disposable, a pod's emptyDir), else in the read-model file beside the embedded event store.
 */
export function openCheckpointStore(store: EventStore, readModels: ReadModelStore): CheckpointStore {
  return store instanceof EventStoreDbEventStore ? store.checkpoints() : readModelCheckpoints(readModels);
}

/**
 * The event store (EventStoreDB when configured, else the embedded SQLite file), the read-model
 * store and the projection runner that feeds it, and the store of durable checkpoints.
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
    { provide: CHECKPOINT_STORE, useFactory: openCheckpointStore, inject: [EVENT_STORE, ReadModelStore] },
  ],
  exports: [EVENT_STORE, ReadModelStore, ProjectionRunner, CHECKPOINT_STORE],
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

import type { CheckpointStore } from '@journeys/event-store';
import type { ReadModelStore } from './read-model-store';

/** Checkpoints in the read-model file: where the embedded mode keeps them, beside its event store. */
export function readModelCheckpoints(store: ReadModelStore): CheckpointStore {
  return {
    load: async (name) => store.checkpoint(name),
    save: async (name, { position, version }) => store.saveCheckpoint(name, position, version),
  };
}

export * from './read-model-store';
export * from './projection';
export * from './document-projection';
export * from './projection-runner';
export * from './read-model-checkpoints';

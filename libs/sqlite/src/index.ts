export * from './store-faults';
export * from './wal-checkpointer';

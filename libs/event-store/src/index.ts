export * from './event-store.port';
export * from './checkpoint-store';

export * from './event-store.port';
export * from './checkpoint-store';
export * from './reactor/reactor';

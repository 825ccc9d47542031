export * from './event-store.port';
export * from './reactor/reactor';

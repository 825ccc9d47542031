export * from './topics';
export * from './outbound-message';
export * from './cloud-events';
export * from './dead-letter';
export * from './event-forwarder';
export * from './kafka/kafka-client';
export * from './kafka/batch-consumer';
export * from './json-depth';

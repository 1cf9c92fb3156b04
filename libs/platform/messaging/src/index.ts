export * from './message-bus.port';
export * from './consumer/retry';
export * from './consumer/transient-errors';
export * from './consumer/apply-once';
export * from './memory/in-memory-message-bus';
export * from './kafka/kafka-message-bus';
export * from './relay/event-relay';
export * from './store/store-fed-message-bus';

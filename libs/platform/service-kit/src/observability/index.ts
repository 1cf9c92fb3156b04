export * from './log-context';
export * from './logger';
export * from './tracing';
export * from './traced-kafka-bus';

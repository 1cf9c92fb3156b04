export * from './postgres-harness';
export * from './service-process';

export * from './postgres-harness';

export * from './event-store.port';
export * from './hash-chain';
export * from './polling-subscription';
export * from './postgres/postgres-event-store';
export { APPEND_LOCK_KEY } from './postgres/postgres-event-store.schema';
export * from './command-handling';
export * from './eventstoredb/eventstoredb-event-store';
export * from './personal-data/personal-data-vault';
export * from './group-commit';

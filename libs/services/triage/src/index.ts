export * from './triage.module';
export * from './complaint-events.triage.consumer';
export * from './projections/triage-projections';
export { TRIAGE_MIGRATIONS } from './migrations';

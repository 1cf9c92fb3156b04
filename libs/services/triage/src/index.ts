export * from './triage.module';
export * from './complaint-events.triage.consumer';

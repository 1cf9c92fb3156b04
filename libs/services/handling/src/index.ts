export * from './handling.module';
export * from './complaint-events.handling.consumer';

export * from './topics';
export * from './complaint-event.message';

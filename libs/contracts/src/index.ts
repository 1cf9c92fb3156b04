export * from './topics';
export * from './complaint-event.message';
export * from './notification.message';

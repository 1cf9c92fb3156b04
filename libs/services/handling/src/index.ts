export * from './handling.module';
export * from './complaint-events.handling.consumer';
export * from './deadlines/deadline-scheduler.service';
export * from './notifications/notifier.adapters';

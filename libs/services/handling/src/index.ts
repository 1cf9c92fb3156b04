export * from './handling.module';
export * from './complaint-events.handling.consumer';
export * from './deadlines/deadline-scheduler.service';
export * from './notifications/notifier.adapters';
export * from './complainant-notices/complainant-notices.sender';
export * from './complainant-notices/notice-channels';
export * from './complainant-notices/notice-templates';
export * from './complainant-notices/complainant-notices.consumer';

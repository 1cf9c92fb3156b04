export * from './topics';
export * from './complaint-event.message';
export * from './notification.message';
export * from './i18n';

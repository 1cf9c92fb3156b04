export * from './handling.module';
export * from './complaint-events.handling.consumer';
export * from './deadlines/deadline-scheduler.service';
export * from './notifications/notifier.adapters';
export * from './projections/handling-projections';
export { deadlineTimersProjection, nextCheckAt } from './deadlines/deadline-timers';
export { HANDLING_MIGRATIONS } from './migrations';

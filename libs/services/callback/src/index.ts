export * from './callback.module';
export * from './complaint-events.callback.consumer';
export * from './projections/callback-projections';
export { callbackTasksProjection } from './projections/callback-tasks.projection';
export { CALLBACK_MIGRATIONS } from './migrations';

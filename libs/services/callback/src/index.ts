export * from './callback.module';
export * from './complaint-events.callback.consumer';

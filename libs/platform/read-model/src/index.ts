export * from './read-model-data-source';
export * from './projection/projected-event';
export * from './projection/stream-projection';
export * from './projection/projection-engine';
export * from './projection/projection-checkpoint';
export * from './projection/projection-runner';
export * from './projection/bulk-write.util';

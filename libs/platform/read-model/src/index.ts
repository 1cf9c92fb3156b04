export * from './read-model-data-source';

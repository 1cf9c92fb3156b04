export * from './labels';
export * from './catalogue';

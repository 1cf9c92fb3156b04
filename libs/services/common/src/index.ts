export * from './deterministic-id';
export * from './complaint-command.runner';
export * from './site-directory';
export * from './complaint-tracking';

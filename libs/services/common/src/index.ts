export * from './deterministic-id';
export * from './complaint-command.runner';
export * from './execute-complaint.command';
export * from './complaint-commands.module';
export * from './site-directory';
export * from './personal-data';
export * from './complaint-tracking';
export * from './http-answers.dto';

import type { StreamProjection } from '@complaints/read-model';
import { CALLBACK_MIGRATIONS } from '../migrations';
import { callbackTasksProjection } from './callback-tasks.projection';

export const CALLBACK_SCHEMA = 'callback';
export const CALLBACK_READ_MODEL = Symbol('CALLBACK_READ_MODEL');
export const callbackProjections = (): StreamProjection<unknown>[] => [callbackTasksProjection as StreamProjection<unknown>];
export const callbackReadModelSpec = { schema: CALLBACK_SCHEMA, migrations: CALLBACK_MIGRATIONS };

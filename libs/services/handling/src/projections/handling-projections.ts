import type { StreamProjection } from '@complaints/read-model';
import { complaintTrackingProjection, type SiteDirectory } from '@complaints/service-common';
import { deadlineTimersProjection } from '../deadlines/deadline-timers';
import { HANDLING_MIGRATIONS } from '../migrations';

/** Handling's record of every complaint (site, number, last event). */
export const handlingCasesProjection = complaintTrackingProjection('handling-cases', 'handling', 'cases', 'handling.cases: every complaint handling has heard of');

export const HANDLING_SCHEMA = 'handling';
export const HANDLING_READ_MODEL = Symbol('HANDLING_READ_MODEL');
export const handlingProjections = (sites: SiteDirectory): StreamProjection<unknown>[] => [
  handlingCasesProjection as StreamProjection<unknown>,
  deadlineTimersProjection(sites) as StreamProjection<unknown>,
];
export const handlingReadModelSpec = { schema: HANDLING_SCHEMA, migrations: HANDLING_MIGRATIONS };

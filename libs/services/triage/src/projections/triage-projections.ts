import type { StreamProjection } from '@complaints/read-model';
import { complaintTrackingProjection } from '@complaints/service-common';
import { TRIAGE_MIGRATIONS } from '../migrations';

/** The duty officer's inbox: every complaint triage has heard of (its site, number, last event). */
export const triageInboxProjection = complaintTrackingProjection('triage-inbox', 'triage', 'inbox', 'triage.inbox: the complaints the duty officer triages');

export const TRIAGE_SCHEMA = 'triage';
export const TRIAGE_READ_MODEL = Symbol('TRIAGE_READ_MODEL');
export const triageProjections = (): StreamProjection<unknown>[] => [triageInboxProjection as StreamProjection<unknown>];
export const triageReadModelSpec = { schema: TRIAGE_SCHEMA, migrations: TRIAGE_MIGRATIONS };

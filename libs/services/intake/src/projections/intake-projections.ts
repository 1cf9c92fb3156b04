import type { StreamProjection } from '@complaints/read-model';
import type { ComplaintPersonalData, SiteDirectory } from '@complaints/service-common';
import { INTAKE_MIGRATIONS } from '../migrations';
import { contactIndexProjection } from './contact-index.projection';

export const INTAKE_SCHEMA = 'intake';
export const INTAKE_READ_MODEL = Symbol('INTAKE_READ_MODEL');
export const intakeProjections = (sites: SiteDirectory, personalData: ComplaintPersonalData): StreamProjection<unknown>[] => [
  contactIndexProjection(sites, personalData) as StreamProjection<unknown>,
];
export const intakeReadModelSpec = { schema: INTAKE_SCHEMA, migrations: INTAKE_MIGRATIONS };

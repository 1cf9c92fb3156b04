import type { DataSource } from 'typeorm';
import type { EventStore } from '@complaints/event-store';
import type { StreamProjection } from '@complaints/read-model';
import { ServiceProjections, complaintEventSource, postgresHeadPosition } from '@complaints/service-common';
import { complaintViewProjection } from '../complaint-view/complaint-view.projection';
import { departmentDashboardProjection } from '../dashboard/department-dashboard.projection';
import { monthlyReportProjection } from '../monthly-report/monthly-report.projection';

/** Every projection of the reporting schema, by name (the CLI's and the admin endpoint's argument). */
export const REPORTING_PROJECTIONS: readonly StreamProjection<unknown>[] = [
  complaintViewProjection as StreamProjection<unknown>,
  departmentDashboardProjection as StreamProjection<unknown>,
  monthlyReportProjection as StreamProjection<unknown>,
];

export const REPORTING_SCHEMA = 'reporting';

export const projectionNames = (): string[] => REPORTING_PROJECTIONS.map((p) => p.name);

export const findProjection = (name: string): StreamProjection<unknown> | undefined => REPORTING_PROJECTIONS.find((p) => p.name === name);

/**
 * The reporting read models as one unit: the live path applies each delivered batch to
 * every projection (each in its own transaction with the applied ids), and any one of them
 * can be dropped and rebuilt from the event store.
 */
export class ReportingProjections extends ServiceProjections {
  constructor(dataSource: DataSource, store: EventStore, headPosition?: () => Promise<bigint | undefined>, projections: readonly StreamProjection<unknown>[] = REPORTING_PROJECTIONS) {
    super(dataSource, REPORTING_SCHEMA, store, projections, headPosition);
  }
}

export { complaintEventSource, postgresHeadPosition };

/** The rules live in the domain library (libs/complaint-domain/src/reporting/department-dashboard.rules.ts); re-exported for the service's projection, queries and tests. */
export {
  OPEN_STATUSES,
  DASHBOARD_STAGES,
  STAGE_COLUMN,
  OLDEST_LISTED,
  restOfSiteDay,
  ageInDays,
} from '@complaints/domain';
export type {
  DashboardStage,
} from '@complaints/domain';

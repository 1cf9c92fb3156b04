export * from './reporting.module';
export { ReportingProjections, REPORTING_PROJECTIONS, projectionNames, findProjection, postgresHeadPosition } from './projections/reporting-projections';
export { buildYearlyArchive, manifestRootHash } from './archive/yearly-archive';
export type { ArchiveBundle, ArchiveManifest } from './archive/yearly-archive';
export { queryDepartmentDashboard } from './dashboard/department-dashboard.query';
export type { DepartmentDashboard } from './dashboard/department-dashboard.query';
export { queryComplaintList } from './complaint-view/complaint-list.query';
export { buildMonthlyPack } from './monthly-report/monthly-report.query';
export type { MonthlyPack, SiteInfo } from './monthly-report/monthly-report.query';

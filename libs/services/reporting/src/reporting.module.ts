import { Module, type OnApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DEMO_SITES } from '@complaints/auth';
import { createReadModelDataSource, migrateReadModel } from '@complaints/read-model';
import { AttachmentStorageModule, ComplaintCommandRunner, ComplaintPersonalData, SiteDirectory } from '@complaints/service-common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from './reporting.tokens';
import { ComplaintViewEntity } from './complaint-view/complaint-view.entity';
import { ComplaintViewController } from './complaint-view/complaint-view.controller';
import { AuditController } from './audit/audit.controller';
import { DashboardCaseEntity } from './dashboard/dashboard-case.entity';
import { DepartmentDashboardController } from './dashboard/department-dashboard.controller';
import { ReportComplaintEntity, ReportFactEntity } from './monthly-report/report-fact.entity';
import { MonthlyReportController } from './monthly-report/monthly-report.controller';
import { ArchiveController } from './archive/archive.controller';
import { ProjectionAdminController } from './admin/projection-admin.controller';
import { ProjectionService } from './projections/projection.service';
import { ReportingEventsConsumer } from './projections/reporting-events.consumer';
import { REPORTING_MIGRATIONS } from './migrations';
import { ChangeFeed } from './live/change-feed';
import { ChangeStreamController } from './live/change-stream.controller';
import { AttachmentsReadController } from './attachments/attachments-read.controller';
import { RecordsController } from './records/records.controller';
import { RecordsService } from './records/records.service';
import { RecordsSchedulerService } from './records/records-scheduler.service';
import { RecordsDeskService } from './records-desk/desk.service';
import { CaseLibraryController } from './records-desk/case-library.controller';
import { DisclosureController } from './records-desk/disclosure.controller';
import { WeeklyCheckController } from './records-desk/weekly-check.controller';

export const REPORTING_ENTITIES = [ComplaintViewEntity, DashboardCaseEntity, ReportComplaintEntity, ReportFactEntity];

@Injectable()
class ReportingDataSourceLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Opens the reporting schema's data source and brings its tables up to date. */
export const openReportingDataSource = async (databaseUrl: string, poolSize?: number): Promise<DataSource> => {
  const dataSource = createReadModelDataSource({ url: databaseUrl, schema: 'reporting', entities: REPORTING_ENTITIES, migrations: REPORTING_MIGRATIONS, poolSize });
  await dataSource.initialize();
  await migrateReadModel(dataSource, 'reporting');
  return dataSource;
};

/**
 * Reporting (统计/稽核): the read models in PostgreSQL fed from the bus (complaint view and
 * list, department dashboard, monthly pack), their rebuilds, the audit trail and the sealed
 * yearly archive.
 */
@Module({
  imports: [AttachmentStorageModule],
  controllers: [
    ComplaintViewController,
    AuditController,
    DepartmentDashboardController,
    MonthlyReportController,
    ArchiveController,
    ProjectionAdminController,
    ChangeStreamController,
    ReportingEventsConsumer,
    RecordsController,
    CaseLibraryController,
    DisclosureController,
    WeeklyCheckController,
    AttachmentsReadController,
  ],
  providers: [
    {
      provide: REPORTING_DATA_SOURCE,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => openReportingDataSource(config.databaseUrl),
    },
    // Constructed here rather than injected: the directory reads its sites from the environment.
    // Where the demo users are created, their two sites are named too (unless SITES_JSON describes them).
    {
      provide: SiteDirectory,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => (config.auth.seedDemoUsers ? new SiteDirectory().nameUnconfigured(DEMO_SITES) : new SiteDirectory()),
    },
    ComplaintPersonalData,
    ReportingDataSourceLifecycle,
    ProjectionService,
    ChangeFeed,
    // The records desk (issue 15 §6–7): monthly pack snapshots and sign-off, year-end seals.
    ComplaintCommandRunner,
    RecordsService,
    RecordsSchedulerService,
    RecordsDeskService,
  ],
})
export class ReportingModule {}

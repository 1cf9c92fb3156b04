import { Module, type OnApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createReadModelDataSource, migrateReadModel } from '@complaints/read-model';
import { PLATFORM_CONFIG, type PlatformConfig } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from './reporting.tokens';
import { ComplaintViewEntity } from './complaint-view/complaint-view.entity';
import { ComplaintViewConsumer } from './complaint-view/complaint-view.consumer';
import { ComplaintViewController } from './complaint-view/complaint-view.controller';
import { AuditController } from './audit/audit.controller';
import { ReportingInitial1764000000000 } from './migrations/1764000000000-reporting-initial';

@Injectable()
class ReportingDataSourceLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Reporting (统计/稽核): read models in PostgreSQL, the complaint view and list, audit. */
@Module({
  controllers: [ComplaintViewController, AuditController],
  providers: [
    {
      provide: REPORTING_DATA_SOURCE,
      inject: [PLATFORM_CONFIG],
      useFactory: async (config: PlatformConfig) => {
        const dataSource = createReadModelDataSource({
          url: config.databaseUrl,
          schema: 'reporting',
          entities: [ComplaintViewEntity],
          migrations: [ReportingInitial1764000000000],
        });
        await dataSource.initialize();
        await migrateReadModel(dataSource, 'reporting');
        return dataSource;
      },
    },
    ReportingDataSourceLifecycle,
    ComplaintViewConsumer,
  ],
})
export class ReportingModule {}

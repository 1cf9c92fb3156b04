import 'reflect-metadata';
import { bootstrapService } from '@complaints/service-kit';
import { ReportingModule } from '@complaints/reporting-service';

bootstrapService('reporting', ReportingModule).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

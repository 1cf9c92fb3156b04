import 'reflect-metadata';
import { bootstrapService } from '@complaints/service-kit';
import { TriageModule } from '@complaints/triage-service';

bootstrapService('triage', TriageModule).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import 'reflect-metadata';
import { bootstrapService } from '@complaints/service-kit';
import { HandlingModule } from '@complaints/handling-service';

bootstrapService('handling', HandlingModule).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import 'reflect-metadata';
import { bootstrapService } from '@complaints/service-kit';
import { IntakeModule } from '@complaints/intake-service';

bootstrapService('intake', IntakeModule).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

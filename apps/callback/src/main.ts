import 'reflect-metadata';
import { bootstrapService } from '@complaints/service-kit';
import { CallbackModule } from '@complaints/callback-service';

bootstrapService('callback', CallbackModule).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

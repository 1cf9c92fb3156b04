import { Module } from '@nestjs/common';
import { ComplaintCommandsModule } from '@complaints/service-common';
import { IntakeController } from './intake.controller';
import { RegisterComplaintHandler } from './registration/register-complaint.command';
import { ComplaintNumberingService } from './registration/complaint-numbering.service';
import { IdempotencyStore } from './registration/idempotency.store';
import { ContactIndexConsumer, RepeatFinder } from './repeats/repeat-detection';

/** Intake (受理): registration from every channel, numbering, idempotency, corrections. */
@Module({
  imports: [ComplaintCommandsModule],
  controllers: [IntakeController],
  providers: [ComplaintNumberingService, IdempotencyStore, RegisterComplaintHandler, RepeatFinder, ContactIndexConsumer],
})
export class IntakeModule {}

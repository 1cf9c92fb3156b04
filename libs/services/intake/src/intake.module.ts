import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ComplaintCommandRunner, SiteDirectory } from '@complaints/service-common';
import { IntakeController } from './intake.controller';
import { RegisterComplaintHandler } from './registration/register-complaint.command';
import { ComplaintNumberingService } from './registration/complaint-numbering.service';
import { IdempotencyStore } from './registration/idempotency.store';
import { CorrectComplaintHandler } from './correction/correct-complaint.command';

/** Intake (受理): registration from every channel, numbering, idempotency, corrections. */
@Module({
  imports: [CqrsModule],
  controllers: [IntakeController],
  providers: [ComplaintCommandRunner, SiteDirectory, ComplaintNumberingService, IdempotencyStore, RegisterComplaintHandler, CorrectComplaintHandler],
})
export class IntakeModule {}

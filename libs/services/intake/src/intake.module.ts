import { Module } from '@nestjs/common';
import { AttachmentStorageModule, ComplaintCommandsModule } from '@complaints/service-common';
import { IntakeController } from './intake.controller';
import { RegisterComplaintHandler } from './registration/register-complaint.command';
import { ComplaintNumberingService } from './registration/complaint-numbering.service';
import { IdempotencyStore } from './registration/idempotency.store';
import { ContactIndexConsumer, RepeatFinder } from './repeats/repeat-detection';
import { ErasePersonalDataHandler } from './erasure/erase-personal-data';
import { AttachmentsController } from './attachments/attachments.controller';
import { AddAttachmentService } from './attachments/add-attachment';

/** Intake (受理): registration from every channel, numbering, idempotency, corrections, erasure of personal data. */
@Module({
  imports: [ComplaintCommandsModule, AttachmentStorageModule],
  controllers: [IntakeController, ContactIndexConsumer, AttachmentsController],
  providers: [ComplaintNumberingService, IdempotencyStore, RegisterComplaintHandler, RepeatFinder, ErasePersonalDataHandler, AddAttachmentService],
})
export class IntakeModule {}

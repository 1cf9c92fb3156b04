import { Module } from '@nestjs/common';
import { AttachmentStorageModule, ComplaintCommandsModule, ComplaintPersonalData, SiteDirectory, readModelProvider, ReadModelConnectionsModule } from '@complaints/service-common';
import { IntakeController } from './intake.controller';
import { RegisterComplaintHandler } from './registration/register-complaint.command';
import { ComplaintNumberingService } from './registration/complaint-numbering.service';
import { IdempotencyStore } from './registration/idempotency.store';
import { ContactIndexConsumer, RepeatFinder } from './repeats/repeat-detection';
import { ErasePersonalDataHandler } from './erasure/erase-personal-data';
import { AttachmentsController } from './attachments/attachments.controller';
import { AddAttachmentService } from './attachments/add-attachment';
import { INTAKE_READ_MODEL, intakeProjections, intakeReadModelSpec } from './projections/intake-projections';

/** Intake (受理): registration from every channel, numbering, idempotency, corrections, erasure of personal data. */
@Module({
  imports: [ComplaintCommandsModule, ReadModelConnectionsModule, AttachmentStorageModule],
  controllers: [IntakeController, ContactIndexConsumer, AttachmentsController],
  providers: [
    // Intake's read model (the contact index): its tables from its migrations, its rows from its declared projection.
    readModelProvider(INTAKE_READ_MODEL, intakeReadModelSpec, intakeProjections, [SiteDirectory, ComplaintPersonalData]),
    ComplaintNumberingService,
    IdempotencyStore,
    RegisterComplaintHandler,
    RepeatFinder,
    ErasePersonalDataHandler,
    AddAttachmentService,
  ],
  exports: [INTAKE_READ_MODEL],
})
export class IntakeModule {}

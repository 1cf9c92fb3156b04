import { Module } from '@nestjs/common';
import { ComplaintCommandsModule } from '@complaints/service-common';
import { TriageComplaintEventsConsumer } from './complaint-events.triage.consumer';
import { TriageController } from './http/triage.controller';

@Module({
  imports: [ComplaintCommandsModule],
  controllers: [TriageController, TriageComplaintEventsConsumer],
})
export class TriageModule {}

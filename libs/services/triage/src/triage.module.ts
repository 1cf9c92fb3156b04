import { Module } from '@nestjs/common';
import { TriageComplaintEventsConsumer } from './complaint-events.triage.consumer';

@Module({
  providers: [TriageComplaintEventsConsumer],
})
export class TriageModule {}

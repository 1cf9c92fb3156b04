import { Module } from '@nestjs/common';
import { HandlingComplaintEventsConsumer } from './complaint-events.handling.consumer';

@Module({
  providers: [HandlingComplaintEventsConsumer],
})
export class HandlingModule {}

import { Module } from '@nestjs/common';
import { ComplaintCommandsModule } from '@complaints/service-common';
import { HandlingComplaintEventsConsumer } from './complaint-events.handling.consumer';
import { HandlingController } from './http/handling.controller';

@Module({
  imports: [ComplaintCommandsModule],
  controllers: [HandlingController],
  providers: [HandlingComplaintEventsConsumer],
})
export class HandlingModule {}

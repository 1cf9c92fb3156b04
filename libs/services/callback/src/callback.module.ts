import { Module } from '@nestjs/common';
import { ComplaintCommandsModule } from '@complaints/service-common';
import { CallbackComplaintEventsConsumer } from './complaint-events.callback.consumer';
import { CallbackController } from './http/callback.controller';
import { CallbackTasksController } from './http/callback-tasks.controller';

@Module({
  imports: [ComplaintCommandsModule],
  controllers: [CallbackController, CallbackTasksController, CallbackComplaintEventsConsumer],
})
export class CallbackModule {}

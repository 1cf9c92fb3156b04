import { Module } from '@nestjs/common';
import { ComplaintCommandsModule } from '@complaints/service-common';
import { CallbackComplaintEventsConsumer } from './complaint-events.callback.consumer';
import { CallbackController } from './http/callback.controller';

@Module({
  imports: [ComplaintCommandsModule],
  controllers: [CallbackController],
  providers: [CallbackComplaintEventsConsumer],
})
export class CallbackModule {}

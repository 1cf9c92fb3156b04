import { Module } from '@nestjs/common';
import { CallbackComplaintEventsConsumer } from './complaint-events.callback.consumer';

@Module({
  providers: [CallbackComplaintEventsConsumer],
})
export class CallbackModule {}

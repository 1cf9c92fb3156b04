import { Module } from '@nestjs/common';
import { ComplaintCommandsModule, readModelProvider, ReadModelConnectionsModule } from '@complaints/service-common';
import { CallbackComplaintEventsConsumer } from './complaint-events.callback.consumer';
import { CallbackController } from './http/callback.controller';
import { CallbackTasksController } from './http/callback-tasks.controller';
import { CALLBACK_READ_MODEL, callbackProjections, callbackReadModelSpec } from './projections/callback-projections';

@Module({
  imports: [ComplaintCommandsModule, ReadModelConnectionsModule],
  controllers: [CallbackController, CallbackTasksController, CallbackComplaintEventsConsumer],
  // The callback schema: its tables from its migrations, its rows from its declared projections.
  providers: [readModelProvider(CALLBACK_READ_MODEL, callbackReadModelSpec, callbackProjections)],
  exports: [CALLBACK_READ_MODEL],
})
export class CallbackModule {}

import { Module } from '@nestjs/common';
import { ComplaintCommandsModule, readModelProvider, ReadModelConnectionsModule } from '@complaints/service-common';
import { TriageComplaintEventsConsumer } from './complaint-events.triage.consumer';
import { TriageController } from './http/triage.controller';
import { TRIAGE_READ_MODEL, triageProjections, triageReadModelSpec } from './projections/triage-projections';

@Module({
  imports: [ComplaintCommandsModule, ReadModelConnectionsModule],
  controllers: [TriageController, TriageComplaintEventsConsumer],
  // The triage schema: its tables from its migrations, its rows from its declared projections.
  providers: [readModelProvider(TRIAGE_READ_MODEL, triageReadModelSpec, triageProjections)],
  exports: [TRIAGE_READ_MODEL],
})
export class TriageModule {}

import { Module } from '@nestjs/common';
import { ComplaintCommandsModule, SiteDirectory, readModelProvider, ReadModelConnectionsModule } from '@complaints/service-common';
import { HandlingComplaintEventsConsumer } from './complaint-events.handling.consumer';
import { HandlingController } from './http/handling.controller';
import { DeadlineSchedulerService } from './deadlines/deadline-scheduler.service';
import { NotificationsConsumer } from './notifications/notifications.consumer';
import { NOTIFIER, notifierFromEnv } from './notifications/notifier.adapters';
import { HANDLING_READ_MODEL, handlingProjections, handlingReadModelSpec } from './projections/handling-projections';

/** Handling (处理/跟进): replies, plans, resolution, escalation, reassignment, deadlines, chasing, notices. */
@Module({
  imports: [ComplaintCommandsModule, ReadModelConnectionsModule],
  controllers: [HandlingController, HandlingComplaintEventsConsumer, NotificationsConsumer],
  providers: [
    // The handling schema: its tables from its migrations, its rows from its declared projections.
    readModelProvider(HANDLING_READ_MODEL, handlingReadModelSpec, handlingProjections, [SiteDirectory]),
    DeadlineSchedulerService,
    { provide: NOTIFIER, useFactory: () => notifierFromEnv(process.env) },
  ],
  exports: [DeadlineSchedulerService, HANDLING_READ_MODEL],
})
export class HandlingModule {}

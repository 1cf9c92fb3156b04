import { Module } from '@nestjs/common';
import { ComplaintCommandsModule } from '@complaints/service-common';
import { HandlingComplaintEventsConsumer } from './complaint-events.handling.consumer';
import { HandlingController } from './http/handling.controller';
import { WrittenReportController } from './http/written-report.controller';
import { DeadlineSchedulerService } from './deadlines/deadline-scheduler.service';
import { NotificationsConsumer } from './notifications/notifications.consumer';
import { NOTIFIER, notifierFromEnv } from './notifications/notifier.adapters';

/** Handling (处理/跟进): replies, plans, resolution, escalation, reassignment, deadlines, chasing, notices. */
@Module({
  imports: [ComplaintCommandsModule],
  controllers: [HandlingController, WrittenReportController, HandlingComplaintEventsConsumer, NotificationsConsumer],
  providers: [
    DeadlineSchedulerService,
    { provide: NOTIFIER, useFactory: () => notifierFromEnv(process.env) },
  ],
  exports: [DeadlineSchedulerService],
})
export class HandlingModule {}

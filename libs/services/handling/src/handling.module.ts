import { Module } from '@nestjs/common';
import { ComplaintCommandsModule, SiteDirectory, readModelProvider, ReadModelConnectionsModule } from '@complaints/service-common';
import { HandlingComplaintEventsConsumer } from './complaint-events.handling.consumer';
import { HandlingController } from './http/handling.controller';
import { DeadlineSchedulerService } from './deadlines/deadline-scheduler.service';
import { NotificationsConsumer } from './notifications/notifications.consumer';
import { NOTIFIER, notifierFromEnv } from './notifications/notifier.adapters';
import { HANDLING_READ_MODEL, handlingProjections, handlingReadModelSpec } from './projections/handling-projections';
import { ComplainantNoticesConsumer } from './complainant-notices/complainant-notices.consumer';
import { ComplainantNoticesController } from './complainant-notices/complainant-notices.controller';
import { ComplainantNoticeSender, NOTICE_RETRY_POLICY, noticeRetryPolicyFromEnv } from './complainant-notices/complainant-notices.sender';
import { NOTICE_SENDERS, noticeChannelsFromEnv, noticeSenders } from './complainant-notices/notice-channels';

/** Handling (处理/跟进): replies, plans, resolution, escalation, reassignment, deadlines, chasing, notices. */
@Module({
  imports: [ComplaintCommandsModule, ReadModelConnectionsModule],
  controllers: [HandlingController, HandlingComplaintEventsConsumer, NotificationsConsumer, ComplainantNoticesConsumer, ComplainantNoticesController],
  providers: [
    // The handling schema: its tables from its migrations, its rows from its declared projections.
    readModelProvider(HANDLING_READ_MODEL, handlingReadModelSpec, handlingProjections, [SiteDirectory]),
    DeadlineSchedulerService,
    { provide: NOTIFIER, useFactory: () => notifierFromEnv(process.env) },
    ComplainantNoticeSender,
    { provide: NOTICE_SENDERS, useFactory: () => noticeSenders(noticeChannelsFromEnv(process.env)) },
    { provide: NOTICE_RETRY_POLICY, useFactory: () => noticeRetryPolicyFromEnv(process.env) },
  ],
  exports: [DeadlineSchedulerService, ComplainantNoticeSender, HANDLING_READ_MODEL],
})
export class HandlingModule {}

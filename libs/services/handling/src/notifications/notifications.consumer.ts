import { Controller, Inject, Logger, type OnModuleInit } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Pool } from 'pg';
import { parseNotificationMessage } from '@complaints/contracts';
import { applyOnce, type DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, PG_POOL } from '@complaints/service-kit';
import { NOTIFIER, type Notifier } from './notifier.adapters';

/**
 * A reaction, not a projection (a notice goes out once, a rebuild sends none): reads the notifications topic in its own consumer group (one message at a time: each
 * notice goes out by itself) and hands each notice to the notifier adapter once: the
 * delivery record and the processed id commit together.
 */
@Controller()
export class NotificationsConsumer implements OnModuleInit {
  private readonly logger = new Logger('notifications');

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(NOTIFIER) private readonly notifier: Notifier,
  ) {}

  /** Its table (handling.notifications) comes from handling's migrations. */
  onModuleInit(): void {
    this.logger.log(`delivering notices through the ${this.notifier.channel} notifier`);
  }

  @BusEventPattern('notifications', { group: 'notifier', oneByOne: true })
  async onNotifications(@Payload() messages: DeliveredMessage[]): Promise<void> {
    for (const message of messages) {
      const notification = parseNotificationMessage(message.value);
      await applyOnce(this.pool, 'handling', 'notifier', notification.eventId, async (client) => {
        await client.query(
          `INSERT INTO handling.notifications (event_id, kind, complaint_id, subject, to_role, channel, payload) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            notification.eventId,
            notification.kind,
            notification.complaintId ?? null,
            notification.subject ? JSON.stringify(notification.subject) : null,
            notification.toRole,
            this.notifier.channel,
            JSON.stringify(notification),
          ],
        );
        await this.notifier.deliver(notification);
      });
    }
  }
}

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { parseNotificationMessage, type TopicNames } from '@complaints/contracts';
import { applyOnce, processedEventsTableSql, type BusSubscription, type MessageBus } from '@complaints/messaging';
import { MESSAGE_BUS, PG_POOL, TOPICS, migrateSql } from '@complaints/service-kit';
import { notificationsTableSql } from './notifications.table';
import { NOTIFIER, type Notifier } from './notifier.adapters';

/**
 * Reads the notifications topic in its own consumer group and hands each notice to the
 * notifier adapter once: the delivery record and the processed id commit together.
 */
@Injectable()
export class NotificationsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('notifications');
  private subscription?: BusSubscription;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(NOTIFIER) private readonly notifier: Notifier,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await migrateSql(this.pool, 'handling', processedEventsTableSql('handling') + notificationsTableSql);
    this.subscription = await this.bus.subscribe({ groupId: 'notifier', topic: this.topics.notifications }, async (message) => {
      const notification = parseNotificationMessage(message.value);
      await applyOnce(this.pool, 'handling', 'notifier', notification.eventId, async (client) => {
        await client.query(
          `INSERT INTO handling.notifications (event_id, kind, complaint_id, to_role, channel, payload) VALUES ($1, $2, $3, $4, $5, $6)`,
          [notification.eventId, notification.kind, notification.complaintId, notification.toRole, this.notifier.channel, JSON.stringify(notification)],
        );
        await this.notifier.deliver(notification);
      });
    });
    this.logger.log(`delivering ${this.topics.notifications} through the ${this.notifier.channel} notifier`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}

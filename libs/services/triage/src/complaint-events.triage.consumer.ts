import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { ComplaintEventMessage, TopicNames } from '@complaints/contracts';
import { applyOnce, processedEventsTableSql, type MessageBus } from '@complaints/messaging';
import { ComplaintEventsConsumer, MESSAGE_BUS, PG_POOL, TOPICS, migrateSql } from '@complaints/service-kit';
import { complaintTrackingTableSql, trackComplaintEvent } from '@complaints/service-common';

/**
 * Keeps the duty officer's inbox: registered complaints waiting for triage (判别), from the complaint events on the bus. Each event's effect and its id
 * are written in one transaction, so redelivery changes nothing.
 */
@Injectable()
export class TriageComplaintEventsConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = 'triage';

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicNames,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {
    super(bus, topics);
  }

  protected override async prepare(): Promise<void> {
    await migrateSql(this.pool, 'triage', processedEventsTableSql('triage') + complaintTrackingTableSql('triage', 'inbox'));
  }

  protected async apply(event: ComplaintEventMessage): Promise<void> {
    await applyOnce(this.pool, 'triage', this.groupId, event.eventId, (client) => trackComplaintEvent(client, 'triage', 'inbox', event));
  }
}

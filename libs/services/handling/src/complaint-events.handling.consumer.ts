import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { ComplaintEventMessage, TopicNames } from '@complaints/contracts';
import { applyOnce, processedEventsTableSql, type MessageBus } from '@complaints/messaging';
import { CLOCK, ComplaintEventsConsumer, MESSAGE_BUS, PG_POOL, TOPICS, migrateSql, type Clock } from '@complaints/service-kit';
import { ComplaintCommandRunner, SiteDirectory, complaintTrackingTableSql, trackComplaintEvent } from '@complaints/service-common';
import { deadlineTimersSql, nextCheckAt, saveTimer } from './deadlines/deadline-timers';

/**
 * Handling's view of every complaint, from the bus: its case row and its deadline
 * timer (re-derived from the complaint's stream after each event). The effect and the
 * event id commit together, so redelivery changes nothing.
 */
@Injectable()
export class HandlingComplaintEventsConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = 'handling';

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicNames,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: ComplaintCommandRunner,
    private readonly sites: SiteDirectory,
  ) {
    super(bus, topics);
  }

  protected override async prepare(): Promise<void> {
    await migrateSql(this.pool, 'handling', processedEventsTableSql('handling') + complaintTrackingTableSql('handling', 'cases') + deadlineTimersSql);
  }

  protected async apply(event: ComplaintEventMessage): Promise<void> {
    await applyOnce(this.pool, 'handling', this.groupId, event.eventId, async (client) => {
      await trackComplaintEvent(client, 'handling', 'cases', event);
      const state = await this.runner.stateOf(event.complaintId);
      if (!state.exists) return;
      await saveTimer(client, state, nextCheckAt(state, this.clock.now(), { policy: this.sites.policy(state.siteId) }));
    });
  }
}

import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Pool } from 'pg';
import type { ComplaintEventMessage } from '@complaints/contracts';
import type { ComplaintState } from '@complaints/domain';
import { applyOnceBatch, processedEventsTableSql, type DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, CLOCK, ComplaintEventsConsumer, PG_POOL, migrateSql, type Clock } from '@complaints/service-kit';
import { ComplaintCommandRunner, SiteDirectory, complaintTrackingTableSql, trackComplaintEvent } from '@complaints/service-common';
import { deadlineTimersSql, nextCheckAt, saveTimer } from './deadlines/deadline-timers';

/**
 * Handling's view of every complaint, from the bus: its case row and its deadline
 * timer (re-derived from the complaint's stream once per complaint of a delivered
 * batch, however many of its events the batch holds). The effects and the event ids of
 * a batch commit together, so redelivery changes nothing.
 */
const GROUP = 'handling';
const STATE_READS_AT_ONCE = 4;

@Controller()
export class HandlingComplaintEventsConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = GROUP;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: ComplaintCommandRunner,
    private readonly sites: SiteDirectory,
  ) {
    super();
  }

  @BusEventPattern('complaint-events', { group: GROUP })
  onComplaintEvents(@Payload() messages: DeliveredMessage[]): Promise<void> {
    return this.consume(messages);
  }

  protected override async prepare(): Promise<void> {
    await migrateSql(this.pool, 'handling', processedEventsTableSql('handling') + complaintTrackingTableSql('handling', 'cases') + deadlineTimersSql);
  }

  protected async applyBatch(events: ComplaintEventMessage[]): Promise<void> {
    // Each complaint's current state, read before the transaction (a stored event is all a
    // delivery stands for, so the stream holds at least the batch's events; a newer state is
    // as good: the timer follows the latest). Timers only move forward in version.
    const states = new Map<string, ComplaintState>();
    const ids = [...new Set(events.map((e) => e.complaintId))];
    // A few reads at a time (the pool is shared with the HTTP requests and the scheduler).
    await Promise.all(
      Array.from({ length: Math.min(STATE_READS_AT_ONCE, ids.length) }, async () => {
        for (let id = ids.pop(); id !== undefined; id = ids.pop()) states.set(id, await this.runner.stateOf(id));
      }),
    );
    await applyOnceBatch(this.pool, 'handling', this.groupId, events, async (client, fresh) => {
      for (const event of fresh) await trackComplaintEvent(client, 'handling', 'cases', event);
      const now = this.clock.now();
      for (const complaintId of new Set(fresh.map((e) => e.complaintId))) {
        const state = states.get(complaintId);
        if (!state?.exists) continue;
        await saveTimer(client, state, nextCheckAt(state, now, { policy: this.sites.policy(state.siteId) }));
      }
    });
  }
}

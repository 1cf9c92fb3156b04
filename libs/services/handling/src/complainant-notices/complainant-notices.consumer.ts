import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Pool } from 'pg';
import type { ComplaintEventMessage } from '@complaints/contracts';
import { NOTICE_TRIGGERS, complainantNoticesFor, evolve, initialState, type ComplaintEvent, type ComplaintState } from '@complaints/domain';
import { applyOnceBatch, type DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, CLOCK, ComplaintEventsConsumer, PG_POOL, type Clock } from '@complaints/service-kit';
import { ComplaintCommandRunner, deterministicUuid } from '@complaints/service-common';

/**
 * Complainant notices as a reaction to the complaint's own events (the same events the
 * relay turns into staff notices): for each stored event the domain says which notices it
 * calls for (`complainantNoticesFor`, on the complaint as it stood at that event), and they
 * are queued by key — the event id and the channel — in the same transaction as the
 * group's applied ids, so a redelivered event never queues (or sends) a notice twice.
 */
const GROUP = 'complainant-notices';

/**
 * Events older than this queue no notice (NOTICE_MAX_AGE_HOURS, default 72): when this group
 * first runs on an installation with history, or after a long outage, complainants are not
 * sent notices about steps long past.
 */
export const noticeMaxAgeMs = (env: NodeJS.ProcessEnv): number => {
  const hours = env.NOTICE_MAX_AGE_HOURS && /^\d+$/.test(env.NOTICE_MAX_AGE_HOURS) ? Number(env.NOTICE_MAX_AGE_HOURS) : 72;
  return hours * 3_600_000;
};

@Controller()
export class ComplainantNoticesConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = GROUP;

  private readonly maxAgeMs = noticeMaxAgeMs(process.env);

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: ComplaintCommandRunner,
  ) {
    super();
  }

  @BusEventPattern('complaint-events', { group: GROUP })
  onComplaintEvents(@Payload() messages: DeliveredMessage[]): Promise<void> {
    return this.consume(messages);
  }

  protected async applyBatch(events: ComplaintEventMessage[]): Promise<void> {
    const oldest = this.clock.now().getTime() - this.maxAgeMs;
    const triggering = events.filter((e) => NOTICE_TRIGGERS[e.type] !== undefined && Date.parse(e.recordedAt) >= oldest);
    // The complaint folded up to each triggering event (its contact as it stood then). A
    // registration is the stream's first event: its state needs no read of the stream.
    const stateAt = new Map<string, ComplaintState>();
    for (const e of triggering) {
      if (e.type === 'ComplaintRegistered' && e.revision === 0) stateAt.set(e.eventId, evolve(initialState(), { type: e.type, data: e.data } as unknown as ComplaintEvent));
    }
    for (const complaintId of new Set(triggering.filter((e) => !stateAt.has(e.eventId)).map((e) => e.complaintId))) {
      const history = await this.runner.readHistory(complaintId);
      let state = initialState();
      for (const recorded of history) {
        state = evolve(state, { type: recorded.type, data: recorded.data } as unknown as ComplaintEvent);
        stateAt.set(recorded.id, state);
      }
    }
    const due = new Set(triggering.map((e) => e.eventId));
    await applyOnceBatch(this.pool, 'handling', this.groupId, events, async (client, fresh) => {
      const now = this.clock.now();
      for (const event of fresh) {
        const state = stateAt.get(event.eventId);
        if (!due.has(event.eventId) || !state?.exists) continue;
        for (const notice of complainantNoticesFor({ type: event.type, data: event.data } as unknown as ComplaintEvent, state, event.eventId)) {
          await client.query(
            `INSERT INTO handling.complainant_notices (id, notice_key, complaint_id, site_id, number, source_event_id, template, channel, facts, next_attempt_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) ON CONFLICT (notice_key) DO NOTHING`,
            [deterministicUuid(`notice:${notice.key}`), notice.key, state.id, state.siteId, state.number, notice.sourceEventId, notice.template, notice.channel, JSON.stringify(notice.facts), now],
          );
        }
      }
    });
  }
}

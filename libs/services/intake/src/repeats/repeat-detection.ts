import { Controller, Inject, Injectable } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Pool } from 'pg';
import type { ComplaintEventMessage } from '@complaints/contracts';
import { suggestTriage, type ComplaintPolicy, type RegisterComplaintData } from '@complaints/domain';
import type { DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, ComplaintEventsConsumer, PG_POOL } from '@complaints/service-kit';
import { ComplaintPersonalData, ServiceReadModel, projectedFromMessage } from '@complaints/service-common';
import { INTAKE_READ_MODEL } from '../projections/intake-projections';

/**
 * Repeat complaints (重复投诉): the same complainant about the same issue again, within
 * the policy's window, is linked to the earlier complaint. "Same complainant" is the
 * same contact number at the same site; "same issue" the same category (the triaged
 * one, or the suggestion's until triage). The index (projection `contact-index`) keeps a
 * keyed digest of the number (HMAC under a key derived from the personal-data master key),
 * never the number, and forgets the complaint when its personal data is erased.
 */
type Registration = Pick<RegisterComplaintData, 'channel' | 'title' | 'description' | 'request' | 'categoryHint' | 'householdCount' | 'occurredAt'>;

export const suggestedCategory = (registration: Registration, policy: ComplaintPolicy): string =>
  suggestTriage(
    {
      channel: registration.channel,
      title: registration.title,
      description: registration.description,
      request: registration.request,
      categoryHint: registration.categoryHint,
      householdCount: registration.householdCount,
      occurredAt: registration.occurredAt,
    },
    policy,
  ).category;

const GROUP = 'intake';

/** Feeds intake's projection (`contact-index`) from the bus, one transaction per delivered batch with the events' ids. */
@Controller()
export class ContactIndexConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = GROUP;

  constructor(@Inject(INTAKE_READ_MODEL) private readonly readModel: ServiceReadModel) {
    super();
  }

  @BusEventPattern('complaint-events', { group: GROUP })
  onComplaintEvents(@Payload() messages: DeliveredMessage[]): Promise<void> {
    return this.consume(messages);
  }

  protected async applyBatch(events: ComplaintEventMessage[]): Promise<void> {
    await this.readModel.applyLive(events.map(projectedFromMessage));
  }
}

/** Finds the earlier complaint a new registration repeats, if any. */
@Injectable()
export class RepeatFinder {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly personalData: ComplaintPersonalData,
  ) {}

  async find(siteId: string, phone: string | null | undefined, category: string, receivedAt: string, windowDays: number): Promise<string | undefined> {
    if (!phone) return undefined;
    const since = new Date(new Date(receivedAt).getTime() - windowDays * 86_400_000);
    const { rows } = await this.pool
      .query<{ complaint_id: string }>(
        `SELECT complaint_id FROM intake.contact_index WHERE site_id = $1 AND phone_digest = $2 AND category = $3 AND received_at >= $4 AND received_at <= $5
         ORDER BY received_at DESC LIMIT 1`,
        [siteId, this.personalData.phoneIndex(phone), category, since, receivedAt],
      )
      .catch((error: { code?: string }) => {
        if (error.code === '42P01') return { rows: [] }; // index not created yet (first start)
        throw error;
      });
    return rows[0]?.complaint_id;
  }
}

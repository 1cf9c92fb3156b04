import { Controller, Inject, Injectable } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Pool, PoolClient } from 'pg';
import type { ComplaintEventMessage } from '@complaints/contracts';
import { ERASED_PERSONAL_VALUE, suggestTriage, type ComplaintPolicy, type RegisterComplaintData } from '@complaints/domain';
import { applyOnceBatch, processedEventsTableSql, type DeliveredMessage } from '@complaints/messaging';
import { BusEventPattern, ComplaintEventsConsumer, PG_POOL, migrateSql } from '@complaints/service-kit';
import { ComplaintPersonalData, SiteDirectory } from '@complaints/service-common';

/**
 * Repeat complaints (重复投诉): the same complainant about the same issue again, within
 * the policy's window, is linked to the earlier complaint. "Same complainant" is the
 * same contact number at the same site; "same issue" the same category (the triaged
 * one, or the suggestion's until triage). The index keeps a keyed digest of the number
 * (HMAC under a key derived from the personal-data master key), never the number, and
 * forgets the complaint when its personal data is erased.
 */
export const contactIndexSql = `
CREATE TABLE IF NOT EXISTS intake.contact_index (
  complaint_id uuid PRIMARY KEY,
  site_id      text        NOT NULL,
  phone_digest text        NOT NULL,
  category     text        NOT NULL,
  received_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS contact_index_lookup ON intake.contact_index (site_id, phone_digest, category, received_at DESC);`;

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

@Controller()
export class ContactIndexConsumer extends ComplaintEventsConsumer {
  protected readonly groupId = GROUP;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly sites: SiteDirectory,
    private readonly personalData: ComplaintPersonalData,
  ) {
    super();
  }

  @BusEventPattern('complaint-events', { group: GROUP })
  onComplaintEvents(@Payload() messages: DeliveredMessage[]): Promise<void> {
    return this.consume(messages);
  }

  protected override async prepare(): Promise<void> {
    await migrateSql(this.pool, 'intake', 'CREATE SCHEMA IF NOT EXISTS intake;' + processedEventsTableSql('intake') + contactIndexSql);
  }

  protected async applyBatch(batch: ComplaintEventMessage[]): Promise<void> {
    const events = batch.filter((e) => e.type === 'ComplaintRegistered' || e.type === 'ComplaintTriaged' || e.type === 'PersonalDataErased');
    if (events.length === 0) return;
    // The stored phones are sealed: open them (outside the transaction) to index their digests.
    const phones = new Map<string, string>();
    for (const event of events) {
      const sealedPhone = event.type === 'ComplaintRegistered' ? (event.data as { complainant?: { phone?: string } }).complainant?.phone : undefined;
      if (sealedPhone !== undefined) phones.set(event.eventId, await this.personalData.openValue(sealedPhone));
    }
    await applyOnceBatch(this.pool, 'intake', this.groupId, events, async (client, fresh) => {
      for (const event of fresh) await this.index(client, event, phones.get(event.eventId));
    });
  }

  private async index(client: PoolClient, event: ComplaintEventMessage, phone: string | undefined): Promise<void> {
    if (event.type === 'PersonalDataErased') {
      await client.query(`DELETE FROM intake.contact_index WHERE complaint_id = $1`, [event.complaintId]);
      return;
    }
    const d = event.data as Registration & { siteId: string; receivedAt: string; complainant?: { phone?: string; anonymous?: boolean }; category?: string };
    if (event.type === 'ComplaintTriaged') {
      await client.query(`UPDATE intake.contact_index SET category = $2 WHERE complaint_id = $1`, [event.complaintId, d.category]);
      return;
    }
    if (d.complainant?.anonymous || !phone || phone === ERASED_PERSONAL_VALUE) return;
    const category = suggestedCategory(d, this.sites.policy(d.siteId));
    await client.query(
      `INSERT INTO intake.contact_index (complaint_id, site_id, phone_digest, category, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (complaint_id) DO NOTHING`,
      [event.complaintId, d.siteId, this.personalData.phoneIndex(phone), category, d.receivedAt],
    );
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

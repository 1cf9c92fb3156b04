import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { ERASED_PERSONAL_VALUE, SYSTEM_ACTOR, isDomainError, mayNotifyComplainant, type Complaint, type NoticeChannel, type NoticeFacts, type NoticeTemplate, type RecordComplainantNotice } from '@complaints/domain';
import { CLOCK, PG_POOL, PLATFORM_CONFIG, type Clock, type PlatformConfig } from '@complaints/service-kit';
import { ComplaintCommandRunner, ComplaintPersonalData, SiteDirectory } from '@complaints/service-common';
import { NOTICE_SENDERS, NoticeDeliveryError, type NoticeSender } from './notice-channels';
import type { NoticeRow } from './complainant-notices.table';
import { renderBilingual, renderNotice } from './notice-templates';

export type NoticeRetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
export const NOTICE_RETRY_POLICY = Symbol('NOTICE_RETRY_POLICY');

export const noticeRetryPolicyFromEnv = (env: NodeJS.ProcessEnv): NoticeRetryPolicy => {
  const int = (v: string | undefined, fallback: number) => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : fallback);
  return { maxAttempts: int(env.NOTICE_MAX_ATTEMPTS, 5), baseDelayMs: int(env.NOTICE_RETRY_BASE_MS, 30_000), maxDelayMs: int(env.NOTICE_RETRY_MAX_MS, 3_600_000) };
};

/** Exponential backoff: base, 2·base, 4·base … up to the cap. */
export const retryDelayMs = (policy: NoticeRetryPolicy, attempts: number): number => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));

const NOTICE_ACTOR = { ...SYSTEM_ACTOR, id: 'system:complainant-notices', name: 'Complainant notices' };

/**
 * Sends the queued complainant notices: takes the due ones (`FOR UPDATE SKIP LOCKED`, so
 * several instances share the work), re-checks the complaint (anonymous, erased or sealed
 * since: cancelled), opens the contact from the vault for this one call, sends, and records
 * ComplainantNoticeSent on the complaint's stream (a letter is marked ready to print). A failure is retried with exponential
 * backoff; once the attempts run out it is recorded as ComplainantNoticeFailed and shows on
 * the CS assistant's queue. The contact is never logged nor stored outside the vault.
 */
@Injectable()
export class ComplainantNoticeSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('complainant-notices');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;
  private readonly senders: Map<NoticeChannel, NoticeSender>;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(NOTICE_SENDERS) senders: NoticeSender[],
    @Inject(NOTICE_RETRY_POLICY) private readonly retry: NoticeRetryPolicy,
    private readonly runner: ComplaintCommandRunner,
    private readonly personalData: ComplaintPersonalData,
    private readonly sites: SiteDirectory,
  ) {
    this.senders = new Map(senders.map((s) => [s.channel, s]));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.schedulerEnabled) return;
    const channels = [...this.senders.values()].map((s) => `${s.channel}: ${s.describe}`);
    this.logger.log(
      `complainant notices: ${channels.length ? channels.join('; ') : 'no e-mail or SMS channel configured'}; e-mail ${this.senders.has('email') ? 'on' : 'OFF (set NOTICE_SMTP_HOST and NOTICE_SMTP_FROM)'}, SMS ${this.senders.has('sms') ? 'on' : 'OFF (set NOTICE_SMS_GATEWAY_URL)'}, letters prepared for printing`,
    );
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((error: unknown) => this.logger.warn(`notice pass failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.config.schedulerIntervalMs);
        });
    };
    this.timer = setTimeout(loop, Math.min(1_000, this.config.schedulerIntervalMs));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over the due notices; returns how many it handled. */
  async tick(limit = 20): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<NoticeRow>(
        `SELECT * FROM handling.complainant_notices WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [this.clock.now(), limit],
      );
      for (const row of rows) await this.handle(client, row);
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async update(client: PoolClient, row: NoticeRow, patch: { status: NoticeRow['status']; attempts?: number; error?: string | null; nextAttemptAt?: Date; sent?: boolean }): Promise<void> {
    const now = this.clock.now();
    await client.query(
      `UPDATE handling.complainant_notices SET status = $2, attempts = $3, last_error = $4, next_attempt_at = $5, updated_at = $6, sent_at = CASE WHEN $7 THEN $6 ELSE sent_at END WHERE id = $1`,
      [row.id, patch.status, patch.attempts ?? row.attempts, patch.error === undefined ? row.last_error : patch.error, patch.nextAttemptAt ?? row.next_attempt_at, now, patch.sent === true],
    );
  }

  private record(row: NoticeRow, outcome: 'sent' | 'failed', attempts: number, error?: string) {
    const command: RecordComplainantNotice = {
      type: 'RecordComplainantNotice',
      data: { noticeKey: row.notice_key, sourceEventId: row.source_event_id, template: row.template as NoticeTemplate, channel: row.channel as NoticeChannel, outcome, attempts, error: error ?? null },
      metadata: { now: this.clock.now().toISOString(), actor: NOTICE_ACTOR, causationId: row.source_event_id },
    };
    return this.runner.run(row.complaint_id, command, { idempotencyKey: `complainant-notice:${row.notice_key}:${outcome}` });
  }

  private async handle(client: PoolClient, row: NoticeRow): Promise<void> {
    const state = await this.runner.stateOf(row.complaint_id);
    if (!state.exists || !mayNotifyComplainant(state)) {
      await this.update(client, row, { status: 'cancelled', error: !state.exists ? 'complaint not found' : state.archived ? 'record sealed' : 'anonymous or erased complainant' });
      return;
    }
    if (state.complainantNotices?.[row.notice_key] === 'sent') {
      await this.update(client, row, { status: 'sent', sent: true });
      return;
    }
    if (row.channel === 'letter') {
      // The letter is rendered on request (GET …/notices/letter) and printed and posted by
      // staff: it is ready to print, not sent, so nothing goes on the complaint's stream yet.
      await this.update(client, row, { status: 'ready', error: null });
      return;
    }
    const sender = this.senders.get(row.channel as NoticeChannel);
    if (!sender) {
      await this.update(client, row, { status: 'off', error: `${row.channel} channel not configured` });
      return;
    }
    const attempts = row.attempts + 1;
    try {
      await this.deliver(sender, row, state);
    } catch (error) {
      const reason = error instanceof NoticeDeliveryError ? error.reason : 'delivery error';
      if (attempts >= this.retry.maxAttempts) {
        await this.recordFailure(row, attempts, reason);
        await this.update(client, row, { status: 'failed', attempts, error: reason });
        this.logger.warn(`notice ${row.id} (${row.template} by ${row.channel}) for complaint ${row.complaint_id} failed ${attempts} times (${reason}): on the CS assistant's queue`);
      } else {
        await this.update(client, row, { status: 'pending', attempts, error: reason, nextAttemptAt: new Date(this.clock.now().getTime() + retryDelayMs(this.retry, attempts)) });
        this.logger.log(`notice ${row.id} (${row.template} by ${row.channel}) attempt ${attempts} failed (${reason}); retrying`);
      }
      return;
    }
    await this.record(row, 'sent', attempts);
    await this.update(client, row, { status: 'sent', attempts, error: null, sent: true });
    this.logger.log(`notice ${row.id} (${row.template} by ${row.channel}) sent for complaint ${row.complaint_id}`);
  }

  private async recordFailure(row: NoticeRow, attempts: number, reason: string): Promise<void> {
    try {
      await this.record(row, 'failed', attempts, reason);
    } catch (error) {
      if (!isDomainError(error)) throw error;
    }
  }

  /** Opens the contact for this one call; it lives in this frame only. */
  private async deliver(sender: NoticeSender, row: NoticeRow, state: Complaint): Promise<void> {
    const sealed = row.channel === 'email' ? state.complainant.email : state.complainant.phone;
    if (!sealed) throw new NoticeDeliveryError(`no ${row.channel === 'email' ? 'e-mail address' : 'phone'} on record`);
    const to = await this.personalData.openValue(sealed);
    if (to === ERASED_PERSONAL_VALUE) throw new NoticeDeliveryError('contact erased');
    const name = state.complainant.name ? await this.personalData.openValue(state.complainant.name) : undefined;
    const site = this.sites.site(state.siteId);
    const context = { siteName: site.name, timeZone: site.timeZone, complainantName: name && name !== ERASED_PERSONAL_VALUE ? name : undefined };
    const facts = row.facts as NoticeFacts;
    const notice = row.channel === 'email' ? renderBilingual(row.template as NoticeTemplate, facts, context) : renderNotice(row.template as NoticeTemplate, facts, context);
    await sender.send({ key: row.notice_key, to, notice });
  }

  /** Puts a complaint's failed notices back in the queue, due now (the assistant's "retry"). */
  async retryFailed(complaintId: string): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE handling.complainant_notices SET status = 'pending', next_attempt_at = $2, updated_at = $2 WHERE complaint_id = $1 AND status = 'failed'`,
      [complaintId, this.clock.now()],
    );
    return rowCount ?? 0;
  }
}

import { Controller, Get, Inject, Injectable, Logger, Query, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { DataSource } from 'typeorm';
import { callbackQuotaReminderDay, callbackQuotaReminders, type CallbackQuotaReminder } from '@complaints/domain';
import { linkForAppend, type EventStore } from '@complaints/event-store';
import { SiteDirectory, deterministicUuid } from '@complaints/service-common';
import { CLOCK, CurrentUser, EVENT_STORE, PLATFORM_CONFIG, type ActingUser, type Clock, type PlatformConfig } from '@complaints/service-kit';
import { assertSite } from '../access/reporting-access';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { staffOf } from './monthly-report.controller';
import { countSite, sitesWithComplaints } from './monthly-report.query';

/** The stream of a site's month of callback-quota reminders (read by the relay for the notices). */
export const callbackQuotaStreamName = (siteId: string, month: string): string => `callback-quota-${siteId}-${month}`;
const CALLBACK_QUOTA_ACTOR_ID = 'system:callback-quota-reminders';

/**
 * The month-end reminder of the managers' callback minimums (seed: the CS centre manager does
 * ≥ 3 callbacks a month, the general manager ≥ 1; policy callback.monthlyMinimum). On the
 * scheduler's beat, each site's month so far is counted like the monthly pack counts it, and
 * the domain's `callbackQuotaReminders` says who is still short from
 * `callback.monthlyMinimumReminderDays` before the month's end: each such person is reminded
 * once a month (the row's key), written to the log as a notice and kept for the site's
 * managers to read (GET /api/reports/callback-quota-reminders).
 */
@Injectable()
export class CallbackQuotaReminderService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('callback-quota');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    @Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly sites: SiteDirectory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.schedulerEnabled) return;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.remind()
        .catch((error: unknown) => this.logger.warn(`reminders failed: ${String(error)}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.config.schedulerIntervalMs);
        });
    };
    this.timer = setTimeout(loop, this.config.schedulerIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every site; returns the reminders given now (not those given earlier this month). */
  async remind(now: Date = this.clock.now()): Promise<CallbackQuotaReminder[]> {
    const ids = new Set([...this.sites.allSites().map((s) => s.id), ...(await sitesWithComplaints(this.dataSource))]);
    const given: CallbackQuotaReminder[] = [];
    for (const siteId of [...ids].sort()) {
      const site = this.sites.site(siteId);
      const policy = this.sites.policy(siteId);
      // Outside the reminder days nothing is counted at all.
      const { month, remind } = callbackQuotaReminderDay(policy, site.timeZone, now.toISOString());
      if (!remind) continue;
      const { counts } = await countSite(this.dataSource, { id: siteId, name: site.name, regionId: site.regionId, timeZone: site.timeZone, policy, staff: staffOf(site) }, month, now);
      const people = new Map(counts.quotas.map((q) => [`${q.actorId}\u0000${q.role}`, q.name]));
      const reminders = callbackQuotaReminders(
        counts.quotas.map((q) => ({ actorId: q.actorId, role: q.role as CallbackQuotaReminder['role'], callbacks: q.callbacks })),
        policy,
        { siteId, timeZone: site.timeZone },
        now.toISOString(),
      );
      for (const r of reminders) {
        const name = people.get(`${r.actorId}\u0000${r.role}`) ?? null;
        // Once a month per person: a reminder already recorded (row) is neither appended nor told again.
        const known = (await this.dataSource.query(`SELECT 1 FROM reporting.callback_quota_reminder WHERE key = $1`, [r.key])) as unknown[];
        if (known.length > 0) continue;
        // The reminder reaches the person through the notifier (notice `notice.callbackQuota`): an event whose id
        // comes from the reminder's key, appended before the row, so a pass cut short appends nothing twice.
        await this.recordReminded(r, name, now);
        const inserted = (await this.dataSource.query(
          `INSERT INTO reporting.callback_quota_reminder (key, site_id, month, actor_id, actor_name, role, callbacks, required, missing, days_left, reminded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (key) DO NOTHING RETURNING key`,
          [r.key, r.siteId, r.month, r.actorId, name, r.role, r.callbacks, r.required, r.missing, r.daysLeft, now],
        )) as { key: string }[];
        if (inserted.length === 0) continue;
        given.push(r);
        this.logger.log(
          `回访提醒 callback minimum: ${name ?? r.actorId} (${r.role}) has ${r.callbacks} of ${r.required} callbacks for ${r.month} at ${r.siteId} — ${r.missing} missing, ${r.daysLeft} day(s) left`,
        );
      }
    }
    return given;
  }

  /** Appends the reminder's event, hash-chained like every stored event, unless its id is on the stream already. */
  private async recordReminded(r: CallbackQuotaReminder, name: string | null, now: Date): Promise<void> {
    const streamId = callbackQuotaStreamName(r.siteId, r.month);
    const id = deterministicUuid(`callback-quota-reminder:${r.key}`);
    const history = await this.store.readStream(streamId);
    if (history.some((e) => e.id === id)) return;
    const event = {
      id,
      type: 'CallbackQuotaReminded',
      data: { siteId: r.siteId, month: r.month, actorId: r.actorId, ...(name ? { actorName: name } : {}), role: r.role, callbacks: r.callbacks, required: r.required, missing: r.missing, daysLeft: r.daysLeft, key: r.key, at: now.toISOString() },
      metadata: { actor: { id: CALLBACK_QUOTA_ACTOR_ID, role: 'system' }, occurredAt: now.toISOString() },
    };
    const link = linkForAppend(this.store, streamId, history, [event]);
    await this.store.appendToStream(streamId, link.events, link.options);
  }

}

export class CallbackQuotaRemindersQueryDto {
  @ApiProperty({ example: 'site-a' }) @IsString() @IsNotEmpty() @MaxLength(64) siteId!: string;
  @ApiPropertyOptional({ example: '2026-03', description: 'YYYY-MM; default: every month' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month?: string;
}

export class CallbackQuotaReminderDto {
  @ApiProperty() key!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiProperty() actorId!: string;
  @ApiPropertyOptional({ nullable: true }) actorName!: string | null;
  @ApiProperty({ example: 'cs_manager' }) role!: string;
  @ApiProperty() callbacks!: number;
  @ApiProperty() required!: number;
  @ApiProperty() missing!: number;
  @ApiProperty({ description: 'Days left in the month after the day of the reminder' }) daysLeft!: number;
  @ApiProperty() remindedAt!: string;
}

@ApiTags('reports')
@Controller('reports')
export class CallbackQuotaRemindersController {
  constructor(@Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get('callback-quota-reminders')
  @ApiOperation({
    summary:
      'The month-end reminders of a site’s managers below their monthly callback minimum (policy callback.monthlyMinimum: CS centre manager 3, general manager 1; from callback.monthlyMinimumReminderDays before the month ends), one per person and month',
  })
  @ApiOkResponse({ type: [CallbackQuotaReminderDto] })
  async list(@Query() query: CallbackQuotaRemindersQueryDto, @CurrentUser() user: ActingUser): Promise<CallbackQuotaReminderDto[]> {
    assertSite(user, query.siteId);
    const rows = (await this.dataSource.query(
      `SELECT key, site_id, month, actor_id, actor_name, role, callbacks, required, missing, days_left, reminded_at
         FROM reporting.callback_quota_reminder WHERE site_id = $1 AND ($2::text IS NULL OR month = $2) ORDER BY reminded_at, key`,
      [query.siteId, query.month ?? null],
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      key: String(r.key),
      siteId: String(r.site_id),
      month: String(r.month),
      actorId: String(r.actor_id),
      actorName: r.actor_name === null ? null : String(r.actor_name),
      role: String(r.role),
      callbacks: Number(r.callbacks),
      required: Number(r.required),
      missing: Number(r.missing),
      daysLeft: Number(r.days_left),
      remindedAt: new Date(r.reminded_at as string).toISOString(),
    }));
  }
}

import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Pool } from 'pg';
import { ERASED_PERSONAL_VALUE, NOTICE_TEMPLATES, mayReadContact, type Complaint, type NoticeFacts, type NoticeTemplate } from '@complaints/domain';
import { ApiError, CLOCK, CurrentUser, PG_POOL, type ActingUser, type Clock } from '@complaints/service-kit';
import { DEPARTMENT_ROLES, mayAccessComplaint, mayAccessSite, seesAllSites } from '@complaints/auth';
import { ComplaintCommandRunner, ComplaintPersonalData, SiteDirectory } from '@complaints/service-common';
import { noticeJson, type NoticeRow } from './complainant-notices.table';
import { ComplainantNoticeSender } from './complainant-notices.sender';
import { renderNoticeLetter } from './notice-letter.pdf';
import { localStamp, renderNotice } from './notice-templates';

const QUEUE_STATUSES = ['failed', 'pending', 'ready', 'off', 'sent', 'cancelled'] as const;

export class NoticeQueueQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) siteId?: string;
  @ApiPropertyOptional({ enum: QUEUE_STATUSES, default: 'failed' }) @IsOptional() @IsIn(QUEUE_STATUSES as unknown as string[]) status?: (typeof QUEUE_STATUSES)[number];
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

export class NoticeLetterQueryDto {
  @ApiProperty({ enum: NOTICE_TEMPLATES }) @IsIn(NOTICE_TEMPLATES as unknown as string[]) template!: NoticeTemplate;
}

/**
 * Complainant notices (书面通知客户): the notices of one complaint, the failed-notice queue
 * of the CS assistants, a retry, and the printable letter. The list and the queue show what
 * was sent how and when — never to whom; the letter, which names the complainant and their
 * flat, is for the roles that may read the contact.
 */
@ApiTags('handling')
@Controller()
export class ComplainantNoticesController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: ComplaintCommandRunner,
    private readonly personalData: ComplaintPersonalData,
    private readonly sites: SiteDirectory,
    private readonly sender: ComplainantNoticeSender,
  ) {}

  /** The complaint, if the user may see it (site; department staff: their department). */
  private async complaintFor(id: string, user: ActingUser, needsContact: boolean): Promise<Complaint> {
    const state = await this.runner.stateOf(id);
    if (!state.exists) throw new ApiError(404, `Complaint ${id} not found`);
    if (!mayAccessComplaint(user, state)) throw new ApiError(403, 'This complaint is outside your sites or departments');
    if (needsContact && !mayReadContact(user.role)) throw new ApiError(403, `Role '${user.role}' may not read the complainant's contact (the letter names them)`);
    return state;
  }

  @Get('complaints/:id/notices')
  @ApiOperation({ summary: 'The notices sent (or due) to the complainant of this complaint: template, channel, status, attempts, times — never the contact' })
  @ApiOkResponse({ description: '{ items: [{ id, template, channel, status, attempts, lastError, nextAttemptAt, createdAt, sentAt }] }' })
  @ApiForbiddenResponse({ description: 'Another site, or another department for department staff' })
  @ApiNotFoundResponse()
  async list(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: ActingUser) {
    await this.complaintFor(id, user, false);
    const { rows } = await this.pool.query<NoticeRow>(`SELECT * FROM handling.complainant_notices WHERE complaint_id = $1 ORDER BY created_at, template, channel`, [id]).catch((error: { code?: string }) => {
      if (error.code === '42P01') return { rows: [] as NoticeRow[] }; // nothing queued yet on this installation
      throw error;
    });
    return { items: rows.map(noticeJson) };
  }

  @Post('complaints/:id/notices/retry')
  @HttpCode(202)
  @ApiOperation({ summary: "Put the complaint's failed notices back in the queue, due now (one more attempt each)" })
  @ApiAcceptedResponse({ description: '{ retried: n }' })
  @ApiForbiddenResponse({ description: "Another site or department, or a role that may not read the complainant's contact" })
  @ApiNotFoundResponse()
  async retry(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: ActingUser) {
    await this.complaintFor(id, user, true);
    return { retried: await this.sender.retryFailed(id) };
  }

  @Get('complaints/:id/notices/letter')
  @ApiOperation({ summary: 'The printable letter (PDF, zh-CN) of the complaint’s latest notice of this template, addressed to the complainant' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'application/pdf' })
  @ApiForbiddenResponse({ description: "Another site or department, or a role that may not read the complainant's contact" })
  @ApiNotFoundResponse({ description: 'No notice of this template (anonymous and erased complainants get none)' })
  async letter(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: NoticeLetterQueryDto, @CurrentUser() user: ActingUser): Promise<StreamableFile> {
    const complaint = await this.complaintFor(id, user, true);
    const { rows } = await this.pool
      .query<NoticeRow>(`SELECT * FROM handling.complainant_notices WHERE complaint_id = $1 AND template = $2 AND status <> 'cancelled' ORDER BY created_at DESC LIMIT 1`, [id, query.template])
      .catch(() => ({ rows: [] as NoticeRow[] }));
    if (rows.length === 0 || complaint.complainant.anonymous || complaint.personalDataErased) throw new ApiError(404, `No ${query.template} notice for complaint ${id}`);
    const site = this.sites.site(complaint.siteId);
    const open = async (v?: string) => (v ? await this.personalData.openValue(v) : undefined);
    const [name, unit] = [await open(complaint.complainant.name), await open(complaint.complainant.unit)];
    const shown = (v?: string) => (v && v !== ERASED_PERSONAL_VALUE ? v : undefined);
    const siteName = site.name ?? site.id;
    const notice = renderNotice(query.template, rows[0].facts as NoticeFacts, { siteName, timeZone: site.timeZone, complainantName: shown(name) }, 'zh-CN');
    const address = [complaint.complainant.building ? `${complaint.complainant.building}栋` : '', shown(unit) ? `${shown(unit)}室` : ''].join('');
    const body = await renderNoticeLetter({
      notice,
      recipient: [shown(name) ? `${shown(name)} 收` : '业主/住户 收', ...(address ? [`${siteName} ${address}`] : [])],
      siteName,
      number: complaint.number,
      date: localStamp(this.clock.now().toISOString(), site.timeZone).slice(0, 10),
    });
    const file = `notice-${complaint.number}-${query.template}.pdf`;
    return new StreamableFile(body, { type: 'application/pdf', length: body.length, disposition: `inline; filename="${file.replace(/[^A-Za-z0-9._-]/g, '_')}"` });
  }

  @Get('complainant-notices')
  @ApiOperation({ summary: "The CS assistants' queue of complainant notices: by default those whose retries ran out (failed), newest first" })
  @ApiOkResponse({ description: '{ items: [{ id, complaintId, number, siteId, template, channel, status, attempts, lastError, … }], total, page }' })
  @ApiForbiddenResponse({ description: 'Another site, or department staff (the queue spans every department)' })
  async queue(@Query() query: NoticeQueueQueryDto, @CurrentUser() user: ActingUser) {
    if (query.siteId && !mayAccessSite(user, query.siteId)) throw new ApiError(403, `Site ${query.siteId} is outside your sites`);
    if (DEPARTMENT_ROLES.has(user.role)) throw new ApiError(403, "The notice queue is the customer-service staff's");
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const params = [query.status ?? 'failed', query.siteId ?? null, seesAllSites(user) ? null : user.siteIds];
    const where = `status = $1 AND ($2::text IS NULL OR site_id = $2) AND ($3::text[] IS NULL OR site_id = ANY($3))`;
    const missing = (error: { code?: string }) => {
      if (error.code === '42P01') return { rows: [] };
      throw error;
    };
    const [{ rows }, total] = await Promise.all([
      this.pool.query<NoticeRow>(`SELECT * FROM handling.complainant_notices WHERE ${where} ORDER BY updated_at DESC, id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`, params).catch(missing),
      this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM handling.complainant_notices WHERE ${where}`, params).catch(missing),
    ]);
    return { items: (rows as NoticeRow[]).map(noticeJson), total: Number((total.rows[0] as { n: string } | undefined)?.n ?? 0), page };
  }
}

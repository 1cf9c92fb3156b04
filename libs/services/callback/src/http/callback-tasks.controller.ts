import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Pool } from 'pg';
import { ApiError, CurrentUser, PG_POOL, type ActingUser } from '@complaints/service-kit';
import { DEPARTMENT_ROLES, mayAccessSite, seesAllSites } from '@complaints/auth';

const STATUSES = ['open', 'done', 'exempt'] as const;

export class CallbackTasksQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) siteId?: string;
  @ApiPropertyOptional({ enum: STATUSES, default: 'open' }) @IsOptional() @IsIn(STATUSES as unknown as string[]) status?: (typeof STATUSES)[number];
  @ApiPropertyOptional({ description: 'Only tasks due before this time (ISO-8601, years 1900–2999)' })
  @IsOptional()
  @IsISO8601()
  @Matches(/^(19|2\d)\d\d-/, { message: 'dueBefore must be a time in the years 1900–2999' })
  dueBefore?: string;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

type TaskRow = { complaint_id: string; site_id: string; number: string; status: string; opened_at: Date; due_at: Date | null; attempts: number; round: number; satisfaction: number | null };

/** The callback queue (`GET /api/callbacks`): what the CS assistants must call back, oldest due first. */
@ApiTags('callback')
@Controller('callbacks')
export class CallbackTasksController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  @ApiOkResponse({ description: '{ items: [{ complaintId, number, siteId, status, openedAt, dueAt, attempts, round, satisfaction }], total, page }' })
  @ApiForbiddenResponse({ description: 'Another site, or department staff (department heads, handlers): the queue spans every department' })
  async list(@Query() query: CallbackTasksQueryDto, @CurrentUser() user: ActingUser) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    if (query.siteId && !mayAccessSite(user, query.siteId)) throw new ApiError(403, `Site ${query.siteId} is outside your sites`, undefined, 'error.outside_scope');
    // The queue lists complaints of every department and this service does not know their
    // departments: department staff, who may open only their own, are not shown it (their
    // department's callback backlog is on the department dashboard).
    if (DEPARTMENT_ROLES.has(user.role)) throw new ApiError(403, 'The callback queue is the customer-service staff\'s; department staff see their callback backlog on the department dashboard', undefined, 'error.forbidden.role');
    // Never more than the user's own sites.
    const sites = seesAllSites(user) ? null : user.siteIds;
    const params = [query.status ?? 'open', query.siteId ?? null, query.dueBefore ?? null, sites];
    const where = `status = $1 AND ($2::text IS NULL OR site_id = $2) AND ($3::timestamptz IS NULL OR due_at < $3) AND ($4::text[] IS NULL OR site_id = ANY($4))`;
    const [{ rows }, total] = await Promise.all([
      this.pool.query<TaskRow>(`SELECT * FROM callback.tasks WHERE ${where} ORDER BY due_at NULLS LAST, complaint_id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`, params),
      this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM callback.tasks WHERE ${where}`, params),
    ]);
    return {
      items: rows.map((r) => ({
        complaintId: r.complaint_id,
        number: r.number,
        siteId: r.site_id,
        status: r.status,
        openedAt: r.opened_at.toISOString(),
        dueAt: r.due_at?.toISOString() ?? null,
        attempts: r.attempts,
        round: r.round,
        satisfaction: r.satisfaction,
      })),
      total: Number(total.rows[0].n),
      page,
    };
  }
}

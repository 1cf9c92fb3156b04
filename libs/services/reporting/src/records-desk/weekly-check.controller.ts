import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import {
  createWorkingCalendar,
  initialWeeklyCheckState,
  isIsoWeek,
  isoWeekOf,
  localDateOf,
  previousWeek,
  weekDates,
  weekSpan,
  weeklyAgenda,
  weeklyCheckDueAt,
  weeklyCheckStreamName,
  type WeeklyCheckState,
} from '@complaints/domain';
import { AcceptedDto, ApiErrorDto, SiteDirectory } from '@complaints/service-common';
import { CurrentUser, badRequest, notFound, type ActingUser } from '@complaints/service-kit';
import { assertSite } from '../access/reporting-access';
import { RecordsDeskService } from './desk.service';
import { CompleteCheckDto, RecordFindingDto, WeeklyCheckDto, WeeklyCheckQueryDto, WeeklyCheckSummaryDto } from './desk.dto';
import { actorOf } from './case-library.controller';

/**
 * 每周检查 (issue 15 item 5): each site's weekly check task — the week's records, open handling
 * and callbacks due — with the supervisor's findings per complaint and its completion; an
 * unchecked week past due is chased by the scheduler (RecordsDeskService.runScheduler).
 */
@ApiTags('records desk')
@Controller('weekly-checks')
export class WeeklyCheckController {
  constructor(
    private readonly desk: RecordsDeskService,
    private readonly sites: SiteDirectory,
  ) {}

  private week(week: string): void {
    if (!isIsoWeek(week)) throw badRequest('week must be an ISO week, YYYY-Www', [{ field: 'week', problem: 'must be an ISO week, YYYY-Www (e.g. 2026-W49)' }]);
  }

  private summary(week: string, timeZone: string, state: WeeklyCheckState | undefined): WeeklyCheckSummaryDto {
    const s = state ?? initialWeeklyCheckState();
    const dueAt = weeklyCheckDueAt(week, createWorkingCalendar({ timeZone }));
    const now = this.desk.now();
    const { from, to } = weekDates(week);
    const findings = Object.values(s.findings);
    const ended = now > weekSpan(week, timeZone).end;
    const status = s.completedAt ? 'completed' : now > dueAt ? 'overdue' : ended ? 'due' : 'in_progress';
    return { week, from, to, dueAt, status, findings: findings.length, issues: findings.filter((f) => f.outcome === 'issue').length, chaseLevel: s.chaseLevel, completedAt: s.completedAt ?? null };
  }

  private async states(siteId: string, weeks: string[]): Promise<Map<string, WeeklyCheckState>> {
    const rows: { week: string; state: WeeklyCheckState }[] = await this.desk.dataSource.query(`SELECT week, state FROM reporting.weekly_check WHERE site_id = $1 AND week = ANY($2::text[])`, [siteId, weeks]);
    return new Map(rows.map((r) => [r.week, r.state]));
  }

  private async agenda(siteId: string, week: string) {
    const { timeZone } = this.sites.site(siteId);
    const complaints = await this.desk.complaintsOfSite(siteId, weekSpan(week, timeZone).end, weekSpan(week, timeZone).start, true);
    return weeklyAgenda(siteId, week, timeZone, complaints);
  }

  @Get(':siteId')
  @ApiOkResponse({ type: [WeeklyCheckSummaryDto], description: 'The site’s recent weeks, the current one first, with each check’s status (overdue: past due and not completed)' })
  @ApiForbiddenResponse({ type: ApiErrorDto })
  async list(@Param('siteId') siteId: string, @Query() query: WeeklyCheckQueryDto, @CurrentUser() user: ActingUser): Promise<WeeklyCheckSummaryDto[]> {
    assertSite(user, siteId);
    const { timeZone } = this.sites.site(siteId);
    const weeks: string[] = [];
    for (let w = isoWeekOf(localDateOf(Date.parse(this.desk.now()), timeZone)), i = 0; i < (query.weeks ?? 8); i++, w = previousWeek(w)) weeks.push(w);
    const states = await this.states(siteId, weeks);
    return weeks.map((w) => this.summary(w, timeZone, states.get(w)));
  }

  @Get(':siteId/:week')
  @ApiOkResponse({ type: WeeklyCheckDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'week is not YYYY-Www' })
  @ApiForbiddenResponse({ type: ApiErrorDto })
  async get(@Param('siteId') siteId: string, @Param('week') week: string, @CurrentUser() user: ActingUser): Promise<WeeklyCheckDto> {
    this.week(week);
    assertSite(user, siteId);
    const { timeZone } = this.sites.site(siteId);
    const state = (await this.states(siteId, [week])).get(week);
    const agenda = await this.agenda(siteId, week);
    const findings = state?.findings ?? {};
    // A complaint found in an earlier look that has since left the agenda keeps its finding on the list.
    const listed = new Set(agenda.map((a) => a.complaintId));
    const extra = Object.values(findings).filter((f) => !listed.has(f.complaintId)).map((f) => ({ complaintId: f.complaintId, number: f.number, title: '', status: '', reasons: [] }));
    return {
      siteId,
      ...this.summary(week, timeZone, state),
      agenda: [...agenda, ...extra].map((item) => ({ ...item, finding: findings[item.complaintId] ?? null })),
    };
  }

  @Post(':siteId/:week/findings')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'Event WeeklyCheckFindingRecorded on record-check-<siteId>-<week>' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Not the CS supervisor or CS centre manager, or not your site' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The check is completed, or the week has not begun' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'An issue without a note' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such complaint at the site' })
  async finding(@Param('siteId') siteId: string, @Param('week') week: string, @Body() body: RecordFindingDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') correlationId?: string): Promise<AcceptedDto> {
    this.week(week);
    assertSite(user, siteId);
    const complaint = await this.desk.complaint(body.complaintId);
    if (!complaint || complaint.siteId !== siteId) throw notFound(`Complaint ${body.complaintId} not found at site ${siteId}`);
    await this.desk.execute(
      weeklyCheckStreamName(siteId, week),
      this.desk.deciders.weeklyCheck,
      {
        type: 'RecordCheckFinding',
        data: { siteId, week, timeZone: this.sites.site(siteId).timeZone, complaintId: complaint.id, number: complaint.number, outcome: body.outcome, ...(body.note !== undefined ? { note: body.note } : {}) },
        metadata: { now: this.desk.now(), actor: actorOf(user) },
      },
      { correlationId: correlationId || undefined },
    );
    return { accepted: true };
  }

  @Post(':siteId/:week/completion')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'Event WeeklyCheckCompleted; completing again changes nothing' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'A complaint on the agenda has no finding yet (the message names them)' })
  async complete(@Param('siteId') siteId: string, @Param('week') week: string, @Body() body: CompleteCheckDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') correlationId?: string): Promise<AcceptedDto> {
    this.week(week);
    assertSite(user, siteId);
    const agenda = await this.agenda(siteId, week);
    await this.desk.execute(
      weeklyCheckStreamName(siteId, week),
      this.desk.deciders.weeklyCheck,
      { type: 'CompleteWeeklyCheck', data: { siteId, week, timeZone: this.sites.site(siteId).timeZone, agenda, ...(body.note ? { note: body.note } : {}) }, metadata: { now: this.desk.now(), actor: actorOf(user) } },
      { correlationId: correlationId || undefined },
    );
    return { accepted: true };
  }
}

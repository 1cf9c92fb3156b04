import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { typicalCaseStreamName, type CaseComplaintFacts, type Complaint, type Role, type TypicalCaseCommand } from '@complaints/domain';
import { AcceptedDto, ApiErrorDto } from '@complaints/service-common';
import { CurrentUser, notFound, type ActingUser } from '@complaints/service-kit';
import { assertSite } from '../access/reporting-access';
import { RecordsDeskService } from './desk.service';
import { CaseLibraryQueryDto, EditTypicalCaseDto, MarkTypicalCaseDto, TypicalCaseDto, TypicalCaseListDto, UnmarkTypicalCaseDto } from './desk.dto';

export const actorOf = (user: ActingUser) => ({ id: user.id, role: user.role as Role, ...(user.name ? { name: user.name } : {}) });

const facts = (c: Complaint): CaseComplaintFacts => ({
  id: c.id,
  siteId: c.siteId,
  number: c.number,
  status: c.status,
  category: c.category,
  title: c.title,
  closedAt: c.closedAt,
  personal: { names: [c.complainant?.name], phones: [c.complainant?.phone] },
});

type CaseRow = { complaint_id: string; site_id: string; number: string; category: string | null; title: string; summary: string; cause: string; lessons: string; marked_at: Date; updated_at: Date; total?: string };

const present = (r: CaseRow): TypicalCaseDto => ({
  complaintId: r.complaint_id,
  siteId: r.site_id,
  number: r.number,
  category: r.category,
  title: r.title,
  summary: r.summary,
  cause: r.cause,
  lessons: r.lessons,
  markedAt: new Date(r.marked_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** LIKE pattern of one search word (its % and _ taken literally). */
const likeWord = (word: string): string => `%${word.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/**
 * 案例库 (issue 15 item 3): managers mark closed complaints as typical cases with an
 * anonymised summary, cause and lessons; every staff member of the group searches them by
 * category and keyword. The entries hold no personal data (the domain refuses text with the
 * complainant's name or a phone-like number), so the library is not scoped by site.
 */
@ApiTags('records desk')
@Controller('case-library')
export class CaseLibraryController {
  constructor(private readonly desk: RecordsDeskService) {}

  private async facts(complaintId: string, user: ActingUser): Promise<CaseComplaintFacts> {
    const complaint = await this.desk.complaint(complaintId);
    if (!complaint) throw notFound(`Complaint ${complaintId} not found`);
    assertSite(user, complaint.siteId);
    return facts(complaint);
  }

  private async run(complaintId: string, command: TypicalCaseCommand, correlationId?: string): Promise<AcceptedDto> {
    await this.desk.execute(typicalCaseStreamName(complaintId), this.desk.deciders.typicalCase, command, { correlationId: correlationId || undefined });
    return { accepted: true };
  }

  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'Marked (event TypicalCaseMarked on the stream case-<complaintId>)' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Not a manager (CS centre manager, general manager, leadership), or the complaint’s site is not yours' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The complaint is not closed, or is already in the library' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: "A text is empty or holds the complainant's name or a phone number (the field is named)" })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async mark(@Body() body: MarkTypicalCaseDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') correlationId?: string): Promise<AcceptedDto> {
    const complaint = await this.facts(body.complaintId, user);
    return this.run(body.complaintId, { type: 'MarkTypicalCase', data: { complaint, summary: body.summary, cause: body.cause, lessons: body.lessons }, metadata: { now: this.desk.now(), actor: actorOf(user) } }, correlationId);
  }

  @Patch(':complaintId')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Not in the library' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto })
  async edit(@Param('complaintId', new ParseUUIDPipe()) complaintId: string, @Body() body: EditTypicalCaseDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') correlationId?: string): Promise<AcceptedDto> {
    const complaint = await this.facts(complaintId, user);
    return this.run(complaintId, { type: 'EditTypicalCase', data: { complaint, summary: body.summary, cause: body.cause, lessons: body.lessons }, metadata: { now: this.desk.now(), actor: actorOf(user) } }, correlationId);
  }

  @Post(':complaintId/unmark')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'Taken out of the library (event TypicalCaseUnmarked); nothing happens when it is not in it' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto })
  async unmark(@Param('complaintId', new ParseUUIDPipe()) complaintId: string, @Body() body: UnmarkTypicalCaseDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') correlationId?: string): Promise<AcceptedDto> {
    await this.facts(complaintId, user);
    return this.run(complaintId, { type: 'UnmarkTypicalCase', data: { complaintId, reason: body.reason }, metadata: { now: this.desk.now(), actor: actorOf(user) } }, correlationId);
  }

  @Get()
  @ApiOkResponse({ type: TypicalCaseListDto, description: 'Typical cases of the whole group, newest first; every word of q must appear in the title, summary, cause or lessons' })
  async search(@Query() query: CaseLibraryQueryDto): Promise<TypicalCaseListDto> {
    const words = (query.q ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
    const params: unknown[] = [query.category ?? null, query.siteId ?? null, query.limit ?? 50, query.offset ?? 0];
    const wordSql = words.map((w) => {
      params.push(likeWord(w));
      return `AND (title || ' ' || summary || ' ' || cause || ' ' || lessons) ILIKE $${params.length}`;
    });
    const rows: CaseRow[] = await this.desk.dataSource.query(
      `SELECT complaint_id, site_id, number, category, title, summary, cause, lessons, marked_at, updated_at, count(*) OVER () AS total
         FROM reporting.typical_case
        WHERE marked AND ($1::text IS NULL OR category = $1) AND ($2::text IS NULL OR site_id = $2) ${wordSql.join(' ')}
        ORDER BY marked_at DESC, number
        LIMIT $3 OFFSET $4`,
      params,
    );
    return { items: rows.map(present), total: rows.length ? Number(rows[0].total) : 0 };
  }

  @Get(':complaintId')
  @ApiOkResponse({ type: TypicalCaseDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'Not in the library' })
  async one(@Param('complaintId', new ParseUUIDPipe()) complaintId: string): Promise<TypicalCaseDto> {
    const rows: CaseRow[] = await this.desk.dataSource.query(`SELECT * FROM reporting.typical_case WHERE stream_id = $1 AND marked`, [typicalCaseStreamName(complaintId)]);
    if (!rows.length) throw notFound(`Complaint ${complaintId} is not in the case library`);
    return present(rows[0]);
  }
}

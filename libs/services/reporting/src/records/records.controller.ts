import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseIntPipe, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { localDateOf, type MonthlyPackState } from '@complaints/domain';
import { ApiErrorDto } from '@complaints/service-common';
import { CurrentUser, badRequest, conflict, notFound, type ActingUser } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { ARCHIVE_ROLES, assertSite, forbidden, isDepartmentStaff, listScope } from '../access/reporting-access';
import { ArchiveIntegrityError } from '../archive/yearly-archive';
import { readSnapshot } from './record-snapshots';
import { RecordsService, actorOf } from './records.service';
import {
  GenerateMonthlyPackResultDto,
  MONTH,
  MonthlyPackDto,
  MonthlyPackListDto,
  PurgeSealedRecordsDto,
  RecordsListQueryDto,
  SITE_ID,
  SealYearResultDto,
  SignOffMonthlyPackDto,
  SnapshotQueryDto,
  YearSealDto,
  YearSealListDto,
} from './records.dto';

type PackRow = {
  site_id: string;
  month: string;
  status: string;
  due_by: string;
  files: { format: string; sha256: string; bytes: number }[];
  generated_at: Date;
  signed_off_at: Date | null;
  signed_off_by: string | null;
  signed_sha256: string | null;
  late: boolean | null;
  chases: number;
  last_chased_on: string | null;
  state: MonthlyPackState;
};

type SealRow = { site_id: string; year: number; editions: YearSealDto['editions']; complaints: number; purged: number; last_sealed_at: Date };

const siteParam = (siteId: string): string => {
  if (!SITE_ID.test(siteId)) throw badRequest('siteId must be a site id', [{ field: 'siteId', problem: 'letters, digits, . _ - (up to 64)' }]);
  return siteId;
};
const monthParam = (month: string): string => {
  if (!MONTH.test(month)) throw badRequest('month must be YYYY-MM', [{ field: 'month', problem: 'YYYY-MM with a year from 1900 to 2999' }]);
  return month;
};
const yearParam = (year: number): number => {
  if (year < 2000 || year > 2999) throw badRequest('year must be a four-digit year', [{ field: 'year', problem: 'must be 2000–2999' }]);
  return year;
};

/** Monthly packs list complaints (major, repeat, reopened): CS staff and management of the site, not department staff. */
const assertPackReader = (user: ActingUser, siteId: string): void => {
  assertSite(user, siteId);
  if (isDepartmentStaff(user)) throw forbidden('Monthly packs are for customer service and management; department staff see their department’s dashboard');
};
const assertArchiveReader = (user: ActingUser, siteId: string): void => {
  if (!ARCHIVE_ROLES.has(user.role)) throw forbidden(`Year seals are for auditors, administrators and management, not '${user.role}'`);
  assertSite(user, siteId);
};

/**
 * The records desk (档案/报告台账, issue 15 §6–7): the monthly packs generated on the 1st,
 * stored as immutable snapshots and signed off by a manager by the policy's due day; and the
 * year-end seals of closed complaints with each record's retention and earliest purge date.
 */
@ApiTags('records')
@Controller('records')
export class RecordsController {
  constructor(
    private readonly records: RecordsService,
    @Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  private packDto(row: PackRow): MonthlyPackDto {
    const today = localDateOf(this.records.now().getTime(), this.records.policy(row.site_id).timeZone);
    return {
      siteId: row.site_id,
      month: row.month,
      status: row.status,
      dueBy: row.due_by,
      files: row.files,
      generatedAt: new Date(row.generated_at).toISOString(),
      generatedBy: row.state.generatedBy?.name ?? row.state.generatedBy?.id ?? '',
      signedOffAt: row.signed_off_at ? new Date(row.signed_off_at).toISOString() : null,
      signedOffBy: row.signed_off_by,
      signedSha256: row.signed_sha256,
      late: row.late,
      chases: row.chases,
      lastChasedOn: row.last_chased_on,
      overdue: row.status === 'awaiting_sign_off' && today > row.due_by,
    };
  }

  private async packRow(siteId: string, month: string): Promise<PackRow> {
    const [row] = (await this.dataSource.query(`SELECT * FROM reporting.monthly_pack WHERE site_id = $1 AND month = $2`, [siteId, month])) as PackRow[];
    if (!row) throw notFound(`No monthly pack of ${siteId} for ${month} has been generated`);
    return row;
  }

  @Get('monthly-packs')
  @ApiOperation({ summary: 'The generated monthly packs (newest first) with their sign-off, due date and chases' })
  @ApiOkResponse({ type: MonthlyPackListDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Another site, or department staff' })
  async listPacks(@Query() query: RecordsListQueryDto, @CurrentUser() user: ActingUser): Promise<MonthlyPackListDto> {
    if (query.siteId) assertPackReader(user, query.siteId);
    else if (isDepartmentStaff(user)) throw forbidden('Monthly packs are for customer service and management');
    const scope = listScope(user);
    const rows = (await this.dataSource.query(
      `SELECT * FROM reporting.monthly_pack WHERE ($1::text IS NULL OR site_id = $1) AND ($2::text[] IS NULL OR site_id = ANY($2)) ORDER BY month DESC, site_id LIMIT 500`,
      [query.siteId ?? null, scope.siteIds],
    )) as PackRow[];
    return { items: rows.map((r) => this.packDto(r)) };
  }

  @Get('monthly-packs/:siteId/:month')
  @ApiOkResponse({ type: MonthlyPackDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'Not generated yet' })
  async pack(@Param('siteId') siteId: string, @Param('month') month: string, @CurrentUser() user: ActingUser): Promise<MonthlyPackDto> {
    assertPackReader(user, siteParam(siteId));
    return this.packDto(await this.packRow(siteId, monthParam(month)));
  }

  @Get('monthly-packs/:siteId/:month/snapshot')
  @ApiOperation({ summary: 'The snapshot exactly as generated (and signed), whatever later corrections did; its SHA-256 in X-Content-SHA256 and the ETag' })
  @ApiProduces('application/pdf', 'application/json')
  @ApiOkResponse({ description: 'The stored bytes' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async snapshot(
    @Param('siteId') siteId: string,
    @Param('month') month: string,
    @Query() query: SnapshotQueryDto,
    @CurrentUser() user: ActingUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    assertPackReader(user, siteParam(siteId));
    const row = await this.packRow(siteId, monthParam(month));
    const format = query.format ?? 'pdf';
    const file = row.files.find((f) => f.format === format);
    if (!file) throw notFound(`The pack of ${siteId} ${month} has no ${format} file`);
    const stored = await readSnapshot(this.dataSource, file.sha256);
    if (!stored) throw notFound(`The ${format} snapshot ${file.sha256} is missing from the store`);
    res.setHeader('X-Content-SHA256', stored.sha256);
    res.setHeader('ETag', `"${stored.sha256}"`);
    const name = `monthly-pack-${siteId}-${month}.${format}`;
    return new StreamableFile(stored.content, { type: stored.contentType, length: stored.bytes, disposition: `attachment; filename="${name}"` });
  }

  @Post('monthly-packs/:siteId/:month/generate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate the pack now (the scheduler does it on the 1st); a pack already generated is left as it is' })
  @ApiOkResponse({ type: GenerateMonthlyPackResultDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Not management (cs_manager, general_manager, admin), or another site' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'The month is not over yet in the site’s time zone' })
  async generate(@Param('siteId') siteId: string, @Param('month') month: string, @CurrentUser() user: ActingUser): Promise<GenerateMonthlyPackResultDto> {
    assertSite(user, siteParam(siteId));
    const { generated } = await this.records.generatePack(siteId, monthParam(month), actorOf(user));
    return { generated, pack: this.packDto(await this.packRow(siteId, month)) };
  }

  @Post('monthly-packs/:siteId/:month/sign-off')
  @HttpCode(200)
  @ApiOperation({ summary: 'A manager signs the pack off (签字), naming the SHA-256 of the file read; after the due day it is recorded as late' })
  @ApiHeader({ name: 'X-Correlation-Id', required: false })
  @ApiOkResponse({ type: MonthlyPackDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Not a site manager (cs_manager, general_manager), or another site' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Not generated yet, or already signed off' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'sha256 is not the snapshot’s' })
  async signOff(
    @Param('siteId') siteId: string,
    @Param('month') month: string,
    @Body() body: SignOffMonthlyPackDto,
    @CurrentUser() user: ActingUser,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<MonthlyPackDto> {
    assertSite(user, siteParam(siteId));
    await this.records.signOffPack(siteId, monthParam(month), body.sha256, body.note, actorOf(user), correlationId || undefined);
    return this.packDto(await this.packRow(siteId, month));
  }

  private async sealDto(row: SealRow, withRecords: boolean): Promise<YearSealDto> {
    const dto: YearSealDto = { siteId: row.site_id, year: row.year, editions: row.editions, complaints: row.complaints, purged: row.purged, lastSealedAt: new Date(row.last_sealed_at).toISOString() };
    if (!withRecords) return dto;
    const records = (await this.dataSource.query(
      `SELECT complaint_id, number, major, retain_until, earliest_purge_date, purged_at FROM reporting.sealed_record WHERE site_id = $1 AND year = $2 ORDER BY number, complaint_id`,
      [row.site_id, row.year],
    )) as { complaint_id: string; number: string; major: boolean; retain_until: string; earliest_purge_date: string; purged_at: Date | null }[];
    return {
      ...dto,
      records: records.map((r) => ({
        complaintId: r.complaint_id,
        number: r.number,
        major: r.major,
        retainUntil: r.retain_until,
        earliestPurgeDate: r.earliest_purge_date,
        purgedAt: r.purged_at ? new Date(r.purged_at).toISOString() : null,
      })),
    };
  }

  private async sealRow(siteId: string, year: number): Promise<SealRow> {
    const [row] = (await this.dataSource.query(`SELECT * FROM reporting.year_seal WHERE site_id = $1 AND year = $2`, [siteId, year])) as SealRow[];
    if (!row) throw notFound(`The year ${year} of ${siteId} has not been sealed`);
    return row;
  }

  @Get('year-seals')
  @ApiOperation({ summary: 'The sealed years (newest first) with their editions' })
  @ApiOkResponse({ type: YearSealListDto })
  @ApiForbiddenResponse({ type: ApiErrorDto })
  async listSeals(@Query() query: RecordsListQueryDto, @CurrentUser() user: ActingUser): Promise<YearSealListDto> {
    if (query.siteId) assertArchiveReader(user, query.siteId);
    else if (!ARCHIVE_ROLES.has(user.role)) throw forbidden(`Year seals are for auditors, administrators and management, not '${user.role}'`);
    const scope = listScope(user);
    const rows = (await this.dataSource.query(
      `SELECT * FROM reporting.year_seal WHERE ($1::text IS NULL OR site_id = $1) AND ($2::text[] IS NULL OR site_id = ANY($2)) ORDER BY year DESC, site_id LIMIT 500`,
      [query.siteId ?? null, scope.siteIds],
    )) as SealRow[];
    return { items: await Promise.all(rows.map((r) => this.sealDto(r, false))) };
  }

  @Get('year-seals/:siteId/:year')
  @ApiOperation({ summary: 'A sealed year: its editions and every record with its retention and earliest purge date' })
  @ApiOkResponse({ type: YearSealDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async seal(@Param('siteId') siteId: string, @Param('year', ParseIntPipe) year: number, @CurrentUser() user: ActingUser): Promise<YearSealDto> {
    assertArchiveReader(user, siteParam(siteId));
    return this.sealDto(await this.sealRow(siteId, yearParam(year)), true);
  }

  @Get('year-seals/:siteId/:year/archive')
  @ApiOperation({ summary: 'The sealed archive (tar) exactly as sealed; check it offline with `node tools/verify-archive.mjs <file.tar>`' })
  @ApiQuery({ name: 'edition', required: false, description: 'Default: the latest' })
  @ApiProduces('application/x-tar')
  @ApiOkResponse({ description: 'tar of <site>-<year>/manifest.json and events/<number>.jsonl; SHA-256 in X-Content-SHA256' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async sealedArchive(
    @Param('siteId') siteId: string,
    @Param('year', ParseIntPipe) year: number,
    @Query('edition') editionParam: string | undefined,
    @CurrentUser() user: ActingUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    assertArchiveReader(user, siteParam(siteId));
    const row = await this.sealRow(siteId, yearParam(year));
    const wanted = editionParam === undefined ? row.editions.length : Number(editionParam);
    if (!Number.isInteger(wanted) || wanted < 1) throw badRequest('edition must be a positive integer', [{ field: 'edition', problem: 'a positive integer' }]);
    const edition = row.editions.find((e) => e.edition === wanted);
    if (!edition) throw notFound(`The seal of ${siteId} ${year} has no edition ${wanted}`);
    const stored = await readSnapshot(this.dataSource, edition.archiveSha256);
    if (!stored) throw notFound(`The sealed archive ${edition.archiveSha256} is missing from the store`);
    res.setHeader('X-Content-SHA256', stored.sha256);
    res.setHeader('ETag', `"${stored.sha256}"`);
    const name = `${siteId}-${year}-edition-${wanted}.tar`;
    return new StreamableFile(stored.content, { type: 'application/x-tar', length: stored.bytes, disposition: `attachment; filename="${name}"` });
  }

  @Post('year-seals/:siteId/:year')
  @HttpCode(200)
  @ApiOperation({ summary: 'Seal the year now (the scheduler does it in January): every closed complaint gets ComplaintArchived, the archive is stored and YearSealed records it' })
  @ApiHeader({ name: 'X-Correlation-Id', required: false })
  @ApiOkResponse({ type: SealYearResultDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The role may not seal (policy permissions.ArchiveComplaint), or another site' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'A complaint’s hash chain or signed head does not hold: nothing is sealed' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'Before the year’s 31 December (site-local)' })
  async sealYear(
    @Param('siteId') siteId: string,
    @Param('year', ParseIntPipe) year: number,
    @CurrentUser() user: ActingUser,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<SealYearResultDto> {
    assertSite(user, siteParam(siteId));
    try {
      const outcome = await this.records.sealYear(siteId, yearParam(year), actorOf(user), correlationId || undefined);
      return { sealed: outcome.sealed, edition: outcome.edition, manifest: outcome.manifest as unknown as Record<string, unknown> | null };
    } catch (error) {
      if (error instanceof ArchiveIntegrityError) throw conflict(`The year cannot be sealed: ${error.message}`);
      throw error;
    }
  }

  @Post('year-seals/:siteId/:year/purge')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Purge sealed records past their earliest purge date (administrators). The event store is append-only: the purge records SealedRecordsPurged, erases the complainant’s personal data (crypto-shredding) and marks the records purged; the events stay',
  })
  @ApiOkResponse({ type: YearSealDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'A record still within its retention, or not sealed into the year (details name each)' })
  async purge(
    @Param('siteId') siteId: string,
    @Param('year', ParseIntPipe) year: number,
    @Body() body: PurgeSealedRecordsDto,
    @CurrentUser() user: ActingUser,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<YearSealDto> {
    assertSite(user, siteParam(siteId));
    if (user.role !== 'admin') throw forbidden(`Purging sealed records is for administrators, not '${user.role}'`);
    await this.records.purge(siteId, yearParam(year), body.complaintIds, body.reason, actorOf(user), correlationId || undefined);
    return this.sealDto(await this.sealRow(siteId, year), true);
  }
}

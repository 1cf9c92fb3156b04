import { Controller, Get, Inject, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { DataSource } from 'typeorm';
import { parseLang } from '@complaints/contracts';
import { SiteDirectory, type Site } from '@complaints/service-common';
import { CLOCK, CurrentUser, badRequest, notFound, type ActingUser, type Clock } from '@complaints/service-kit';
import { assertSite, assertWholeGroup, isDepartmentStaff, listedComplaintIds, withListedOnly } from '../access/reporting-access';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { buildMonthlyPack, sitesWithComplaints, type MonthlyPack, type SiteInfo } from './monthly-report.query';
import { defaultReportMonth, type Person } from './monthly-report.rules';
import { monthlyReportCsv } from './export/monthly-report.csv';
import { monthlyReportXlsx } from './export/monthly-report.xlsx';
import { monthlyReportPdf } from './export/monthly-report.pdf';

export const REPORT_FORMATS = ['json', 'csv', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_LANGS = ['zh-CN', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

export class MonthlyReportQueryDto {
  @ApiPropertyOptional({ description: 'One site; omitted: the whole group with its regions and sites' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  siteId?: string;

  @ApiPropertyOptional({ description: 'One region (SITES_JSON regionId) rolled up, with its sites' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  regionId?: string;

  @ApiPropertyOptional({
    example: '2025-03',
    description: 'The month (YYYY-MM, years 1900–2999), counted in each site’s time zone (Asia/Shanghai by default). Omitted: the current month in the site’s time zone (a group or region report: the group’s)',
  })
  @IsOptional()
  @Matches(/^(19|2\d)\d\d-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM with a year from 1900 to 2999' })
  month?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(REPORT_FORMATS as unknown as string[])
  format?: ReportFormat;

  @ApiPropertyOptional({
    enum: REPORT_LANGS,
    default: 'zh-CN',
    description: 'The language of an export’s labels, headings and notes (csv, xlsx, pdf), from the shared message catalogue; the JSON keeps its keys and Chinese `label`s',
  })
  @IsOptional()
  @IsIn(REPORT_LANGS as unknown as string[])
  lang?: ReportLang;
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** SITES_JSON may list a site's managers: `"staff": [{ "id": "u-1", "role": "cs_manager", "name": "陈经理" }]`. */
export const staffOf = (site: Site): Person[] => {
  const staff = (site as Site & { staff?: unknown }).staff;
  return Array.isArray(staff) ? staff.filter((p): p is Person => typeof p?.id === 'string' && typeof p?.role === 'string') : [];
};

/** The monthly statistical pack (月度统计报告) of docs/api.md "Reports and dashboards", in four formats. */
@ApiTags('reports')
@Controller('reports')
export class MonthlyReportController {
  constructor(
    @Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sites: SiteDirectory,
  ) {}

  private siteInfo(siteId: string): SiteInfo {
    const site = this.sites.site(siteId);
    return { id: site.id, name: site.name, regionId: site.regionId, timeZone: site.timeZone, policy: this.sites.policy(siteId), staff: staffOf(site) };
  }

  /** The pack this user may read: department staff get its complaint lists cut to their departments. */
  async pack(query: MonthlyReportQueryDto, user: ActingUser): Promise<MonthlyPack> {
    const pack = await this.wholePack(query, user);
    if (!isDepartmentStaff(user)) return pack;
    const ids = [...new Set(listedComplaintIds(pack))];
    const rows = ids.length
      ? ((await this.dataSource.query(`SELECT id::text AS id FROM reporting.report_complaint WHERE id = ANY($1::uuid[]) AND department = ANY($2::text[])`, [ids, user.departments])) as { id: string }[])
      : [];
    return withListedOnly(pack, new Set(rows.map((r) => r.id)));
  }

  private async wholePack(query: MonthlyReportQueryDto, user: ActingUser): Promise<MonthlyPack> {
    if (query.siteId && query.regionId) throw badRequest('Give siteId or regionId, not both', [{ field: 'regionId', problem: 'not together with siteId', code: 'problem.invalid' }], 'error.validation', { fields: ['regionId'] });
    const now = this.clock.now();
    const timeZone = query.siteId ? this.sites.site(query.siteId).timeZone : this.sites.policy('*').timeZone;
    const common = { month: query.month ?? defaultReportMonth(now, timeZone), asOf: now, generatedAt: now, groupPolicy: this.sites.policy('*') };
    if (query.siteId) assertSite(user, query.siteId);
    else assertWholeGroup(user, query.regionId ? 'A region report' : 'The group report');
    if (query.siteId) return buildMonthlyPack(this.dataSource, { ...common, level: 'site', sites: [this.siteInfo(query.siteId)] });
    const ids = new Set([...this.sites.allSites().map((s) => s.id), ...(await sitesWithComplaints(this.dataSource))]);
    let sites = [...ids].sort().map((id) => this.siteInfo(id));
    const regionNames = Object.fromEntries([...new Set(sites.map((s) => s.regionId).filter((r): r is string => !!r))].map((r) => [r, this.sites.region(r)?.name]));
    if (query.regionId) {
      const regionId = query.regionId;
      sites = sites.filter((s) => s.regionId === regionId);
      if (sites.length === 0) throw notFound(`Region ${regionId} has no configured site and no complaints`, 'error.region_not_found', { regionId });
      return buildMonthlyPack(this.dataSource, { ...common, level: 'region', sites, regionNames: { [regionId]: this.sites.region(regionId)?.name }, scopeId: regionId });
    }
    return buildMonthlyPack(this.dataSource, { ...common, level: 'group', sites, regionNames });
  }

  @Get('monthly')
  @ApiProduces(...Object.values(CONTENT_TYPES))
  @ApiOkResponse({
    description:
      'counts by category, nature, channel, department; on-time rate per stage; callback rate; satisfaction distribution; major, repeat and reopened complaints; top issues; managers’ callback quotas',
  })
  async monthly(@Query() query: MonthlyReportQueryDto, @CurrentUser() user: ActingUser): Promise<MonthlyPack | StreamableFile> {
    const pack = await this.pack(query, user);
    const format = query.format ?? 'json';
    if (format === 'json') return pack;
    const lang = parseLang(query.lang) ?? 'zh';
    const body = format === 'csv' ? monthlyReportCsv(pack, lang) : format === 'xlsx' ? await monthlyReportXlsx(pack, lang) : await monthlyReportPdf(pack, lang);
    const name = `monthly-report-${pack.scope.id}-${pack.month}${lang === 'en' ? '-en' : ''}.${format}`;
    return new StreamableFile(body, {
      type: CONTENT_TYPES[format],
      length: body.length,
      disposition: `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
  }
}

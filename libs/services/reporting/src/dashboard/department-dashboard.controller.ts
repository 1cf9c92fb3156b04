import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { DataSource } from 'typeorm';
import { SiteDirectory } from '@complaints/service-common';
import { CLOCK, CurrentUser, type ActingUser, type Clock } from '@complaints/service-kit';
import { assertSite, dashboardDepartment } from '../access/reporting-access';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { queryDepartmentDashboard, type DepartmentDashboard } from './department-dashboard.query';

export class DepartmentDashboardQueryDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(64) siteId!: string;
  @ApiPropertyOptional({ description: 'A department of the site (engineering, security, …); omitted: every department' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  department?: string;
}

/** The department dashboard of docs/api.md "Reports and dashboards". */
@ApiTags('dashboards')
@Controller('dashboards')
export class DepartmentDashboardController {
  constructor(
    @Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sites: SiteDirectory,
  ) {}

  @Get('department')
  @ApiOkResponse({ description: 'open, due today, overdue per stage, by category and status, oldest open, callback backlog' })
  department(@Query() query: DepartmentDashboardQueryDto, @CurrentUser() user: ActingUser): Promise<DepartmentDashboard> {
    assertSite(user, query.siteId);
    return queryDepartmentDashboard(this.dataSource, {
      siteId: query.siteId,
      department: dashboardDepartment(user, query.department),
      now: this.clock.now(),
      timeZone: this.sites.site(query.siteId).timeZone,
    });
  }
}

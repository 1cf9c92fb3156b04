import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import type { Complaint } from '@complaints/domain';
import { CLOCK, CurrentUser, notFound, type ActingUser, type Clock } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { ComplaintViewEntity } from './complaint-view.entity';
import { presentComplaints, type ComplaintView, type ViewCaller } from './complaint-view.presenter';
import { ComplaintPersonalData, SiteDirectory } from '@complaints/service-common';
import { queryComplaintList, type ComplaintPage } from './complaint-list.query';
import { ListComplaintsQueryDto } from './list-complaints.query.dto';
import { assertComplaint, assertSite, listScope } from '../access/reporting-access';

/** The complaint view and list (docs/api.md "Complaints: reads", reporting rows). Eventually consistent. */
@ApiTags('complaints (read)')
@Controller('complaints')
export class ComplaintViewController {
  constructor(
    @Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly personalData: ComplaintPersonalData,
    private readonly sites: SiteDirectory,
  ) {}

  /** The caller, so each view lists what they may do now under the site's policy. */
  private caller(user: ActingUser): ViewCaller {
    return { user, policyOf: (siteId) => this.sites.policy(siteId) };
  }

  @Get()
  @ApiOkResponse({ description: '{ items: [view], total, page, pageSize }' })
  list(@Query() query: ListComplaintsQueryDto, @CurrentUser() user: ActingUser): Promise<ComplaintPage> {
    if (query.siteId) assertSite(user, query.siteId);
    return queryComplaintList(this.dataSource, query, user.role, this.clock.now(), listScope(user), (states) => this.personalData.openComplaints(states), this.caller(user));
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The complaint view, with the actions the caller may take now (`actions`, `replyKinds`)' })
  async view(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: ActingUser): Promise<ComplaintView> {
    const row = await this.dataSource.getRepository(ComplaintViewEntity).findOne({ where: { id } });
    if (!row) throw notFound(`Complaint ${id} not found`, 'error.complaint_not_found');
    assertComplaint(user, { siteId: row.siteId, department: row.department });
    const [view] = await presentComplaints([row.state as unknown as Complaint], user.role, this.clock.now(), (states) => this.personalData.openComplaints(states), this.caller(user));
    return view;
  }
}

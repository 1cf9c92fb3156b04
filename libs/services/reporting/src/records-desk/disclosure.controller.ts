import { createHash } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiForbiddenResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { DISCLOSURE_APPROVER_ROLES, assertDeskRole, disclosureNotice, disclosureStatus, disclosureStreamName, endOfLocalDate, initialDisclosureState, isDisclosureMonth, startOfLocalDate, type DisclosureNotice, type DisclosureState } from '@complaints/domain';
import { AcceptedDto, ApiErrorDto, SiteDirectory } from '@complaints/service-common';
import { CurrentUser, badRequest, conflict, type ActingUser } from '@complaints/service-kit';
import { assertSite } from '../access/reporting-access';
import { RecordsDeskService } from './desk.service';
import { ApproveDisclosureDto, DisclosureDto } from './desk.dto';
import { disclosurePdf } from './disclosure.pdf';
import { actorOf } from './case-library.controller';

/** SHA-256 of the notice's content: what the approval records, so any later change shows. */
export const noticeHash = (notice: DisclosureNotice): string => createHash('sha256').update(JSON.stringify({ siteId: notice.siteId, month: notice.month, items: notice.items })).digest('hex');

const lastDayOf = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};

/**
 * 公示 (issue 15 item 4): per site and month, the common-area complaints and their outcomes,
 * anonymised, as JSON (the dashboard's printable page) and as a PDF; the CS centre manager
 * approves it, recording the content's hash (stream `disclosure-<siteId>-<yyyy-mm>`).
 */
@ApiTags('records desk')
@Controller('disclosures')
export class DisclosureController {
  constructor(
    private readonly desk: RecordsDeskService,
    private readonly sites: SiteDirectory,
  ) {}

  private async notice(siteId: string, month: string, user: ActingUser) {
    if (!isDisclosureMonth(month)) throw badRequest('month must be YYYY-MM', [{ field: 'month', problem: 'must be YYYY-MM' }]);
    assertSite(user, siteId);
    const site = this.sites.site(siteId);
    const from = new Date(startOfLocalDate(`${month}-01`, site.timeZone)).toISOString();
    const to = new Date(endOfLocalDate(lastDayOf(month), site.timeZone)).toISOString();
    const complaints = await this.desk.complaintsOfSite(siteId, to, from);
    const notice = disclosureNotice(siteId, month, site.timeZone, complaints);
    const contentHash = noticeHash(notice);
    const rows: { state: DisclosureState }[] = await this.desk.dataSource.query(`SELECT state FROM reporting.disclosure_approval WHERE stream_id = $1`, [disclosureStreamName(siteId, month)]);
    const approval = rows[0]?.state ?? initialDisclosureState();
    return { site, notice, contentHash, approval, status: disclosureStatus(approval, contentHash) };
  }

  @Get(':siteId/:month')
  @ApiOkResponse({ type: DisclosureDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'month is not YYYY-MM' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The site is not yours' })
  async get(@Param('siteId') siteId: string, @Param('month') month: string, @CurrentUser() user: ActingUser): Promise<DisclosureDto> {
    const { site, notice, contentHash, approval, status } = await this.notice(siteId, month, user);
    return {
      siteId,
      ...(site.name ? { siteName: site.name } : {}),
      month,
      items: notice.items,
      contentHash,
      status,
      approval: approval.approvedHash
        ? { contentHash: approval.approvedHash, approvedAt: approval.approvedAt ?? '', approvedBy: approval.approvedBy?.name ?? approval.approvedBy?.id ?? '', approvals: approval.approvals }
        : null,
    };
  }

  @Get(':siteId/:month/pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The notice as an A4 PDF (zh-CN); a draft or a notice changed since approval says so in red' })
  async pdf(@Param('siteId') siteId: string, @Param('month') month: string, @CurrentUser() user: ActingUser): Promise<StreamableFile> {
    const { site, notice, contentHash, approval, status } = await this.notice(siteId, month, user);
    const pdf = await disclosurePdf({ ...notice, siteName: site.name, status, contentHash, approvedAt: approval.approvedAt });
    return new StreamableFile(pdf, { type: 'application/pdf', length: pdf.length, disposition: `inline; filename="disclosure-${siteId}-${month}.pdf"` });
  }

  @Post(':siteId/:month/approval')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'Approved (event DisclosureApproved with the content hash); approving the same content again changes nothing' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Only the CS centre manager of the site approves' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The notice changed since it was reviewed (contentHash differs), or the month has not ended' })
  async approve(@Param('siteId') siteId: string, @Param('month') month: string, @Body() body: ApproveDisclosureDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') correlationId?: string): Promise<AcceptedDto> {
    const { site, notice, contentHash } = await this.notice(siteId, month, user);
    // Who may approve is answered before whether the content still matches (403 before 409).
    assertDeskRole(actorOf(user), DISCLOSURE_APPROVER_ROLES, 'approve a public disclosure');
    if (body.contentHash !== contentHash) throw conflict('The notice has changed since it was reviewed: reload it and review it again', [{ field: 'contentHash', problem: `the current content's hash is ${contentHash}` }]);
    await this.desk.execute(
      disclosureStreamName(siteId, month),
      this.desk.deciders.disclosure,
      { type: 'ApproveDisclosure', data: { siteId, month, timeZone: site.timeZone, contentHash, itemCount: notice.items.length }, metadata: { now: this.desk.now(), actor: actorOf(user) } },
      { correlationId: correlationId || undefined },
    );
    return { accepted: true };
  }
}

import { Controller, Get, Inject, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { ApiGoneResponse, ApiNotFoundResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  ERASED_PERSONAL_VALUE,
  attachmentPolicyOf,
  attachmentStagesFor,
  initialState,
  mayReadPersonalAttachment,
  resolveDecisionContext,
  type AttachmentAdded,
  type ComplaintState,
  type Role,
} from '@complaints/domain';
import { complaintStreamId } from '@complaints/contracts';
import type { EventStore, RecordedEvent } from '@complaints/event-store';
import { ATTACHMENT_STORE, ApiErrorDto, AttachmentListDto, ComplaintPersonalData, SiteDirectory, type AttachmentContentStore, type AttachmentDto } from '@complaints/service-common';
import { ApiError, CLOCK, CurrentUser, EVENT_STORE, notFound, type ActingUser, type Clock } from '@complaints/service-kit';
import { assertComplaint } from '../access/reporting-access';
import { evolveComplaint } from '../projections/complaint-stream';

const fold = (events: RecordedEvent[]): ComplaintState => events.reduce<ComplaintState>((s, e) => evolveComplaint(s, e), initialState());

/** What the file name of a personal attachment reads as for a user who may not open it. */
export const PERSONAL_FILE_NAME = '[personal]';

type Shown = { available: boolean; unavailableReason?: 'erased' | 'personal' };

/** Whether `role` may take out an attachment's content now: personal ones only by contact roles, and never once erased. */
const access = (attachment: { personal: boolean }, state: { personalDataErased: boolean }, role: string): Shown => {
  if (!attachment.personal) return { available: true };
  if (state.personalDataErased) return { available: false, unavailableReason: 'erased' };
  if (!mayReadPersonalAttachment(role)) return { available: false, unavailableReason: 'personal' };
  return { available: true };
};

/**
 * The complaint's attachments, read from its event stream (each AttachmentAdded names the
 * content's SHA-256), and their content from the attachment store. Access follows the
 * complaint's site/department scoping, as the view and the history do.
 */
@ApiTags('attachments')
@Controller('complaints')
export class AttachmentsReadController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ATTACHMENT_STORE) private readonly content: AttachmentContentStore,
    private readonly sites: SiteDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly personalData: ComplaintPersonalData,
  ) {}

  private async read(id: string, user: ActingUser) {
    const events = await this.store.readStream(complaintStreamId(id));
    const state = fold(events);
    if (!state.exists) throw notFound(`Complaint ${id} not found`);
    assertComplaint(user, state);
    // A personal attachment's file name is sealed like the complainant's name: opened here
    // (or read as erased); who may see it is decided below.
    const opened = await this.personalData.openEvents(events.filter((e) => e.type === 'AttachmentAdded'));
    const added = opened.map((e) => e.data as AttachmentAdded['data']);
    return { state, added };
  }

  @Get(':id/attachments')
  @ApiOperation({ summary: 'The complaint’s photos and documents, and the stages at which the caller may attach now' })
  @ApiOkResponse({ type: AttachmentListDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Another site, or (department staff) another department' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async list(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: ActingUser): Promise<AttachmentListDto> {
    const { state, added } = await this.read(id, user);
    const policy = this.sites.policy(state.siteId);
    const items: AttachmentDto[] = added.map((a) => {
      const shown = access(a, state, user.role);
      const fileName = shown.unavailableReason === 'erased' ? ERASED_PERSONAL_VALUE : shown.unavailableReason === 'personal' ? PERSONAL_FILE_NAME : a.fileName;
      return {
        sha256: a.sha256,
        size: a.size,
        mediaType: a.mediaType,
        fileName,
        stage: a.stage,
        personal: a.personal,
        ...(a.note && shown.available ? { note: a.note } : {}),
        at: a.at,
        actor: a.actor,
        ...shown,
      };
    });
    const actor = { id: user.id, role: user.role as Role, ...(user.name ? { name: user.name } : {}) };
    const stages = attachmentStagesFor(state, actor, this.clock.now().toISOString(), resolveDecisionContext({ policy }));
    const limits = attachmentPolicyOf(policy);
    return { items, stages, limits: { maxBytes: limits.maxBytes, maxPerComplaint: limits.maxPerComplaint, mediaTypes: [...limits.mediaTypes] } };
  }

  @Get(':id/attachments/:sha256')
  @ApiOperation({ summary: 'The content of one attachment, as stored under its SHA-256 (Content-Type as recorded)' })
  @ApiProduces('image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf')
  @ApiOkResponse({ description: 'The bytes; `Content-Disposition: inline` with the file name; `X-Content-SHA256` the hash' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Another site or department; or a personal attachment and a role that may not open it' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No complaint, or no attachment with this hash on it' })
  @ApiGoneResponse({ type: ApiErrorDto, description: 'Erased with the complainant’s personal data' })
  async download(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('sha256') sha256: string,
    @CurrentUser() user: ActingUser,
    @Res() res: Response,
  ): Promise<void> {
    const { state, added } = await this.read(id, user);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new ApiError(400, 'sha256: must be a lowercase hex SHA-256', [{ field: 'sha256', problem: 'must be a lowercase hex SHA-256' }]);
    const attachment = added.find((a) => a.sha256 === sha256);
    if (!attachment) throw notFound(`Complaint ${id} has no attachment ${sha256}`);
    const shown = access(attachment, state, user.role);
    if (shown.unavailableReason === 'erased') throw new ApiError(410, 'This attachment was erased with the complainant’s personal data');
    if (shown.unavailableReason === 'personal') throw new ApiError(403, `Role '${user.role}' may not open personal attachments`);
    const bytes = await this.content.get(sha256);
    if (!bytes) throw new ApiError(410, 'The attachment’s content is no longer in the store');
    res.setHeader('Content-Type', attachment.mediaType);
    res.setHeader('Content-Length', String(bytes.length));
    res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`);
    res.setHeader('X-Content-SHA256', sha256);
    // A document is shown, never run: no script, no plugin, whatever a PDF carries.
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
    res.status(200).end(bytes);
  }
}

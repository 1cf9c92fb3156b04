import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { suggestTriage, type TriageSuggestion } from '@complaints/domain';
import { ApiError, CurrentUser, notFound, type ActingUser } from '@complaints/service-kit';
import { mayAccessComplaint } from '@complaints/auth';
import { ComplaintCommandRunner, ExecuteComplaintCommand, SiteDirectory } from '@complaints/service-common';
import { ReferComplaintDto, TriageComplaintDto } from './triage.dto';
import { suggestionInput } from '../complaint-events.triage.consumer';

@ApiTags('triage')
@Controller('complaints')
export class TriageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly runner: ComplaintCommandRunner,
    private readonly sites: SiteDirectory,
  ) {}

  /** Explainable suggestion from the registration (keywords, channel, households, repeats); the duty officer decides. */
  @Get(':id/triage/suggestion')
  @ApiOkResponse({ description: '{ nature, severity, urgency, major, majorReasons, category, department, reasons[], explanations: [{ code, params }] } — reasons in English; explanations the same reasons as stable codes with parameters, for a client to render in the reader’s language' })
  async suggestion(@Param('id', new ParseUUIDPipe()) id: string, @CurrentUser() user: ActingUser): Promise<TriageSuggestion> {
    const state = await this.runner.stateOf(id);
    if (!state.exists) throw notFound(`Complaint ${id} not found`, 'error.complaint_not_found');
    if (!mayAccessComplaint(user, state)) throw new ApiError(403, 'This complaint is outside your sites or departments', undefined, 'error.outside_scope');
    return suggestTriage(suggestionInput(state), this.sites.policy(state.siteId));
  }

  @Post(':id/triage')
  @HttpCode(202)
  @ApiAcceptedResponse()
  async triage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: TriageComplaintDto,
    @CurrentUser() user: ActingUser,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<{ accepted: true }> {
    await this.commands.execute(new ExecuteComplaintCommand(id, 'TriageComplaint', { ...body }, user, correlationId || undefined));
    return { accepted: true };
  }

  @Post(':id/triage/referral')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Referred to the CS centre manager, who then triages it' })
  async refer(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReferComplaintDto,
    @CurrentUser() user: ActingUser,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<{ accepted: true }> {
    await this.commands.execute(new ExecuteComplaintCommand(id, 'ReferComplaintToManager', { reason: body.reason }, user, correlationId || undefined));
    return { accepted: true };
  }
}

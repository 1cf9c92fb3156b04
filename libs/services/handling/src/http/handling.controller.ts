import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { ComplaintCommand } from '@complaints/domain';
import { CurrentUser, type ActingUser } from '@complaints/service-kit';
import { AcceptedDto, ApiErrorDto, ExecuteComplaintCommand, type ComplaintCommandData } from '@complaints/service-common';
import { CompensationDto, EscalateDto, MarkMajorDto, OutreachDto, PlanDto, ReassignDto, ReplyDto, ResolveDto } from './handling.dto';

/** Handling (处理/跟进): replies, rectification plan, resolution, escalation, reassignment, marking major, compensation, outreach. */
@ApiTags('handling')
@Controller('complaints')
export class HandlingController {
  constructor(private readonly commands: CommandBus) {}

  private async run<T extends ComplaintCommand['type']>(id: string, type: T, data: ComplaintCommandData<T>, user: ActingUser, correlationId?: string) {
    await this.commands.execute(new ExecuteComplaintCommand(id, type, data, user, correlationId || undefined));
    return { accepted: true as const };
  }

  @Post(':id/replies')
  @HttpCode(202)
  @ApiAcceptedResponse()
  reply(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ReplyDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    return this.run(id, 'RecordReply', { ...body }, user, c);
  }

  @Post(':id/plan')
  @HttpCode(202)
  @ApiAcceptedResponse()
  plan(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: PlanDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    return this.run(id, 'RecordRectificationPlan', { ...body }, user, c);
  }

  @Post(':id/resolve')
  @HttpCode(202)
  @ApiAcceptedResponse()
  resolve(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ResolveDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    return this.run(id, 'ResolveComplaint', { ...body }, user, c);
  }

  @Post(':id/escalate')
  @HttpCode(202)
  @ApiAcceptedResponse()
  escalate(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: EscalateDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    return this.run(id, 'EscalateComplaint', { ...body }, user, c);
  }

  @Post(':id/reassign')
  @HttpCode(202)
  @ApiAcceptedResponse()
  reassign(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ReassignDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    return this.run(id, 'ReassignComplaint', { ...body }, user, c);
  }

  @Post(':id/major')
  @HttpCode(202)
  @ApiOperation({ summary: 'Mark the complaint major by hand (litigation, media, authority, serious harm, …): it goes up to the general manager at once and leadership is informed' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Malformed body or unknown reason (details name the field)' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The role may not (policy permissions.MarkComplaintMajor: CS supervisor, CS centre manager, general manager, leadership by default), or another site or department' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'The domain refuses the data (details name the field)' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Closed or sealed, or an invalid complaint (never major)' })
  markMajor(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: MarkMajorDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    return this.run(id, 'MarkComplaintMajor', { reasons: body.reasons, note: body.note }, user, c);
  }

  @Post(':id/compensations')
  @HttpCode(202)
  @ApiOperation({ summary: 'Approve a compensation (赔偿/补偿) within the approver’s authority limit (核决权限), which covers all approvals on the complaint together' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'amount not a positive number, reason missing (details name the field)' })
  @ApiForbiddenResponse({
    type: ApiErrorDto,
    description: 'The role may not approve (policy permissions.ApproveCompensation), the amount with what was approved before exceeds its limit (the message names the next approver), the approver is the subject of the complaint, or another site',
  })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'The domain refuses the data (details name the field)' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Only while handled or resolved (not registered, closed or sealed)' })
  compensate(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CompensationDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    return this.run(id, 'ApproveCompensation', { amount: body.amount, reason: body.reason }, user, c);
  }

  @Post(':id/outreach')
  @HttpCode(202)
  @ApiOperation({ summary: 'Record a visit, a public notice (公告) or a residents’ meeting (座谈会) about the complaint — in any status until it is sealed' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Unknown kind, note missing (details name the field)' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The role may not (policy permissions.RecordOutreach: CS staff and department heads by default), or another site or department' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'The domain refuses the data (details name the field)' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Sealed (archived)' })
  outreach(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: OutreachDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    return this.run(id, 'RecordOutreach', { kind: body.kind, note: body.note }, user, c);
  }
}

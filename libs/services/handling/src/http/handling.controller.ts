import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import type { ComplaintCommand } from '@complaints/domain';
import { CurrentUser, type ActingUser } from '@complaints/service-kit';
import { ExecuteComplaintCommand, type ComplaintCommandData } from '@complaints/service-common';
import { EscalateDto, PlanDto, ReassignDto, ReplyDto, ResolveDto } from './handling.dto';

/** Handling (处理/跟进): replies, rectification plan, resolution, escalation, reassignment. */
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
}

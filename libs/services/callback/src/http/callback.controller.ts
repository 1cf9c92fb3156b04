import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type ActingUser } from '@complaints/service-kit';
import { ExecuteComplaintCommand } from '@complaints/service-common';
import { CallbackDto, CallbackExemptionDto } from './callback.dto';

/** Callback (回访): attempts, the 1–5 score that closes or reopens, and exemptions. */
@ApiTags('callback')
@Controller('complaints')
export class CallbackController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/callbacks')
  @HttpCode(202)
  @ApiAcceptedResponse()
  async callback(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CallbackDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    await this.commands.execute(new ExecuteComplaintCommand(id, 'RecordCallback', { ...body }, user, c || undefined));
    return { accepted: true as const };
  }

  @Post(':id/callback-exemption')
  @HttpCode(202)
  @ApiAcceptedResponse()
  async exempt(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CallbackExemptionDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    await this.commands.execute(new ExecuteComplaintCommand(id, 'ExemptFromCallback', { ...body }, user, c || undefined));
    return { accepted: true as const };
  }
}

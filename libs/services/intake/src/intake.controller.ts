import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ErasePersonalDataCommand, ErasePersonalDataDto, ErasePersonalDataResultDto } from './erasure/erase-personal-data';
import { CurrentUser, type ActingUser } from '@complaints/service-kit';
import { RegisterComplaintDto, RegisteredComplaintDto } from './registration/register-complaint.dto';
import { RegisterComplaintCommand } from './registration/register-complaint.command';
import { CorrectComplaintDto } from './correction/correct-complaint.dto';
import { ExecuteComplaintCommand } from '@complaints/service-common';

@ApiTags('intake')
@Controller('complaints')
export class IntakeController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key and body → same answer; same key, other body → 409. Keys are per site: the same key at another site is another key' })
  @ApiCreatedResponse({ type: RegisteredComplaintDto })
  register(
    @Body() body: RegisterComplaintDto,
    @CurrentUser() user: ActingUser,
    @Headers('idempotency-key') idempotencyKey?: string,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<RegisteredComplaintDto> {
    return this.commands.execute(new RegisterComplaintCommand(body, user, idempotencyKey || undefined, correlationId || undefined));
  }

  @Post(':id/corrections')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Correction recorded; the original stays in history' })
  async correct(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CorrectComplaintDto,
    @CurrentUser() user: ActingUser,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<{ accepted: true }> {
    await this.commands.execute(new ExecuteComplaintCommand(id, 'CorrectComplaint', { field: body.field, value: body.value, reason: body.reason }, user, correlationId || undefined));
    return { accepted: true };
  }

  /** Admin only (policy `ErasePersonalData`): the complainant's name and phone become unreadable for good. */
  @Post(':id/personal-data/erasure')
  @HttpCode(200)
  @ApiOkResponse({ type: ErasePersonalDataResultDto })
  erase(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ErasePersonalDataDto,
    @CurrentUser() user: ActingUser,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<ErasePersonalDataResultDto> {
    return this.commands.execute(new ErasePersonalDataCommand(id, body.reason, user, correlationId || undefined));
  }
}

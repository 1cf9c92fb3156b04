import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErasePersonalDataCommand, ErasePersonalDataDto, ErasePersonalDataResultDto } from './erasure/erase-personal-data';
import { CurrentUser, type ActingUser } from '@complaints/service-kit';
import { RegisterComplaintDto, RegisteredComplaintDto } from './registration/register-complaint.dto';
import { RegisterComplaintCommand } from './registration/register-complaint.command';
import { CorrectComplaintDto } from './correction/correct-complaint.dto';
import { AcceptedDto, ApiErrorDto, ExecuteComplaintCommand } from '@complaints/service-common';
import { ArchiveComplaintDto } from './archive/archive-complaint.dto';

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

  /** Year-end sealing (policy `ArchiveComplaint`: CS centre manager, administrators by default): a sealed record is never altered again. */
  @Post(':id/archive')
  @HttpCode(202)
  @ApiOperation({ summary: 'Seal a closed complaint at year end (装订封存); from then on only erasure of personal data touches it' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'year not an integer (details name the field)' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The role may not seal (policy permissions.ArchiveComplaint), or another site' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Not closed, or already sealed' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'year before the year it closed, or before that year’s 31 December' })
  async archive(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ArchiveComplaintDto,
    @CurrentUser() user: ActingUser,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<AcceptedDto> {
    await this.commands.execute(new ExecuteComplaintCommand(id, 'ArchiveComplaint', { year: body.year ?? null }, user, correlationId || undefined));
    return { accepted: true };
  }
}

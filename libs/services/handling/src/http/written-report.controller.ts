import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { CurrentUser, type ActingUser } from '@complaints/service-kit';
import { AcceptedDto, ApiErrorDto, ExecuteComplaintCommand } from '@complaints/service-common';

export class WrittenReportDto {
  @ApiProperty({ example: '3号楼地下室水管爆裂：02:10 接报，02:12 工程部到场关阀，无人员受伤；原因与整改措施见附件', description: 'The report’s text (书面报告)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  summary!: string;
}

/** An emergency's written reports (抢险抢修 书面报告): the first within 24 h of receipt, the full one within 48 h. */
@ApiTags('handling')
@Controller('complaints')
export class WrittenReportController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/written-reports')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Record the next written report of an emergency (书面报告): by default the first within 24 h of receipt and the full report within 48 h (policy escalation.emergency.writtenReportHours); one missing at its hour is chased to the department',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'summary missing, empty or too long (details name the field)' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The role may not (policy permissions.RecordWrittenReport: CS staff, leadership, department heads and handlers by default), or another site or department' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto, description: 'The domain refuses the data (details name the field)' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Not an emergency, every written report already recorded, or sealed (archived)' })
  record(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: WrittenReportDto, @CurrentUser() user: ActingUser, @Headers('x-correlation-id') c?: string) {
    return this.commands.execute(new ExecuteComplaintCommand(id, 'RecordWrittenReport', { summary: body.summary }, user, c || undefined)).then(() => ({ accepted: true as const }));
  }
}

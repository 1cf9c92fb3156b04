import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of a `202 Accepted` write: the event is durably stored; the read side follows. */
export class AcceptedDto {
  @ApiProperty({ enum: [true], example: true }) accepted!: true;
}

/** One field at fault in an error (`details`), named by its dotted path. */
export class ApiErrorDetailDto {
  @ApiProperty({ example: 'amount' }) field!: string;
  @ApiProperty({ example: 'must be a positive amount' }) problem!: string;
  @ApiProperty({ example: 'problem.invalid', description: 'The problem in the shared message catalogue (libs/contracts/src/i18n), for a client to show in the reader’s language' }) code!: string;
}

/** The one error body of docs/api.md "Errors": every 4xx and 5xx. */
export class ApiErrorDto {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'Unprocessable Entity' }) error!: string;
  @ApiProperty({ example: 'amount: must be a positive amount', description: 'English, for people reading the API' }) message!: string;
  @ApiProperty({ example: 'error.validation', description: 'The same error as a stable code of the shared message catalogue (libs/contracts/src/i18n), rendered by the dashboard in zh-CN or English; a client that does not know it shows `message`' })
  code!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { status: 'closed' },
    description: 'The code’s parameters; one named like a code group (status, role, category, …) holds the code, not its label',
  })
  params!: Record<string, unknown>;
  @ApiPropertyOptional({ type: [ApiErrorDetailDto], description: 'Present when fields are at fault' }) details?: ApiErrorDetailDto[];
}

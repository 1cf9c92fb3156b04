import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of a `202 Accepted` write: the event is durably stored; the read side follows. */
export class AcceptedDto {
  @ApiProperty({ enum: [true], example: true }) accepted!: true;
}

/** One field at fault in an error (`details`), named by its dotted path. */
export class ApiErrorDetailDto {
  @ApiProperty({ example: 'amount' }) field!: string;
  @ApiProperty({ example: 'must be a positive amount' }) problem!: string;
}

/** The one error body of docs/api.md "Errors": every 4xx and 5xx. */
export class ApiErrorDto {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'Unprocessable Entity' }) error!: string;
  @ApiProperty({ example: 'amount: must be a positive amount' }) message!: string;
  @ApiPropertyOptional({ type: [ApiErrorDetailDto], description: 'Present when fields are at fault' }) details?: ApiErrorDetailDto[];
}

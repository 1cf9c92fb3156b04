import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CALLBACK_EXEMPTION_REASONS, CALLBACK_METHODS, type CallbackExemptionReason, type CallbackMethod } from '@complaints/domain';

export class CallbackDto {
  @ApiProperty({ enum: CALLBACK_METHODS }) @IsIn(CALLBACK_METHODS as string[]) method!: CallbackMethod;
  @ApiProperty() @IsBoolean() reached!: boolean;
  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: '1 very satisfied … 5 very dissatisfied; 4–5 reopen' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  satisfaction?: number | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) comment?: string | null;
}

export class CallbackExemptionDto {
  @ApiProperty({ enum: CALLBACK_EXEMPTION_REASONS }) @IsIn(CALLBACK_EXEMPTION_REASONS as string[]) reason!: CallbackExemptionReason;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(2000) note?: string | null;
}

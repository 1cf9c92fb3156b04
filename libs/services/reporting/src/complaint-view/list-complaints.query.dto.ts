import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CHANNELS, COMPLAINT_STATUSES, NATURES } from '@complaints/domain';

const toBool = ({ value }: { value: unknown }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value);

/** `GET /api/complaints` query (docs/api.md). Unknown parameters are refused. */
export class ListComplaintsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) siteId?: string;
  @ApiPropertyOptional({ enum: COMPLAINT_STATUSES }) @IsOptional() @IsIn(COMPLAINT_STATUSES as string[]) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) department?: string;
  @ApiPropertyOptional({ description: 'Category of the policy (repairs, cleaning, …)' }) @IsOptional() @IsString() @MaxLength(64) category?: string;
  @ApiPropertyOptional({ enum: CHANNELS }) @IsOptional() @IsIn(CHANNELS as string[]) channel?: string;
  @ApiPropertyOptional({ enum: NATURES }) @IsOptional() @IsIn(NATURES as string[]) nature?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() major?: boolean;
  @ApiPropertyOptional({ description: 'Only complaints with a pending deadline already passed' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  overdue?: boolean;
  @ApiPropertyOptional({ description: 'Received at or after (ISO-8601)' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ description: 'Received before (ISO-8601)' }) @IsOptional() @IsISO8601() to?: string;
  @ApiPropertyOptional({ description: 'Substring of title or description (Chinese works)' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ default: 20 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

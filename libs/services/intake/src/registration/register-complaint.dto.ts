import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, type Channel } from '@complaints/domain';

export class ComplainantDto {
  @ApiPropertyOptional({ example: '张女士' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string | null;

  @ApiPropertyOptional({ example: '13800138000' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9+\-() ]{3,30}$/, { message: 'phone must be 3–30 digits, spaces or + - ( )' })
  phone?: string | null;

  @ApiPropertyOptional({ example: '3' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  building?: string | null;

  @ApiPropertyOptional({ example: '1201' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  unit?: string | null;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  anonymous?: boolean | null;
}

/** `POST /api/complaints` (docs/api.md). Unknown fields are refused. */
export class RegisterComplaintDto {
  @ApiProperty({ example: 'site-a', description: 'Site (项目) id' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'siteId must be 1–64 letters, digits, - or _' })
  siteId!: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS as string[])
  channel!: Channel;

  @ApiProperty({ type: ComplainantDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ComplainantDto)
  complainant!: ComplainantDto;

  @ApiProperty({ example: '电梯困人' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @ApiProperty({ example: '3号楼2单元电梯停在8楼与9楼之间，有人被困。' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  description!: string;

  @ApiPropertyOptional({ example: '尽快救援并检修电梯' })
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  request?: string | null;

  @ApiPropertyOptional({ example: '2026-03-02T08:30:00+08:00' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string | null;

  @ApiPropertyOptional({ example: 'elevator' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  categoryHint?: string | null;

  @ApiPropertyOptional({ example: 1, minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  householdCount?: number | null;

  @ApiPropertyOptional({ nullable: true, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  relatedComplaintId?: string | null;
}

export class RegisteredComplaintDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'SITEA-260302-001' }) number!: string;
  @ApiProperty({ example: 'registered' }) status!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
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

  @ApiPropertyOptional({ example: 'zhang@example.com', description: 'E-mail address for written notices (书面通知); sealed at rest like the phone' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @Matches(/^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/, { message: 'email must be an e-mail address' })
  email?: string | null;

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

/** 首问责任人: the employee who first received the complaint (e.g. another department's staff who relayed it). */
export class FirstContactOwnerDto {
  @ApiProperty({ example: 'u-guard-7', description: 'Employee id' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  id!: string;

  @ApiPropertyOptional({ example: '秩序部 孙师傅' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
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

  @ApiPropertyOptional({
    example: '2026-03-02T08:40:00+08:00',
    description:
      'When the complaint reached the company, if earlier than its registration (a letter, a complaint relayed by another department). Its deadlines count from here. Not later than now, not before occurredAt, at most the policy’s intake.receivedAtMaxAgeDays (default 30) back. Default: the registration time.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  receivedAt?: string | null;

  @ApiPropertyOptional({ example: '3号楼2单元电梯', description: 'Where it happened' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  location?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['u-guard-3'], description: 'Employees the complaint is about: they may not triage, handle or call back on it (conflict of interest)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  subjectEmployeeIds?: string[] | null;

  @ApiPropertyOptional({ type: FirstContactOwnerDto, description: '首问责任人 — who first received it and is told of the outcome. Default: the registering user' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FirstContactOwnerDto)
  firstContactOwner?: FirstContactOwnerDto | null;

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

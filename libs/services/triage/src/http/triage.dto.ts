import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { INVALID_REASONS, MAJOR_REASONS, NATURES, SEVERITIES, URGENCIES, type InvalidReason, type MajorReason, type Nature, type Severity, type Urgency } from '@complaints/domain';

/** `POST /api/complaints/:id/triage` (docs/api.md) plus optional details the domain records. */
export class TriageComplaintDto {
  @ApiProperty({ enum: NATURES }) @IsIn(NATURES as string[]) nature!: Nature;
  @ApiProperty({ enum: SEVERITIES }) @IsIn(SEVERITIES as string[]) severity!: Severity;
  @ApiProperty({ enum: URGENCIES }) @IsIn(URGENCIES as string[]) urgency!: Urgency;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() major?: boolean | null;
  @ApiProperty({ example: 'elevator' }) @IsString() @IsNotEmpty() @MaxLength(100) category!: string;
  @ApiProperty({ example: 'engineering' }) @IsString() @IsNotEmpty() @MaxLength(100) department!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) assignee?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string | null;
  @ApiPropertyOptional({ enum: INVALID_REASONS }) @IsOptional() @IsIn(INVALID_REASONS as string[]) invalidReason?: InvalidReason | null;
  @ApiPropertyOptional({ enum: MAJOR_REASONS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(MAJOR_REASONS as string[], { each: true })
  majorReasons?: MajorReason[] | null;
  @ApiPropertyOptional({ type: [String], description: 'Employees the complaint is about (they may not handle it or call back)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  subjectEmployeeIds?: string[] | null;
}

/** The duty officer cannot judge the nature: refer the case to the CS centre manager. */
export class ReferComplaintDto {
  @ApiProperty({ example: '性质难以判定，请经理判别' }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

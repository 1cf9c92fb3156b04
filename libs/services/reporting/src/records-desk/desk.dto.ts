import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { CHECK_FINDING_OUTCOMES, TYPICAL_CASE_TEXT_MAX, type CheckFindingOutcome } from '@complaints/domain';

const NO_PERSONAL = "Anonymised: 422 naming the field when it holds the complainant's name or any phone-like number";

export class MarkTypicalCaseDto {
  @ApiProperty({ format: 'uuid', description: 'A closed complaint (409 otherwise)' }) @IsUUID() complaintId!: string;
  @ApiProperty({ example: '3号楼电梯停在两层之间，住户被困20分钟', description: NO_PERSONAL }) @IsString() @IsNotEmpty() @MaxLength(TYPICAL_CASE_TEXT_MAX) summary!: string;
  @ApiProperty({ example: '维保单位未按期更换控制板', description: NO_PERSONAL }) @IsString() @IsNotEmpty() @MaxLength(TYPICAL_CASE_TEXT_MAX) cause!: string;
  @ApiProperty({ example: '维保合同加入关键部件更换期限', description: NO_PERSONAL }) @IsString() @IsNotEmpty() @MaxLength(TYPICAL_CASE_TEXT_MAX) lessons!: string;
}

export class EditTypicalCaseDto {
  @ApiPropertyOptional({ description: NO_PERSONAL }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(TYPICAL_CASE_TEXT_MAX) summary?: string;
  @ApiPropertyOptional({ description: NO_PERSONAL }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(TYPICAL_CASE_TEXT_MAX) cause?: string;
  @ApiPropertyOptional({ description: NO_PERSONAL }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(TYPICAL_CASE_TEXT_MAX) lessons?: string;
}

export class UnmarkTypicalCaseDto {
  @ApiProperty({ example: '同类问题已整改完毕，不再典型' }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class CaseLibraryQueryDto {
  @ApiPropertyOptional({ example: 'facilities', description: 'One category of the policy’s list' }) @IsOptional() @IsString() @MaxLength(64) category?: string;
  @ApiPropertyOptional({ example: '电梯', description: 'Words found in the title, summary, cause or lessons (all must match)' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({ description: 'One site only (default: the whole group)' }) @IsOptional() @IsString() @MaxLength(64) siteId?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ default: 0, minimum: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100_000) offset?: number;
}

export class TypicalCaseDto {
  @ApiProperty({ format: 'uuid' }) complaintId!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty({ example: 'SITEA-261103-001' }) number!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) category!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty() summary!: string;
  @ApiProperty() cause!: string;
  @ApiProperty() lessons!: string;
  @ApiProperty({ format: 'date-time' }) markedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TypicalCaseListDto {
  @ApiProperty({ type: [TypicalCaseDto] }) items!: TypicalCaseDto[];
  @ApiProperty() total!: number;
}

export class ApproveDisclosureDto {
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', description: 'The contentHash of the notice as reviewed (GET); 409 when the notice has changed since' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'contentHash must be 64 lowercase hex digits (SHA-256)' })
  contentHash!: string;
}

export class DisclosureItemDto {
  @ApiProperty() number!: string;
  @ApiProperty({ example: '2026-11-03' }) receivedOn!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) category!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) location!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['resolved', 'closed', 'in_progress'] }) outcome!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) result!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) closedOn!: string | null;
  @ApiProperty({ type: [String], enum: ['collective', 'category', 'location'] }) reasons!: string[];
}

export class DisclosureApprovalDto {
  @ApiProperty() contentHash!: string;
  @ApiProperty({ format: 'date-time' }) approvedAt!: string;
  @ApiProperty() approvedBy!: string;
  @ApiProperty() approvals!: number;
}

export class DisclosureDto {
  @ApiProperty() siteId!: string;
  @ApiPropertyOptional() siteName?: string;
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty({ type: [DisclosureItemDto] }) items!: DisclosureItemDto[];
  @ApiProperty({ description: 'SHA-256 of the notice’s content (site, month, items) as it stands now' }) contentHash!: string;
  @ApiProperty({ enum: ['draft', 'published', 'changed_since_approval'], description: 'published: approved as it stands; changed_since_approval: the content moved after approval (approve again)' }) status!: string;
  @ApiPropertyOptional({ type: DisclosureApprovalDto, nullable: true }) approval!: DisclosureApprovalDto | null;
}

export class RecordFindingDto {
  @ApiProperty({ format: 'uuid', description: 'A complaint of the site' }) @IsUUID() complaintId!: string;
  @ApiProperty({ enum: CHECK_FINDING_OUTCOMES }) @IsIn(CHECK_FINDING_OUTCOMES as unknown as string[]) outcome!: CheckFindingOutcome;
  @ApiPropertyOptional({ example: '回访记录缺满意度', description: 'Required when the outcome is an issue (422 naming note)' }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class CompleteCheckDto {
  @ApiPropertyOptional({ example: '本周记录完整' }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class WeeklyCheckQueryDto {
  @ApiPropertyOptional({ default: 8, minimum: 1, maximum: 53, description: 'How many weeks back, the current one first' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(53) weeks?: number;
}

export class WeeklyCheckSummaryDto {
  @ApiProperty({ example: '2026-W49' }) week!: string;
  @ApiProperty({ example: '2026-11-30' }) from!: string;
  @ApiProperty({ example: '2026-12-06' }) to!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ enum: ['in_progress', 'due', 'overdue', 'completed'] }) status!: string;
  @ApiProperty() findings!: number;
  @ApiProperty() issues!: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Highest chase step taken (0: the supervisor, 1: the CS manager, 2: the general manager)' }) chaseLevel!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) completedAt!: string | null;
}

export class WeeklyCheckAgendaItemDto {
  @ApiProperty({ format: 'uuid' }) complaintId!: string;
  @ApiProperty() number!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: [String], enum: ['recorded', 'open_handling', 'callback_due'] }) reasons!: string[];
  @ApiPropertyOptional({ nullable: true, description: 'The supervisor’s finding: { outcome, note, at, by }' }) finding!: Record<string, unknown> | null;
}

export class WeeklyCheckDto extends WeeklyCheckSummaryDto {
  @ApiProperty() siteId!: string;
  @ApiProperty({ type: [WeeklyCheckAgendaItemDto] }) agenda!: WeeklyCheckAgendaItemDto[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsISO8601, IsNotEmpty, IsNumber, IsOptional, IsPositive, IsString, Max, MaxLength } from 'class-validator';
import { MAJOR_REASONS, OUTREACH_KINDS, type MajorReason, type OutreachKind, type ReplyKind } from '@complaints/domain';

const REPLY_KINDS: ReplyKind[] = ['first', 'second', 'progress'];

export class ReplyDto {
  @ApiProperty({ enum: REPLY_KINDS }) @IsIn(REPLY_KINDS) kind!: ReplyKind;
  @ApiProperty({ example: '已安排工程部今天下午上门检修' }) @IsString() @IsNotEmpty() @MaxLength(5000) message!: string;
  @ApiPropertyOptional({ description: 'First reply only: dealt with on the spot (once the complaint is triaged; 409 before)' }) @IsOptional() @IsBoolean() resolvedOnSpot?: boolean | null;
  @ApiPropertyOptional({ description: 'First reply only: the second-reply time agreed with the complainant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  nextReplyDueAt?: string | null;
}

export class PlanDto {
  @ApiProperty({ example: '更换电梯门机控制板，加强日常巡检' }) @IsString() @IsNotEmpty() @MaxLength(5000) measures!: string;
  @ApiProperty({
    example: '2026-03-05T18:00:00+08:00',
    description:
      'Becomes the resolution deadline. At most the policy’s special-case limit (default 7 working days after receipt or reopening); a later date is an extension only the policy’s handling.extensionApproverRoles (default CS centre manager, general manager, leadership) may record — 422 on dueAt otherwise',
  })
  @IsISO8601({ strict: true })
  dueAt!: string;
}

const CAPA = 'Required for valid and to-be-improved complaints by the default policy (handling.requireRootCauseFor / requiredCapaFields): 422 naming each missing field';

export class ResolveDto {
  @ApiProperty({ example: '已更换控制板，电梯恢复正常' }) @IsString() @IsNotEmpty() @MaxLength(5000) resolution!: string;
  @ApiPropertyOptional({ description: CAPA }) @IsOptional() @IsString() @MaxLength(2000) rootCause?: string | null;
  @ApiPropertyOptional({ description: CAPA }) @IsOptional() @IsString() @MaxLength(100) responsibleDepartment?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) responsiblePerson?: string | null;
  @ApiPropertyOptional({ description: CAPA }) @IsOptional() @IsString() @MaxLength(5000) correctiveActions?: string | null;
  @ApiPropertyOptional({ description: CAPA }) @IsOptional() @IsString() @MaxLength(5000) preventiveActions?: string | null;
}

export class EscalateDto {
  @ApiProperty({ example: '业主多次投诉未果' }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class ReassignDto {
  @ApiProperty({ example: 'security' }) @IsString() @IsNotEmpty() @MaxLength(100) department!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) assignee?: string | null;
  @ApiProperty({ example: '属秩序部职责' }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class CompensationDto {
  @ApiProperty({
    example: 800,
    description:
      'In the policy’s currency (compensation.currency, default CNY). The approver’s limit (compensation.approvalLimits: CS centre manager 1,000, general manager 10,000, leadership unlimited by default) covers every approval on the complaint together: over it, a 403 whose message names the next approver',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(100_000_000)
  amount!: number;
  @ApiProperty({ example: '漏水损坏地板，赔偿维修费' }) @IsString() @IsNotEmpty() @MaxLength(1000) reason!: string;
}

export class OutreachDto {
  @ApiProperty({ enum: OUTREACH_KINDS, description: 'visit (上门), public_notice (公告) or residents_meeting (座谈会)' }) @IsIn(OUTREACH_KINDS as string[]) kind!: OutreachKind;
  @ApiProperty({ example: '在3号楼大堂张贴电梯更换结果公告' }) @IsString() @IsNotEmpty() @MaxLength(10000) note!: string;
}

export class MarkMajorDto {
  @ApiProperty({ enum: MAJOR_REASONS, isArray: true, example: ['litigation'], description: 'Why it is major; reasons already recorded change nothing' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAJOR_REASONS.length)
  @IsIn(MAJOR_REASONS as string[], { each: true })
  reasons!: MajorReason[];
  @ApiPropertyOptional({ example: '业主已委托律师发函' }) @IsOptional() @IsString() @MaxLength(2000) note?: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export const SITE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MONTH = /^(19|2\d)\d\d-(0[1-9]|1[0-2])$/;

export class RecordsListQueryDto {
  @ApiPropertyOptional({ description: 'One site; omitted: every site the user sees' })
  @IsOptional()
  @Matches(SITE_ID, { message: 'siteId must be a site id (letters, digits, . _ -)' })
  siteId?: string;
}

export const SNAPSHOT_FORMATS = ['pdf', 'json'] as const;

export class SnapshotQueryDto {
  @ApiPropertyOptional({ enum: SNAPSHOT_FORMATS, default: 'pdf' })
  @IsOptional()
  @IsIn(SNAPSHOT_FORMATS as unknown as string[])
  format?: (typeof SNAPSHOT_FORMATS)[number];
}

export class SignOffMonthlyPackDto {
  @ApiProperty({ description: 'SHA-256 (hex) of the snapshot file signed (the PDF or JSON served by …/snapshot, header X-Content-SHA256)', example: 'a3f…' })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lowercase hex digits' })
  sha256!: string;

  @ApiPropertyOptional({ maxLength: 500, example: '已审阅，数据无误' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class PurgeSealedRecordsDto {
  @ApiProperty({ type: [String], description: 'Complaint ids sealed into the year, each past its earliest purge date' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  complaintIds!: string[];

  @ApiProperty({ maxLength: 500, example: '保存期限届满' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class SnapshotFileDto {
  @ApiProperty({ example: 'pdf' }) format!: string;
  @ApiProperty({ description: 'SHA-256 (hex) of the stored bytes, recorded in MonthlyPackGenerated' }) sha256!: string;
  @ApiProperty() bytes!: number;
}

export class MonthlyPackDto {
  @ApiProperty() siteId!: string;
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiProperty({ enum: ['awaiting_sign_off', 'signed_off'] }) status!: string;
  @ApiProperty({ description: 'Site-local date the sign-off is due (policy reporting.monthlyReportDueDay of the next month)' }) dueBy!: string;
  @ApiProperty({ type: [SnapshotFileDto] }) files!: SnapshotFileDto[];
  @ApiProperty() generatedAt!: string;
  @ApiProperty() generatedBy!: string;
  @ApiPropertyOptional({ nullable: true }) signedOffAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) signedOffBy!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'The SHA-256 the manager signed' }) signedSha256!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'Signed after the due day' }) late!: boolean | null;
  @ApiProperty({ description: 'Times the sign-off was chased (once per site-local day after the due day)' }) chases!: number;
  @ApiPropertyOptional({ nullable: true }) lastChasedOn!: string | null;
  @ApiProperty({ description: 'Unsigned and past its due day (at the time of the request, site-local)' }) overdue!: boolean;
}

export class MonthlyPackListDto {
  @ApiProperty({ type: [MonthlyPackDto] }) items!: MonthlyPackDto[];
}

export class GenerateMonthlyPackResultDto {
  @ApiProperty({ description: 'False when the pack had been generated already (the snapshot is never replaced)' }) generated!: boolean;
  @ApiProperty({ type: MonthlyPackDto }) pack!: MonthlyPackDto;
}

export class SealEditionDto {
  @ApiProperty() edition!: number;
  @ApiProperty({ description: 'The manifest’s root hash' }) rootHash!: string;
  @ApiPropertyOptional({ nullable: true, description: 'The root hash signed with the chain key' }) rootMac!: string | null;
  @ApiProperty({ description: 'SHA-256 of the stored archive (tar) as sealed' }) archiveSha256!: string;
  @ApiProperty() bytes!: number;
  @ApiProperty() complaints!: number;
  @ApiProperty() at!: string;
  @ApiProperty() by!: string;
}

export class SealedRecordDto {
  @ApiProperty() complaintId!: string;
  @ApiProperty() number!: string;
  @ApiProperty({ description: 'A major complaint: an important record, kept longer' }) major!: boolean;
  @ApiProperty({ description: 'Kept at least to this site-local date' }) retainUntil!: string;
  @ApiProperty({ description: 'The first site-local date it may be purged (retainUntil + 1 day)' }) earliestPurgeDate!: string;
  @ApiPropertyOptional({ nullable: true }) purgedAt!: string | null;
}

export class YearSealDto {
  @ApiProperty() siteId!: string;
  @ApiProperty() year!: number;
  @ApiProperty({ type: [SealEditionDto] }) editions!: SealEditionDto[];
  @ApiProperty() complaints!: number;
  @ApiProperty() purged!: number;
  @ApiProperty() lastSealedAt!: string;
  @ApiPropertyOptional({ type: [SealedRecordDto], description: 'Each sealed record with its retention (in the detail only)' }) records?: SealedRecordDto[];
}

export class YearSealListDto {
  @ApiProperty({ type: [YearSealDto] }) items!: YearSealDto[];
}

export class SealYearResultDto {
  @ApiProperty({ description: 'False when nothing was closed into the year since the last edition (nothing sealed)' }) sealed!: boolean;
  @ApiPropertyOptional({ nullable: true }) edition!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'The manifest of the edition just sealed' }) manifest!: Record<string, unknown> | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ATTACHMENT_STAGES } from '@complaints/domain';

/** One attachment of a complaint (`POST …/attachments` answers one, `GET …/attachments` lists them). */
export class AttachmentDto {
  @ApiProperty({ description: 'Lowercase hex SHA-256 of the content: the attachment’s id, recorded in the AttachmentAdded event (so the hash chain covers it)', example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  sha256!: string;
  @ApiProperty({ description: 'Bytes', example: 48213 }) size!: number;
  @ApiProperty({ example: 'image/jpeg' }) mediaType!: string;
  @ApiProperty({ description: 'As uploaded; for a personal attachment the user may not open, and once erased, "[personal]" / "[erased]"', example: '漏水照片.jpg' }) fileName!: string;
  @ApiProperty({ enum: ATTACHMENT_STAGES }) stage!: string;
  @ApiProperty({ description: 'Shows the complainant or their papers: erased with their personal data, opened only by the roles that deal with the complainant' }) personal!: boolean;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ description: 'When it was attached (ISO-8601)' }) at?: string;
  @ApiPropertyOptional({ description: '{ id, role, name? } of who attached it' }) actor?: { id: string; role: string; name?: string };
  @ApiPropertyOptional({ description: 'Whether this user may download the content now (`GET …/attachments/{sha256}`)' }) available?: boolean;
  @ApiPropertyOptional({ description: 'Why not, when not: `erased` (personal data erased), `personal` (the role may not open personal attachments), `missing` (the store has no such content)' })
  unavailableReason?: string;
}

export class AddedAttachmentDto extends AttachmentDto {
  @ApiProperty() complaintId!: string;
  @ApiProperty({ description: 'True when the same content was already attached to this complaint: nothing new was recorded' }) duplicate!: boolean;
}

export class AttachmentListDto {
  @ApiProperty({ type: [AttachmentDto] }) items!: AttachmentDto[];
  @ApiProperty({ enum: ATTACHMENT_STAGES, isArray: true, description: 'The stages at which this user may attach now (asked of the domain, as `actions` in the view)' })
  stages!: string[];
  @ApiProperty({ description: 'The site policy’s limits: { maxBytes, maxPerComplaint, mediaTypes }' }) limits!: { maxBytes: number; maxPerComplaint: number; mediaTypes: string[] };
}

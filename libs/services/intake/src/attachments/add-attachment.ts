import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBooleanString, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  ATTACHMENT_STAGES,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  decide,
  sniffMediaType,
  type AddAttachment,
  type AttachmentStage,
  type Role,
} from '@complaints/domain';
import { mayAccessComplaint } from '@complaints/auth';
import { ATTACHMENT_STORE, AttachmentReferences, ComplaintCommandRunner, SiteDirectory, type AddedAttachmentDto, type AttachmentContentStore } from '@complaints/service-common';
import { ApiError, CLOCK, findUnsafeInput, type ActingUser, type Clock } from '@complaints/service-kit';
import { decodeFileName, type UploadedFileData } from './upload.interceptor';

/** The text fields of the multipart upload beside the file. */
export class AddAttachmentFieldsDto {
  @ApiPropertyOptional({ enum: ATTACHMENT_STAGES, description: 'registration (before triage), handling (while handled) or resolution (the after-photo, until closed). Default: the stage the complaint is at' })
  @IsOptional()
  @IsIn(ATTACHMENT_STAGES as unknown as string[])
  stage?: AttachmentStage;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Shows the complainant or their papers: erased with their personal data. Default false' })
  @IsOptional()
  @IsBooleanString()
  personal?: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Overrides the file name of the part' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  fileName?: string;
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const defaultStage = (status: string): AttachmentStage => (status === 'registered' ? 'registration' : status === 'resolved' ? 'resolution' : 'handling');

/**
 * Adding an attachment: the bytes are hashed and sniffed here, the domain decides on the
 * measurements (role, site, status, stage, type, size, count, dedup) BEFORE anything is
 * stored, then the bytes go to the store under their hash, then AttachmentAdded is appended
 * through the one command path, then the complaint's reference to the content is recorded.
 * A refused upload stores nothing; a retry of the same bytes records nothing twice.
 */
@Injectable()
export class AddAttachmentService {
  constructor(
    private readonly runner: ComplaintCommandRunner,
    private readonly sites: SiteDirectory,
    private readonly refs: AttachmentReferences,
    @Inject(ATTACHMENT_STORE) private readonly store: AttachmentContentStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async add(complaintId: string, file: UploadedFileData | undefined, fields: AddAttachmentFieldsDto, user: ActingUser, correlationId?: string): Promise<AddedAttachmentDto> {
    const unsafe = findUnsafeInput(fields);
    if (unsafe) throw new ApiError(400, `Invalid request: ${unsafe.field}`, [unsafe]);
    const state = await this.runner.stateOf(complaintId);
    if (!state.exists) throw new NotFoundError('Complaint', complaintId);
    if (!mayAccessComplaint(user, state)) throw new ForbiddenError('role', 'This complaint is outside your sites or departments');
    const bytes = file && Buffer.isBuffer(file.buffer) ? file.buffer : Buffer.alloc(0);

    const sha256 = sha256Of(bytes);
    const command: AddAttachment = {
      type: 'AddAttachment',
      data: {
        sha256,
        size: bytes.length,
        mediaType: (file?.mimetype || 'application/octet-stream').toLowerCase().split(';')[0].trim(),
        sniffedMediaType: sniffMediaType(bytes) ?? null,
        fileName: fields.fileName ?? decodeFileName(file?.originalname || ''),
        stage: fields.stage ?? defaultStage(state.status),
        personal: fields.personal === 'true',
        note: fields.note ?? null,
      },
      metadata: { now: this.clock.now().toISOString(), actor: { id: user.id, role: user.role as Role, ...(user.name ? { name: user.name } : {}) }, correlationId },
    };
    // Decide first: a refused upload leaves nothing behind in the store. Who and when are
    // checked before what (403/409 before 4xx on the data), also when no file came at all.
    try {
      decide(command, state, { policy: this.sites.policy(state.siteId) });
    } catch (error) {
      if (!file && error instanceof ValidationError) throw new ApiError(400, 'file: required', [{ field: 'file', problem: 'required: send the file as multipart/form-data in the field "file"' }]);
      throw error;
    }
    if (!file) throw new ApiError(400, 'file: required', [{ field: 'file', problem: 'required: send the file as multipart/form-data in the field "file"' }]);
    await this.store.put(sha256, bytes, command.data.mediaType);
    let newEvents;
    try {
      ({ newEvents } = await this.runner.run(complaintId, command, { correlationId, scope: user }));
    } catch (error) {
      // Refused after all (a concurrent change): drop the bytes unless some complaint uses them.
      if (!(await this.refs.inUse(sha256).catch(() => true))) await this.store.delete(sha256).catch(() => undefined);
      throw error;
    }
    await this.refs.add(complaintId, sha256, command.data.personal === true);
    const added = newEvents.find((e) => e.type === 'AttachmentAdded');
    const recorded = added?.type === 'AttachmentAdded' ? added.data : undefined;
    return {
      complaintId,
      sha256,
      size: command.data.size,
      mediaType: command.data.mediaType,
      fileName: recorded?.fileName ?? command.data.fileName.trim(),
      stage: recorded?.stage ?? command.data.stage,
      personal: recorded?.personal ?? command.data.personal === true,
      ...(recorded?.note ? { note: recorded.note } : {}),
      ...(recorded ? { at: recorded.at, actor: recorded.actor } : {}),
      duplicate: added === undefined,
    };
  }
}

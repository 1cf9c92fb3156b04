import { Inject } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { Pool } from 'pg';
import { ATTACHMENT_STORE, AttachmentReferences, ComplaintCommandRunner, ComplaintPersonalData, ExecuteComplaintCommand, type AttachmentContentStore } from '@complaints/service-common';
import { PG_POOL, type ActingUser } from '@complaints/service-kit';

/** `POST /api/complaints/:id/personal-data/erasure`. */
export class ErasePersonalDataDto {
  @ApiProperty({ example: '业主依《个人信息保护法》申请删除个人信息' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}

export class ErasePersonalDataResultDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Always true once the call returns: the data key is gone' }) erased!: true;
  @ApiProperty({ description: 'False when an earlier call already destroyed the key' }) keyDestroyed!: boolean;
}

export class ErasePersonalDataCommand {
  constructor(
    readonly complaintId: string,
    readonly reason: string,
    readonly user: ActingUser,
    readonly correlationId?: string,
  ) {}
}

/**
 * Erasure (crypto-shredding): first PersonalDataErased is stored (the domain checks the
 * role and the scope; erasing again appends nothing), then the complaint's data key is
 * destroyed, then intake's own lookups that were keyed by the phone number are dropped.
 * Each step is idempotent, so a retry after a crash finishes the job.
 */
@CommandHandler(ErasePersonalDataCommand)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalDataCommand, ErasePersonalDataResultDto> {
  constructor(
    private readonly commands: CommandBus,
    private readonly personalData: ComplaintPersonalData,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly runner: ComplaintCommandRunner,
    private readonly refs: AttachmentReferences,
    @Inject(ATTACHMENT_STORE) private readonly attachments: AttachmentContentStore,
  ) {}

  async execute({ complaintId, reason, user, correlationId }: ErasePersonalDataCommand): Promise<ErasePersonalDataResultDto> {
    await this.commands.execute(new ExecuteComplaintCommand(complaintId, 'ErasePersonalData', { reason }, user, correlationId));
    const { keyDestroyed } = await this.personalData.erase(complaintId);
    await this.pool.query(`DELETE FROM intake.contact_index WHERE complaint_id = $1`, [complaintId]).catch(ignoreMissingTable);
    await this.pool.query(`DELETE FROM intake.idempotency_keys WHERE complaint_id = $1`, [complaintId]).catch(ignoreMissingTable);
    await this.eraseAttachments(complaintId);
    return { id: complaintId, erased: true, keyDestroyed };
  }

  /**
   * Attachments marked personal go with the personal data: the complaint's reference is
   * dropped and the bytes deleted from the store unless another complaint refers to the same
   * content. Their events (hash, size, type) stay, as every event does.
   */
  private async eraseAttachments(complaintId: string): Promise<void> {
    const state = await this.runner.stateOf(complaintId);
    if (!state.exists) return;
    for (const attachment of (state.attachments ?? []).filter((a) => a.personal)) {
      if (await this.refs.release(complaintId, attachment.sha256)) await this.attachments.delete(attachment.sha256);
    }
  }
}

const ignoreMissingTable = (error: { code?: string }) => {
  if (error.code !== '42P01') throw error;
};

import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Role } from '@complaints/domain';
import { CLOCK, notFound, type ActingUser, type Clock } from '@complaints/service-kit';
import { ComplaintCommandRunner, SiteDirectory } from '@complaints/service-common';
import type { CorrectComplaintDto } from './correct-complaint.dto';

export class CorrectComplaintCommand {
  constructor(
    readonly complaintId: string,
    readonly body: CorrectComplaintDto,
    readonly user: ActingUser,
    readonly correlationId?: string,
  ) {}
}

@CommandHandler(CorrectComplaintCommand)
export class CorrectComplaintHandler implements ICommandHandler<CorrectComplaintCommand, void> {
  constructor(
    private readonly runner: ComplaintCommandRunner,
    private readonly sites: SiteDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ complaintId, body, user, correlationId }: CorrectComplaintCommand): Promise<void> {
    const state = await this.runner.stateOf(complaintId);
    if (!state.exists) throw notFound(`Complaint ${complaintId} not found`);
    await this.runner.run(
      complaintId,
      {
        type: 'CorrectComplaint',
        data: { field: body.field, value: body.value, reason: body.reason },
        metadata: { now: this.clock.now().toISOString(), actor: { id: user.id, role: user.role as Role }, correlationId },
      },
      { correlationId, context: { policy: this.sites.policy(state.siteId) } },
    );
  }
}

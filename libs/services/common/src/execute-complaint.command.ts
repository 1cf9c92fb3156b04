import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ComplaintCommand, Role } from '@complaints/domain';
import { CLOCK, type ActingUser, type Clock } from '@complaints/service-kit';
import { ComplaintCommandRunner, type RunResult } from './complaint-command.runner';

/** The data of the domain command named `T`. */
export type ComplaintCommandData<T extends ComplaintCommand['type']> = Extract<ComplaintCommand, { type: T }>['data'];

/**
 * Any command on an existing complaint, from an HTTP request: the controller maps the
 * body onto the domain command's data; the domain decides. One handler for every
 * write endpoint keeps the services thin and the rules in the domain.
 */
export class ExecuteComplaintCommand {
  constructor(
    readonly complaintId: string,
    readonly type: ComplaintCommand['type'],
    readonly data: ComplaintCommand['data'],
    readonly user: ActingUser,
    readonly correlationId?: string,
  ) {}
}

@CommandHandler(ExecuteComplaintCommand)
export class ExecuteComplaintCommandHandler implements ICommandHandler<ExecuteComplaintCommand, RunResult> {
  constructor(
    private readonly runner: ComplaintCommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ complaintId, type, data, user, correlationId }: ExecuteComplaintCommand): Promise<RunResult> {
    const command = {
      type,
      data,
      metadata: { now: this.clock.now().toISOString(), actor: { id: user.id, role: user.role as Role, ...(user.name ? { name: user.name } : {}) }, correlationId },
    } as ComplaintCommand;
    return this.runner.run(complaintId, command, { correlationId, scope: user });
  }
}

import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { decide, initialState, type Actor, type RegisterComplaint, type RepeatPredecessor, type Role } from '@complaints/domain';
import { ApiError, CLOCK, type ActingUser, type Clock } from '@complaints/service-kit';
import { mayAccessSite } from '@complaints/auth';
import { ComplaintCommandRunner, deterministicUuid, SiteDirectory } from '@complaints/service-common';
import { ComplaintNumberingService } from './complaint-numbering.service';
import { IdempotencyStore } from './idempotency.store';
import { RepeatFinder, suggestedCategory } from '../repeats/repeat-detection';
import type { RegisterComplaintDto, RegisteredComplaintDto } from './register-complaint.dto';

export class RegisterComplaintCommand {
  constructor(
    readonly body: RegisterComplaintDto,
    readonly user: ActingUser,
    readonly idempotencyKey?: string,
    readonly correlationId?: string,
  ) {}
}

/**
 * Registration (受理登记): validates against the domain first, then takes the site's
 * next yearly number, then appends ComplaintRegistered — so a refused request never
 * consumes a number and never leaves a half-written record.
 */
@CommandHandler(RegisterComplaintCommand)
export class RegisterComplaintHandler implements ICommandHandler<RegisterComplaintCommand, RegisteredComplaintDto> {
  constructor(
    private readonly runner: ComplaintCommandRunner,
    private readonly numbering: ComplaintNumberingService,
    private readonly idempotency: IdempotencyStore,
    private readonly sites: SiteDirectory,
    private readonly repeats: RepeatFinder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ body, user, idempotencyKey, correlationId }: RegisterComplaintCommand): Promise<RegisteredComplaintDto> {
    if (!mayAccessSite(user, body.siteId)) throw new ApiError(403, `You may not register complaints for site ${body.siteId}`, undefined, 'error.outside_scope');
    let complaintId: string = randomUUID();
    // Since when an earlier attempt with the same key could have taken a serial (none: this request made the id).
    let serialHeldSince: Date | undefined;
    if (idempotencyKey) {
      // Keys are scoped to the site: another site's user cannot take (or probe) this site's key.
      const claimed = await this.idempotency.claim<RegisteredComplaintDto>(body.siteId, idempotencyKey, body, deterministicUuid(`complaint:${body.siteId}:${idempotencyKey}`));
      if (claimed.response) return claimed.response;
      complaintId = claimed.complaintId;
      if (!claimed.fresh) serialHeldSince = claimed.claimedAt;
    }

    // A retry of a registration that already went through answers with what it made, read
    // from the complaint's own stream (only a key can make a retry: without one the id was
    // made just now). No answer is stored beside the key: that would be one more commit per
    // registration for what the stream already says.
    const existing = idempotencyKey ? await this.runner.readHistory(complaintId) : [];
    if (existing.length > 0) {
      const registered = existing[0].data as { number: string };
      return { id: complaintId, number: registered.number, status: 'registered' };
    }

    const now = this.clock.now().toISOString();
    const actor: Actor = { id: user.id, role: user.role as Role, ...(user.name ? { name: user.name } : {}) };
    const policy = this.sites.policy(body.siteId);
    // A letter or a relayed complaint may be registered after it reached the company: its
    // deadlines count from receipt (the domain checks the instant). The number carries the
    // registration date.
    const receivedAt = body.receivedAt ?? now;
    // An explicit relatedComplaintId wins; otherwise the same contact about the same issue within the window.
    const relatedComplaintId =
      body.relatedComplaintId ??
      (body.complainant.anonymous
        ? undefined
        : await this.repeats.find(body.siteId, body.complainant.phone, suggestedCategory(body, policy), receivedAt, policy.repeat.windowDays));
    const command = (number: string): RegisterComplaint => ({
      type: 'RegisterComplaint',
      data: {
        ...body,
        relatedComplaintId: relatedComplaintId ?? null,
        complaintId,
        number,
        receivedAt,
        firstContactOwner: body.firstContactOwner ? { ...body.firstContactOwner } : null,
        repeatOf: null,
        complainant: { ...body.complainant },
      },
      metadata: { now, actor, correlationId },
    });
    const repeatOf = relatedComplaintId ? await this.predecessor(relatedComplaintId, body.siteId) : null;
    const context = { policy };
    const withRepeat = (c: RegisterComplaint): RegisterComplaint => ({ ...c, data: { ...c.data, repeatOf } });

    // Dry run with a placeholder number: domain refusals happen before a number is taken.
    decide(withRepeat(command(`${this.sites.site(body.siteId).code}-000000-000`)), initialState(), context);

    const number = await this.numbering.allocate(body.siteId, complaintId, now, serialHeldSince);
    try {
      await this.runner.run(complaintId, withRepeat(command(number)), { idempotencyKey: `register:${complaintId}`, correlationId, context, scope: user });
    } catch (error) {
      // A concurrent request with the same Idempotency-Key registered this very complaint
      // first (the key fixes the id): answer with what it made.
      const raced = idempotencyKey ? await this.runner.readHistory(complaintId) : [];
      if (raced.length === 0) throw error;
      return { id: complaintId, number: (raced[0].data as { number: string }).number, status: 'registered' };
    }
    return { id: complaintId, number, status: 'registered' };
  }

  private async predecessor(relatedComplaintId: string, siteId: string): Promise<RepeatPredecessor> {
    // One answer whether the id exists elsewhere or nowhere: no oracle for other sites' ids.
    const unknown = () =>
      new ApiError(422, 'relatedComplaintId must name a registered complaint of the same site', [{ field: 'relatedComplaintId', problem: 'no complaint with this id at this site' }]);
    const history = await this.runner.readHistory(relatedComplaintId);
    if (history.length === 0) throw unknown();
    const state = await this.runner.stateOf(relatedComplaintId, history);
    if (!state.exists || state.siteId !== siteId) throw unknown();
    return { complaintId: state.id, number: state.number, receivedAt: state.receivedAt, repeatCount: state.repeatCount };
  }
}

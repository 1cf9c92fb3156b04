import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { decide, initialState, type Actor, type RegisterComplaint, type RepeatPredecessor, type Role } from '@complaints/domain';
import { ApiError, CLOCK, EVENT_STORE, inSpan, type ActingUser, type Clock } from '@complaints/service-kit';
import { isUnitRecordError, isWrongExpectedRevision, type EventStore, type UnitRecord } from '@complaints/event-store';
import { mayAccessSite } from '@complaints/auth';
import { ComplaintCommandRunner, ComplaintPersonalData, deterministicUuid, SiteDirectory } from '@complaints/service-common';
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

/** Attempts of a registration's unit of work (a serial taken by another instance, a unit before it that failed). */
const MAX_UNIT_ATTEMPTS = 50;

/**
 * Registration (受理登记): validates against the domain first, then takes the site's
 * next yearly number, then appends ComplaintRegistered — so a refused request never
 * consumes a number and never leaves a half-written record.
 *
 * On a store with units of work (PostgreSQL) the idempotency claim, the serial's
 * allocation, the complainant's data key and the complaint's events are one unit: one
 * commit, shared with the registrations arriving together (group commit), each with its
 * own outcome; the answer to a retry is the complaint's stream. Elsewhere (EventStoreDB)
 * the steps commit one by one, each safe to repeat.
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
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: ComplaintPersonalData,
  ) {}

  async execute(command: RegisterComplaintCommand): Promise<RegisteredComplaintDto> {
    if (!mayAccessSite(command.user, command.body.siteId)) throw new ApiError(403, `You may not register complaints for site ${command.body.siteId}`, undefined, 'error.outside_scope');
    if (!this.store.commitUnit) return this.registerStepByStep(command);
    // The command's span (as the runner opens for every other command): the events carry its
    // trace context, so the relay's publish and every consumer continue this trace under it.
    return inSpan('command RegisterComplaint', { attributes: { 'complaints.command': 'RegisterComplaint' } }, () => this.registerAsUnit(command));
  }

  /** What the registration will append, once it has a number: the domain's command, with the repeat it continues. */
  private async draft({ body, user, correlationId }: RegisterComplaintCommand, complaintId: string) {
    const now = this.clock.now().toISOString();
    const actor: Actor = { id: user.id, role: user.role as Role, ...(user.name ? { name: user.name } : {}) };
    const policy = this.sites.policy(body.siteId);
    const receivedAt = body.receivedAt ?? now;
    const relatedComplaintId =
      body.relatedComplaintId ??
      (body.complainant.anonymous
        ? undefined
        : await this.repeats.find(body.siteId, body.complainant.phone, suggestedCategory(body, policy), receivedAt, policy.repeat.windowDays).then((found) => (found === complaintId ? undefined : found)));
    const repeatOf = relatedComplaintId ? await this.predecessor(relatedComplaintId, body.siteId) : null;
    const command = (number: string): RegisterComplaint => ({
      type: 'RegisterComplaint',
      data: {
        ...body,
        relatedComplaintId: relatedComplaintId ?? null,
        complaintId,
        number,
        receivedAt,
        firstContactOwner: body.firstContactOwner ? { ...body.firstContactOwner } : null,
        repeatOf,
        complainant: { ...body.complainant },
      },
      metadata: { now, actor, correlationId },
    });
    const context = { policy };
    // Dry run with a placeholder number: domain refusals happen before a number is taken.
    decide(command(`${this.sites.site(body.siteId).code}-000000-000`), initialState(), context);
    return { now, command, context };
  }

  /**
   * One unit of work per registration (see the class). The serial is reserved, the events
   * decided, sealed and chained, and the unit handed to the store without a pause in
   * between, so units reach the store in the order their serials were taken.
   */
  private async registerAsUnit(request: RegisterComplaintCommand): Promise<RegisteredComplaintDto> {
    const { body, user, idempotencyKey, correlationId } = request;
    const commitUnit = this.store.commitUnit?.bind(this.store);
    if (!commitUnit) throw new Error('registerAsUnit needs a store with units of work');
    const complaintId = idempotencyKey ? deterministicUuid(`complaint:${body.siteId}:${idempotencyKey}`) : randomUUID();
    const claim = idempotencyKey ? this.idempotency.claimRecord(body.siteId, idempotencyKey, body, complaintId) : undefined;
    let drafted: Awaited<ReturnType<RegisterComplaintHandler['draft']>>;
    try {
      drafted = await this.draft(request, complaintId);
    } catch (error) {
      // A retry of a registration that went through meets itself (as its own repeat, say):
      // the key's earlier answer comes first, as it would have before the draft.
      if (idempotencyKey && (await this.idempotency.claimed(body.siteId, idempotencyKey, body))) return this.answerClaimedKey(request);
      throw error;
    }
    const { now, command, context } = drafted;
    const counter = this.numbering.streamFor(body.siteId, now);
    let keyStored = false;
    for (let attempt = 1; ; attempt++) {
      const key = await this.personalData.keyForUnit(complaintId, keyStored);
      await this.numbering.prepare(counter);
      const reservation = this.numbering.reserve(body.siteId, complaintId, now);
      if (!reservation) throw new Error(`no serial could be reserved for complaint ${complaintId}`);
      const records: UnitRecord[] = [...(claim ? [claim] : []), ...key.records];
      let unit: Parameters<typeof commitUnit>[0];
      try {
        const prepared = this.runner.prepareNew(complaintId, command(reservation.number), { idempotencyKey: `register:${complaintId}`, correlationId, context, scope: user }, key.encode);
        if (!prepared.append) throw new Error('registration decided no event');
        unit = { records, appends: [reservation.append, prepared.append] };
      } catch (error) {
        reservation.failed();
        throw error;
      }
      try {
        await commitUnit(unit);
        reservation.committed();
        return { id: complaintId, number: reservation.number, status: 'registered' };
      } catch (error) {
        reservation.failed();
        if (isUnitRecordError(error) && claim && records[error.index] === claim) {
          // The key was claimed before: by a registration that went through (its answer is
          // its stream), by another body (409), or by an older version that claimed alone.
          return this.answerClaimedKey(request);
        }
        if (attempt >= MAX_UNIT_ATTEMPTS) throw error;
        if (isUnitRecordError(error) && error.reason === 'exists') {
          keyStored = true; // the complaint's subject has a key already (an earlier attempt of an older version): seal with it
          continue;
        }
        if (isWrongExpectedRevision(error) && error.streamId !== counter) {
          // The complaint's stream exists: a concurrent request with the same key registered it first.
          const raced = await this.runner.readHistory(complaintId);
          if (raced.length > 0) return { id: complaintId, number: (raced[0].data as { number: string }).number, status: 'registered' };
          continue;
        }
        if (isWrongExpectedRevision(error)) continue; // the counter moved (another instance, or a unit before this one failed): next serial
        throw error;
      }
    }
  }

  private async answerClaimedKey(request: RegisterComplaintCommand): Promise<RegisteredComplaintDto> {
    const { body, idempotencyKey } = request;
    const claimed = await this.idempotency.claimed<RegisteredComplaintDto>(body.siteId, idempotencyKey as string, body);
    if (claimed?.response) return claimed.response;
    const history = claimed ? await this.runner.readHistory(claimed.complaintId) : [];
    if (claimed && history.length > 0) return { id: claimed.complaintId, number: (history[0].data as { number: string }).number, status: 'registered' };
    // A claim without its complaint (made by a version that committed the claim on its own): finish it step by step.
    return this.registerStepByStep(request);
  }

  /** The steps one commit each, every one safe to repeat (stores without units of work). */
  private async registerStepByStep({ body, user, idempotencyKey, correlationId }: RegisterComplaintCommand): Promise<RegisteredComplaintDto> {
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

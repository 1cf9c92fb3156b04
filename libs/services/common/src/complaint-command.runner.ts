import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  NotFoundError,
  decide,
  eventSchemaVersion,
  evolve,
  initialState,
  toDomainEvent,
  type StoredComplaintEvent,
  type ComplaintCommand,
  type ComplaintEvent,
  type ComplaintState,
  type DecisionContext,
} from '@complaints/domain';
import { handleCommand, prepareAppend, type EventStore, type EventToAppend, type PreparedAppend, type RecordedEvent } from '@complaints/event-store';
import { complaintStreamId } from '@complaints/contracts';
import { EVENT_STORE, activeTraceContext, annotateLogContext, inSpan } from '@complaints/service-kit';
import { mayAccessComplaint, mayAccessSite, type AuthUser } from '@complaints/auth';
import { ForbiddenError } from '@complaints/domain';
import { deterministicUuid } from './deterministic-id';
import { SiteDirectory } from './site-directory';
import { ComplaintPersonalData } from './personal-data';

export type RunOptions = {
  /** Makes event ids deterministic (idempotency key, timer key): a retry appends nothing new. */
  idempotencyKey?: string;
  correlationId?: string;
  causationId?: string;
  /** Policy and calendar; by default the policy in force at the complaint's site. */
  context?: Partial<DecisionContext>;
  /**
   * The signed-in user whose sites (and, for department staff, departments) bound what
   * the command may touch. Omitted for the system's own commands (scheduler, automation).
   */
  scope?: AuthUser;
};

export type RunResult = { state: ComplaintState; newEvents: ComplaintEvent[]; history: RecordedEvent[] };

/** Site scoping of every write, in the one command path (issue "Security"). */
const assertInScope = (user: AuthUser, state: ComplaintState, command: ComplaintCommand): void => {
  if (!state.exists) {
    if (command.type === 'RegisterComplaint' && !mayAccessSite(user, command.data.siteId)) {
      throw new ForbiddenError('role', `You may not register complaints for site ${command.data.siteId}`);
    }
    return;
  }
  if (!mayAccessComplaint(user, state)) throw new ForbiddenError('role', 'This complaint is outside your sites or departments');
};

/** Stored (or just decided) events → the domain's, through the one converter (upcasters for old schema versions). */
const evolveStored = (state: ComplaintState, event: StoredComplaintEvent): ComplaintState => {
  const domainEvent = toDomainEvent(event);
  return domainEvent ? evolve(state, domainEvent) : state;
};

const fold = (events: RecordedEvent[]): ComplaintState => events.reduce<ComplaintState>((state, e) => evolveStored(state, e), initialState());

/**
 * The one command path of every writing service: read the complaint's stream, fold,
 * decide under the site's policy, append with the expected revision, retry on a
 * concurrent write. A command for a complaint that does not exist is a not-found.
 */
@Injectable()
export class ComplaintCommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly sites: SiteDirectory,
    private readonly personalData: ComplaintPersonalData,
  ) {}

  /**
   * Runs one command as the span `command <type>`; the log lines written meanwhile name the
   * complaint, the actor and the correlation and causation ids the events get.
   */
  run(complaintId: string, command: ComplaintCommand, options: RunOptions = {}): Promise<RunResult> {
    const commandId = options.idempotencyKey ? deterministicUuid(`command:${options.idempotencyKey}`) : randomUUID();
    const correlationId = options.correlationId ?? command.metadata.correlationId ?? commandId;
    const causationId = options.causationId ?? command.metadata.causationId ?? commandId;
    const actor = { id: command.metadata.actor.id, role: command.metadata.actor.role };
    return annotateLogContext({ complaintId, actor, correlationId, causationId }, () =>
      inSpan(`command ${command.type}`, { attributes: { 'complaints.command': command.type, 'complaints.complaint_id': complaintId } }, () =>
        this.decideAndAppend(complaintId, command, options, { actor, correlationId, causationId }),
      ),
    );
  }

  private async decideAndAppend(
    complaintId: string,
    command: ComplaintCommand,
    options: RunOptions,
    ids: { actor: { id: string; role: string }; correlationId: string; causationId: string },
  ): Promise<RunResult> {
    const decideUnderPolicy = (c: ComplaintCommand, state: ComplaintState) => {
      if (!state.exists && c.type !== 'RegisterComplaint') throw new NotFoundError('Complaint', complaintId);
      if (options.scope) assertInScope(options.scope, state, c);
      const siteId = state.exists ? state.siteId : c.type === 'RegisterComplaint' ? c.data.siteId : undefined;
      const context = options.context ?? (siteId ? { policy: this.sites.policy(siteId) } : undefined);
      return decide(c, state, context);
    };
    const result = await handleCommand<ComplaintState, ComplaintCommand, ComplaintEvent>(
      this.store,
      complaintStreamId(complaintId),
      // Stored events (read with their metadata) go through the converter; just-decided ones are current already.
      {
        initialState,
        evolve: (state: ComplaintState, event: ComplaintEvent) => ('metadata' in event ? evolveStored(state, event as StoredComplaintEvent) : evolve(state, event)),
        decide: decideUnderPolicy,
      },
      command,
      {
        metadata: {
          actor: ids.actor,
          occurredAt: command.metadata.now,
          correlationId: ids.correlationId,
          causationId: ids.causationId,
          commandType: command.type,
          // The command span's W3C trace context (only when tracing is on): the relay
          // continues the trace from it (README "Traces").
          ...activeTraceContext(),
        },
        // Each event is stored with its type's schema version (readers upcast older ones).
        eventMetadata: (event) => ({ schemaVersion: eventSchemaVersion(event.type) }),
        // Personal values are sealed before chaining: the chain covers the ciphertext.
        encode: this.personalData.encoderFor(complaintId),
        eventIds: (events) =>
          events.map((event, i) => (options.idempotencyKey ? deterministicUuid(`event:${options.idempotencyKey}:${i}:${event.type}`) : randomUUID())),
      },
    );
    return { state: result.state, newEvents: result.newEvents, history: result.history };
  }

  /**
   * The command path without the append, synchronously, for a complaint whose stream does
   * not exist yet (a registration): decide under the site's policy and scope, seal with
   * `encode`, chain — the events to append with `no_stream`, for a unit of work that
   * commits them with other writes (`EventStore.commitUnit`). Nothing is written here.
   */
  prepareNew(complaintId: string, command: ComplaintCommand, options: RunOptions, encode: (events: EventToAppend[]) => EventToAppend[]): PreparedAppend<ComplaintState, ComplaintEvent> {
    const commandId = options.idempotencyKey ? deterministicUuid(`command:${options.idempotencyKey}`) : randomUUID();
    const correlationId = options.correlationId ?? command.metadata.correlationId ?? commandId;
    const causationId = options.causationId ?? command.metadata.causationId ?? commandId;
    const actor = { id: command.metadata.actor.id, role: command.metadata.actor.role };
    // The request's log lines name the complaint and the command's ids, as `run` does.
    annotateLogContext({ complaintId, actor, correlationId, causationId }, () => undefined);
    return prepareAppend<ComplaintState, ComplaintCommand, ComplaintEvent>(
      this.store,
      complaintStreamId(complaintId),
      {
        initialState,
        evolve: (state: ComplaintState, event: ComplaintEvent) => ('metadata' in event ? evolveStored(state, event as StoredComplaintEvent) : evolve(state, event)),
        decide: (c, state) => this.decideUnderPolicy(complaintId, c, state, options),
      },
      command,
      [],
      {
        metadata: { actor, occurredAt: command.metadata.now, correlationId, causationId, commandType: command.type, ...activeTraceContext() },
        // Each event is stored with its type's schema version (readers upcast older ones).
        eventMetadata: (event) => ({ schemaVersion: eventSchemaVersion(event.type) }),
        encode,
        eventIds: (events) =>
          events.map((event, i) => (options.idempotencyKey ? deterministicUuid(`event:${options.idempotencyKey}:${i}:${event.type}`) : randomUUID())),
      },
    );
  }

  private decideUnderPolicy(complaintId: string, c: ComplaintCommand, state: ComplaintState, options: RunOptions): ComplaintEvent[] {
    if (!state.exists && c.type !== 'RegisterComplaint') throw new NotFoundError('Complaint', complaintId);
    if (options.scope) assertInScope(options.scope, state, c);
    const siteId = state.exists ? state.siteId : c.type === 'RegisterComplaint' ? c.data.siteId : undefined;
    const context = options.context ?? (siteId ? { policy: this.sites.policy(siteId) } : undefined);
    return decide(c, state, context);
  }

  readHistory(complaintId: string): Promise<RecordedEvent[]> {
    return this.store.readStream(complaintStreamId(complaintId));
  }

  /** The complaint's current state, folded from its stream (or from history already read). */
  async stateOf(complaintId: string, history?: RecordedEvent[]): Promise<ComplaintState> {
    return fold(history ?? (await this.readHistory(complaintId)));
  }
}

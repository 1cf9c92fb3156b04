/**
 * Test support: builds a complaint's history by running the domain's real `decide` at given
 * instants (so every deadline in the events is the one the domain computes), and appends it
 * to a real event store command by command, with the hash chain, the way the services do.
 */
import { randomUUID } from 'node:crypto';
import {
  decide,
  evolve,
  initialState,
  type Actor,
  type ComplaintCommand,
  type ComplaintEvent,
  type ComplaintState,
  type DecisionContext,
  type RegisterComplaintData,
  type TriageComplaintData,
} from '@complaints/domain';
import { complaintStreamId } from '@complaints/contracts';
import { linkForAppend, type EventStore, type RecordedEvent } from '@complaints/event-store';

export const actors = {
  dutyOfficer: { id: 'u-duty', role: 'duty_officer', name: '王值班' },
  assistant: { id: 'u-assistant', role: 'cs_assistant', name: '李助理' },
  csManager: { id: 'u-cs-manager', role: 'cs_manager', name: '陈经理' },
  generalManager: { id: 'u-gm', role: 'general_manager', name: '周总' },
  handler: { id: 'u-handler', role: 'handler', name: '张师傅' },
  admin: { id: 'u-admin', role: 'admin' },
} satisfies Record<string, Actor>;

/** "2025-03-03 10:00" in Shanghai (UTC+8, no DST) → the ISO instant. */
export const cst = (local: string): string => new Date(`${local.replace(' ', 'T')}:00+08:00`).toISOString();

export type Command = { command: ComplaintCommand; events: ComplaintEvent[] };

export class ComplaintStory {
  readonly commands: Command[] = [];

  constructor(
    readonly id: string = randomUUID(),
    private readonly context?: Partial<DecisionContext>,
  ) {}

  get events(): ComplaintEvent[] {
    return this.commands.flatMap((c) => c.events);
  }

  get state(): ComplaintState {
    return this.events.reduce(evolve, initialState());
  }

  run(type: ComplaintCommand['type'], data: object, actor: Actor, now: string): this {
    const command = { type, data, metadata: { now, actor } } as unknown as ComplaintCommand;
    const events = decide(command, this.state, this.context);
    if (events.length === 0) throw new Error(`${type} at ${now} produced no event`);
    this.commands.push({ command, events });
    return this;
  }

  register(now: string, data: Partial<RegisterComplaintData> & { number: string; siteId: string }, actor: Actor = actors.dutyOfficer): this {
    return this.run(
      'RegisterComplaint',
      {
        complaintId: this.id,
        receivedAt: now,
        channel: 'phone',
        complainant: { name: '业主', phone: '13800138000', building: '3', unit: '1201', anonymous: false },
        title: '投诉',
        description: '投诉内容',
        householdCount: 1,
        ...data,
      },
      actor,
      now,
    );
  }

  triage(now: string, data: Partial<TriageComplaintData> = {}, actor: Actor = actors.dutyOfficer): this {
    return this.run('TriageComplaint', { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering', ...data }, actor, now);
  }

  firstReply(now: string, extra: { resolvedOnSpot?: boolean; nextReplyDueAt?: string } = {}, actor: Actor = actors.assistant): this {
    return this.run('RecordReply', { kind: 'first', message: '已安排处理', ...extra }, actor, now);
  }

  secondReply(now: string, actor: Actor = actors.assistant): this {
    return this.run('RecordReply', { kind: 'second', message: '处理进展说明' }, actor, now);
  }

  plan(now: string, dueAt: string, actor: Actor = actors.handler): this {
    return this.run('RecordRectificationPlan', { measures: '整改措施', dueAt }, actor, now);
  }

  resolve(now: string, actor: Actor = actors.handler): this {
    // Valid and to-be-improved complaints record root cause and CAPA (the default policy requires them).
    return this.run('ResolveComplaint', { resolution: '已处理完毕', rootCause: '设备老化', responsibleDepartment: 'engineering', correctiveActions: '更换', preventiveActions: '定期巡检' }, actor, now);
  }

  callback(now: string, satisfaction: number, actor: Actor = actors.assistant, method = 'phone'): this {
    return this.run('RecordCallback', { method, reached: true, satisfaction }, actor, now);
  }

  unreached(now: string, actor: Actor = actors.assistant): this {
    return this.run('RecordCallback', { method: 'phone', reached: false }, actor, now);
  }

  exempt(now: string, reason: string, actor: Actor = actors.assistant, note?: string): this {
    return this.run('ExemptFromCallback', { reason, ...(note ? { note } : {}) }, actor, now);
  }

  archive(now: string, year?: number, actor: Actor = actors.admin): this {
    return this.run('ArchiveComplaint', year === undefined ? {} : { year }, actor, now);
  }
}

/** Appends one command's events to the complaint's stream with the expected revision and the hash chain (keyed, with a signed head, on a store with a chain key — as handleCommand does). */
export const appendCommand = async (store: EventStore, complaintId: string, command: Command): Promise<RecordedEvent[]> => {
  const streamId = complaintStreamId(complaintId);
  const history = await store.readStream(streamId);
  const metadata = { actor: { id: command.command.metadata.actor.id, role: command.command.metadata.actor.role }, occurredAt: command.command.metadata.now, commandType: command.command.type };
  const link = linkForAppend(
    store,
    streamId,
    history,
    command.events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data as unknown as Record<string, unknown>, metadata })),
  );
  await store.appendToStream(streamId, link.events, link.options);
  return (await store.readStream(streamId)).slice(history.length);
};

/** Appends whole stories, one command at a time, complaints interleaved in the order given. */
export const appendStories = async (store: EventStore, stories: readonly ComplaintStory[]): Promise<void> => {
  const cursors = stories.map(() => 0);
  for (let round = 0; cursors.some((c, i) => c < stories[i].commands.length); round++) {
    for (let i = 0; i < stories.length; i++) {
      const story = stories[i];
      if (cursors[i] < story.commands.length) await appendCommand(store, story.id, story.commands[cursors[i]++]);
    }
  }
};

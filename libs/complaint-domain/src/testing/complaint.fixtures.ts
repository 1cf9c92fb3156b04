/**
 * Test fixtures: demo actors, a registration body like docs/api.md's example, and a history builder
 * that produces preconditions by running the real decider (the rule under test is then asserted
 * against explicitly written events).
 */
import type { Actor } from '../common/actor';
import { fromMillis, toMillis } from '../common/iso-time';
import type {
  ComplaintCommand,
  RecordCallbackData,
  RecordReplyData,
  RegisterComplaintData,
  ResolveComplaintData,
  TriageComplaintData,
} from '../complaint/complaint.commands';
import { decide } from '../complaint/complaint.decider';
import type { ComplaintEvent } from '../complaint/complaint.events';
import { evolve, initialState, type Complaint, type ComplaintState } from '../complaint/complaint.state';
import type { DecisionContext } from '../complaint/decision-context';

export const COMPLAINT_ID = '6f1c1b9e-2b6a-4c1e-9d3e-5a7b8c9d0e1f';
export const EARLIER_COMPLAINT_ID = '1a2b3c4d-0000-4000-8000-000000000001';

export const actors = {
  dutyOfficer: { id: 'u-duty', role: 'duty_officer', name: '王值班' },
  assistant: { id: 'u-assistant', role: 'cs_assistant', name: '李助理' },
  supervisor: { id: 'u-supervisor', role: 'cs_supervisor', name: '赵主任' },
  csManager: { id: 'u-cs-manager', role: 'cs_manager', name: '陈经理' },
  generalManager: { id: 'u-gm', role: 'general_manager', name: '周总' },
  leadership: { id: 'u-leader', role: 'leadership', name: '公司领导' },
  departmentHead: { id: 'u-eng-head', role: 'department_head', name: '工程部负责人' },
  handler: { id: 'u-handler', role: 'handler', name: '张师傅' },
  otherHandler: { id: 'u-handler-2', role: 'handler', name: '刘师傅' },
  auditor: { id: 'u-auditor', role: 'auditor' },
  admin: { id: 'u-admin', role: 'admin' },
  system: { id: 'system:deadline-scheduler', role: 'system', name: 'Deadline scheduler' },
} satisfies Record<string, Actor>;

/** Monday 2025-03-03 10:00 in Shanghai. */
export const T0 = '2025-03-03T02:00:00.000Z';

export const plusMinutes = (iso: string, minutes: number): string => fromMillis(toMillis(iso) + minutes * 60_000);
export const plusHours = (iso: string, hours: number): string => plusMinutes(iso, hours * 60);

export const registrationData = (overrides: Partial<RegisterComplaintData> = {}): RegisterComplaintData => ({
  complaintId: COMPLAINT_ID,
  number: 'SH01-250303-001',
  receivedAt: T0,
  siteId: 'site-sh-01',
  channel: 'phone',
  complainant: { name: '业主 刘先生', phone: '13800138000', building: '3', unit: '1201', anonymous: false },
  title: '楼道灯不亮',
  description: '3栋12楼楼道灯坏了一周',
  request: '尽快修好',
  occurredAt: '2025-02-24T12:00:00.000Z',
  categoryHint: null,
  householdCount: 1,
  relatedComplaintId: null,
  ...overrides,
});

export const triageData = (overrides: Partial<TriageComplaintData> = {}): TriageComplaintData => ({
  nature: 'valid',
  severity: 'minor',
  urgency: 'normal',
  category: 'repairs',
  department: 'engineering',
  assignee: actors.handler.id,
  ...overrides,
});

export const command = <C extends ComplaintCommand>(type: C['type'], data: C['data'], actor: Actor, now: string): C =>
  ({ type, data, metadata: { now, actor } }) as C;

/** Builds a complaint's history by running the decider step by step; the clock moves 1 h per step unless set. */
export class ComplaintHistory {
  readonly events: ComplaintEvent[] = [];
  private clock: string;

  constructor(
    private readonly context?: Partial<DecisionContext>,
    start: string = T0,
  ) {
    this.clock = start;
  }

  get state(): ComplaintState {
    return this.events.reduce(evolve, initialState());
  }

  get complaint(): Complaint {
    const state = this.state;
    if (!state.exists) throw new Error('no complaint registered in this history');
    return state;
  }

  get now(): string {
    return this.clock;
  }

  /** Sets the time of the next step. */
  at(now: string): this {
    this.clock = now;
    return this;
  }

  run(cmd: ComplaintCommand): this {
    this.events.push(...decide(cmd, this.state, this.context));
    return this;
  }

  private step<C extends ComplaintCommand>(type: C['type'], data: C['data'], actor: Actor): this {
    const now = this.clock;
    this.run(command<C>(type, data, actor, now));
    this.clock = plusHours(now, 1);
    return this;
  }

  register(overrides: Partial<RegisterComplaintData> = {}, actor: Actor = actors.dutyOfficer): this {
    return this.step('RegisterComplaint', registrationData({ receivedAt: this.clock, ...overrides }), actor);
  }

  triage(overrides: Partial<TriageComplaintData> = {}, actor: Actor = actors.dutyOfficer): this {
    return this.step('TriageComplaint', triageData(overrides), actor);
  }

  reply(data: RecordReplyData, actor: Actor = actors.assistant): this {
    return this.step('RecordReply', data, actor);
  }

  firstReply(overrides: Partial<RecordReplyData> = {}, actor: Actor = actors.assistant): this {
    return this.reply({ kind: 'first', message: '已安排工程部今天上门查看', ...overrides }, actor);
  }

  plan(dueAt: string, actor: Actor = actors.handler): this {
    return this.step('RecordRectificationPlan', { measures: '更换灯具和线路', dueAt }, actor);
  }

  resolve(overrides: Partial<ResolveComplaintData> = {}, actor: Actor = actors.handler): this {
    return this.step(
      'ResolveComplaint',
      { resolution: '已更换灯具', rootCause: '灯具老化', responsibleDepartment: 'engineering', correctiveActions: '更换', preventiveActions: '每月巡检', ...overrides },
      actor,
    );
  }

  callback(overrides: Partial<RecordCallbackData> = {}, actor: Actor = actors.assistant): this {
    return this.step('RecordCallback', { method: 'phone', reached: true, satisfaction: 2, ...overrides }, actor);
  }

  close(actor: Actor = actors.assistant): this {
    return this.firstReply().resolve().callback({}, actor);
  }
}

export const history = (context?: Partial<DecisionContext>, start?: string): ComplaintHistory => new ComplaintHistory(context, start);

/**
 * Commands: plain data `{ type, data, metadata }`. Time (`metadata.now`), ids and the acting
 * user come in with every command; the domain never reads a clock or makes up an id.
 * The HTTP bodies of docs/api.md map onto `data` one to one; fields the services add are marked.
 */
import type { Actor } from '../common/actor';
import type { TriageReason } from '../triage/triage-suggestion';
import type { RecordComplainantNotice } from './complainant-notices';
import type {
  CallbackExemptionReason,
  CallbackMethod,
  Channel,
  DeadlineName,
  InvalidReason,
  MajorReason,
  Nature,
  OutreachKind,
  ReplyKind,
  Severity,
  Urgency,
} from './complaint.types';
import type { AddAttachment } from './complaint.attachments';

export type CommandMetadata = {
  /** ISO-8601 instant at which the command is decided. */
  now: string;
  actor: Actor;
  correlationId?: string;
  causationId?: string;
};

export type Command<Type extends string, Data> = { type: Type; data: Data; metadata: CommandMetadata };

/** The predecessor of a repeat complaint, looked up by the service from `relatedComplaintId`. */
export type RepeatPredecessor = {
  complaintId: string;
  number?: string;
  receivedAt: string;
  /** How many repeats the predecessor itself already was (0 for an original complaint). */
  repeatCount: number;
};

/** `POST /api/complaints` body plus what the intake service supplies (id, number, receivedAt, …). */
export type RegisterComplaintData = {
  /** Service-supplied uuid; the stream is `complaint-<complaintId>`. */
  complaintId: string;
  /** Service-supplied human number, e.g. `SH01-250301-007` (see numbering.ts). */
  number: string;
  /** Service-supplied; when the complaint reached the company. */
  receivedAt: string;
  siteId: string;
  channel: Channel;
  complainant: {
    name?: string | null;
    phone?: string | null;
    email?: string | null;
    building?: string | null;
    unit?: string | null;
    anonymous?: boolean | null;
  };
  title: string;
  description: string;
  request?: string | null;
  occurredAt?: string | null;
  /** Where it happened (docs/process.md §2 record: time, place, people, content). */
  location?: string | null;
  categoryHint?: string | null;
  householdCount?: number | null;
  relatedComplaintId?: string | null;
  /** Service-supplied when `relatedComplaintId` names an earlier complaint. */
  repeatOf?: RepeatPredecessor | null;
  /** Employees the complaint is about (conflict of interest: they may not handle it or call back). */
  subjectEmployeeIds?: string[] | null;
  /** 首问责任人 — whoever first received it; defaults to the registering actor. */
  firstContactOwner?: { id: string; name?: string } | null;
};
export type RegisterComplaint = Command<'RegisterComplaint', RegisterComplaintData>;

/** Correctable registration fields. A correction is a new event; the original stays in history. */
export type CorrectableField =
  | 'title'
  | 'description'
  | 'request'
  | 'occurredAt'
  | 'location'
  | 'categoryHint'
  | 'householdCount'
  | 'channel'
  | 'complainant.name'
  | 'complainant.phone'
  | 'complainant.building'
  | 'complainant.unit'
  | 'complainant.anonymous'
  | 'subjectEmployeeIds';
export type CorrectComplaint = Command<'CorrectComplaint', { field: string; value: unknown; reason: string }>;

/** The duty officer cannot judge the nature → the CS centre manager triages. */
export type ReferComplaintToManager = Command<'ReferComplaintToManager', { reason: string }>;

export type TriageComplaintData = {
  nature: Nature;
  invalidReason?: InvalidReason | null;
  severity: Severity;
  urgency: Urgency;
  major?: boolean | null;
  /** Why it is major when the triager flags it (default 'triage_judgement'). */
  majorReasons?: MajorReason[] | null;
  category: string;
  department: string;
  assignee?: string | null;
  note?: string | null;
  subjectEmployeeIds?: string[] | null;
  /** The reasons of an automatic triage as codes with parameters (triage/triage-explanations.ts). */
  explanations?: TriageReason[] | null;
};
export type TriageComplaint = Command<'TriageComplaint', TriageComplaintData>;

/** `POST /replies`: first reply (on the spot, or agree a second-reply time), second reply, or progress. */
export type RecordReplyData = { kind: ReplyKind; message: string; resolvedOnSpot?: boolean | null; nextReplyDueAt?: string | null };
export type RecordReply = Command<'RecordReply', RecordReplyData>;

export type RecordRectificationPlan = Command<'RecordRectificationPlan', { measures: string; dueAt: string }>;

export type ResolveComplaintData = {
  resolution: string;
  rootCause?: string | null;
  responsibleDepartment?: string | null;
  responsiblePerson?: string | null;
  correctiveActions?: string | null;
  preventiveActions?: string | null;
};
export type ResolveComplaint = Command<'ResolveComplaint', ResolveComplaintData>;

/** Manual escalation one level up the chain. */
export type EscalateComplaint = Command<'EscalateComplaint', { reason: string }>;

export type ReassignComplaint = Command<'ReassignComplaint', { department: string; assignee?: string | null; reason: string }>;

/** Flags a complaint major after triage (litigation, media, authority, …); also issued by the scheduler (`key`). */
export type MarkComplaintMajor = Command<'MarkComplaintMajor', { reasons: MajorReason[]; note?: string | null; key?: string | null }>;

export type RecordCallbackData = {
  method: CallbackMethod;
  reached: boolean;
  satisfaction?: number | null;
  comment?: string | null;
};
export type RecordCallback = Command<'RecordCallback', RecordCallbackData>;

export type ExemptFromCallback = Command<'ExemptFromCallback', { reason: CallbackExemptionReason; note?: string | null }>;

/** Scheduler: a deadline passed → chase notice (催办). `key` makes it idempotent. */
export type ChaseOverdueDeadline = Command<'ChaseOverdueDeadline', { deadline: DeadlineName; dueAt: string; key: string }>;

/** Scheduler: still overdue after the grace → one level up (`step` = 1 for the first escalation of this deadline). */
export type EscalateOverdueDeadline = Command<'EscalateOverdueDeadline', { deadline: DeadlineName; dueAt: string; step: number; key: string }>;

/**
 * Scheduler: the emergency chain (抢险抢修) — an unresolved emergency goes to the site head
 * `siteHeadEscalationMinutes` after receipt and to the company head `companyHeadEscalationMinutes`
 * after it, whether or not a deadline is overdue. `step` 1 = site head, 2 = company head.
 */
export type EscalateEmergency = Command<'EscalateEmergency', { step: number; key: string }>;

/**
 * Scheduler: the emergency chain's first link — the responsible department is told of an
 * emergency within `notifyDepartmentMinutes` (3) of receipt. `key` makes it idempotent.
 */
export type NotifyEmergencyDepartment = Command<'NotifyEmergencyDepartment', { key: string }>;

/** Scheduler: written report number `report` of an emergency is overdue → chase notice (催办). */
export type ChaseWrittenReport = Command<'ChaseWrittenReport', { report: number; key: string }>;

/** An emergency's written report (书面报告): the first within 24 h of receipt, the full one within 48 h. */
export type RecordWrittenReport = Command<'RecordWrittenReport', { summary: string }>;

/** 赔偿/补偿 within the approver's authority limit (核决权限). */
export type ApproveCompensation = Command<'ApproveCompensation', { amount: number; reason: string }>;

/** A visit, public notice or residents' meeting (座谈会) about the complaint. */
export type RecordOutreach = Command<'RecordOutreach', { kind: OutreachKind; note: string }>;

/** Year-end sealing (装订封存) of a closed complaint. `year` defaults to the year it closed. */
export type ArchiveComplaint = Command<'ArchiveComplaint', { year?: number | null }>;

/** Erase the complainant's personal data (name, phone) at their request or by retention rules. */
export type ErasePersonalData = Command<'ErasePersonalData', { reason: string }>;

export type ComplaintCommand =
  | RegisterComplaint
  | CorrectComplaint
  | ReferComplaintToManager
  | TriageComplaint
  | RecordReply
  | RecordRectificationPlan
  | ResolveComplaint
  | EscalateComplaint
  | ReassignComplaint
  | MarkComplaintMajor
  | RecordCallback
  | ExemptFromCallback
  | ChaseOverdueDeadline
  | EscalateOverdueDeadline
  | EscalateEmergency
  | ApproveCompensation
  | RecordOutreach
  | ArchiveComplaint
  | ErasePersonalData
  | NotifyEmergencyDepartment
  | ChaseWrittenReport
  | RecordWrittenReport
  | RecordComplainantNotice
  | AddAttachment;

export type { AddAttachment, AddAttachmentData } from './complaint.attachments';

export type ComplaintCommandType = ComplaintCommand['type'];

export const COMPLAINT_COMMAND_TYPES: readonly ComplaintCommandType[] = [
  'RegisterComplaint',
  'CorrectComplaint',
  'ReferComplaintToManager',
  'TriageComplaint',
  'RecordReply',
  'RecordRectificationPlan',
  'ResolveComplaint',
  'EscalateComplaint',
  'ReassignComplaint',
  'MarkComplaintMajor',
  'RecordCallback',
  'ExemptFromCallback',
  'ChaseOverdueDeadline',
  'EscalateOverdueDeadline',
  'EscalateEmergency',
  'ApproveCompensation',
  'RecordOutreach',
  'ArchiveComplaint',
  'ErasePersonalData',
  'NotifyEmergencyDepartment',
  'ChaseWrittenReport',
  'RecordWrittenReport',
  'RecordComplainantNotice',
  'AddAttachment',
];

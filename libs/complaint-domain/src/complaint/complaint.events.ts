/**
 * Events: plain data `{ type, data }`. Every event's data carries the complaint id, the instant
 * it happened (`at`) and the `actor` who did it — the record every person signs. Events that
 * move deadlines carry the complaint's complete new `deadlines` map, computed by the decider
 * under the policy in force, so replaying history never recomputes a deadline.
 */
import type { Actor, Role } from '../common/actor';
import type { DeadlinePolicy } from '../policy/policy';
import type {
  CallbackExemptionReason,
  CallbackMethod,
  Channel,
  CloseBasis,
  Complainant,
  DeadlineName,
  Deadlines,
  InvalidReason,
  MajorReason,
  Nature,
  OutreachKind,
  Satisfaction,
  Severity,
  Urgency,
} from './complaint.types';
import type { PersonalField } from './personal-data';
import type { TriageReason } from '../triage/triage-suggestion';
import type { ComplainantNoticeFailed, ComplainantNoticeSent } from './complainant-notices';
import type { AttachmentAdded } from './complaint.attachments';

export type Event<Type extends string, Data> = { type: Type; data: Data };

export type EventBase = { complaintId: string; at: string; actor: Actor };

export type ComplaintRegistered = Event<
  'ComplaintRegistered',
  EventBase & {
    number: string;
    siteId: string;
    channel: Channel;
    receivedAt: string;
    complainant: Complainant;
    title: string;
    description: string;
    request?: string;
    occurredAt?: string;
    location?: string;
    categoryHint?: string;
    householdCount: number;
    /** Household count at or above the policy threshold. */
    collective: boolean;
    relatedComplaintId?: string;
    /** Set when the related complaint lies within the repeat window: it counts towards escalation/major. */
    repeat?: { ofComplaintId: string; ofNumber?: string; repeatCount: number };
    subjectEmployeeIds: string[];
    firstContactOwner: { id: string; name?: string };
    escalationLevel: number;
    policyVersion: string;
    deadlines: Deadlines;
  }
>;

export type ComplaintCorrected = Event<'ComplaintCorrected', EventBase & { field: string; previousValue: unknown; value: unknown; reason: string }>;

export type ComplaintMarkedMajor = Event<
  'ComplaintMarkedMajor',
  EventBase & { reasons: MajorReason[]; escalationLevel: number; escalatedTo: Role; notify: Role[]; note?: string; key?: string }
>;

export type ComplaintReferredToManager = Event<'ComplaintReferredToManager', EventBase & { reason: string; referredTo: Role }>;

export type ComplaintTriaged = Event<
  'ComplaintTriaged',
  EventBase & {
    nature: Nature;
    invalidReason?: InvalidReason;
    severity: Severity;
    urgency: Urgency;
    major: boolean;
    majorReasons: MajorReason[];
    category: string;
    department: string;
    assignee?: string;
    note?: string;
    /** The reasons of an automatic triage as codes with parameters, for the reader's language (older events: in `note`). */
    explanations?: TriageReason[];
    subjectEmployeeIds: string[];
    escalationLevel: number;
    /** The policy in force, recorded so later policy changes never rewrite this complaint's deadlines. */
    policyVersion: string;
    deadlineRules: DeadlinePolicy;
    deadlines: Deadlines;
    /** Set when the policy applied the triage suggestion by itself; a duty officer's triage may still replace it. */
    automatic?: true;
  }
>;

export type FirstReplyGiven = Event<'FirstReplyGiven', EventBase & { message: string; resolvedOnSpot: boolean; secondReplyDueAt?: string; deadlines: Deadlines }>;
export type SecondReplyGiven = Event<'SecondReplyGiven', EventBase & { message: string; deadlines: Deadlines }>;
export type ProgressNoted = Event<'ProgressNoted', EventBase & { message: string; deadlines: Deadlines }>;
export type RectificationPlanRecorded = Event<
  'RectificationPlanRecorded',
  EventBase & {
    measures: string;
    dueAt: string;
    /**
     * Present when the plan runs past the special-case limit (7 working days): an extension
     * approved by the actor; the resolution still counts on time only until `onTimeLimit`.
     */
    extension?: { onTimeLimit: string };
    deadlines: Deadlines;
  }
>;

export type ComplaintResolved = Event<
  'ComplaintResolved',
  EventBase & {
    resolution: string;
    rootCause?: string;
    responsibleDepartment?: string;
    responsiblePerson?: string;
    correctiveActions?: string;
    preventiveActions?: string;
    onSpot: boolean;
    deadlines: Deadlines;
  }
>;

/** An invalid complaint's explanation to the complainant (it closes right after). */
export type InvalidComplaintExplained = Event<'InvalidComplaintExplained', EventBase & { explanation: string }>;

export type ComplaintEscalated = Event<
  'ComplaintEscalated',
  EventBase & {
    fromLevel: number;
    toLevel: number;
    escalatedTo: Role;
    reason: string;
    automatic: boolean;
    deadline?: DeadlineName;
    dueAt?: string;
    key?: string;
  }
>;

export type ComplaintReassigned = Event<
  'ComplaintReassigned',
  EventBase & { fromDepartment?: string; department: string; fromAssignee?: string; assignee?: string; reason: string }
>;

/** 催办: a chase notice to whoever owns the overdue step. */
export type DeadlineChased = Event<
  'DeadlineChased',
  EventBase & {
    deadline: DeadlineName;
    dueAt: string;
    key: string;
    /** The level the complaint was at when chased; escalation step k of this deadline raises it to this + k. */
    escalationLevel: number;
    notifyRole: Role;
    notifyDepartment?: string;
  }
>;

export type CallbackUnreached = Event<
  'CallbackUnreached',
  EventBase & { method: CallbackMethod; attempt: number; comment?: string; deadlines: Deadlines }
>;

export type CallbackCompleted = Event<
  'CallbackCompleted',
  EventBase & { method: CallbackMethod; satisfaction: Satisfaction; satisfied: boolean; comment?: string }
>;

export type CallbackExempted = Event<'CallbackExempted', EventBase & { reason: CallbackExemptionReason; note?: string; automatic: boolean }>;

export type ComplaintClosed = Event<
  'ComplaintClosed',
  EventBase & { basis: CloseBasis; /** The first-contact owner is told of the outcome. */ informFirstContactOwner: { id: string; name?: string } }
>;

export type ComplaintReopened = Event<
  'ComplaintReopened',
  EventBase & { fromLevel: number; toLevel: number; escalatedTo: Role; reopenCount: number; satisfaction: Satisfaction; deadlines: Deadlines }
>;

export type CompensationApproved = Event<'CompensationApproved', EventBase & { amount: number; currency: string; reason: string }>;

export type OutreachRecorded = Event<'OutreachRecorded', EventBase & { kind: OutreachKind; note: string }>;

export type ComplaintArchived = Event<'ComplaintArchived', EventBase & { year: number }>;

/**
 * The complainant's personal data was erased (个人信息删除): the key that encrypts it is
 * destroyed right after this event is stored, so the values in earlier events can no
 * longer be read. The event itself holds no personal data.
 */
export type PersonalDataErased = Event<'PersonalDataErased', EventBase & { fields: PersonalField[]; reason: string }>;

/** The emergency chain's first link: the responsible department was told (within `dueBy`, else `late`). */
export type EmergencyDepartmentNotified = Event<
  'EmergencyDepartmentNotified',
  EventBase & { department?: string; notifyRole: Role; dueBy: string; late: boolean; key: string }
>;

/** Written report number `report` (1 = first, within 24 h; 2 = full, within 48 h) of an emergency. */
export type WrittenReportRecorded = Event<'WrittenReportRecorded', EventBase & { report: number; summary: string; dueAt: string; late: boolean }>;

export type ComplaintEvent =
  | ComplaintRegistered
  | ComplaintCorrected
  | ComplaintMarkedMajor
  | ComplaintReferredToManager
  | ComplaintTriaged
  | FirstReplyGiven
  | SecondReplyGiven
  | ProgressNoted
  | RectificationPlanRecorded
  | ComplaintResolved
  | InvalidComplaintExplained
  | ComplaintEscalated
  | ComplaintReassigned
  | DeadlineChased
  | CallbackUnreached
  | CallbackCompleted
  | CallbackExempted
  | ComplaintClosed
  | ComplaintReopened
  | CompensationApproved
  | OutreachRecorded
  | ComplaintArchived
  | PersonalDataErased
  | EmergencyDepartmentNotified
  | WrittenReportRecorded
  | ComplainantNoticeSent
  | ComplainantNoticeFailed
  | AttachmentAdded;

export type { AttachmentAdded } from './complaint.attachments';

export type ComplaintEventType = ComplaintEvent['type'];

export const COMPLAINT_EVENT_TYPES: readonly ComplaintEventType[] = [
  'ComplaintRegistered',
  'ComplaintCorrected',
  'ComplaintMarkedMajor',
  'ComplaintReferredToManager',
  'ComplaintTriaged',
  'FirstReplyGiven',
  'SecondReplyGiven',
  'ProgressNoted',
  'RectificationPlanRecorded',
  'ComplaintResolved',
  'InvalidComplaintExplained',
  'ComplaintEscalated',
  'ComplaintReassigned',
  'DeadlineChased',
  'CallbackUnreached',
  'CallbackCompleted',
  'CallbackExempted',
  'ComplaintClosed',
  'ComplaintReopened',
  'CompensationApproved',
  'OutreachRecorded',
  'ComplaintArchived',
  'PersonalDataErased',
  'EmergencyDepartmentNotified',
  'WrittenReportRecorded',
  'ComplainantNoticeSent',
  'ComplainantNoticeFailed',
  'AttachmentAdded',
];

/** The stream holding one complaint's whole life (docs/architecture.md). */
export const complaintStreamName = (complaintId: string): string => `complaint-${complaintId}`;

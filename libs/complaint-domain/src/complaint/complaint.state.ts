/**
 * The complaint's state as folded from its events. `evolve` is a pure function that only copies
 * what the events say — deadlines included — so any past moment can be rebuilt exactly
 * (auditors: "what any complaint looked like at any past moment", docs/process.md §6).
 */
import type { Actor } from '../common/actor';
import type { DeadlinePolicy } from '../policy/policy';
import type { ComplaintEvent, ComplaintCorrected } from './complaint.events';
import type {
  CallbackExemptionReason,
  Channel,
  CloseBasis,
  Complainant,
  ComplaintStatus,
  Deadlines,
  InvalidReason,
  MajorReason,
  Nature,
  Satisfaction,
  Severity,
  Urgency,
} from './complaint.types';
import { ERASED_PERSONAL_VALUE } from './personal-data';
import { evolveComplainantNotice, type NoticeOutcome } from './complainant-notices';
import { evolveAttachmentAdded, type AttachmentRef } from './complaint.attachments';

export type NoComplaint = { exists: false };

export type Complaint = {
  exists: true;
  id: string;
  number: string;
  siteId: string;
  channel: Channel;
  status: ComplaintStatus;
  receivedAt: string;
  registeredBy: Actor;
  firstContactOwner: { id: string; name?: string };
  complainant: Complainant;
  title: string;
  description: string;
  request?: string;
  occurredAt?: string;
  location?: string;
  categoryHint?: string;
  householdCount: number;
  collective: boolean;
  relatedComplaintId?: string;
  repeatOf?: string;
  repeatCount: number;
  subjectEmployeeIds: string[];
  corrections: number;

  /** Pending referral of an unclear case to the CS centre manager. */
  referredToManager: boolean;
  nature?: Nature;
  invalidReason?: InvalidReason;
  severity?: Severity;
  urgency?: Urgency;
  category?: string;
  department?: string;
  assignee?: string;
  triagedAt?: string;
  triagedBy?: Actor;
  major: boolean;
  majorReasons: MajorReason[];
  /** Policy version in force at registration, replaced by the one in force at triage. */
  policyVersion: string;
  /** Deadline rules snapshotted at triage; later deadlines of this complaint follow them. */
  deadlineRules?: DeadlinePolicy;
  escalationLevel: number;

  deadlines: Deadlines;
  firstReplyAt?: string;
  resolvedOnSpot: boolean;
  secondReplyAt?: string;
  progressNotes: number;
  plan?: { measures: string; dueAt: string; recordedAt: string };
  /**
   * The latest resolution date that counts as on time when a plan moved it: the special-case
   * limit (7 working days) when an approved extension set a later date. Reports measure against it.
   */
  resolveOnTimeLimit?: string;
  /** When the complaint was last reopened (its fresh deadlines count from here). */
  reopenedAt?: string;
  resolution?: {
    resolution: string;
    rootCause?: string;
    responsibleDepartment?: string;
    responsiblePerson?: string;
    correctiveActions?: string;
    preventiveActions?: string;
    resolvedAt: string;
    resolvedBy: Actor;
  };
  explanation?: string;

  /** Unreached callback attempts in the current round. */
  callbackAttempts: number;
  satisfaction?: Satisfaction;
  callbackExemption?: { reason: CallbackExemptionReason; note?: string; automatic: boolean };
  reopenCount: number;
  closedAt?: string;
  closeBasis?: CloseBasis;
  archived: boolean;
  /** The complainant's name and phone were erased; they read as ERASED_PERSONAL_VALUE. */
  personalDataErased: boolean;
  archivedAt?: string;
  archiveYear?: number;

  /** Idempotency keys of scheduler actions already applied (chase/escalate/mark). */
  processedKeys: string[];
  /** Escalation level at which each overdue deadline (`<deadline>@<dueAt>`) was chased. */
  chaseLevels: Record<string, number>;
  compensationTotal: number;
  outreach: number;
  /** Complainant notices recorded on the stream, by notice key (absent until the first). */
  complainantNotices?: Record<string, NoticeOutcome>;
  /** Attachments by content hash (complaint.attachments.ts); absent until the first. */
  attachments?: AttachmentRef[];
  /** Number of events folded (the stream revision + 1). */
  version: number;
  lastEventAt: string;
};

export type ComplaintState = NoComplaint | Complaint;

export const initialState = (): ComplaintState => ({ exists: false });

const applyCorrection = (state: Complaint, { data }: ComplaintCorrected): Complaint => {
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const withComplainant = (patch: Partial<Complainant>): Complaint => ({ ...state, complainant: { ...state.complainant, ...patch } });
  switch (data.field) {
    case 'title':
      return { ...state, title: String(data.value) };
    case 'description':
      return { ...state, description: String(data.value) };
    case 'request':
      return { ...state, request: text(data.value) };
    case 'occurredAt':
      return { ...state, occurredAt: text(data.value) };
    case 'location':
      return { ...state, location: text(data.value) };
    case 'categoryHint':
      return { ...state, categoryHint: text(data.value) };
    case 'householdCount':
      return { ...state, householdCount: Number(data.value) };
    case 'channel':
      return { ...state, channel: data.value as Channel };
    case 'complainant.name':
      return withComplainant({ name: text(data.value) });
    case 'complainant.phone':
      return withComplainant({ phone: text(data.value) });
    case 'complainant.building':
      return withComplainant({ building: text(data.value) });
    case 'complainant.unit':
      return withComplainant({ unit: text(data.value) });
    case 'complainant.anonymous':
      return withComplainant({ anonymous: data.value === true });
    case 'subjectEmployeeIds':
      return { ...state, subjectEmployeeIds: Array.isArray(data.value) ? data.value.map(String) : state.subjectEmployeeIds };
    default:
      return state;
  }
};

export const evolve = (state: ComplaintState, event: ComplaintEvent): ComplaintState => {
  if (event.type === 'ComplaintRegistered') {
    if (state.exists) return state;
    const d = event.data;
    return {
      exists: true,
      id: d.complaintId,
      number: d.number,
      siteId: d.siteId,
      channel: d.channel,
      status: 'registered',
      receivedAt: d.receivedAt,
      registeredBy: d.actor,
      firstContactOwner: d.firstContactOwner,
      complainant: d.complainant,
      title: d.title,
      description: d.description,
      request: d.request,
      occurredAt: d.occurredAt,
      location: d.location,
      categoryHint: d.categoryHint,
      householdCount: d.householdCount,
      collective: d.collective,
      relatedComplaintId: d.relatedComplaintId,
      repeatOf: d.repeat?.ofComplaintId,
      repeatCount: d.repeat?.repeatCount ?? 0,
      subjectEmployeeIds: d.subjectEmployeeIds,
      corrections: 0,
      referredToManager: false,
      major: false,
      majorReasons: [],
      policyVersion: d.policyVersion,
      escalationLevel: d.escalationLevel,
      deadlines: d.deadlines,
      resolvedOnSpot: false,
      progressNotes: 0,
      callbackAttempts: 0,
      reopenCount: 0,
      archived: false,
      personalDataErased: false,
      processedKeys: [],
      chaseLevels: {},
      compensationTotal: 0,
      outreach: 0,
      version: 1,
      lastEventAt: d.at,
    };
  }
  if (!state.exists) return state;
  const next = evolveExisting(state, event);
  return { ...next, version: state.version + 1, lastEventAt: event.data.at };
};

const evolveExisting = (state: Complaint, event: Exclude<ComplaintEvent, { type: 'ComplaintRegistered' }>): Complaint => {
  switch (event.type) {
    case 'ComplaintCorrected':
      return { ...applyCorrection(state, event), corrections: state.corrections + 1 };
    case 'ComplaintMarkedMajor': {
      const d = event.data;
      return {
        ...state,
        major: true,
        majorReasons: [...new Set([...state.majorReasons, ...d.reasons])],
        collective: state.collective || d.reasons.includes('collective'),
        escalationLevel: d.escalationLevel,
        processedKeys: d.key ? [...state.processedKeys, d.key] : state.processedKeys,
        deadlines: omitDeadline(state.deadlines, 'unresolvedMajor'),
      };
    }
    case 'ComplaintReferredToManager':
      return { ...state, referredToManager: true };
    case 'ComplaintTriaged': {
      const d = event.data;
      return {
        ...state,
        status: 'triaged',
        referredToManager: false,
        nature: d.nature,
        invalidReason: d.invalidReason,
        severity: d.severity,
        urgency: d.urgency,
        major: d.major,
        majorReasons: d.majorReasons,
        category: d.category,
        department: d.department,
        assignee: d.assignee,
        triagedAt: d.at,
        triagedBy: d.actor,
        subjectEmployeeIds: d.subjectEmployeeIds,
        escalationLevel: d.escalationLevel,
        policyVersion: d.policyVersion,
        deadlineRules: d.deadlineRules,
        deadlines: d.deadlines,
      };
    }
    case 'FirstReplyGiven':
      return {
        ...state,
        status: state.status === 'registered' ? 'registered' : 'in_progress',
        firstReplyAt: event.data.at,
        resolvedOnSpot: event.data.resolvedOnSpot,
        deadlines: event.data.deadlines,
      };
    case 'SecondReplyGiven':
      return {
        ...state,
        status: state.status === 'registered' ? 'registered' : 'in_progress',
        secondReplyAt: event.data.at,
        deadlines: event.data.deadlines,
      };
    case 'ProgressNoted':
      return {
        ...state,
        status: state.status === 'registered' ? 'registered' : 'in_progress',
        progressNotes: state.progressNotes + 1,
        deadlines: event.data.deadlines,
      };
    case 'RectificationPlanRecorded':
      return {
        ...state,
        status: 'in_progress',
        plan: { measures: event.data.measures, dueAt: event.data.dueAt, recordedAt: event.data.at },
        resolveOnTimeLimit: event.data.extension?.onTimeLimit ?? state.resolveOnTimeLimit,
        deadlines: event.data.deadlines,
      };
    case 'ComplaintResolved': {
      const { complaintId: _id, at, actor, deadlines, onSpot, ...resolution } = event.data;
      return {
        ...state,
        status: 'resolved',
        resolvedOnSpot: onSpot || state.resolvedOnSpot,
        resolution: { ...resolution, resolvedAt: at, resolvedBy: actor },
        callbackAttempts: 0,
        deadlines,
      };
    }
    case 'InvalidComplaintExplained':
      return { ...state, explanation: event.data.explanation, deadlines: {} };
    case 'ComplaintEscalated':
      return {
        ...state,
        escalationLevel: event.data.toLevel,
        processedKeys: event.data.key ? [...state.processedKeys, event.data.key] : state.processedKeys,
      };
    case 'ComplaintReassigned':
      return { ...state, department: event.data.department, assignee: event.data.assignee };
    case 'DeadlineChased':
      return {
        ...state,
        processedKeys: [...state.processedKeys, event.data.key],
        chaseLevels: { ...state.chaseLevels, [chaseLevelKey(event.data.deadline, event.data.dueAt)]: event.data.escalationLevel },
      };
    case 'CallbackUnreached':
      return { ...state, callbackAttempts: event.data.attempt, deadlines: event.data.deadlines };
    case 'CallbackCompleted':
      return { ...state, satisfaction: event.data.satisfaction };
    case 'CallbackExempted':
      return { ...state, callbackExemption: { reason: event.data.reason, note: event.data.note, automatic: event.data.automatic } };
    case 'ComplaintClosed':
      return { ...state, status: 'closed', closedAt: event.data.at, closeBasis: event.data.basis, deadlines: {} };
    case 'ComplaintReopened':
      return {
        ...state,
        status: 'reopened',
        reopenedAt: event.data.at,
        resolveOnTimeLimit: undefined,
        escalationLevel: event.data.toLevel,
        reopenCount: event.data.reopenCount,
        firstReplyAt: undefined,
        secondReplyAt: undefined,
        resolvedOnSpot: false,
        plan: undefined,
        callbackAttempts: 0,
        deadlines: event.data.deadlines,
      };
    case 'CompensationApproved':
      return { ...state, compensationTotal: state.compensationTotal + event.data.amount };
    case 'OutreachRecorded':
      return { ...state, outreach: state.outreach + 1 };
    case 'ComplaintArchived':
      return { ...state, archived: true, archivedAt: event.data.at, archiveYear: event.data.year };
    case 'PersonalDataErased': {
      // The fields the erasure names (earlier erasures named the name and phone only).
      const erased = (field: string, value: unknown) => value !== undefined && ((event.data.fields ?? []) as readonly string[]).includes(field);
      return {
        ...state,
        personalDataErased: true,
        complainant: {
          ...state.complainant,
          ...(erased('complainant.name', state.complainant.name) ? { name: ERASED_PERSONAL_VALUE } : {}),
          ...(erased('complainant.phone', state.complainant.phone) ? { phone: ERASED_PERSONAL_VALUE } : {}),
          ...(erased('complainant.unit', state.complainant.unit) ? { unit: ERASED_PERSONAL_VALUE } : {}),
          ...(erased('complainant.email', state.complainant.email) ? { email: ERASED_PERSONAL_VALUE } : {}),
        },
      };
    }
    case 'ComplainantNoticeSent':
    case 'ComplainantNoticeFailed':
      return evolveComplainantNotice(state, event);
    case 'AttachmentAdded':
      return evolveAttachmentAdded(state, event);
    default: {
      // Compile-time: every event type is handled. Run time: an event this version does
      // not know (written by a newer one) leaves the state as it is — a tolerant reader.
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
};

const omitDeadline = (deadlines: Deadlines, name: keyof Deadlines): Deadlines => {
  const { [name]: _dropped, ...rest } = deadlines;
  return rest;
};

export const chaseLevelKey = (deadline: string, dueAt: string): string => `${deadline}@${dueAt}`;

/** Folds a whole stream. */
export const foldComplaint = (events: readonly ComplaintEvent[], from: ComplaintState = initialState()): ComplaintState =>
  events.reduce(evolve, from);

/**
 * Complainant notices (书面通知客户): the complainant is told, in writing, that the complaint
 * was received, of the second reply, of the rectification plan, of the resolution, of the
 * callback and of the closing — "以书面形式及时通知客户", progress kept known until done.
 *
 * Pure rules: which stored events call for a notice, on which channels, and when a notice
 * may be recorded on the complaint's stream. Sending (SMTP, an SMS gateway, a printed
 * letter) is the services' business; the domain never sees a plaintext contact — it only
 * knows whether one was left (the stored values are sealed).
 */
import { InvalidStateError, ProblemList } from '../common/domain-errors';
import type { Command } from './complaint.commands';
import type { ComplaintEvent, Event, EventBase } from './complaint.events';
import { assertExists, assertNotArchived, assertRole } from './complaint.guards';
import type { Complaint, ComplaintState } from './complaint.state';
import type { DecisionContext } from './decision-context';
import { ERASED_PERSONAL_VALUE } from './personal-data';

/** The notices a complainant receives, one per step of the process. */
export type NoticeTemplate = 'received' | 'second_reply' | 'plan' | 'resolved' | 'callback' | 'closed';
export const NOTICE_TEMPLATES: readonly NoticeTemplate[] = ['received', 'second_reply', 'plan', 'resolved', 'callback', 'closed'];

/** How a notice reaches the complainant: e-mail, SMS, or a printed letter (PDF, zh-CN). */
export type NoticeChannel = 'email' | 'sms' | 'letter';
export const NOTICE_CHANNELS: readonly NoticeChannel[] = ['email', 'sms', 'letter'];

/** The event each template answers (the event the notice is a reaction to). */
export const NOTICE_TRIGGERS: Readonly<Record<string, NoticeTemplate>> = {
  ComplaintRegistered: 'received',
  SecondReplyGiven: 'second_reply',
  RectificationPlanRecorded: 'plan',
  ComplaintResolved: 'resolved',
  CallbackCompleted: 'callback',
  ComplaintClosed: 'closed',
};

/**
 * What a notice says besides the complaint's number: only facts of the process (times, the
 * reply, the measures, the resolution), never the complainant's personal data.
 */
export type NoticeFacts = {
  number: string;
  title: string;
  /** received: when the first reply is due (一次答复时限). */
  firstReplyDueAt?: string;
  /** second_reply: the reply given. */
  message?: string;
  /** plan: the measures (整改措施) and the date they are due. */
  measures?: string;
  dueAt?: string;
  /** resolved: what was done. */
  resolution?: string;
  /** callback: the satisfaction recorded (1 very satisfied … 5 very dissatisfied). */
  satisfaction?: number;
  /** closed: on what basis. */
  closeBasis?: string;
};

/** One notice the process calls for; `key` (source event id + channel) makes it idempotent. */
export type PlannedNotice = { key: string; sourceEventId: string; template: NoticeTemplate; channel: NoticeChannel; facts: NoticeFacts };

export const noticeKey = (sourceEventId: string, channel: NoticeChannel): string => `${sourceEventId}:${channel}`;

const present = (value: string | undefined): boolean => value !== undefined && value !== '' && value !== ERASED_PERSONAL_VALUE;

/**
 * Rule: anonymous complainants and complainants whose personal data was erased get no
 * notice at all; neither does a sealed (archived) record.
 */
export const mayNotifyComplainant = (complaint: Complaint): boolean => !complaint.complainant.anonymous && !complaint.personalDataErased && !complaint.archived;

/**
 * Rule: the channels of a notice. E-mail where the complainant left an address, SMS where
 * they left a phone; a complaint that came in by letter is answered by letter too (书面), and
 * the outcome (resolved) goes out as a letter when there is no e-mail address to write to.
 */
export const noticeChannelsFor = (complaint: Complaint, template: NoticeTemplate): NoticeChannel[] => {
  if (!mayNotifyComplainant(complaint)) return [];
  const channels: NoticeChannel[] = [];
  const email = present(complaint.complainant.email);
  if (email) channels.push('email');
  if (present(complaint.complainant.phone)) channels.push('sms');
  if (complaint.channel === 'letter' || (template === 'resolved' && !email)) channels.push('letter');
  return channels;
};

const factsFor = (event: ComplaintEvent, complaint: Complaint): NoticeFacts => {
  const facts: NoticeFacts = { number: complaint.number, title: complaint.title };
  switch (event.type) {
    case 'ComplaintRegistered':
      return { ...facts, firstReplyDueAt: event.data.deadlines.firstReply };
    case 'SecondReplyGiven':
      return { ...facts, message: event.data.message };
    case 'RectificationPlanRecorded':
      return { ...facts, measures: event.data.measures, dueAt: event.data.dueAt };
    case 'ComplaintResolved':
      return { ...facts, resolution: event.data.resolution };
    case 'CallbackCompleted':
      return { ...facts, satisfaction: event.data.satisfaction };
    case 'ComplaintClosed':
      return { ...facts, closeBasis: event.data.basis };
    default:
      return facts;
  }
};

/**
 * The notices a stored event calls for, given the complaint as folded up to and including
 * it (the complainant's contact as it stood then). `sourceEventId` is the stored event's id:
 * a redelivered event plans the very same keys, so it never sends twice.
 */
export const complainantNoticesFor = (event: ComplaintEvent, complaintAfter: ComplaintState, sourceEventId: string): PlannedNotice[] => {
  const template = NOTICE_TRIGGERS[event.type];
  if (!template || !complaintAfter.exists) return [];
  const facts = factsFor(event, complaintAfter);
  return noticeChannelsFor(complaintAfter, template).map((channel) => ({ key: noticeKey(sourceEventId, channel), sourceEventId, template, channel, facts }));
};

export type NoticeOutcome = 'sent' | 'failed';

/** Recorded by the system once a notice went out, or once its retries ran out. */
export type RecordComplainantNotice = Command<
  'RecordComplainantNotice',
  {
    noticeKey: string;
    sourceEventId: string;
    template: NoticeTemplate;
    channel: NoticeChannel;
    outcome: NoticeOutcome;
    attempts: number;
    /** Why it failed, in words that hold no contact data (e.g. `smtp 550`, `gateway 503`). */
    error?: string | null;
  }
>;

type NoticeEventData = EventBase & { noticeKey: string; sourceEventId: string; template: NoticeTemplate; channel: NoticeChannel; attempts: number };
export type ComplainantNoticeSent = Event<'ComplainantNoticeSent', NoticeEventData>;
export type ComplainantNoticeFailed = Event<'ComplainantNoticeFailed', NoticeEventData & { error: string }>;

const ERROR_MAX = 200;

export const isEmailAddress = (value: string): boolean => value.length <= 254 && /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/.test(value);

/**
 * Records a notice's outcome on the complaint's stream. Never for an anonymous or erased
 * complainant; a notice already recorded as sent is not recorded again (idempotent by key),
 * and a failure is recorded once per notice.
 */
export const decideComplainantNotice = (command: RecordComplainantNotice, state: ComplaintState, { policy }: DecisionContext): ComplaintEvent[] => {
  const complaint = assertExists(state);
  assertRole(policy, command.type, command.metadata.actor);
  const d = command.data;
  const problems = new ProblemList();
  problems.check(typeof d.noticeKey === 'string' && d.noticeKey.length > 0 && d.noticeKey.length <= 200, 'noticeKey', 'required (at most 200 characters)');
  problems.check(typeof d.sourceEventId === 'string' && d.sourceEventId.length > 0, 'sourceEventId', 'required');
  problems.check((NOTICE_TEMPLATES as readonly unknown[]).includes(d.template), 'template', `must be one of ${NOTICE_TEMPLATES.join(', ')}`);
  problems.check((NOTICE_CHANNELS as readonly unknown[]).includes(d.channel), 'channel', `must be one of ${NOTICE_CHANNELS.join(', ')}`);
  problems.check(d.outcome === 'sent' || d.outcome === 'failed', 'outcome', 'must be sent or failed');
  problems.check(Number.isInteger(d.attempts) && d.attempts >= 1, 'attempts', 'must be a whole number ≥ 1');
  if (d.outcome === 'failed') problems.check(typeof d.error === 'string' && d.error.length > 0 && d.error.length <= ERROR_MAX, 'error', `required for a failure (at most ${ERROR_MAX} characters)`);
  problems.throwIfAny();
  const recorded = complaint.complainantNotices?.[d.noticeKey];
  if (recorded === 'sent' || (recorded === 'failed' && d.outcome === 'failed')) return [];
  assertNotArchived(complaint, 'record a complainant notice');
  if (complaint.complainant.anonymous) throw new InvalidStateError('record a complainant notice', complaint.status, 'anonymous complainants get no notices');
  if (complaint.personalDataErased) throw new InvalidStateError('record a complainant notice', complaint.status, "the complainant's personal data was erased; they get no notices");
  const data: NoticeEventData = {
    complaintId: complaint.id,
    at: command.metadata.now,
    actor: command.metadata.actor,
    noticeKey: d.noticeKey,
    sourceEventId: d.sourceEventId,
    template: d.template,
    channel: d.channel,
    attempts: d.attempts,
  };
  return d.outcome === 'sent' ? [{ type: 'ComplainantNoticeSent', data }] : [{ type: 'ComplainantNoticeFailed', data: { ...data, error: d.error as string } }];
};

export const evolveComplainantNotice = (state: Complaint, event: ComplainantNoticeSent | ComplainantNoticeFailed): Complaint => {
  const outcome: NoticeOutcome = event.type === 'ComplainantNoticeSent' ? 'sent' : 'failed';
  return { ...state, complainantNotices: { ...state.complainantNotices, [event.data.noticeKey]: outcome } };
};

/** The complaint's vocabulary, shared by commands, events, state and policy. */

/** 投诉方式 — docs/process.md §2 channels (docs/api.md `channel`). */
export type Channel =
  | 'phone' // 来电
  | 'visit' // 来访
  | 'letter' // 来信/信函
  | 'web' // 网上/留言板
  | 'app'
  | 'email'
  | 'wechat'
  | 'media' // 新闻媒体
  | 'authority' // 上级部门, 12345/12315 referral
  | 'staff_relay' // 其他部门转告
  | 'other';

export const CHANNELS: readonly Channel[] = ['phone', 'visit', 'letter', 'web', 'app', 'email', 'wechat', 'media', 'authority', 'staff_relay', 'other'];

/** docs/api.md status values, exactly. */
export type ComplaintStatus = 'registered' | 'triaged' | 'in_progress' | 'resolved' | 'closed' | 'reopened';

export const COMPLAINT_STATUSES: readonly ComplaintStatus[] = ['registered', 'triaged', 'in_progress', 'resolved', 'closed', 'reopened'];

/** 投诉性质: 有效 / 待改进 / 无效. */
export type Nature = 'valid' | 'to_be_improved' | 'invalid';
export const NATURES: readonly Nature[] = ['valid', 'to_be_improved', 'invalid'];

/** Why an invalid complaint is invalid (docs/process.md §3). */
export type InvalidReason =
  | 'misunderstanding'
  | 'rumour'
  | 'out_of_scope'
  | 'malicious' // 恶意投诉
  | 'unverifiable'
  | 'late_staff_attitude'; // staff-attitude complaint raised more than a month later
export const INVALID_REASONS: readonly InvalidReason[] = ['misunderstanding', 'rumour', 'out_of_scope', 'malicious', 'unverifiable', 'late_staff_attitude'];

/** Severity levels: 轻微 / 重要 / 重大 (level 1 / 2 / 3). */
export type Severity = 'minor' | 'important' | 'major';
export const SEVERITIES: readonly Severity[] = ['minor', 'important', 'major'];

/** normal; urgent = endangers safety/property or disrupts normal life → same day; emergency = 抢险抢修, minutes. */
export type Urgency = 'normal' | 'urgent' | 'emergency';
export const URGENCIES: readonly Urgency[] = ['normal', 'urgent', 'emergency'];

/** Why a complaint is major (重大投诉), docs/process.md §3. */
export type MajorReason =
  | 'collective' // ≥ policy households
  | 'repeat' // repeated complaints
  | 'media' // media exposure
  | 'authority' // complained to a higher authority / 12345 / 12315
  | 'litigation'
  | 'serious_harm' // serious harm to reputation or finances
  | 'unresolved_one_month' // valid and still unresolved after a month through the company's fault
  | 'severity' // triaged with severity 'major'
  | 'triage_judgement'; // the triager flagged it major for another reason
export const MAJOR_REASONS: readonly MajorReason[] = [
  'collective',
  'repeat',
  'media',
  'authority',
  'litigation',
  'serious_harm',
  'unresolved_one_month',
  'severity',
  'triage_judgement',
];

/** The deadlines a complaint can carry; the state holds the current due time of each. */
export type DeadlineName =
  | 'firstReply' // 一次答复
  | 'secondReply' // 二次答复
  | 'plan' // 整改措施
  | 'resolve' // handling done
  | 'followUp' // 跟进, every 3 days
  | 'callback' // 回访
  | 'unresolvedMajor'; // a valid complaint unresolved this long becomes major
export const DEADLINE_NAMES: readonly DeadlineName[] = ['firstReply', 'secondReply', 'plan', 'resolve', 'followUp', 'callback', 'unresolvedMajor'];

export type Deadlines = Partial<Record<DeadlineName, string>>;

export type ReplyKind = 'first' | 'second' | 'progress';

export type CallbackMethod = 'phone' | 'visit' | 'message_board' | 'other';
export const CALLBACK_METHODS: readonly CallbackMethod[] = ['phone', 'visit', 'message_board', 'other'];

export type CallbackExemptionReason = 'on_spot_confirmed' | 'anonymous' | 'no_contact' | 'sensitive';
export const CALLBACK_EXEMPTION_REASONS: readonly CallbackExemptionReason[] = ['on_spot_confirmed', 'anonymous', 'no_contact', 'sensitive'];

/** Satisfaction 1 very satisfied … 5 very dissatisfied. */
export type Satisfaction = 1 | 2 | 3 | 4 | 5;

/**
 * On what basis a complaint closed (docs/process.md §5 closing rules): a valid complaint when the
 * complainant accepts the result, a to-be-improved one when they express understanding, an
 * invalid one once the explanation is recorded, or an exemption from callback.
 */
export type CloseBasis = 'accepted' | 'understood' | 'invalid_explained' | 'callback_exempt';

/** Outreach beyond one complainant: a visit, a public notice (公告), a residents' meeting (座谈会). */
export type OutreachKind = 'visit' | 'public_notice' | 'residents_meeting';
export const OUTREACH_KINDS: readonly OutreachKind[] = ['visit', 'public_notice', 'residents_meeting'];

export type Complainant = {
  name?: string;
  phone?: string;
  /** E-mail address for written notices (书面通知); sealed at rest like the phone. */
  email?: string;
  building?: string;
  unit?: string;
  anonymous: boolean;
};

/**
 * @complaints/domain — the pure complaint domain (docs/process.md): commands, events, state,
 * decide/evolve, deadlines and the scheduler's rules, policies, working-day calendars,
 * numbering and the triage suggestion. No framework, ORM, broker or event-store imports.
 */

// Who acts, and how failures are reported
export { ROLES, SYSTEM_ACTOR } from './common/actor';
export type { Actor, Role } from './common/actor';
export { DomainError, ForbiddenError, InvalidStateError, NotFoundError, ValidationError, isDomainError } from './common/domain-errors';
export type { DomainErrorCode, ForbiddenReason, ValidationProblem } from './common/domain-errors';
export { canonicalInstant, isIsoInstant } from './common/iso-time';
export { PHONE_MAX_LENGTH, PHONE_PATTERN, PHONE_PROBLEM, isValidPhone } from './common/phone';
export { deepMerge } from './common/object.util';
export type { DeepPartial } from './common/object.util';

// The complaint decider
export * from './complaint/complaint.types';
export * from './complaint/complaint.commands';
export * from './complaint/complaint.events';
export { evolve, foldComplaint, initialState } from './complaint/complaint.state';
export { eventSchemaVersion, storedSchemaVersion, toDomainEvent, upcastEventData } from './complaint/event-schema';
export type { StoredComplaintEvent } from './complaint/event-schema';
export type { Complaint, ComplaintState, NoComplaint } from './complaint/complaint.state';
export { decide } from './complaint/complaint.decider';
export { resolveDecisionContext } from './complaint/decision-context';
export type { DecisionContext } from './complaint/decision-context';
export { deadlineActionKey, overdueDeadlines } from './complaint/complaint.deadlines';
export type { DeadlineAction } from './complaint/complaint.deadlines';
export { reviewDeadlines } from './complaint/deadline-scheduler';
export type { DeadlineReview, SchedulerCommand } from './complaint/deadline-scheduler';
export { MASKED_UNIT, complaintActions, complaintView, complaintViewFor, maskEmail, maskName, maskPhone, personalValueFor, replyKindsFor } from './complaint/complaint.view';
export { CONTACT_ROLES, ERASED_PERSONAL_VALUE, PERSONAL_FIELDS, carriesPersonalData, isPersonalField, mapPersonalValues, mayReadContact } from './complaint/personal-data';
export type { PersonalField } from './complaint/personal-data';
export type { ComplaintAction, ComplaintView } from './complaint/complaint.view';
export {
  NOTICE_CHANNELS,
  NOTICE_TEMPLATES,
  NOTICE_TRIGGERS,
  complainantNoticesFor,
  isEmailAddress,
  mayNotifyComplainant,
  noticeChannelsFor,
  noticeKey,
} from './complaint/complainant-notices';
export type {
  ComplainantNoticeFailed,
  ComplainantNoticeSent,
  NoticeChannel,
  NoticeFacts,
  NoticeOutcome,
  NoticeTemplate,
  PlannedNotice,
  RecordComplainantNotice,
} from './complaint/complainant-notices';

// Policy
export { DEFAULT_POLICY, DEFAULT_POLICY_VERSION, assertValidPolicy, escalationLevelOf, monthlyReportDueDate, resolvePolicy, retainUntil, topEscalationLevel } from './policy/policy';
export type { CompensationLimit, ComplaintPolicy, DeadlinePolicy, EscalationPolicy, PolicyLayer, PolicyOverride } from './policy/policy';

// Calendars and time zones
export {
  UncoveredYearError,
  addCalendarDays,
  addWorkingDays,
  addWorkingDaysToDate,
  applyDeadlineRule,
  countWorkingDaysBetween,
  createWorkingCalendar,
  dayKind,
  defaultWorkingCalendar,
  endOfSiteDay,
  isCoveredDate,
  isWorkingDay,
  nextWorkingDay,
  siteDate,
} from './calendar/working-calendar';
export type { DayKind, DeadlineRule, DurationUnit, UncoveredYearMode, WorkingCalendar, WorkingCalendarOptions } from './calendar/working-calendar';
export { CHINA_HOLIDAYS, holidayCoverage } from './calendar/china-holidays';
export type { HolidayTable } from './calendar/china-holidays';
export { DEFAULT_TIME_ZONE, addDaysToLocalDate, endOfLocalDate, fromLocalDateTime, localDateOf, offsetMinutesAt, startOfLocalDate, toLocalDateTime, isValidTimeZone } from './calendar/time-zone';
export type { LocalDate, LocalDateTime } from './calendar/time-zone';

// Numbering
export { complaintNumber, numberingYear, parseComplaintNumber } from './numbering/numbering';
export { decideYearlyCounter, evolveYearlyCounter, initialYearlyCounterState, serialOf, yearlyCounterStreamName } from './numbering/yearly-counter.decider';
export type { AllocateComplaintSerial, ComplaintSerialAllocated, YearlyCounterState } from './numbering/yearly-counter.decider';

// Triage suggestion and reporting helpers
export { containsKeyword, suggestTriage, TRIAGE_REASON_CODES } from './triage/triage-suggestion';
export type { TriageReason, TriageReasonCode, TriageSuggestion, TriageSuggestionInput } from './triage/triage-suggestion';
export { callbackQuotaReminderDay, callbackQuotaReminders, callbackQuotaShortfalls, callbackRate } from './reporting/callback-quota';
export type { CallbackCount, CallbackQuotaReminder, CallbackShortfall } from './reporting/callback-quota';
export { MAX_EXPLANATIONS, checkTriageExplanations, triageExplanations } from './triage/triage-explanations';

// Test support (framework-free)
export { deciderSpecification } from './testing/decider-spec';
export type { Decider, ErrorCheck, Outcome } from './testing/decider-spec';

// Attachments (photos and documents, content-addressed)
export {
  ATTACHMENT_STAGES,
  ATTACHMENT_STAGE_STATUSES,
  DEFAULT_ATTACHMENT_POLICY,
  SNIFFABLE_MEDIA_TYPES,
  attachmentPolicyOf,
  attachmentStagesFor,
  isImageMediaType,
  mayReadPersonalAttachment,
  sniffMediaType,
} from './complaint/complaint.attachments';
export type { AttachmentPolicy, AttachmentRef, AttachmentStage } from './complaint/complaint.attachments';

// Records desk: typical-case library, public disclosure, weekly supervisor check (their own streams)
export * from './records-desk';
// Records desk: the monthly pack's sign-off and the year-end seal with its retention
export * from './records/monthly-pack.decider';
export * from './records/year-seal.decider';

// The monthly report's and the department dashboard's rules (folded by reporting's projections).
export * from './reporting/monthly-report.rules';
export * from './reporting/department-dashboard.rules';

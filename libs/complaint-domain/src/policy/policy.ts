/**
 * Policy as data. Every number and list docs/process.md mentions is a field here; the defaults follow
 * the property-management procedures docs/process.md was distilled from. A group, a region and a site
 * can each override any field; `resolvePolicy` deep-merges them (site wins) and composes a
 * version id, which triage records on the complaint together with a snapshot of the deadline
 * rules — so a later policy change never rewrites a complaint's past (or pending) deadlines.
 */
import type { Role } from '../common/actor';
import { ProblemList } from '../common/domain-errors';
import { deepMerge, type DeepPartial } from '../common/object.util';
import { isValidTimeZone, DEFAULT_TIME_ZONE } from '../calendar/time-zone';
import type { DeadlineRule } from '../calendar/working-calendar';
import type { ComplaintCommandType } from '../complaint/complaint.commands';
import type { Channel, Nature, Severity, Urgency } from '../complaint/complaint.types';
import { DEFAULT_ATTACHMENT_POLICY, SNIFFABLE_MEDIA_TYPES, type AttachmentPolicy } from '../complaint/complaint.attachments';

/** The deadline rules a complaint is triaged under (snapshotted onto the complaint). */
export type DeadlinePolicy = {
  /** 一次答复: normal 24 h (seeds: "reply within 24 h"); urgent same day; emergency 30 min. */
  firstReply: Record<Urgency, DeadlineRule>;
  /** 二次答复: "normally within 3 days", used when no second-reply time is agreed. */
  secondReply: DeadlineRule;
  /** 整改措施: "within 3 working days" when not finished the same day (counted from receipt, 接报后). */
  plan: DeadlineRule;
  /**
   * 整改措施 by urgency, overriding `plan`: urgent items are handled the same day, so their
   * measures are due the same day too. Absent from rules snapshotted before it existed (then
   * `plan` applies to every urgency, as it did).
   */
  planByUrgency?: Partial<Record<Urgency, DeadlineRule>>;
  /** Handling done (counted from receipt): urgent/emergency the same day; otherwise 3 working days ("done within 3 working days"). */
  resolve: Record<Urgency, DeadlineRule>;
  /**
   * Special cases (a rectification plan that sets its own date) are done within this, counted
   * from receipt (or from a reopening): "7 working days for special cases". A plan due later
   * needs an approved extension (`extensionApproverRoles`); the monthly on-time rate still
   * measures the resolution against this limit. Absent from older snapshots (no limit then).
   */
  resolveSpecialCaseLimit?: DeadlineRule;
  /** 跟进: the assistant follows up every 3 days. */
  followUp: DeadlineRule;
  /** Long cases get a progress contact at least weekly; the follow-up deadline is the earlier of the two. */
  progressContact: DeadlineRule;
  /** 回访 after resolution. */
  callback: DeadlineRule;
  /** Next attempt after an unreached callback. */
  callbackRetry: DeadlineRule;
  /** A valid complaint still unresolved this long after receipt becomes major ("unresolved after a month"). */
  unresolvedMajorAfter: DeadlineRule;
};

export type EscalationPolicy = {
  /** 升级链: assistant → CS manager → general property manager → company. Index = escalation level. */
  chain: Role[];
  /** Starting level by severity (level 1/2/3 handler levels: assistant / CS manager / general manager). */
  initialLevelBySeverity: Record<Severity, number>;
  /**
   * How long a chased deadline may stay overdue before each further escalation step.
   * The emergency default reproduces the seed chain: department notified at once, site head
   * escalates within 5 minutes, company head within 10 (one level per 5 minutes).
   */
  graceAfterChase: Record<Urgency, DeadlineRule>;
  /**
   * The seeds' emergency chain (抢险抢修): department notified within 3 minutes, the site head
   * escalates within 5, the company head within 10 (minutes after receipt), a written report
   * within 24 h / 48 h. The scheduler raises an unresolved emergency to `siteHeadRole` and
   * `companyHeadRole` at those minutes. The department notice and the written report are not
   * timed yet (the department is told when triage routes the complaint).
   */
  emergency: {
    notifyDepartmentMinutes: number;
    siteHeadEscalationMinutes: number;
    companyHeadEscalationMinutes: number;
    writtenReportHours: number[];
    siteHeadRole: Role;
    companyHeadRole: Role;
  };
};

export type CompensationLimit = number | 'unlimited';

export type CapaField = 'rootCause' | 'responsibleDepartment' | 'responsiblePerson' | 'correctiveActions' | 'preventiveActions';
export const CAPA_FIELDS: readonly CapaField[] = ['rootCause', 'responsibleDepartment', 'responsiblePerson', 'correctiveActions', 'preventiveActions'];

export type ComplaintPolicy = {
  /** Composite id of the layers this policy was resolved from. */
  version: string;
  timeZone: string;
  intake: {
    /** A named (non-anonymous) complainant must leave a phone number. */
    requirePhoneUnlessAnonymous: boolean;
    /**
     * How far back a registration may date its receipt (a letter or a relayed complaint
     * registered after it reached the company): deadlines count from receipt (接报后).
     */
    receivedAtMaxAgeDays: number;
    /** Accepted phone formats (mobile, landline with area code, extensions). */
    phonePattern: string;
  };
  /** Collective complaints: the same issue from at least this many households → major. */
  collective: { minHouseholds: number };
  repeat: {
    /** A complaint linked to one received within this many days counts as a repeat. */
    windowDays: number;
    /** Each counted repeat raises the starting escalation level this much. */
    escalationLevelsPerRepeat: number;
  };
  major: {
    /** The n-th repeat makes a complaint major (1 = any repeated complaint, docs/process.md §3 "repeated complaints"; 2 = only from the third). */
    repeatCountAtLeast: number;
    /** Channels whose complaints are major on arrival (media exposure, higher authority). */
    channels: Channel[];
    /** Major complaints go to this role at once … */
    escalateTo: Role;
    /** … and these are informed. */
    notify: Role[];
  };
  invalid: {
    /** Staff-attitude complaints raised more than this many days after the event are invalid. */
    staffAttitudeLateAfterDays: number;
  };
  deadlines: DeadlinePolicy;
  escalation: EscalationPolicy;
  triage: {
    /** Who may triage a case the duty officer referred to the CS centre manager. */
    referredCaseRoles: Role[];
    /**
     * Categories whose triage suggestion is applied automatically on registration (by the
     * `system` actor). A duty officer's triage always wins: it may replace an automatic one
     * until handling starts. Empty by default — the procedures have the duty officer judge.
     */
    autoApplyCategories: string[];
  };
  handling: {
    /** Natures whose resolution must record the CAPA fields (纠正和预防措施): valid and to-be-improved by default. */
    requireRootCauseFor: Nature[];
    /** The CAPA fields those resolutions must record (root cause, responsible department, corrective and preventive actions). */
    requiredCapaFields: CapaField[];
    /** Roles whose rectification plan may run past `deadlines.resolveSpecialCaseLimit` (an approved extension). */
    extensionApproverRoles: Role[];
    /** A handler may act only on complaints assigned to them (when an assignee is set). Off by default: docs/process.md does not say so. */
    handlerMustBeAssignee: boolean;
  };
  callback: {
    /** Unreached attempts before the complaint is exempted as "no contact" (only for the natures in `closeUnreachedFor`). */
    maxAttempts: number;
    /**
     * Natures that close by themselves (exempt as "no contact") after `maxAttempts` unreached
     * callbacks. Not `valid`: a valid complaint closes only when the complainant accepts the
     * result; it stays resolved with its callback due (and chased) until reached or exempted by hand.
     */
    closeUnreachedFor: Nature[];
    /** Callback rate target (100 % of callable complaints). */
    targetRate: number;
    /** Major complaints need this method … */
    majorMethod: 'visit';
    /** … by one of these roles (上门回访 by the CS centre manager). */
    majorVisitRoles: Role[];
    /** Minimum monthly callbacks per role (CS manager ≥ 3, general manager ≥ 1). */
    monthlyMinimum: Partial<Record<Role, number>>;
    /** Satisfaction at or below this counts as done (1–3); above reopens (4–5). */
    satisfiedAtMost: number;
  };
  /** 核决权限: the largest compensation each role may approve — on one complaint, all its approvals together. */
  compensation: { approvalLimits: Partial<Record<Role, CompensationLimit>>; currency: string };
  archive: {
    /** Years a sealed record is kept after the year it is sealed into (to that year's 31 December): the yearly archive's `retainUntil`. */
    retentionYears: number;
    /** The same for important records — major complaints. */
    importantRetentionYears: number;
  };
  reporting: {
    /** A site's monthly report is due on this day of the next month (1–28): the pack's `dueBy`. */
    monthlyReportDueDay: number;
    weeklyRecordCheck: boolean;
  };
  /** Configurable taxonomy and departments. */
  categories: string[];
  departments: string[];
  /** Category → responsible department (used by the triage suggestion). */
  categoryDepartments: Record<string, string>;
  /** Keyword lists the triage suggestion matches (Chinese and English). */
  keywords: {
    urgent: string[];
    emergency: string[];
    major: string[];
    toBeImproved: string[];
    categories: Record<string, string[]>;
  };
  /** Which roles may issue each command. */
  permissions: Record<ComplaintCommandType, Role[]>;
  /** Photos and documents (complaint.attachments.ts): size, count and type limits. */
  attachments: AttachmentPolicy;
};

export type PolicyOverride = DeepPartial<Omit<ComplaintPolicy, 'version'>>;

export const DEFAULT_POLICY_VERSION = 'default@2025.1';

const CS_STAFF: Role[] = ['cs_assistant', 'cs_supervisor', 'cs_manager', 'general_manager'];

export const DEFAULT_POLICY: ComplaintPolicy = {
  version: DEFAULT_POLICY_VERSION,
  timeZone: DEFAULT_TIME_ZONE,
  intake: {
    requirePhoneUnlessAnonymous: true,
    receivedAtMaxAgeDays: 30,
    phonePattern: '^\\+?[0-9][0-9\\- ]{4,19}(\\s*(ext|转|#)\\s*[0-9]{1,6})?$',
  },
  collective: { minHouseholds: 10 },
  repeat: { windowDays: 30, escalationLevelsPerRepeat: 1 },
  major: {
    repeatCountAtLeast: 1,
    channels: ['media', 'authority'],
    escalateTo: 'general_manager',
    notify: ['general_manager', 'leadership'],
  },
  invalid: { staffAttitudeLateAfterDays: 30 },
  deadlines: {
    firstReply: {
      normal: { amount: 24, unit: 'hours' },
      urgent: { amount: 0, unit: 'same_day' },
      emergency: { amount: 30, unit: 'minutes' },
    },
    secondReply: { amount: 3, unit: 'days' },
    plan: { amount: 3, unit: 'working_days' },
    planByUrgency: { urgent: { amount: 0, unit: 'same_day' }, emergency: { amount: 0, unit: 'same_day' } },
    resolve: {
      normal: { amount: 3, unit: 'working_days' },
      urgent: { amount: 0, unit: 'same_day' },
      emergency: { amount: 0, unit: 'same_day' },
    },
    resolveSpecialCaseLimit: { amount: 7, unit: 'working_days' },
    followUp: { amount: 3, unit: 'days' },
    progressContact: { amount: 7, unit: 'days' },
    callback: { amount: 3, unit: 'working_days' },
    callbackRetry: { amount: 1, unit: 'days' },
    unresolvedMajorAfter: { amount: 30, unit: 'days' },
  },
  escalation: {
    chain: ['cs_assistant', 'cs_manager', 'general_manager', 'leadership'],
    initialLevelBySeverity: { minor: 0, important: 1, major: 2 },
    graceAfterChase: {
      normal: { amount: 1, unit: 'working_days' },
      urgent: { amount: 2, unit: 'hours' },
      emergency: { amount: 5, unit: 'minutes' },
    },
    emergency: {
      notifyDepartmentMinutes: 3,
      siteHeadEscalationMinutes: 5,
      companyHeadEscalationMinutes: 10,
      writtenReportHours: [24, 48],
      siteHeadRole: 'general_manager',
      companyHeadRole: 'leadership',
    },
  },
  triage: { referredCaseRoles: ['cs_manager', 'general_manager'], autoApplyCategories: [] },
  handling: {
    requireRootCauseFor: ['valid', 'to_be_improved'],
    requiredCapaFields: ['rootCause', 'responsibleDepartment', 'correctiveActions', 'preventiveActions'],
    extensionApproverRoles: ['cs_manager', 'general_manager', 'leadership'],
    handlerMustBeAssignee: false,
  },
  callback: {
    maxAttempts: 3,
    closeUnreachedFor: ['to_be_improved'],
    targetRate: 1,
    majorMethod: 'visit',
    majorVisitRoles: ['cs_manager', 'general_manager'],
    monthlyMinimum: { cs_manager: 3, general_manager: 1 },
    satisfiedAtMost: 3,
  },
  compensation: {
    approvalLimits: { cs_manager: 1_000, general_manager: 10_000, leadership: 'unlimited' },
    currency: 'CNY',
  },
  archive: { retentionYears: 1, importantRetentionYears: 3 },
  reporting: { monthlyReportDueDay: 3, weeklyRecordCheck: true },
  categories: [
    'facilities', // 设施设备: power, water, elevator, metering, smart devices
    'repairs', // 维修
    'security', // 安全/秩序
    'cleaning', // 保洁/环境
    'landscaping', // 绿化
    'parking', // 停车
    'noise', // 噪音/邻里纠纷
    'decoration', // 装修
    'fees', // 收费
    'staff_attitude', // 服务态度
    'developer_defects', // 开发商/工程质量遗留
    'suggestion', // 建议
    'enquiry', // 咨询
    'other',
  ],
  departments: ['customer_service', 'engineering', 'security', 'cleaning', 'landscaping', 'finance', 'management_office'],
  categoryDepartments: {
    facilities: 'engineering',
    repairs: 'engineering',
    security: 'security',
    cleaning: 'cleaning',
    landscaping: 'landscaping',
    parking: 'security',
    noise: 'security',
    decoration: 'management_office',
    fees: 'finance',
    staff_attitude: 'customer_service',
    developer_defects: 'customer_service',
    suggestion: 'customer_service',
    enquiry: 'customer_service',
    other: 'customer_service',
  },
  keywords: {
    urgent: ['停电', '断电', '停水', '电梯困人', '困人', '漏水', '渗水', '爆管', '火', '燃气', '煤气', '漏气', '水浸', '被盗', 'gas', 'fire', 'flood', 'flooding', 'power outage', 'no power', 'no water', 'elevator', 'lift', 'leak', 'trapped'],
    emergency: ['抢险', '抢修', 'emergency'],
    major: ['媒体', '记者', '曝光', '律师', '起诉', '法院', '诉讼', '12345', '12315', '上访', '集体', 'media', 'journalist', 'reporter', 'newspaper', 'lawyer', 'sue', 'lawsuit', 'court'],
    toBeImproved: ['开发商', '发展商', '交房', '遗留', '设计缺陷', 'developer', 'construction defect'],
    categories: {
      facilities: ['停电', '断电', '停水', '电梯', '水压', '电表', '水表', '燃气', '门禁', '对讲', '智能', 'power', 'water', 'elevator', 'lift', 'meter', 'gas', 'access control'],
      repairs: ['维修', '报修', '漏水', '渗水', '爆管', '堵塞', '坏了', 'repair', 'broken', 'leak', 'blocked'],
      security: ['保安', '安全', '被盗', '小偷', '火', '陌生人', 'security', 'guard', 'theft', 'stolen', 'fire'],
      cleaning: ['垃圾', '卫生', '保洁', '清洁', '异味', '虫', 'rubbish', 'garbage', 'trash', 'dirty', 'cleaning', 'smell'],
      landscaping: ['绿化', '草坪', '树', '花园', 'landscaping', 'lawn', 'tree', 'garden'],
      parking: ['停车', '车位', '占道', 'parking', 'car park', 'parking space'],
      noise: ['噪音', '吵', '扰民', '邻居', 'noise', 'noisy', 'neighbour', 'neighbor'],
      decoration: ['装修', '施工', 'renovation', 'decoration'],
      fees: ['物业费', '收费', '账单', '费用', '缴费', 'fee', 'bill', 'billing', 'charge'],
      staff_attitude: ['态度', '态度差', '态度很差', '服务态度', '服务差', '不礼貌', '骂', 'attitude', 'rude', 'impolite'],
      developer_defects: ['开发商', '发展商', '交房', '质量问题', '裂缝', 'developer', 'crack', 'construction defect'],
      suggestion: ['建议', 'suggest', 'suggestion'],
      enquiry: ['咨询', '请问', 'enquiry', 'inquiry', 'question'],
    },
  },
  permissions: {
    RegisterComplaint: ['duty_officer', ...CS_STAFF],
    CorrectComplaint: ['duty_officer', 'cs_assistant', 'cs_supervisor', 'cs_manager'],
    ReferComplaintToManager: ['duty_officer', 'cs_assistant', 'cs_supervisor'],
    TriageComplaint: ['duty_officer', ...CS_STAFF, 'system'],
    RecordReply: ['duty_officer', ...CS_STAFF, 'department_head', 'handler'],
    RecordRectificationPlan: [...CS_STAFF, 'department_head', 'handler'],
    ResolveComplaint: [...CS_STAFF, 'department_head', 'handler'],
    EscalateComplaint: ['duty_officer', ...CS_STAFF, 'department_head'],
    ReassignComplaint: ['duty_officer', ...CS_STAFF],
    MarkComplaintMajor: ['cs_supervisor', 'cs_manager', 'general_manager', 'leadership', 'system'],
    RecordCallback: [...CS_STAFF, 'leadership'],
    ExemptFromCallback: [...CS_STAFF, 'system'],
    ChaseOverdueDeadline: ['system'],
    EscalateOverdueDeadline: ['system'],
    EscalateEmergency: ['system'],
    ApproveCompensation: ['cs_manager', 'general_manager', 'leadership'],
    RecordOutreach: [...CS_STAFF, 'department_head'],
    ArchiveComplaint: ['cs_manager', 'admin', 'system'],
    ErasePersonalData: ['admin'],
    RecordComplainantNotice: ['system'],
    AddAttachment: ['duty_officer', ...CS_STAFF, 'department_head', 'handler'],
  },
  attachments: DEFAULT_ATTACHMENT_POLICY,
};

/** One override layer: `{ level: 'site', id: 'SH-01', version: '4', override: { … } }`. */
export type PolicyLayer = {
  level: 'group' | 'region' | 'site';
  id: string;
  version: string;
  override: PolicyOverride;
};

/**
 * Group → region → site: each layer is deep-merged over the previous (objects merge key by key,
 * lists are replaced whole), so the site wins. The version id names every layer, e.g.
 * `default@2025.1+group:acme@3+site:SH-01@4`, and is what triage records on a complaint.
 */
export const resolvePolicy = (layers: readonly PolicyLayer[] = [], base: ComplaintPolicy = DEFAULT_POLICY): ComplaintPolicy => {
  const order: Record<PolicyLayer['level'], number> = { group: 0, region: 1, site: 2 };
  const sorted = [...layers].sort((a, b) => order[a.level] - order[b.level]);
  let policy = base;
  for (const layer of sorted) policy = deepMerge<ComplaintPolicy>(policy, layer.override as DeepPartial<ComplaintPolicy>);
  const version = [base.version, ...sorted.map((l) => `${l.level}:${l.id}@${l.version}`)].join('+');
  const resolved = { ...policy, version };
  assertValidPolicy(resolved);
  return resolved;
};

const isRule = (rule: DeadlineRule | undefined): boolean =>
  !!rule && ['minutes', 'hours', 'days', 'working_days', 'same_day'].includes(rule.unit) && (rule.unit === 'same_day' || (Number.isFinite(rule.amount) && rule.amount >= 0));

/** Rejects a policy a rule could not run on (missing chain roles, negative numbers, bad zone). */
export const assertValidPolicy = (policy: ComplaintPolicy): void => {
  const problems = new ProblemList();
  problems.check(isValidTimeZone(policy.timeZone), 'timeZone', `unknown time zone ${policy.timeZone}`);
  problems.check(Number.isInteger(policy.collective.minHouseholds) && policy.collective.minHouseholds >= 2, 'collective.minHouseholds', 'must be an integer ≥ 2');
  problems.check(Number.isInteger(policy.callback.maxAttempts) && policy.callback.maxAttempts >= 1, 'callback.maxAttempts', 'must be an integer ≥ 1');
  problems.check(Number.isInteger(policy.major.repeatCountAtLeast) && policy.major.repeatCountAtLeast >= 1, 'major.repeatCountAtLeast', 'must be an integer ≥ 1');
  problems.check(Number.isInteger(policy.intake.receivedAtMaxAgeDays) && policy.intake.receivedAtMaxAgeDays >= 0, 'intake.receivedAtMaxAgeDays', 'must be an integer ≥ 0');
  problems.check(Number.isInteger(policy.archive.retentionYears) && policy.archive.retentionYears >= 1, 'archive.retentionYears', 'must be an integer ≥ 1');
  problems.check(
    Number.isInteger(policy.reporting.monthlyReportDueDay) && policy.reporting.monthlyReportDueDay >= 1 && policy.reporting.monthlyReportDueDay <= 28,
    'reporting.monthlyReportDueDay',
    'must be a day 1–28 (every month has it)',
  );
  problems.check(
    Number.isInteger(policy.archive.importantRetentionYears) && policy.archive.importantRetentionYears >= policy.archive.retentionYears,
    'archive.importantRetentionYears',
    'must be an integer, not below archive.retentionYears',
  );
  problems.check(policy.handling.requiredCapaFields.every((f) => CAPA_FIELDS.includes(f)), 'handling.requiredCapaFields', `must be among ${CAPA_FIELDS.join(', ')}`);
  problems.check(policy.callback.satisfiedAtMost >= 1 && policy.callback.satisfiedAtMost < 5, 'callback.satisfiedAtMost', 'must be 1–4');
  problems.check(policy.escalation.chain.length >= 2, 'escalation.chain', 'needs at least two levels');
  problems.check(policy.escalation.chain.includes(policy.major.escalateTo), 'major.escalateTo', 'must be a level of escalation.chain');
  const emergency = policy.escalation.emergency;
  problems.check(policy.escalation.chain.includes(emergency.siteHeadRole), 'escalation.emergency.siteHeadRole', 'must be a level of escalation.chain');
  problems.check(policy.escalation.chain.includes(emergency.companyHeadRole), 'escalation.emergency.companyHeadRole', 'must be a level of escalation.chain');
  problems.check(
    emergency.siteHeadEscalationMinutes > 0 && emergency.companyHeadEscalationMinutes >= emergency.siteHeadEscalationMinutes,
    'escalation.emergency.companyHeadEscalationMinutes',
    'must be positive and not before siteHeadEscalationMinutes',
  );
  for (const [severity, level] of Object.entries(policy.escalation.initialLevelBySeverity)) {
    problems.check(Number.isInteger(level) && level >= 0 && level < policy.escalation.chain.length, `escalation.initialLevelBySeverity.${severity}`, 'must be a level of escalation.chain');
  }
  const rules: [string, DeadlineRule | undefined][] = [
    ...Object.entries(policy.deadlines.firstReply).map(([k, r]): [string, DeadlineRule] => [`deadlines.firstReply.${k}`, r]),
    ...Object.entries(policy.deadlines.resolve).map(([k, r]): [string, DeadlineRule] => [`deadlines.resolve.${k}`, r]),
    ...Object.entries(policy.escalation.graceAfterChase).map(([k, r]): [string, DeadlineRule] => [`escalation.graceAfterChase.${k}`, r]),
    ['deadlines.secondReply', policy.deadlines.secondReply],
    ['deadlines.plan', policy.deadlines.plan],
    ['deadlines.followUp', policy.deadlines.followUp],
    ['deadlines.progressContact', policy.deadlines.progressContact],
    ['deadlines.callback', policy.deadlines.callback],
    ['deadlines.callbackRetry', policy.deadlines.callbackRetry],
    ['deadlines.unresolvedMajorAfter', policy.deadlines.unresolvedMajorAfter],
    ...Object.entries(policy.deadlines.planByUrgency ?? {}).map(([k, r]): [string, DeadlineRule | undefined] => [`deadlines.planByUrgency.${k}`, r]),
    ...(policy.deadlines.resolveSpecialCaseLimit ? [['deadlines.resolveSpecialCaseLimit', policy.deadlines.resolveSpecialCaseLimit] as [string, DeadlineRule]] : []),
  ];
  for (const [field, rule] of rules) problems.check(isRule(rule), field, 'must be { amount ≥ 0, unit }');
  for (const [urgency, rule] of Object.entries(policy.escalation.graceAfterChase)) {
    problems.check(rule.unit !== 'same_day' && rule.amount > 0, `escalation.graceAfterChase.${urgency}`, 'must be a positive duration');
  }
  for (const [category, department] of Object.entries(policy.categoryDepartments)) {
    problems.check(policy.departments.includes(department), `categoryDepartments.${category}`, `unknown department ${department}`);
  }
  const attachments = policy.attachments;
  if (attachments) {
    problems.check(Number.isInteger(attachments.maxBytes) && attachments.maxBytes >= 1, 'attachments.maxBytes', 'must be a whole number of bytes ≥ 1');
    problems.check(Number.isInteger(attachments.maxPerComplaint) && attachments.maxPerComplaint >= 1, 'attachments.maxPerComplaint', 'must be a whole number ≥ 1');
    problems.check(
      Array.isArray(attachments.mediaTypes) && attachments.mediaTypes.length > 0 && attachments.mediaTypes.every((t) => (SNIFFABLE_MEDIA_TYPES as readonly string[]).includes(t)),
      'attachments.mediaTypes',
      `must be a non-empty list among ${SNIFFABLE_MEDIA_TYPES.join(', ')} (types the content sniffer recognises)`,
    );
  }
  problems.throwIfAny();
};

/**
 * How long a sealed record is kept (保存期限): to 31 December of the year it is sealed into
 * plus `archive.retentionYears`, or `archive.importantRetentionYears` for an important (major)
 * one. Returns the site-local date `YYYY-12-31`.
 */
export const retainUntil = (policy: Pick<ComplaintPolicy, 'archive'>, record: { year: number; important: boolean }): string =>
  `${record.year + (record.important ? policy.archive.importantRetentionYears : policy.archive.retentionYears)}-12-31`;

/** The site-local date (`YYYY-MM-DD`) the monthly report of `month` (`YYYY-MM`) is due: `reporting.monthlyReportDueDay` of the next month. */
export const monthlyReportDueDate = (policy: Pick<ComplaintPolicy, 'reporting'>, month: string): string => {
  const [year, m] = month.split('-').map(Number);
  const next = m === 12 ? { year: year + 1, month: 1 } : { year, month: m + 1 };
  return `${String(next.year).padStart(4, '0')}-${String(next.month).padStart(2, '0')}-${String(policy.reporting.monthlyReportDueDay).padStart(2, '0')}`;
};

/** The escalation level a role sits at, or -1. */
export const escalationLevelOf = (policy: Pick<ComplaintPolicy, 'escalation'>, role: Role): number => policy.escalation.chain.indexOf(role);

export const topEscalationLevel = (policy: Pick<ComplaintPolicy, 'escalation'>): number => policy.escalation.chain.length - 1;

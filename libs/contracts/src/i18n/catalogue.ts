import { LABELS, labelOf, type Lang } from './labels';

/**
 * The message catalogue: every text the server makes for people, as a stable code with
 * parameters, in both languages. The server sends codes (error bodies' `code`/`params`,
 * notifications' `code`/`params`, the automatic triage's `explanations`) and renders them
 * itself only where it writes a document (the monthly report's exports in `?lang=`); the
 * dashboard renders the same codes with this same catalogue, so the two never drift.
 *
 * How to add a message (e.g. a complainant-notice template):
 *  1. add an entry `'<area>.<name>': { zh: '…{param}…', en: '…{param}…' }` to one of the
 *     tables below (or a new table spread into MESSAGES) — both languages, the same
 *     `{placeholders}` in each (messages.catalogue.unit.spec.ts fails otherwise);
 *  2. a parameter whose name is in PARAM_LABELS (status, category, role, …) is shown with
 *     that code group's label (labels.ts); a list parameter is joined; anything else as given;
 *  3. send `{ code, params }`; the reader renders it with `renderMessage(lang, code, params)`.
 * A code is never renamed or reused for another meaning: stored events and old clients keep it.
 */
export type MessageParams = Record<string, string | number | boolean | null | undefined | readonly (string | number)[]>;
export type Coded = { code: string; params?: MessageParams };
type Pair = { zh: string; en: string };

/** Error bodies (docs/api.md "Errors"): `code` beside the English `message`. */
export const ERROR_MESSAGES = {
  'error.bad_request': { zh: '请求有误。', en: 'The request is not valid.' },
  'error.validation': { zh: '提交的内容有误，请按提示修改。', en: 'Some fields are not valid; see below.' },
  'error.malformed_json': { zh: '提交的内容不是有效的 JSON。', en: 'The request body is not valid JSON.' },
  'error.payload_too_large': { zh: '提交的内容过大。', en: 'The request body is too large.' },
  'error.unsupported_media_type': { zh: '不支持的内容类型。', en: 'Unsupported content type.' },
  'error.unauthorized': { zh: '未登录或登录已失效，请重新登录。', en: 'Not signed in, or the session has expired.' },
  'error.wrong_credentials': { zh: '用户名或密码错误。', en: 'Wrong username or password.' },
  'error.user_disabled': { zh: '该用户已停用。', en: 'This user is disabled.' },
  'error.forbidden': { zh: '您没有权限执行此操作。', en: 'You may not do this.' },
  'error.forbidden.role': { zh: '您的岗位无权执行此操作。', en: 'Your role may not do this.' },
  'error.forbidden.conflict_of_interest': { zh: '您是本投诉涉及的员工，须回避，不能办理此事项。', en: 'You are named in this complaint and may not act on it (conflict of interest).' },
  'error.forbidden.not_assignee': { zh: '只有被指派的处理人可以办理此事项。', en: 'Only the assigned handler may do this.' },
  'error.forbidden.authority_limit': { zh: '超出您的审批权限，请提交上一级审批。', en: 'This is above your authority; the next approver must decide.' },
  'error.forbidden.over_limit': {
    zh: '赔偿合计 {total} {currency} 超出{role}的审批权限（{limit}），须由{next}审批。',
    en: '{total} {currency} in all exceeds the {role}’s limit of {limit}; it goes to the {next} for approval.',
  },
  'error.outside_scope': { zh: '该记录不在您负责的项目或部门范围内。', en: 'This is outside your sites or departments.' },
  'error.whole_group_only': { zh: '只有集团层面的人员可以查看此报告。', en: 'Only group-wide users may read this report.' },
  'error.not_found': { zh: '找不到该记录。', en: 'Not found.' },
  'error.complaint_not_found': { zh: '找不到该投诉。', en: 'No such complaint.' },
  'error.region_not_found': { zh: '区域 {regionId} 没有项目，也没有投诉。', en: 'Region {regionId} has no configured site and no complaints.' },
  'error.invalid_state': { zh: '投诉当前状态为“{status}”，不允许此操作。', en: 'Not allowed while the complaint is “{status}”.' },
  'error.conflict': { zh: '操作冲突，请刷新后重试。', en: 'Conflict: reload and try again.' },
  'error.concurrent_change': { zh: '该投诉刚被他人更新，请刷新后重试。', en: 'Someone else changed this complaint just now; reload and try again.' },
  'error.idempotency_key_reused': { zh: '该幂等键已用于另一份不同的提交。', en: 'This Idempotency-Key was already used with a different request.' },
  'error.unprocessable': { zh: '提交的内容不符合业务规则，请按提示修改。', en: 'The request breaks a rule; see below.' },
  'error.too_many_requests': { zh: '操作过于频繁，请稍后再试。', en: 'Too many attempts; try again later.' },
  'error.internal': { zh: '服务器出错，请稍后再试。', en: 'Internal server error.' },
  'error.unavailable': { zh: '服务暂不可用，请稍后再试。', en: 'The service is unavailable; try again later.' },
} as const satisfies Record<string, Pair>;

/** One field's problem in an error body's `details` (`code` beside the English `problem`). */
export const PROBLEM_MESSAGES = {
  'problem.invalid': { zh: '填写有误', en: 'is not valid' },
  'problem.required': { zh: '此项必填', en: 'is required' },
  'problem.unknown_field': { zh: '不接受此字段', en: 'is not a field of this request' },
  'problem.not_text': { zh: '应为文字', en: 'must be text' },
  'problem.too_long': { zh: '内容过长', en: 'is too long' },
  'problem.too_short': { zh: '内容过短', en: 'is too short' },
  'problem.not_one_of': { zh: '不是可选的值', en: 'is not one of the allowed values' },
  'problem.not_a_number': { zh: '应为数字', en: 'must be a number' },
  'problem.out_of_range': { zh: '超出允许范围', en: 'is out of range' },
  'problem.not_a_time': { zh: '应为有效的时间', en: 'must be a valid time' },
  'problem.not_boolean': { zh: '应为是或否', en: 'must be true or false' },
  'problem.not_a_list': { zh: '应为列表', en: 'must be a list' },
  'problem.bad_format': { zh: '格式不正确', en: 'has the wrong format' },
} as const satisfies Record<string, Pair>;

/** Notifications (complaints.notifications.v1): what the notifier tells people. */
export const NOTICE_MESSAGES = {
  'notice.chase': { zh: '催办：投诉的“{deadline}”已于 {dueAt} 到期，请尽快办理。', en: 'Chase: the complaint’s “{deadline}” was due {dueAt}.' },
  'notice.escalation': { zh: '投诉已升级至第 {level} 级，由{role}督办。', en: 'The complaint was escalated to level {level}: {role}.' },
  'notice.major': { zh: '重大投诉（{reasons}），请{role}督办。', en: 'Major complaint ({reasons}) for the {role}.' },
  'notice.outcome': { zh: '您首问的投诉已办结：{basis}。', en: 'A complaint you first received is closed: {basis}.' },
  'notice.emergency': { zh: '抢险抢修投诉已派至{department}，请{role}立即派员处理（{dueAt}前通知）。', en: 'Emergency complaint routed to {department}: the {role} must act at once (to be told by {dueAt}).' },
  'notice.packSignOffChase': { zh: '催办：{siteId} 的 {month} 月度档案包应于 {dueBy} 前签署，至今未签，请{role}尽快签署。', en: 'Chase: the {month} monthly pack of {siteId} was due for sign-off by {dueBy} and is still unsigned; to sign: {role}.' },
  'notice.weeklyCheckChase': { zh: '催办：{siteId} 第 {week} 周的督导检查应于 {dueAt} 完成，至今未完成（第 {level} 级），请{role}跟进。', en: 'Chase: the supervisor check of {siteId} for week {week} was due {dueAt} and is not done (level {level}): the {role} must follow up.' },
  'notice.callbackQuota': { zh: '回访提醒：您在 {siteId} 本月（{month}）已回访 {callbacks} 次，最低要求 {required} 次，尚差 {missing} 次，本月还剩 {daysLeft} 天。', en: 'Callback reminder: you made {callbacks} of the {required} callbacks required at {siteId} for {month}: {missing} missing, {daysLeft} day(s) left.' },
} as const satisfies Record<string, Pair>;

/** What the system itself records on a complaint (shown in its timeline). */
export const EVENT_MESSAGES = {
  'event.escalation.overdue': { zh: '“{deadline}”逾期未完成（期限 {dueAt}）', en: '“{deadline}” overdue since {dueAt}' },
  'event.escalation.emergency': { zh: '抢险抢修升级：受理后限时上报{role}', en: 'emergency chain: up to the {role} within minutes of receipt' },
} as const satisfies Record<string, Pair>;

/** The triage suggestion's reasons (`explanations`, also stored on an automatic triage). */
export const TRIAGE_MESSAGES = {
  'triage.auto': { zh: '系统按政策自动判别', en: 'Triaged automatically under the policy' },
  'triage.reason.emergency_keyword': { zh: '命中关键词“{word}” → 紧急程度：{urgency}', en: 'matched “{word}” → urgency: {urgency}' },
  'triage.reason.urgent_keyword': { zh: '命中关键词“{word}” → 紧急程度：{urgency}', en: 'matched “{word}” → urgency: {urgency}' },
  'triage.reason.urgency_default': { zh: '未命中紧急关键词 → 紧急程度：{urgency}', en: 'no urgent keyword matched → urgency: {urgency}' },
  'triage.reason.major_keyword': { zh: '命中关键词“{word}” → 重大投诉', en: 'matched “{word}” → major complaint' },
  'triage.reason.major_channel': { zh: '渠道为{channel} → 重大投诉', en: 'channel {channel} → major complaint' },
  'triage.reason.collective': { zh: '涉及 {households} 户（≥ {minimum} 户）→ 重大投诉（集体投诉）', en: '{households} households (≥ {minimum}) → major (collective complaint)' },
  'triage.reason.repeat_major': { zh: '第 {count} 次重复（≥ {minimum} 次）→ 重大投诉（重复投诉）', en: 'repeat no. {count} (≥ {minimum}) → major (repeated complaint)' },
  'triage.reason.repeat_important': { zh: '第 {count} 次重复 → 严重程度至少为{severity}', en: 'repeat no. {count} → severity at least {severity}' },
  'triage.reason.category_hint': { zh: '类别提示“{hint}”即类别：{category}', en: 'the hint “{hint}” is the category {category}' },
  'triage.reason.category_hint_keyword': { zh: '类别提示“{hint}”命中“{word}” → 类别：{category}', en: 'the hint “{hint}” matched “{word}” → category: {category}' },
  'triage.reason.category_keyword': { zh: '命中关键词{words} → 类别：{category}', en: 'matched {words} → category: {category}' },
  'triage.reason.category_default': { zh: '未命中类别关键词 → 类别：{category}', en: 'no category keyword matched → category: {category}' },
  'triage.reason.department_map': { zh: '类别{category} → 责任部门：{department}', en: 'category {category} → department: {department}' },
  'triage.reason.late_staff_attitude': { zh: '事发 {days} 天后才提出 → 性质：{nature}', en: 'raised more than {days} days after the event → nature: {nature}' },
  'triage.reason.to_be_improved_keyword': { zh: '命中关键词“{word}” → 性质：{nature}', en: 'matched “{word}” → nature: {nature}' },
  'triage.reason.to_be_improved_category': { zh: '类别{category} → 性质：{nature}', en: 'category {category} → nature: {nature}' },
  'triage.reason.nature_default': { zh: '除非另有证明，视为我方服务原因 → 性质：{nature}', en: 'caused by our own service unless shown otherwise → nature: {nature}' },
  'triage.reason.major_cleared': { zh: '无效投诉不作为重大投诉', en: 'an invalid complaint is not major' },
  'triage.reason.severity.major': { zh: '重大投诉 → 严重程度：{severity}', en: 'major complaint → severity: {severity}' },
  'triage.reason.severity.urgency': { zh: '紧急程度为{urgency} → 严重程度：{severity}', en: 'urgency {urgency} → severity: {severity}' },
  'triage.reason.severity.repeat': { zh: '重复投诉 → 严重程度：{severity}', en: 'repeated complaint → severity: {severity}' },
  'triage.reason.severity.none': { zh: '无加重情形 → 严重程度：{severity}', en: 'nothing aggravating → severity: {severity}' },
} as const satisfies Record<string, Pair>;

/** The monthly report's exports (CSV, XLSX, PDF): column heads, sections, rows and notes. */
export const REPORT_MESSAGES = {
  'report.title': { zh: '客户投诉月度统计报告 {month}', en: 'Monthly complaints report {month}' },
  'report.month': { zh: '{year}年{monthNumber}月', en: '{monthNumber}/{year}' },
  'report.scopeName': { zh: '{scope} {name}', en: '{scope} {name}' },
  'report.column.scope': { zh: '范围', en: 'Scope' },
  'report.column.section': { zh: '指标', en: 'Figure' },
  'report.column.key': { zh: '代码', en: 'Code' },
  'report.column.label': { zh: '项目', en: 'Item' },
  'report.column.value': { zh: '数值', en: 'Value' },
  'report.column.base': { zh: '基数', en: 'Base' },
  'report.column.rate': { zh: '比率', en: 'Rate' },
  'report.column.note': { zh: '说明', en: 'Note' },
  'report.column.monthOf': { zh: '月份', en: 'Month' },
  'report.column.onTimeOf': { zh: '{stage}及时率', en: '{stage} on time' },
  'report.sheet.overview': { zh: '概览', en: 'Overview' },
  'report.sheet.counts': { zh: '分类统计', en: 'Counts' },
  'report.sheet.onTime': { zh: '及时率', en: 'On time' },
  'report.sheet.callback': { zh: '回访与满意度', en: 'Callback & satisfaction' },
  'report.sheet.lists': { zh: '重大重复重开', en: 'Major, repeat, reopened' },
  'report.sheet.topIssues': { zh: '热点问题', en: 'Top issues' },
  'report.section.totals': { zh: '总体情况', en: 'Totals' },
  'report.section.byCategory': { zh: '按类别', en: 'By category' },
  'report.section.byNature': { zh: '按性质', en: 'By nature' },
  'report.section.byChannel': { zh: '按渠道', en: 'By channel' },
  'report.section.byDepartment': { zh: '按责任部门', en: 'By department' },
  'report.section.onTime': { zh: '及时率', en: 'On-time rate' },
  'report.section.callback': { zh: '回访率', en: 'Callback rate' },
  'report.section.satisfaction': { zh: '满意度分布', en: 'Satisfaction' },
  'report.section.major': { zh: '重大投诉', en: 'Major complaints' },
  'report.section.repeat': { zh: '重复投诉', en: 'Repeated complaints' },
  'report.section.reopened': { zh: '重开投诉', en: 'Reopened complaints' },
  'report.section.topCategories': { zh: '热点类别', en: 'Top categories' },
  'report.section.keywords': { zh: '高频关键词', en: 'Frequent keywords' },
  'report.section.callbackQuota': { zh: '经理回访指标', en: 'Managers’ callback quotas' },
  'report.row.received': { zh: '本月受理', en: 'Received' },
  'report.row.closed': { zh: '本月关闭', en: 'Closed' },
  'report.row.openAtMonthEnd': { zh: '月末未结', en: 'Open at month end' },
  'report.row.callbackRate': { zh: '回访率', en: 'Callback rate' },
  'report.row.satisfiedRate': { zh: '满意率', en: 'Satisfied' },
  'report.row.satisfied': { zh: '满意（1–3）', en: 'Satisfied (1–3)' },
  'report.row.satisfaction': { zh: '{score} {label}', en: '{score} {label}' },
  'report.row.quota': { zh: '{name}（{role}）', en: '{name} ({role})' },
  'report.note.onTime': { zh: '超时 {late}，未到期 {notYetDue}', en: '{late} late, {notYetDue} not yet due' },
  'report.note.callback': {
    zh: '处理完成 {resolved}，免回访 {exempt}，待回访 {pending}，目标 {target}%，{verdict}',
    en: '{resolved} resolved, {exempt} exempt, {pending} pending, target {target}%, {verdict}',
  },
  'report.note.average': { zh: '平均 {average}', en: 'average {average}' },
  'report.note.met': { zh: '达标', en: 'met' },
  'report.note.notMet': { zh: '未达标', en: 'not met' },
  'report.note.missing': { zh: '未达标，缺 {missing}', en: 'not met, {missing} missing' },
  'report.pdf.title': { zh: '客户投诉月度统计报告', en: 'Monthly complaints report' },
  'report.pdf.scope': { zh: '{scope}：{name}', en: '{scope}: {name}' },
  'report.pdf.scopeWithId': { zh: '{scope}：{name}（{id}）', en: '{scope}: {name} ({id})' },
  'report.pdf.monthLine': { zh: '{where} · 统计月份：{month}', en: '{where} · month: {month}' },
  'report.pdf.timeZone': { zh: ' · 时区 {timeZone}', en: ' · time zone {timeZone}' },
  'report.pdf.asOf': { zh: '统计截至 {asOf} · 生成于 {generatedAt}', en: 'Counted up to {asOf} · generated {generatedAt}' },
  'report.pdf.count': { zh: '数量', en: 'Count' },
  'report.pdf.share': { zh: '占比', en: 'Share' },
  'report.pdf.none': { zh: '（无）', en: '(none)' },
  'report.pdf.noneWord': { zh: '无', en: 'none' },
  'report.pdf.h.summary': { zh: '一、总体情况', en: '1. Summary' },
  'report.pdf.h.counts': { zh: '二、分类统计', en: '2. Counts' },
  'report.pdf.h.onTime': { zh: '三、各环节及时率', en: '3. On-time rate per stage' },
  'report.pdf.h.callback': { zh: '四、回访与满意度', en: '4. Callbacks and satisfaction' },
  'report.pdf.h.lists': { zh: '五、重大、重复与重开投诉', en: '5. Major, repeated and reopened complaints' },
  'report.pdf.h.topIssues': { zh: '六、热点问题', en: '6. Top issues' },
  'report.pdf.h.regions': { zh: '{n}、各区域概览', en: '{n}. Regions' },
  'report.pdf.h.sites': { zh: '{n}、各站点概览', en: '{n}. Sites' },
  'report.pdf.category': { zh: '投诉类别', en: 'Category' },
  'report.pdf.nature': { zh: '投诉性质', en: 'Nature' },
  'report.pdf.channel': { zh: '投诉渠道', en: 'Channel' },
  'report.pdf.department': { zh: '责任部门', en: 'Department' },
  'report.pdf.onTimeNote': {
    zh: '按本月到期的环节统计：及时 = 在当时有效的期限内完成；已过期仍未完成或期限撤销前已超时的计为超时；尚未到期的不计入。',
    en: 'Stages due this month: on time = done within the deadline in force; late = past due and not done, or late before the deadline was withdrawn; stages not yet due are not counted.',
  },
  'report.pdf.stage': { zh: '环节', en: 'Stage' },
  'report.pdf.measured': { zh: '应完成', en: 'Due' },
  'report.pdf.onTime': { zh: '及时', en: 'On time' },
  'report.pdf.late': { zh: '超时', en: 'Late' },
  'report.pdf.rate': { zh: '及时率', en: 'Rate' },
  'report.pdf.notYetDue': { zh: '未到期', en: 'Not yet due' },
  'report.pdf.callbackLine': {
    zh: '本月处理完成 {resolved} 件，免回访 {exempt} 件，应回访 {callable} 件，已回访 {done} 件，待回访 {pending} 件；回访率 {rate}（目标 {target}，{verdict}）。',
    en: '{resolved} resolved this month, {exempt} exempt, {callable} to call back, {done} called back, {pending} pending; callback rate {rate} (target {target}, {verdict}).',
  },
  'report.pdf.satisfaction': { zh: '满意度', en: 'Satisfaction' },
  'report.pdf.responses': { zh: '回访数', en: 'Callbacks' },
  'report.pdf.satisfiedTotal': { zh: '满意（1–3）合计', en: 'Satisfied (1–3) in all' },
  'report.pdf.manager': { zh: '经理', en: 'Manager' },
  'report.pdf.role': { zh: '岗位', en: 'Role' },
  'report.pdf.callbacks': { zh: '本月回访', en: 'Callbacks' },
  'report.pdf.required': { zh: '要求', en: 'Required' },
  'report.pdf.verdict': { zh: '结论', en: 'Verdict' },
  'report.pdf.missing': { zh: '未达标（缺 {missing}）', en: 'not met ({missing} missing)' },
  'report.pdf.listLine': { zh: '{title}：{count} 件', en: '{title}: {count}' },
  'report.pdf.reopenedTimes': { zh: '（重开 {events} 次）', en: ' (reopened {events} times)' },
  'report.pdf.number': { zh: '编号', en: 'Number' },
  'report.pdf.complaintTitle': { zh: '标题', en: 'Title' },
  'report.pdf.topCategory': { zh: '热点类别', en: 'Top category' },
  'report.pdf.keywords': { zh: '高频关键词：{keywords}', en: 'Frequent keywords: {keywords}' },
  'report.pdf.keyword': { zh: '{keyword}（{complaints}）', en: '{keyword} ({complaints})' },
  'report.pdf.received': { zh: '受理', en: 'Received' },
  'report.pdf.closed': { zh: '关闭', en: 'Closed' },
  'report.pdf.firstReplyRate': { zh: '一次答复及时率', en: 'First reply on time' },
  'report.pdf.resolveRate': { zh: '处理及时率', en: 'Handled on time' },
} as const satisfies Record<string, Pair>;

export const MESSAGES: Record<string, Pair> = { ...ERROR_MESSAGES, ...PROBLEM_MESSAGES, ...NOTICE_MESSAGES, ...EVENT_MESSAGES, ...TRIAGE_MESSAGES, ...REPORT_MESSAGES };

export type MessageCode = keyof typeof ERROR_MESSAGES | keyof typeof PROBLEM_MESSAGES | keyof typeof NOTICE_MESSAGES | keyof typeof EVENT_MESSAGES | keyof typeof TRIAGE_MESSAGES | keyof typeof REPORT_MESSAGES;

/** Parameters named like a code group are shown with that group's label (labels.ts). */
export const PARAM_LABELS: Record<string, string> = {
  status: 'status',
  category: 'category',
  department: 'department',
  role: 'role',
  next: 'role',
  nature: 'nature',
  urgency: 'urgency',
  severity: 'severity',
  channel: 'channel',
  deadline: 'deadline',
  stage: 'deadline',
  basis: 'closeBasis',
  reasons: 'majorReason',
  scope: 'scope',
};

/** 'zh-CN', 'zh', 'zh-Hans…' → 'zh'; 'en…' → 'en'; anything else → undefined. */
export const parseLang = (value: string | null | undefined): Lang | undefined => {
  const v = (value ?? '').trim().toLowerCase();
  if (v === 'zh' || v.startsWith('zh-')) return 'zh';
  if (v === 'en' || v.startsWith('en-')) return 'en';
  return undefined;
};

/** The placeholders of a template: '{a} → {b}' → ['a', 'b']. */
export const placeholdersOf = (template: string): string[] => [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

export const isKnownCode = (code: string | null | undefined): boolean => !!code && Object.prototype.hasOwnProperty.call(MESSAGES, code);

const showParam = (lang: Lang, name: string, value: MessageParams[string]): string => {
  const group = PARAM_LABELS[name];
  if (Array.isArray(value)) return value.map((v) => (group ? labelOf(lang, group, String(v)) : `“${v}”`)).join(lang === 'zh' ? '、' : ', ');
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return labelOf(lang, 'yesNo', String(value));
  return group && LABELS[group] ? labelOf(lang, group, String(value)) : String(value);
};

/**
 * A code with its parameters in one language. An unknown code gives `fallback` (e.g. the
 * English `message` of an error body), or the code itself.
 */
export const renderMessage = (lang: Lang, code: string, params: MessageParams = {}, fallback?: string): string => {
  const entry = isKnownCode(code) ? MESSAGES[code] : undefined;
  if (!entry) return fallback ?? code;
  return entry[lang].replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? showParam(lang, k, params[k]) : m));
};

export const renderCoded = (lang: Lang, coded: Coded, fallback?: string): string => renderMessage(lang, coded.code, coded.params, fallback);

/**
 * A triage reason (`explanations[i]`: the domain's rule code with its parameters) in one
 * language: the values a rule implies without naming them are filled in here.
 */
export const renderTriageReason = (lang: Lang, reason: { code: string; params?: MessageParams }): string => {
  const params: MessageParams = { ...(reason.params ?? {}) };
  const implied: Record<string, MessageParams> = {
    emergency_keyword: { urgency: 'emergency' },
    urgent_keyword: { urgency: 'urgent' },
    urgency_default: { urgency: 'normal' },
    repeat_important: { severity: 'important' },
    late_staff_attitude: { nature: 'invalid' },
    to_be_improved_keyword: { nature: 'to_be_improved' },
    to_be_improved_category: { nature: 'to_be_improved' },
    nature_default: { nature: 'valid' },
  };
  Object.assign(params, implied[reason.code] ?? {});
  const code = reason.code === 'severity' ? `triage.reason.severity.${String(params.basis)}` : `triage.reason.${reason.code}`;
  return renderMessage(
    lang,
    code,
    params,
    Object.values(params)
      .map((v) => String(v))
      .join(' · '),
  );
};

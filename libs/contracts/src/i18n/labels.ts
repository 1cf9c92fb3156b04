/**
 * Labels for the API's codes (channels, categories, departments, statuses, …) in both
 * languages — one list for the dashboard and for the server's exports (the message
 * catalogue, ./catalogue.ts, renders parameters that are such codes with them). The lists of
 * categories and departments are copies of the default policy's
 * (libs/complaint-domain/src/policy/policy.ts, DEFAULT_POLICY.categories/departments):
 * contracts import nothing. A site's own codes not listed here are shown as they are.
 */
export type Lang = 'zh' | 'en';
type Pair = { zh: string; en: string };
type Group = Record<string, Pair>;

export const CHANNELS = ['phone', 'visit', 'letter', 'web', 'app', 'email', 'wechat', 'media', 'authority', 'staff_relay', 'other'] as const;
export const CATEGORIES = [
  'facilities',
  'repairs',
  'security',
  'cleaning',
  'landscaping',
  'parking',
  'noise',
  'decoration',
  'fees',
  'staff_attitude',
  'developer_defects',
  'suggestion',
  'enquiry',
  'other',
] as const;
export const DEPARTMENTS = ['customer_service', 'engineering', 'security', 'cleaning', 'landscaping', 'finance', 'management_office'] as const;
export const STATUSES = ['registered', 'triaged', 'in_progress', 'resolved', 'closed', 'reopened'] as const;
export const NATURES = ['valid', 'to_be_improved', 'invalid'] as const;
export const SEVERITIES = ['minor', 'important', 'major'] as const;
export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;
export const INVALID_REASONS = ['misunderstanding', 'rumour', 'out_of_scope', 'malicious', 'unverifiable', 'late_staff_attitude'] as const;
export const MAJOR_REASONS = ['collective', 'repeat', 'media', 'authority', 'litigation', 'serious_harm', 'unresolved_one_month', 'severity', 'triage_judgement'] as const;
export const CALLBACK_METHODS = ['phone', 'visit', 'message_board', 'other'] as const;
export const EXEMPTION_REASONS = ['on_spot_confirmed', 'anonymous', 'no_contact', 'sensitive'] as const;
export const OUTREACH_KINDS = ['visit', 'public_notice', 'residents_meeting'] as const;
/** The registration fields a correction may change (the domain's CorrectableField). */
export const CORRECTABLE_FIELDS = [
  'title',
  'description',
  'request',
  'occurredAt',
  'location',
  'categoryHint',
  'householdCount',
  'channel',
  'complainant.name',
  'complainant.phone',
  'complainant.building',
  'complainant.unit',
  'complainant.anonymous',
  'subjectEmployeeIds',
] as const;
export const DEADLINES = ['firstReply', 'secondReply', 'plan', 'resolve', 'followUp', 'callback', 'unresolvedMajor', 'writtenReport'] as const;

/** The demo sites of the embedded default; group-wide users pick among these (and any site they type). */
export const KNOWN_SITES: Record<string, Pair> = {
  'site-a': { zh: '阳光花园', en: 'Sunshine Garden' },
  'site-b': { zh: '翠湖苑', en: 'Jade Lake Court' },
};

export const LABELS: Record<string, Group> = {
  yesNo: {
    true: { zh: '是', en: 'yes' },
    false: { zh: '否', en: 'no' },
  },
  /** A monthly report's scope level. */
  scope: {
    site: { zh: '站点', en: 'Site' },
    region: { zh: '区域', en: 'Region' },
    group: { zh: '集团', en: 'Group' },
  },
  channel: {
    phone: { zh: '来电', en: 'Phone' },
    visit: { zh: '来访', en: 'Walk-in visit' },
    letter: { zh: '来信/信函', en: 'Letter' },
    web: { zh: '网上/留言板', en: 'Web / message board' },
    app: { zh: 'App', en: 'App' },
    email: { zh: '电子邮件', en: 'Email' },
    wechat: { zh: '微信', en: 'WeChat' },
    media: { zh: '新闻媒体', en: 'Media report' },
    authority: { zh: '上级部门/12345热线', en: 'Authority / 12345 hotline' },
    staff_relay: { zh: '其他部门转告', en: 'Relayed by staff' },
    other: { zh: '其他', en: 'Other' },
  },
  category: {
    facilities: { zh: '设施设备', en: 'Facilities & equipment' },
    repairs: { zh: '维修', en: 'Repairs' },
    security: { zh: '安全秩序', en: 'Security' },
    cleaning: { zh: '保洁环境', en: 'Cleaning & environment' },
    landscaping: { zh: '绿化', en: 'Landscaping' },
    parking: { zh: '停车', en: 'Parking' },
    noise: { zh: '噪音/邻里', en: 'Noise & neighbours' },
    decoration: { zh: '装修', en: 'Decoration works' },
    fees: { zh: '收费', en: 'Fees & billing' },
    staff_attitude: { zh: '服务态度', en: 'Staff attitude' },
    developer_defects: { zh: '开发商遗留', en: 'Developer defects' },
    suggestion: { zh: '建议', en: 'Suggestion' },
    enquiry: { zh: '咨询', en: 'Enquiry' },
    other: { zh: '其他', en: 'Other' },
    untriaged: { zh: '未分类', en: 'Not triaged' },
  },
  department: {
    customer_service: { zh: '客服中心', en: 'Customer service' },
    engineering: { zh: '工程部', en: 'Engineering' },
    security: { zh: '秩序部', en: 'Security' },
    cleaning: { zh: '保洁部', en: 'Cleaning' },
    landscaping: { zh: '绿化部', en: 'Landscaping' },
    finance: { zh: '财务部', en: 'Finance' },
    management_office: { zh: '管理处', en: 'Management office' },
    untriaged: { zh: '未分派', en: 'Not routed' },
  },
  status: {
    registered: { zh: '已登记', en: 'Registered' },
    triaged: { zh: '已分派', en: 'Triaged' },
    in_progress: { zh: '处理中', en: 'In progress' },
    resolved: { zh: '已处理待回访', en: 'Resolved, awaiting callback' },
    closed: { zh: '已关闭', en: 'Closed' },
    reopened: { zh: '已重开', en: 'Reopened' },
  },
  nature: {
    valid: { zh: '有效投诉', en: 'Valid' },
    to_be_improved: { zh: '待改进投诉', en: 'To be improved' },
    invalid: { zh: '无效投诉', en: 'Invalid' },
    untriaged: { zh: '未判别', en: 'Not triaged' },
  },
  severity: {
    minor: { zh: '轻微', en: 'Minor' },
    important: { zh: '重要', en: 'Important' },
    major: { zh: '重大', en: 'Major' },
  },
  urgency: {
    normal: { zh: '一般', en: 'Normal' },
    urgent: { zh: '紧急（当天处理）', en: 'Urgent (same day)' },
    emergency: { zh: '抢险抢修', en: 'Emergency' },
  },
  invalidReason: {
    misunderstanding: { zh: '误解', en: 'Misunderstanding' },
    rumour: { zh: '谣传', en: 'Rumour' },
    out_of_scope: { zh: '不属公司职责范围', en: 'Outside our responsibility' },
    malicious: { zh: '恶意投诉', en: 'Malicious' },
    unverifiable: { zh: '事实无法核实', en: 'Cannot be verified' },
    late_staff_attitude: { zh: '逾期一个月的服务态度投诉', en: 'Staff attitude raised over a month later' },
  },
  majorReason: {
    collective: { zh: '集体投诉', en: 'Collective' },
    repeat: { zh: '重复投诉', en: 'Repeated' },
    media: { zh: '媒体曝光', en: 'Media exposure' },
    authority: { zh: '向上级部门投诉', en: 'Higher authority' },
    litigation: { zh: '诉讼', en: 'Litigation' },
    serious_harm: { zh: '严重损害声誉或财产', en: 'Serious harm' },
    unresolved_one_month: { zh: '一个月未解决', en: 'Unresolved after a month' },
    severity: { zh: '严重程度为重大', en: 'Major severity' },
    triage_judgement: { zh: '判别人认定', en: "Triager's judgement" },
  },
  outreachKind: {
    visit: { zh: '上门走访', en: 'Visit' },
    public_notice: { zh: '张贴公告', en: 'Public notice' },
    residents_meeting: { zh: '业主座谈会', en: "Residents' meeting" },
  },
  correctableField: {
    title: { zh: '标题', en: 'Title' },
    description: { zh: '投诉内容', en: 'Description' },
    request: { zh: '投诉人诉求', en: 'Request' },
    occurredAt: { zh: '发生时间', en: 'Occurred at' },
    location: { zh: '发生地点', en: 'Location' },
    categoryHint: { zh: '类别提示', en: 'Category hint' },
    householdCount: { zh: '涉及户数', en: 'Households' },
    channel: { zh: '受理渠道', en: 'Channel' },
    'complainant.name': { zh: '投诉人姓名', en: "Complainant's name" },
    'complainant.phone': { zh: '联系电话', en: 'Phone' },
    'complainant.building': { zh: '楼栋', en: 'Building' },
    'complainant.unit': { zh: '房号', en: 'Flat' },
    'complainant.anonymous': { zh: '匿名', en: 'Anonymous' },
    subjectEmployeeIds: { zh: '被投诉员工编号', en: 'Employees complained about' },
  },
  callbackMethod: {
    phone: { zh: '电话回访', en: 'Phone' },
    visit: { zh: '上门回访', en: 'On-site visit' },
    message_board: { zh: '留言板', en: 'Message board' },
    other: { zh: '其他', en: 'Other' },
  },
  exemptionReason: {
    on_spot_confirmed: { zh: '当场解决并经客户确认', en: 'Resolved on the spot, confirmed' },
    anonymous: { zh: '匿名投诉', en: 'Anonymous' },
    no_contact: { zh: '无有效联系方式', en: 'No usable contact' },
    sensitive: { zh: '敏感事件', en: 'Sensitive case' },
  },
  deadline: {
    firstReply: { zh: '一次答复', en: 'First reply' },
    secondReply: { zh: '二次答复', en: 'Second reply' },
    plan: { zh: '整改措施', en: 'Rectification plan' },
    resolve: { zh: '处理完成', en: 'Handling done' },
    followUp: { zh: '跟进', en: 'Follow-up' },
    callback: { zh: '回访', en: 'Callback' },
    unresolvedMajor: { zh: '逾期升为重大', en: 'Becomes major if unresolved' },
    writtenReport: { zh: '书面报告', en: 'Written report' },
  },
  satisfaction: {
    '1': { zh: '非常满意', en: 'Very satisfied' },
    '2': { zh: '满意', en: 'Satisfied' },
    '3': { zh: '一般', en: 'Acceptable' },
    '4': { zh: '不满意', en: 'Dissatisfied' },
    '5': { zh: '非常不满意', en: 'Very dissatisfied' },
  },
  role: {
    duty_officer: { zh: '值班员', en: 'Duty officer' },
    cs_assistant: { zh: '客户助理', en: 'Customer assistant' },
    cs_supervisor: { zh: '客户主任', en: 'CS supervisor' },
    cs_manager: { zh: '客服中心经理', en: 'CS centre manager' },
    general_manager: { zh: '总物业经理', en: 'General manager' },
    leadership: { zh: '公司领导', en: 'Leadership' },
    department_head: { zh: '部门负责人', en: 'Department head' },
    handler: { zh: '处理人', en: 'Handler' },
    auditor: { zh: '稽核', en: 'Auditor' },
    admin: { zh: '系统管理员', en: 'Administrator' },
    system: { zh: '系统', en: 'System' },
  },
  replyKind: {
    first: { zh: '一次答复', en: 'First reply' },
    second: { zh: '二次答复', en: 'Second reply' },
    progress: { zh: '进度告知', en: 'Progress note' },
  },
  event: {
    ComplaintRegistered: { zh: '登记投诉', en: 'Registered' },
    ComplaintCorrected: { zh: '更正记录', en: 'Corrected' },
    ComplaintMarkedMajor: { zh: '认定为重大投诉', en: 'Marked major' },
    ComplaintReferredToManager: { zh: '提交客服中心经理判别', en: 'Referred to the CS manager' },
    ComplaintTriaged: { zh: '判别分派', en: 'Triaged' },
    FirstReplyGiven: { zh: '一次答复', en: 'First reply' },
    SecondReplyGiven: { zh: '二次答复', en: 'Second reply' },
    ProgressNoted: { zh: '进度告知', en: 'Progress note' },
    RectificationPlanRecorded: { zh: '制定整改措施', en: 'Rectification plan' },
    ComplaintResolved: { zh: '处理完成', en: 'Resolved' },
    InvalidComplaintExplained: { zh: '无效投诉已解释', en: 'Invalid complaint explained' },
    ComplaintEscalated: { zh: '升级', en: 'Escalated' },
    ComplaintReassigned: { zh: '改派', en: 'Reassigned' },
    DeadlineChased: { zh: '催办', en: 'Chased' },
    CallbackUnreached: { zh: '回访未联系上', en: 'Callback: not reached' },
    CallbackCompleted: { zh: '回访完成', en: 'Callback done' },
    CallbackExempted: { zh: '免回访', en: 'Exempt from callback' },
    ComplaintClosed: { zh: '关闭', en: 'Closed' },
    ComplaintReopened: { zh: '重开（升级处理）', en: 'Reopened (one level up)' },
    CompensationApproved: { zh: '批准赔偿', en: 'Compensation approved' },
    OutreachRecorded: { zh: '走访/公告/座谈会', en: 'Outreach recorded' },
    ComplaintArchived: { zh: '归档封存', en: 'Archived' },
    PersonalDataErased: { zh: '个人信息已删除', en: 'Personal data erased' },
    EmergencyDepartmentNotified: { zh: '抢险：已通知责任部门', en: 'Emergency: department notified' },
    WrittenReportRecorded: { zh: '书面报告', en: 'Written report recorded' },
    ComplainantNoticeSent: { zh: '已通知投诉人', en: 'Complainant notified' },
    ComplainantNoticeFailed: { zh: '通知投诉人失败', en: 'Complainant notice failed' },
    AttachmentAdded: { zh: '添加附件（照片/文件）', en: 'Attachment added' },
  },
  rule: {
    category_hint: { zh: '类别提示', en: 'Category hint' },
    category_keyword: { zh: '类别关键词', en: 'Category keyword' },
    category_default: { zh: '默认类别', en: 'Default category' },
    emergency_keyword: { zh: '抢险关键词', en: 'Emergency keyword' },
    urgent_keyword: { zh: '紧急关键词', en: 'Urgent keyword' },
    urgency_default: { zh: '默认紧急程度', en: 'Default urgency' },
    major_keyword: { zh: '重大关键词', en: 'Major keyword' },
    major_channel: { zh: '重大渠道', en: 'Major channel' },
    collective: { zh: '集体投诉', en: 'Collective' },
    repeat: { zh: '重复投诉', en: 'Repeat' },
    repeat_major: { zh: '重复投诉', en: 'Repeat' },
    repeat_important: { zh: '重复投诉', en: 'Repeat' },
    category_hint_keyword: { zh: '类别提示', en: 'Category hint' },
    department_map: { zh: '类别对应部门', en: 'Category → department' },
    late_staff_attitude: { zh: '逾期的服务态度投诉', en: 'Late staff-attitude complaint' },
    to_be_improved_keyword: { zh: '待改进关键词', en: 'To-be-improved keyword' },
    to_be_improved_category: { zh: '待改进类别', en: 'To-be-improved category' },
    nature_default: { zh: '默认性质', en: 'Default nature' },
    major_cleared: { zh: '取消重大', en: 'Major cleared' },
    severity: { zh: '严重程度', en: 'Severity' },
  },
  attachmentStage: {
    registration: { zh: '登记时（投诉人提供）', en: 'Registration (from the complainant)' },
    handling: { zh: '处理过程中', en: 'During handling' },
    resolution: { zh: '处理结果（完工照片）', en: 'Resolution (after-photo)' },
  },
  noticeTemplate: {
    received: { zh: '受理通知', en: 'Received' },
    second_reply: { zh: '二次答复', en: 'Second reply' },
    plan: { zh: '整改措施', en: 'Rectification plan' },
    resolved: { zh: '处理结果', en: 'Resolved' },
    callback: { zh: '回访', en: 'Callback' },
    closed: { zh: '办结通知', en: 'Closed' },
  },
  noticeChannel: {
    email: { zh: '电子邮件', en: 'E-mail' },
    sms: { zh: '短信', en: 'SMS' },
    letter: { zh: '书面信函', en: 'Letter' },
  },
  noticeStatus: {
    pending: { zh: '待发送', en: 'Pending' },
    sent: { zh: '已发送', en: 'Sent' },
    ready: { zh: '待打印', en: 'Ready to print' },
    failed: { zh: '发送失败', en: 'Failed' },
    off: { zh: '渠道未开通', en: 'Channel off' },
    cancelled: { zh: '已取消', en: 'Cancelled' },
  },
  closeBasis: {
    accepted: { zh: '投诉人接受处理结果', en: 'Complainant accepted the result' },
    understood: { zh: '投诉人表示理解', en: 'Complainant understood' },
    invalid_explained: { zh: '无效投诉已解释', en: 'Invalid, explanation recorded' },
    callback_exempt: { zh: '免回访', en: 'Exempt from callback' },
  },
};

export const labelOf = (lang: Lang, group: string, key: string | null | undefined): string => {
  if (key === null || key === undefined || key === '') return '—';
  return LABELS[group]?.[key]?.[lang] ?? key;
};

export const siteLabel = (lang: Lang, siteId: string): string => {
  const known = KNOWN_SITES[siteId];
  // The name alone (the id is a code, not words for people); an unknown site shows its id.
  return known ? known[lang] : siteId;
};

/**
 * Chinese labels for the report exports (the JSON keeps the English keys of docs/api.md and
 * carries these as `label`). Keys not listed here (a site's own categories or
 * departments) are shown as they are.
 */
export const LABELS = {
  category: {
    facilities: '设施设备',
    repairs: '维修',
    security: '安全秩序',
    cleaning: '保洁环境',
    landscaping: '绿化',
    parking: '停车',
    noise: '噪音/邻里',
    decoration: '装修',
    fees: '收费',
    staff_attitude: '服务态度',
    developer_defects: '开发商遗留',
    suggestion: '建议',
    enquiry: '咨询',
    other: '其他',
    untriaged: '未分类',
  },
  nature: { valid: '有效投诉', to_be_improved: '待改进投诉', invalid: '无效投诉', untriaged: '未判别' },
  channel: {
    phone: '来电',
    visit: '来访',
    letter: '来信',
    web: '网上/留言板',
    app: 'App',
    email: '电子邮件',
    wechat: '微信',
    media: '新闻媒体',
    authority: '上级部门/热线',
    staff_relay: '其他部门转告',
    other: '其他',
  },
  department: {
    customer_service: '客服中心',
    engineering: '工程部',
    security: '秩序部',
    cleaning: '保洁部',
    landscaping: '绿化部',
    finance: '财务部',
    management_office: '管理处',
    untriaged: '未分派',
  },
  stage: { firstReply: '一次答复', secondReply: '二次答复', plan: '整改措施', resolve: '处理完成', callback: '回访', followUp: '跟进' },
  status: { registered: '已登记', triaged: '已分派', in_progress: '处理中', resolved: '已处理待回访', closed: '已关闭', reopened: '已重开' },
  role: { cs_manager: '客服中心经理', general_manager: '总物业经理', cs_supervisor: '客户主任', leadership: '公司领导' },
  satisfaction: { '1': '非常满意', '2': '满意', '3': '一般', '4': '不满意', '5': '非常不满意' },
} as const;

export type LabelGroup = keyof typeof LABELS;

export const labelOf = (group: LabelGroup, key: string): string => (LABELS[group] as Record<string, string>)[key] ?? key;

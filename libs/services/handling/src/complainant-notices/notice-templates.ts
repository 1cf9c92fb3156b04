import { toLocalDateTime, type NoticeFacts, type NoticeTemplate } from '@complaints/domain';

/**
 * The words of each complainant notice, in Chinese (zh-CN, the default) and English. Pure:
 * the facts come from the planned notice (no personal data), the greeting's name — when
 * given — is opened from the vault at send time by the sender and never stored or logged.
 */
export type NoticeLocale = 'zh-CN' | 'en';
export const NOTICE_LOCALES: readonly NoticeLocale[] = ['zh-CN', 'en'];

export type RenderedNotice = { subject: string; body: string; /** One short line for SMS. */ short: string };

export type NoticeContext = { siteName?: string; timeZone: string; complainantName?: string };

const two = (n: number): string => String(n).padStart(2, '0');
/** "2026-03-05 10:00" in the site's zone. */
export const localStamp = (iso: string | undefined, timeZone: string): string => {
  if (!iso) return '—';
  const t = toLocalDateTime(Date.parse(iso), timeZone);
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}`;
};

const SATISFACTION_ZH = ['', '非常满意', '满意', '基本满意', '不满意', '非常不满意'];
const SATISFACTION_EN = ['', 'very satisfied', 'satisfied', 'fairly satisfied', 'dissatisfied', 'very dissatisfied'];
const BASIS_ZH: Record<string, string> = { accepted: '您已认可处理结果', understood: '您已表示理解', invalid_explained: '已向您作出说明', callback_exempt: '按规定免于回访' };
const BASIS_EN: Record<string, string> = { accepted: 'you accepted the result', understood: 'you told us you understand', invalid_explained: 'we explained our assessment to you', callback_exempt: 'no callback was required' };

type Words = { subject: string; lines: string[]; short: string };

const zh = (template: NoticeTemplate, f: NoticeFacts, c: NoticeContext): Words => {
  const at = (iso?: string) => localStamp(iso, c.timeZone);
  switch (template) {
    case 'received':
      return {
        subject: `投诉受理通知（编号 ${f.number}）`,
        lines: [`您反映的“${f.title}”已受理，投诉编号为 ${f.number}。`, `我们将于 ${at(f.firstReplyDueAt)} 前给予您首次答复。`],
        short: `您的投诉已受理，编号${f.number}，我们将于${at(f.firstReplyDueAt)}前首次答复。`,
      };
    case 'second_reply':
      return { subject: `投诉处理答复（编号 ${f.number}）`, lines: [`关于您反映的“${f.title}”，我们的答复如下：`, f.message ?? ''], short: `投诉${f.number}答复：${f.message ?? ''}` };
    case 'plan':
      return {
        subject: `整改措施通知（编号 ${f.number}）`,
        lines: [`关于您反映的“${f.title}”，我们制定了以下整改措施：`, f.measures ?? '', `预计完成时间：${at(f.dueAt)}。`],
        short: `投诉${f.number}整改措施：${f.measures ?? ''}，预计${at(f.dueAt)}前完成。`,
      };
    case 'resolved':
      return {
        subject: `投诉处理结果通知（编号 ${f.number}）`,
        lines: [`您反映的“${f.title}”已处理完毕。`, `处理结果：${f.resolution ?? ''}`, '我们的客户助理将与您联系回访，听取您的意见。'],
        short: `投诉${f.number}已处理完毕：${f.resolution ?? ''}。我们将回访听取您的意见。`,
      };
    case 'callback':
      return {
        subject: `回访记录通知（编号 ${f.number}）`,
        lines: [`感谢您接受我们关于“${f.title}”的回访。`, `我们已记录您的评价：${SATISFACTION_ZH[f.satisfaction ?? 0] ?? ''}。`],
        short: `感谢您接受投诉${f.number}的回访，评价：${SATISFACTION_ZH[f.satisfaction ?? 0] ?? ''}。`,
      };
    case 'closed':
      return {
        subject: `投诉办结通知（编号 ${f.number}）`,
        lines: [`您反映的“${f.title}”已办结（${BASIS_ZH[f.closeBasis ?? ''] ?? f.closeBasis ?? ''}）。`, '感谢您对我们工作的支持与监督。'],
        short: `投诉${f.number}已办结，感谢您的支持与监督。`,
      };
  }
};

const en = (template: NoticeTemplate, f: NoticeFacts, c: NoticeContext): Words => {
  const at = (iso?: string) => localStamp(iso, c.timeZone);
  switch (template) {
    case 'received':
      return {
        subject: `Your complaint has been received (no. ${f.number})`,
        lines: [`We have received your complaint "${f.title}" under the number ${f.number}.`, `You will have our first reply by ${at(f.firstReplyDueAt)}.`],
        short: `Complaint ${f.number} received; first reply by ${at(f.firstReplyDueAt)}.`,
      };
    case 'second_reply':
      return { subject: `Reply to your complaint (no. ${f.number})`, lines: [`About your complaint "${f.title}", our reply:`, f.message ?? ''], short: `Complaint ${f.number}: ${f.message ?? ''}` };
    case 'plan':
      return {
        subject: `What we will do about your complaint (no. ${f.number})`,
        lines: [`About your complaint "${f.title}", we will take these measures:`, f.measures ?? '', `Expected to be done by ${at(f.dueAt)}.`],
        short: `Complaint ${f.number}: ${f.measures ?? ''} — by ${at(f.dueAt)}.`,
      };
    case 'resolved':
      return {
        subject: `Your complaint has been resolved (no. ${f.number})`,
        lines: [`Your complaint "${f.title}" has been dealt with.`, `What was done: ${f.resolution ?? ''}`, 'Our customer assistant will call you to hear what you think.'],
        short: `Complaint ${f.number} resolved: ${f.resolution ?? ''}. We will call you back.`,
      };
    case 'callback':
      return {
        subject: `Thank you for your feedback (no. ${f.number})`,
        lines: [`Thank you for talking to us about "${f.title}".`, `We recorded your rating: ${SATISFACTION_EN[f.satisfaction ?? 0] ?? ''}.`],
        short: `Complaint ${f.number}: thank you for your feedback (${SATISFACTION_EN[f.satisfaction ?? 0] ?? ''}).`,
      };
    case 'closed':
      return {
        subject: `Your complaint is closed (no. ${f.number})`,
        lines: [`Your complaint "${f.title}" is closed (${BASIS_EN[f.closeBasis ?? ''] ?? f.closeBasis ?? ''}).`, 'Thank you for helping us improve.'],
        short: `Complaint ${f.number} is closed. Thank you.`,
      };
  }
};

/** One notice in one language: subject, the body with greeting and signature, a short SMS line. */
export const renderNotice = (template: NoticeTemplate, facts: NoticeFacts, context: NoticeContext, locale: NoticeLocale = 'zh-CN'): RenderedNotice => {
  const words = locale === 'en' ? en(template, facts, context) : zh(template, facts, context);
  const site = context.siteName ?? (locale === 'en' ? 'Customer service centre' : '客服中心');
  const greeting = locale === 'en' ? `Dear ${context.complainantName ?? 'resident'},` : `尊敬的${context.complainantName ?? '业主/住户'}：`;
  const signature = locale === 'en' ? `${site}, customer service` : `${site} 客服中心`;
  const sign = locale === 'en' ? `[${site}] ` : `【${site}】`;
  return { subject: words.subject, body: [greeting, '', ...words.lines.filter((l) => l !== ''), '', signature].join('\n'), short: `${sign}${words.short}` };
};

/** The e-mail: Chinese first, the English version below it. */
export const renderBilingual = (template: NoticeTemplate, facts: NoticeFacts, context: NoticeContext): RenderedNotice => {
  const zhNotice = renderNotice(template, facts, context, 'zh-CN');
  const enNotice = renderNotice(template, facts, { ...context, complainantName: context.complainantName }, 'en');
  return { subject: `${zhNotice.subject} / ${enNotice.subject}`, body: `${zhNotice.body}\n\n— English —\n\n${enNotice.body}`, short: zhNotice.short };
};

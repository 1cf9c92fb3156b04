import { NOTICE_TEMPLATES, type NoticeFacts } from '@complaints/domain';
import { renderBilingual, renderNotice } from './notice-templates';
import { renderNoticeLetter } from './notice-letter.pdf';

const facts: NoticeFacts = {
  number: 'SITEA-260305-001',
  title: '楼道灯不亮',
  firstReplyDueAt: '2026-03-06T02:00:00.000Z',
  message: '工程部已订购灯具',
  measures: '更换灯具和线路',
  dueAt: '2026-03-09T09:59:59.999Z',
  resolution: '已更换灯具',
  satisfaction: 2,
  closeBasis: 'accepted',
};
const context = { siteName: '阳光花园', timeZone: 'Asia/Shanghai' };

describe('Complainant notice templates (zh-CN and English)', () => {
  it.each(NOTICE_TEMPLATES.map((t) => [t]))('should word the %s notice in both languages with the complaint number', (template) => {
    const zh = renderNotice(template, facts, context, 'zh-CN');
    const en = renderNotice(template, facts, context, 'en');
    for (const n of [zh, en]) {
      expect(n.subject).toContain('SITEA-260305-001');
      expect(n.short).toContain('SITEA-260305-001');
    }
    expect(zh.body).toMatch(/^尊敬的业主\/住户：/);
    expect(zh.body).toMatch(/阳光花园 客服中心$/);
    expect(en.body).toMatch(/^Dear resident,/);
    expect(zh.subject).not.toEqual(en.subject);
  });

  it('should give the received notice the first-reply time in the site’s zone', () => {
    expect(renderNotice('received', facts, context).body).toContain('我们将于 2026-03-06 10:00 前给予您首次答复。');
    expect(renderNotice('received', facts, { ...context, timeZone: 'UTC' }, 'en').body).toContain('by 2026-03-06 02:00');
  });

  it('should carry each step’s own facts: the reply, the measures and date, the resolution, the rating, the basis', () => {
    expect(renderNotice('second_reply', facts, context).body).toContain('工程部已订购灯具');
    expect(renderNotice('plan', facts, context).body).toContain('预计完成时间：2026-03-09 17:59。');
    expect(renderNotice('resolved', facts, context).body).toContain('处理结果：已更换灯具');
    expect(renderNotice('callback', facts, context, 'en').body).toContain('We recorded your rating: satisfied.');
    expect(renderNotice('closed', facts, context).body).toContain('已办结（您已认可处理结果）');
  });

  it('should greet the complainant by name when the sender opened it, and put the English below the Chinese in e-mail', () => {
    const mail = renderBilingual('resolved', facts, { ...context, complainantName: '刘先生' });
    expect(mail.body.indexOf('尊敬的刘先生：')).toBe(0);
    expect(mail.body.indexOf('Dear 刘先生,')).toBeGreaterThan(mail.body.indexOf('— English —'));
  });

  it('should print the letter as a PDF with the Chinese font embedded (subset), for the address given', async () => {
    const pdf = await renderNoticeLetter({ notice: renderNotice('resolved', facts, context), recipient: ['刘先生 收', '阳光花园 3栋1201室'], siteName: '阳光花园', number: facts.number, date: '2026-03-10' });
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Regular/);
    expect(pdf.length).toBeLessThan(200_000); // a subset, not the 10 MB font
  });
});

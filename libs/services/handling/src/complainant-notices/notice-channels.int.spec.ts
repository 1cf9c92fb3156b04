import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { greenMail, greenMailSkipReason, readMailbox } from '@complaints/testing';
import { HttpSmsSender, NoticeDeliveryError, SmtpEmailSender, noticeChannelsFromEnv, noticeSenders } from './notice-channels';
import { renderBilingual, renderNotice } from './notice-templates';

const facts = { number: 'SITEA-260305-001', title: '电梯困人', firstReplyDueAt: '2026-03-06T02:00:00.000Z' };
const context = { siteName: '阳光花园', timeZone: 'Asia/Shanghai', complainantName: '张女士' };
const mail = greenMail();
/** The mail server (only called in tests that run when it exists). */
const gm = () => {
  if (!mail) throw new Error('no GreenMail');
  return mail;
};
if (!mail) console.warn(`\n*** e-mail notice tests against GreenMail SKIPPED: ${greenMailSkipReason()} ***\n`);

(mail ? describe : describe.skip)('SMTP e-mail sender (a real GreenMail SMTP server)', () => {
  const smtp = () => new SmtpEmailSender({ host: gm().smtpHost, port: gm().smtpPort, from: 'kefu@yangguang.example' });

  it('should deliver the bilingual notice as UTF-8 mail with the notice key as Message-ID, read back from the mailbox', async () => {
    const to = `owner-${Date.now()}@residents.example`;
    await smtp().send({ key: 'evt-1:email', to, notice: renderBilingual('received', facts, context) });
    const inbox = await readMailbox(gm().apiUrl, to);
    expect(inbox).toHaveLength(1);
    expect(inbox[0].subject).toBe('投诉受理通知（编号 SITEA-260305-001） / Your complaint has been received (no. SITEA-260305-001)');
    expect(inbox[0].mimeMessage).toMatch(/Message-ID: <evt-1:email@yangguang\.example>/);
    expect(inbox[0].text).toContain('尊敬的张女士：');
    expect(inbox[0].text).toContain('投诉编号为 SITEA-260305-001');
    expect(inbox[0].text).toContain('2026-03-06 10:00'); // the first-reply time in the site's zone
    expect(inbox[0].text).toContain('You will have our first reply by 2026-03-06 10:00.');
  });

  it('should carry body lines that start with dots intact', async () => {
    const to = `dots-${Date.now()}@residents.example`;
    await smtp().send({ key: 'evt-2:email', to, notice: { subject: 'dots', body: '.hidden\n..two', short: '' } });
    const [received] = await readMailbox(gm().apiUrl, to);
    expect(received.text).toBe('.hidden\n..two');
  });

  it('should fail with a reason that does not name the address when nothing listens', async () => {
    const sender = new SmtpEmailSender({ host: '127.0.0.1', port: 1, from: 'kefu@yangguang.example', timeoutMs: 2_000 });
    const error = await sender.send({ key: 'k', to: 'secret-person@residents.example', notice: renderNotice('closed', facts, context) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoticeDeliveryError);
    expect((error as NoticeDeliveryError).reason).toBe('smtp connection failed');
  });
});

describe('SMS sender (a stub HTTP gateway on loopback)', () => {
  let server: Server;
  let url = '';
  let status = 200;
  const received: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(body) as Record<string, unknown> });
        res.statusCode = status;
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms/send`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    status = 200;
  });

  it('should POST the short text to the number with the gateway token and the notice key as idempotency key', async () => {
    await new HttpSmsSender({ url, token: 'gw-token-1' }).send({ key: 'evt-9:sms', to: '13800138000', notice: renderNotice('received', facts, context) });
    expect(received).toHaveLength(1);
    expect(received[0].headers.authorization).toBe('Bearer gw-token-1');
    expect(received[0].headers['idempotency-key']).toBe('evt-9:sms');
    expect(received[0].body).toEqual({ to: '13800138000', key: 'evt-9:sms', text: '【阳光花园】您的投诉已受理，编号SITEA-260305-001，我们将于2026-03-06 10:00前首次答复。' });
  });

  it('should fail with the gateway status only (no number) when the gateway refuses', async () => {
    status = 503;
    const error = await new HttpSmsSender({ url }).send({ key: 'k', to: '13900139000', notice: renderNotice('closed', facts, context) }).catch((e: unknown) => e);
    expect((error as NoticeDeliveryError).reason).toBe('sms gateway 503');
    expect(String((error as Error).message)).not.toContain('13900139000');
  });

  it('should configure e-mail only with an SMTP host and sender address, and SMS only with a gateway URL', () => {
    expect(noticeSenders(noticeChannelsFromEnv({})).map((s) => s.channel)).toEqual([]);
    expect(noticeSenders(noticeChannelsFromEnv({ NOTICE_SMTP_HOST: 'smtp.example', NOTICE_SMTP_FROM: 'a@b.example', NOTICE_SMS_GATEWAY_URL: url })).map((s) => s.describe)).toEqual([
      'SMTP smtp.example:25 from a@b.example',
      `SMS gateway ${new URL(url).origin}`,
    ]);
    expect(noticeChannelsFromEnv({ NOTICE_SMTP_HOST: 'smtp.example' }).email).toBeUndefined();
  });
});

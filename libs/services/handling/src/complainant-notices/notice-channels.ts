import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { NoticeChannel } from '@complaints/domain';
import type { RenderedNotice } from './notice-templates';

/**
 * The notification port: one sender per channel. `to` is the complainant's contact, opened
 * from the vault just before the call and dropped right after; no sender logs it, and a
 * failure says what went wrong in words without it (`NoticeDeliveryError.reason`), since
 * the reason is stored on the complaint's history.
 */
export type NoticeMessage = { key: string; to: string; notice: RenderedNotice };
export type NoticeSender = { readonly channel: Exclude<NoticeChannel, 'letter'>; readonly describe: string; send(message: NoticeMessage): Promise<void> };

export class NoticeDeliveryError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

// ---------------------------------------------------------------------------------------------
// E-mail over SMTP (RFC 5321): a small client of our own — plain or implicit TLS, AUTH PLAIN.

export type SmtpConfig = { host: string; port: number; from: string; secure?: boolean; user?: string; password?: string; timeoutMs?: number; heloName?: string };

const encodeHeader = (text: string): string => (/^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`);
const base64Lines = (text: string): string => (Buffer.from(text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

/** The whole message (headers and a base64 UTF-8 text body); the key becomes its Message-ID. */
export const mimeMessage = (from: string, to: string, key: string, notice: RenderedNotice, date = new Date()): string => {
  const domain = from.split('@')[1] ?? 'complaints.local';
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${encodeHeader(notice.subject)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${key.replace(/[^A-Za-z0-9.:-]/g, '-')}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(notice.body),
  ].join('\r\n');
};

class SmtpSession {
  private buffer = '';
  private waiting?: { resolve: (reply: { code: number; text: string }) => void; reject: (error: Error) => void };
  private failure?: Error;

  constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.flush();
    });
    const fail = (error: Error) => {
      this.failure = error;
      this.waiting?.reject(error);
      this.waiting = undefined;
    };
    socket.on('error', () => fail(new NoticeDeliveryError('smtp connection failed')));
    socket.on('timeout', () => {
      fail(new NoticeDeliveryError('smtp timeout'));
      socket.destroy();
    });
    socket.on('close', () => fail(new NoticeDeliveryError('smtp connection closed')));
  }

  private flush(): void {
    if (!this.waiting) return;
    // A reply is complete at a line "NNN text" (a space after the code, not a dash).
    const lines = this.buffer.split('\r\n');
    for (let i = 0; i < lines.length - 1; i++) {
      if (/^\d{3} /.test(lines[i]) || /^\d{3}$/.test(lines[i])) {
        const text = lines.slice(0, i + 1).join('\n');
        this.buffer = lines.slice(i + 1).join('\r\n');
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting.resolve({ code: Number(lines[i].slice(0, 3)), text });
        return;
      }
    }
  }

  reply(): Promise<{ code: number; text: string }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.flush();
    });
  }

  async command(line: string | undefined, expect: number[], step: string): Promise<string> {
    if (line !== undefined) this.socket.write(`${line}\r\n`);
    const { code, text } = await this.reply();
    // The reason names the step and the code only: servers echo addresses in their text.
    if (!expect.includes(code)) throw new NoticeDeliveryError(`smtp ${code} at ${step}`);
    return text;
  }

  close(): void {
    this.socket.end();
  }
}

export class SmtpEmailSender implements NoticeSender {
  readonly channel = 'email' as const;
  readonly describe: string;

  constructor(private readonly config: SmtpConfig) {
    this.describe = `SMTP ${config.host}:${config.port}${config.secure ? ' (TLS)' : ''} from ${config.from}`;
  }

  async send({ key, to, notice }: NoticeMessage): Promise<void> {
    const { host, port, secure, timeoutMs = 15_000 } = this.config;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = secure ? tlsConnect({ host, port, servername: host }, () => resolve(s)) : netConnect({ host, port }, () => resolve(s));
      s.once('error', () => reject(new NoticeDeliveryError('smtp connection failed')));
      s.setTimeout(timeoutMs);
    });
    const session = new SmtpSession(socket);
    try {
      await session.command(undefined, [220], 'greeting');
      await session.command(`EHLO ${this.config.heloName ?? 'complaints.local'}`, [250], 'EHLO');
      if (this.config.user) {
        const token = Buffer.from(`\0${this.config.user}\0${this.config.password ?? ''}`, 'utf8').toString('base64');
        await session.command(`AUTH PLAIN ${token}`, [235], 'AUTH');
      }
      await session.command(`MAIL FROM:<${this.config.from}>`, [250], 'MAIL FROM');
      await session.command(`RCPT TO:<${to}>`, [250, 251], 'RCPT TO');
      await session.command('DATA', [354], 'DATA');
      // Dot-stuffing (RFC 5321 §4.5.2), then the terminating line.
      const data = mimeMessage(this.config.from, to, key, notice).replace(/\r\n\./g, '\r\n..');
      await session.command(`${data}\r\n.`, [250], 'message');
      await session.command('QUIT', [221], 'QUIT').catch(() => undefined);
    } finally {
      session.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SMS through an HTTP gateway: POST { to, text, key } as JSON, with a bearer token.

export type SmsGatewayConfig = { url: string; token?: string; timeoutMs?: number };

export class HttpSmsSender implements NoticeSender {
  readonly channel = 'sms' as const;
  readonly describe: string;

  constructor(private readonly config: SmsGatewayConfig) {
    this.describe = `SMS gateway ${new URL(config.url).origin}`;
  }

  async send({ key, to, notice }: NoticeMessage): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': key,
          ...(this.config.token ? { authorization: `Bearer ${this.config.token}` } : {}),
        },
        body: JSON.stringify({ to, text: notice.short, key }),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new NoticeDeliveryError(error instanceof Error && error.name === 'TimeoutError' ? 'sms gateway timeout' : 'sms gateway unreachable');
    }
    if (!response.ok) throw new NoticeDeliveryError(`sms gateway ${response.status}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration

export type NoticeChannelsConfig = { email?: SmtpConfig; sms?: SmsGatewayConfig };

/**
 * The channels configured in the environment. E-mail needs `NOTICE_SMTP_HOST` and
 * `NOTICE_SMTP_FROM`; SMS needs `NOTICE_SMS_GATEWAY_URL`. A channel not configured is off:
 * its notices are recorded in the notice list as "channel off", never sent.
 */
export const noticeChannelsFromEnv = (env: NodeJS.ProcessEnv): NoticeChannelsConfig => {
  const config: NoticeChannelsConfig = {};
  if (env.NOTICE_SMTP_HOST && env.NOTICE_SMTP_FROM) {
    const secure = env.NOTICE_SMTP_SECURE === 'true';
    config.email = {
      host: env.NOTICE_SMTP_HOST,
      port: Number(env.NOTICE_SMTP_PORT || (secure ? 465 : 25)),
      from: env.NOTICE_SMTP_FROM,
      secure,
      user: env.NOTICE_SMTP_USER || undefined,
      password: env.NOTICE_SMTP_PASSWORD || undefined,
    };
  }
  if (env.NOTICE_SMS_GATEWAY_URL) config.sms = { url: env.NOTICE_SMS_GATEWAY_URL, token: env.NOTICE_SMS_GATEWAY_TOKEN || undefined };
  return config;
};

export const noticeSenders = (config: NoticeChannelsConfig): NoticeSender[] => [
  ...(config.email ? [new SmtpEmailSender(config.email)] : []),
  ...(config.sms ? [new HttpSmsSender(config.sms)] : []),
];

export const NOTICE_SENDERS = Symbol('NOTICE_SENDERS');

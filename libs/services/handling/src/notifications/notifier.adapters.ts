import { Logger } from '@nestjs/common';
import { noticeTexts, type NotificationMessage } from '@complaints/contracts';

/** Delivers a chase, escalation, major-complaint or outcome notice to the people concerned. */
export type Notifier = { readonly channel: string; deliver(notification: NotificationMessage): Promise<void> };

export const NOTIFIER = Symbol('NOTIFIER');

const RECORDS_NOTICES: Partial<Record<NotificationMessage['kind'], string>> = {
  pack_sign_off_chase: '月度档案包催签 monthly pack sign-off chase',
  weekly_check_chase: '督导检查催办 weekly supervisor check chase',
  callback_quota: '回访提醒 callback minimum reminder',
};

const describe = (n: NotificationMessage): string => {
  const records = RECORDS_NOTICES[n.kind];
  if (records) {
    const s = n.subject;
    const about = s ? `${s.siteId}${s.month ? ` ${s.month}` : ''}${s.week ? ` ${s.week}` : ''}` : '';
    return `${records}: ${about} → ${n.toUser ? `${n.toUser.name ?? n.toUser.id} (${n.toRole})` : n.toRole}${n.alsoNotify?.length ? `, also ${n.alsoNotify.join(', ')}` : ''}`;
  }
  const what =
    n.kind === 'chase'
      ? `催办 chase: ${n.deadline} was due ${n.dueAt}`
      : n.kind === 'escalation'
        ? `升级 escalated to level ${n.escalationLevel}`
        : n.kind === 'outcome'
          ? `办结告知 outcome: closed (${n.reason})`
          : n.kind === 'emergency'
            ? `抢险抢修 emergency routed to the department (due by ${n.dueAt}${n.reason === 'late' ? ', late' : ''})`
            : `重大投诉 major complaint (${n.reason})`;
  return `${what} — complaint ${n.complaintId} → ${n.toUser ? `${n.toUser.name ?? n.toUser.id} (${n.toRole})` : n.toRole}${n.toDepartment ? ` / ${n.toDepartment}` : ''}${n.alsoNotify?.length ? `, also ${n.alsoNotify.join(', ')}` : ''}`;
};

/** Writes each notification to the log: the default until a channel is configured. */
export class LogNotifier implements Notifier {
  readonly channel = 'log';
  private readonly logger = new Logger('notifier');
  async deliver(notification: NotificationMessage): Promise<void> {
    this.logger.log(`${describe(notification)} — ${noticeTexts(notification)['zh-CN']}`);
  }
}

/**
 * POSTs each notification as JSON to a webhook (NOTIFY_WEBHOOK_URL), e.g. a bridge to
 * WeCom/DingTalk or SMS. A non-2xx answer or a timeout fails the delivery, which is
 * retried and finally dead-lettered by the bus.
 */
export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook';
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async deliver(notification: NotificationMessage): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': notification.eventId },
      // `texts`: what to tell, in each language, from the notice's catalogue code; `text` the operator's summary.
      body: JSON.stringify({ ...notification, text: describe(notification), texts: noticeTexts(notification) }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  }
}

export const notifierFromEnv = (env: NodeJS.ProcessEnv): Notifier => (env.NOTIFY_WEBHOOK_URL ? new WebhookNotifier(env.NOTIFY_WEBHOOK_URL) : new LogNotifier());

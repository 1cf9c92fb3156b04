import { useState } from 'react';
import { api } from '../api/client';
import type { ComplainantNotice } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { CONTACT_ROLES } from '../lib/permissions';
import { useMe } from '../session';
import { DateTime, ErrorBanner, Spinner, useLoad } from './ui';

export const NoticeStatusBadge = ({ status }: { status: ComplainantNotice['status'] }) => {
  const { l } = useI18n();
  return <span className={`badge notice-${status}`}>{l('noticeStatus', status)}</span>;
};

/**
 * The notices to the complainant of one complaint (书面通知客户): which notice, by which
 * channel, how it went — never the address. Staff who deal with the complainant may send the
 * failed ones again and print the letters.
 */
export const ComplainantNotices = ({ complaintId, tick = 0 }: { complaintId: string; tick?: number }) => {
  const { t, l } = useI18n();
  const me = useMe();
  const [retried, setRetried] = useState<number | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { data, error, loading, reload } = useLoad((signal) => api.complaintNotices(complaintId, signal), [complaintId, tick]);
  const mayAct = CONTACT_ROLES.includes(me.role);
  const items = data?.items ?? [];
  const retry = async () => {
    setBusy(true);
    setActionError(null);
    try {
      setRetried((await api.retryNotices(complaintId)).retried);
      reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  const printLetter = (template: string) =>
    api.download(`/complaints/${complaintId}/notices/letter`, { template }, `notice-${template}.pdf`).catch((e: unknown) => setActionError(e));
  return (
    <div data-testid="complainant-notices">
      {loading && !data && <Spinner />}
      <ErrorBanner error={error ?? actionError} onRetry={reload} />
      {data && items.length === 0 && <p className="empty">{t('notices.empty')}</p>}
      {items.length > 0 && (
        <ul className="notice-list">
          {items.map((n) => (
            <li key={n.id} className="notice-row" data-testid="notice-row" data-status={n.status} data-channel={n.channel} data-template={n.template}>
              <span className="notice-what">
                {l('noticeTemplate', n.template)} · {l('noticeChannel', n.channel)}
              </span>
              <NoticeStatusBadge status={n.status} />
              <span className="muted small">
                <DateTime iso={n.sentAt ?? n.createdAt} />
                {n.attempts > 1 && ` · ${t('notices.attempts', { n: n.attempts })}`}
                {/* The channel's own diagnostic (a gateway's or mail server's words): shown as data, and not for a channel that is off (its status says so). */}
                {n.lastError && n.status !== 'sent' && n.status !== 'off' && (
                  <>
                    {' · '}
                    <code className="diagnostic">{n.lastError}</code>
                  </>
                )}
              </span>
              {mayAct && n.channel === 'letter' && (n.status === 'ready' || n.status === 'sent') && (
                <button type="button" className="btn btn-small" onClick={() => void printLetter(n.template)} data-testid="notice-letter">
                  {t('notices.letter')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayAct && items.some((n) => n.status === 'failed') && (
        <button type="button" className="btn btn-primary btn-small" onClick={() => void retry()} disabled={busy} data-testid="notice-retry">
          {t('notices.retry')}
        </button>
      )}
      {retried !== null && (
        <p className="muted small" role="status">
          {t('notices.retried', { n: retried })}
        </p>
      )}
    </div>
  );
};

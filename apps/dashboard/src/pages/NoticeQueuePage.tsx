import { api } from '../api/client';
import { NoticeStatusBadge } from '../components/ComplainantNotices';
import { Card, DateTime, ErrorBanner, Spinner, useLoad } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';
import { useSession } from '../session';

/** The CS assistants' queue of complainant notices whose retries ran out (GET /api/complainant-notices). */
export const NoticeQueuePage = () => {
  const { t, l, site } = useI18n();
  const { siteId } = useSession();
  const { data, error, loading, reload } = useLoad((signal) => api.noticeQueue({ siteId: siteId || undefined, status: 'failed' }, signal), [siteId]);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('notices.queue.title')}</h1>
          <p className="muted">{t('notices.queue.hint')}</p>
        </div>
        <button type="button" className="btn" onClick={reload}>
          {t('common.refresh')}
        </button>
      </div>
      <Card
        testId="notice-queue"
        title={
          <>
            {t('notices.queue.title')} {data && <span className="count">{data.total}</span>}
          </>
        }
      >
        {loading && !data && <Spinner />}
        <ErrorBanner error={error} onRetry={reload} />
        {data && data.items.length === 0 && <p className="empty">{t('notices.queue.empty')}</p>}
        {data && data.items.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th>{t('notices.col.complaint')}</th>
                <th>{t('notices.col.template')}</th>
                <th>{t('notices.col.channel')}</th>
                <th>{t('notices.col.status')}</th>
                <th>{t('notices.col.error')}</th>
                <th>{t('notices.col.time')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((n) => (
                <tr key={n.id} data-testid="notice-queue-row">
                  <td>
                    <Link to={`/complaints/${n.complaintId}`}>{n.number}</Link>
                    <div className="muted small">{site(n.siteId)}</div>
                  </td>
                  <td>{l('noticeTemplate', n.template)}</td>
                  <td>{l('noticeChannel', n.channel)}</td>
                  <td>
                    <NoticeStatusBadge status={n.status} /> <span className="muted small">{t('notices.attempts', { n: n.attempts })}</span>
                  </td>
                  <td>{n.lastError ? <code className="diagnostic">{n.lastError}</code> : '—'}</td>
                  <td>
                    <DateTime iso={n.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
};

import { useState } from 'react';
import { desk } from '../api/desk';
import { SitePicker } from '../components/Layout';
import { Card, DateTime, ErrorBanner, Notice, Spinner, useLoad } from '../components/ui';
import { useI18n, type MsgKey } from '../i18n/i18n';
import { DISCLOSURE_APPROVER_ROLES } from '../lib/permissions';
import { useSession } from '../session';

/** The previous month (YYYY-MM): the notice is made once a month is over. */
export const previousMonth = (now = new Date()): string => {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

/** 公示: a site's monthly notice of common-area complaints, printable, with its approval by the CS centre manager. */
export const DisclosurePage = () => {
  const { t, l, site } = useI18n();
  const { me, siteId } = useSession();
  const [month, setMonth] = useState(previousMonth());
  const notice = useLoad((signal) => (siteId ? desk.disclosure(siteId, month, signal) : Promise.resolve(undefined)), [siteId, month]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const approver = !!me && DISCLOSURE_APPROVER_ROLES.includes(me.role);
  const data = notice.data;

  const approve = async () => {
    if (!data) return;
    setError(undefined);
    try {
      await desk.approveDisclosure(data.siteId, data.month, data.contentHash);
      setDone(true);
      notice.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="page disclosure-page" data-testid="disclosure-page">
      <Card
        className="no-print"
        title={t('disclosure.title')}
        actions={
          <>
            <SitePicker allowAll={false} id="disclosure-site" />
            <label htmlFor="disclosure-month" className="sr-only">
              {t('disclosure.month')}
            </label>
            <input id="disclosure-month" type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} />
          </>
        }
      >
        <p className="muted">{t('disclosure.intro')}</p>
      </Card>
      {!siteId && <Notice>{t('disclosure.pickSite')}</Notice>}
      {notice.error ? <ErrorBanner error={notice.error} onRetry={notice.reload} /> : null}
      {notice.loading && !data ? <Spinner /> : null}
      {data && (
        <section className="card printable" data-testid="disclosure-notice" data-status={data.status}>
          <h1 className="print-title">{t('disclosure.title')}</h1>
          <p className="print-sub">
            {site(data.siteId)} · {data.month}
          </p>
          <p className={`no-print desk-badge desk-badge-${data.status}`} data-testid="disclosure-status">
            {t(`disclosure.status.${data.status}` as MsgKey)}
          </p>
          {data.items.length === 0 ? (
            <p>{t('disclosure.empty')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('disclosure.number')}</th>
                  <th>{t('disclosure.receivedOn')}</th>
                  <th>{t('disclosure.location')}</th>
                  <th>{t('disclosure.subject')}</th>
                  <th>{t('disclosure.outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((i) => (
                  <tr key={i.number} data-testid="disclosure-row">
                    <td>{i.number}</td>
                    <td>{i.receivedOn}</td>
                    <td>{i.location ?? '—'}</td>
                    <td>
                      {i.title}
                      {i.category ? <div className="muted">{l('category', i.category)}</div> : null}
                    </td>
                    <td>
                      {t(`disclosure.outcome.${i.outcome}` as MsgKey)}
                      {i.closedOn ? ` (${i.closedOn})` : ''}
                      {i.result ? <div>{i.result}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data.approval && (
            <p className="muted">
              {t('disclosure.approvedBy', { who: data.approval.approvedBy, time: '' })}
              <DateTime iso={data.approval.approvedAt} />
            </p>
          )}
          <p className="muted hash">
            {t('disclosure.hash')}: <code>{data.contentHash}</code>
          </p>
          <div className="no-print card-actions">
            <button type="button" className="btn" onClick={() => window.print()} disabled={data.status !== 'published'}>
              {t('disclosure.print')}
            </button>
            <button type="button" className="btn" onClick={() => void desk.disclosurePdf(data.siteId, data.month).catch(setError)}>
              {t('disclosure.pdf')}
            </button>
            {approver && data.status !== 'published' && (
              <button type="button" className="btn btn-primary" onClick={() => void approve()} data-testid="disclosure-approve">
                {t('disclosure.approve')}
              </button>
            )}
          </div>
          {done && <Notice kind="success">{t('disclosure.approved')}</Notice>}
          <ErrorBanner error={error} />
        </section>
      )}
    </div>
  );
};

export default DisclosurePage;

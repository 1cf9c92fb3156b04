import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import { Card, DateTime, ErrorBanner, Spinner, StatusBadge, TimeLeft, useLoad } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { queueFor, type QueueRow, type QueueSection } from '../lib/queues';
import { useLiveTick } from '../live';
import { Link } from '../router';
import { useMe, useSession } from '../session';

const hrefFor = (row: QueueRow, link: QueueSection['link']) =>
  link === 'triage' ? `/complaints/${row.id}/triage` : link === 'audit' ? `/complaints/${row.id}/audit` : `/complaints/${row.id}`;

export const QueueRowItem = ({ row, link }: { row: QueueRow; link: QueueSection['link'] }) => {
  const { t, l, site } = useI18n();
  return (
    <li>
      <Link to={hrefFor(row, link)} className="queue-row" data-testid="queue-row" data-number={row.number}>
        <div className="queue-row-main">
          <div className="queue-row-top">
            <span className="number">{row.number}</span>
            <StatusBadge status={row.status} />
            {row.major && <span className="badge badge-major">{t('complaint.major')}</span>}
            {row.overdue.length > 0 && <span className="badge badge-overdue">{t('complaint.overdue')}</span>}
            {row.escalationLevel > 0 && <span className="badge badge-level">L{row.escalationLevel}</span>}
          </div>
          <div className="queue-row-title">{row.title || '—'}</div>
          <div className="queue-row-meta">
            {row.category && <span>{l('category', row.category)}</span>}
            {row.department && <span>{l('department', row.department)}</span>}
            <span>{site(row.siteId)}</span>
            {row.receivedAt && (
              <span>
                {t('complaint.receivedAt')} <DateTime iso={row.receivedAt} />
              </span>
            )}
            {row.callback && row.callback.attempts > 0 && <span>{t('queue.attempts', { n: row.callback.attempts })}</span>}
          </div>
        </div>
        {row.nextDue && (
          <div className="queue-row-due">
            <div className="muted small">{l('deadline', row.nextDue.name)}</div>
            <TimeLeft due={row.nextDue.at} />
            <div className="muted small">
              <DateTime iso={row.nextDue.at} />
            </div>
          </div>
        )}
        {link === 'triage' && <span className="btn btn-primary btn-small queue-cta">{t('queue.triageNow')}</span>}
      </Link>
    </li>
  );
};

const Section = ({ section, tick }: { section: QueueSection; tick: number }) => {
  const { t, l } = useI18n();
  const { data, error, loading, reload } = useLoad((signal) => section.load(api, signal), [section, tick]);
  const hintVars = section.hint?.vars
    ? Object.fromEntries(Object.entries(section.hint.vars).map(([k, v]) => [k, k === 'role' ? l('role', v) : k === 'dept' ? v.split(', ').map((d) => l('department', d)).join('、') : v]))
    : undefined;
  return (
    <Card
      testId={`queue-${section.key}`}
      title={
        <>
          {t(section.title)} {data && <span className="count">{data.length}</span>}
        </>
      }
      className="queue-card"
    >
      {section.hint && <p className="muted small">{t(section.hint.key, hintVars)}</p>}
      {loading && !data && <Spinner />}
      <ErrorBanner error={error} onRetry={reload} />
      {data && data.length === 0 && <p className="empty">{t('queue.empty')}</p>}
      {data && data.length > 0 && (
        <ul className="queue-list">
          {data.map((row) => (
            <QueueRowItem key={`${section.key}-${row.id}`} row={row} link={section.link} />
          ))}
        </ul>
      )}
    </Card>
  );
};

export const QueuePage = ({ refreshMs = 60_000 }: { refreshMs?: number }) => {
  const { t, l } = useI18n();
  const me = useMe();
  const { siteId } = useSession();
  const sections = useMemo(() => queueFor(me, siteId), [me, siteId]);
  const [tick, setTick] = useState(0);
  // Reloads when the live stream announces a change on the site shown (or reconnects).
  const live = useLiveTick((c) => !siteId || c.siteId === siteId);
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('queue.title')}</h1>
          <p className="muted">
            {t('queue.hello', { name: me.name ?? me.username })} · {l('role', me.role)}
            {me.departments.length > 0 && ` · ${me.departments.map((d) => l('department', d)).join('、')}`}
          </p>
        </div>
        <button type="button" className="btn" onClick={() => setTick((n) => n + 1)}>
          {t('common.refresh')}
        </button>
      </div>
      <div className="queue-grid">
        {sections.map((s) => (
          <Section key={s.key} section={s} tick={tick + live} />
        ))}
      </div>
    </div>
  );
};

import { Fragment, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { HistoryEvent, Verification } from '../api/types';
import { actorOf, useEventSummary } from '../components/Timeline';
import { Card, DateTime, ErrorBanner, Notice, Spinner, StatusBadge, useLoad } from '../components/ui';
import { formatDateTime, useI18n } from '../i18n/i18n';
import { isoToLocal, localToIso } from '../lib/validation';
import { Facts, Deadlines } from './ComplaintPage';
import { Link } from '../router';

const GENESIS = '0'.repeat(64);

export type LinkStatus = 'ok' | 'broken' | 'afterBreak';

/**
 * Per event: does its prevHash name the previous event's hash (the first one: the genesis
 * hash)? The server's verification recomputes every hash; events from its `brokenAt` on are
 * not vouched for.
 */
export const linkStatuses = (events: HistoryEvent[], verification?: Verification | null): LinkStatus[] => {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let previous = GENESIS;
  return sorted.map((e) => {
    const linked = !!e.hash && (e.prevHash ?? GENESIS) === previous;
    previous = e.hash ?? '';
    if (verification && !verification.valid && verification.brokenAt !== undefined) {
      if (e.seq === verification.brokenAt) return 'broken';
      if (e.seq > verification.brokenAt) return 'afterBreak';
    }
    return linked ? 'ok' : 'broken';
  });
};

const short = (hash: string | null) => (hash ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : '—');

export const AuditPage = ({ id }: { id: string }) => {
  const { t, l } = useI18n();
  const summarize = useEventSummary();
  const [asOfInput, setAsOfInput] = useState('');
  const [asOf, setAsOf] = useState<string | undefined>(undefined);
  const [openRow, setOpenRow] = useState<number | null>(null);
  const view = useLoad((signal) => api.complaint(id, signal), [id]);
  const verification = useLoad((signal) => api.verify(id, signal), [id]);
  const history = useLoad((signal) => api.history(id, asOf, signal), [id, asOf]);

  const showAsOf = (e: FormEvent) => {
    e.preventDefault();
    setAsOf(localToIso(asOfInput));
  };

  const events = history.data?.events ?? [];
  const statuses = linkStatuses(events, verification.data);
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const state = history.data?.stateAsOf;

  return (
    <div className="page" data-testid="audit-page">
      <div className="page-head">
        <div>
          <h1>
            {t('audit.title')} {view.data && <span className="number">· {view.data.number}</span>}
          </h1>
          {view.data && <p className="muted">{view.data.title}</p>}
        </div>
        <Link to={`/complaints/${id}`} className="btn">
          {t('common.details')}
        </Link>
      </div>
      <ErrorBanner error={view.error} />
      <Card
        title={t('audit.verify')}
        actions={
          <button type="button" className="btn btn-small" onClick={verification.reload}>
            {t('audit.verify.run')}
          </button>
        }
        testId="verification"
      >
        {verification.loading && <Spinner />}
        <ErrorBanner error={verification.error} />
        {verification.data &&
          (verification.data.valid ? (
            <div className="verdict verdict-ok" data-testid="verdict">
              ✔ {t('audit.verify.valid', { n: verification.data.events })}
            </div>
          ) : (
            <div className="verdict verdict-bad" data-testid="verdict">
              ✘ {t('audit.verify.broken', { seq: verification.data.brokenAt ?? '?', reason: verification.data.reason ?? '' })}
            </div>
          ))}
      </Card>
      <Card title={t('audit.asOf')}>
        <form className="asof" onSubmit={showAsOf}>
          <input type="datetime-local" step={1} value={asOfInput} onChange={(e) => setAsOfInput(e.target.value)} aria-label={t('audit.asOf')} data-testid="asof-input" />
          <button type="submit" className="btn btn-primary" disabled={!asOfInput} data-testid="asof-show">
            {t('audit.asOf.show')}
          </button>
          {asOf && (
            <button
              type="button"
              className="btn"
              onClick={() => {
                setAsOf(undefined);
                setAsOfInput('');
              }}
            >
              {t('audit.asOf.clear')}
            </button>
          )}
        </form>
        {asOf && history.data && (
          <div className="asof-state" data-testid="asof-state">
            <h3>{t('audit.asOf.state', { time: formatDateTime(asOf, { seconds: true }) })}</h3>
            <p className="muted small">{t('audit.eventsUntil', { n: events.length })}</p>
            {state ? (
              <div className="grid-2">
                <div>
                  <div className="summary-head">
                    <StatusBadge status={state.status} />
                    {state.major && <span className="badge badge-major">{t('complaint.major')}</span>}
                  </div>
                  <Facts view={state} />
                </div>
                <div>
                  <h4>{t('detail.deadlines')}</h4>
                  <Deadlines view={state} at={asOf ? new Date(asOf).getTime() : undefined} />
                </div>
              </div>
            ) : (
              <Notice>{t('audit.asOf.none')}</Notice>
            )}
          </div>
        )}
      </Card>
      <Card title={asOf && history.data ? t('audit.eventsUntil', { n: events.length }) : t('audit.history')}>
        {history.loading && <Spinner />}
        <ErrorBanner error={history.error} onRetry={history.reload} />
        {sorted.length > 0 && (
          <div className="table-wrap">
            <table className="table audit-table" data-testid="audit-table">
              <thead>
                <tr>
                  <th>{t('audit.seq')}</th>
                  <th>{t('audit.type')}</th>
                  <th>{t('audit.at')}</th>
                  <th>{t('audit.actor')}</th>
                  <th>{t('audit.hash')}</th>
                  <th>{t('audit.link')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {sorted.map((e, i) => {
                  const actor = actorOf(e);
                  const status = statuses[i];
                  return (
                    <Fragment key={e.seq}>
                      <tr className={`link-${status}`}>
                        <td>{e.seq}</td>
                        <td>
                          <strong>{l('event', e.type)}</strong>
                          <div className="muted small">{summarize(e).join(' · ')}</div>
                        </td>
                        <td>
                          <DateTime iso={e.at} seconds />
                          {e.recordedAt && e.recordedAt.slice(0, 19) !== e.at.slice(0, 19) && (
                            <div className="muted small">
                              {t('audit.recordedAt')} <DateTime iso={e.recordedAt} seconds />
                            </div>
                          )}
                        </td>
                        <td>
                          {actor.name ?? actor.id ?? '—'}
                          <div className="muted small">{l('role', actor.role)}</div>
                        </td>
                        <td>
                          <code title={e.hash ?? ''}>{short(e.hash)}</code>
                          <div className="muted small">
                            ← <code title={e.prevHash ?? ''}>{short(e.prevHash)}</code>
                          </div>
                        </td>
                        <td>
                          <span className={`link-badge link-badge-${status}`} title={t(`audit.link.${status}`)}>
                            {status === 'ok' ? '✔' : status === 'broken' ? '✘' : '?'} {t(`audit.link.${status}`)}
                          </span>
                        </td>
                        <td>
                          <div className="row-buttons">
                            <button type="button" className="btn btn-small" onClick={() => setOpenRow(openRow === e.seq ? null : e.seq)} aria-expanded={openRow === e.seq}>
                              {t('audit.showData')}
                            </button>
                            <button
                              type="button"
                              className="btn btn-small"
                              onClick={() => {
                                const at = e.recordedAt ?? e.at;
                                setAsOfInput(isoToLocal(at, true));
                                setAsOf(at);
                              }}
                            >
                              {t('audit.stateAfter')}
                            </button>
                          </div>
                        </td>
                      </tr>
                      {openRow === e.seq && (
                        <tr className="data-row">
                          <td colSpan={7}>
                            <pre>{JSON.stringify(e.data, null, 2)}</pre>
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
};

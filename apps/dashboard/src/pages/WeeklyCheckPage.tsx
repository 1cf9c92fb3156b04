import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { desk, type WeeklyCheck } from '../api/desk';
import { SitePicker } from '../components/Layout';
import { Card, DateTime, ErrorBanner, Notice, Spinner, StatusBadge, useLoad } from '../components/ui';
import { useI18n, type MsgKey } from '../i18n/i18n';
import { WEEKLY_CHECK_ROLES } from '../lib/permissions';
import { Link } from '../router';
import { useSession } from '../session';

const CHASE_CHAIN = ['cs_supervisor', 'cs_manager', 'general_manager'];

const FindingForm = ({ siteId, week, item, onDone }: { siteId: string; week: string; item: WeeklyCheck['agenda'][number]; onDone: () => void }) => {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<'ok' | 'issue'>(item.finding?.outcome ?? 'ok');
  const [note, setNote] = useState(item.finding?.note ?? '');
  const [error, setError] = useState<unknown>();
  const save = async () => {
    setError(undefined);
    try {
      await desk.recordFinding(siteId, week, { complaintId: item.complaintId, outcome, ...(note.trim() ? { note: note.trim() } : {}) });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  const noteProblems = error instanceof ApiError ? error.problemsFor('note') : [];
  return (
    <div className="finding-form">
      <select aria-label={t('weeklyCheck.week')} value={outcome} onChange={(e) => setOutcome(e.target.value as 'ok' | 'issue')} data-testid={`finding-outcome-${item.number}`}>
        <option value="ok">{t('weeklyCheck.ok')}</option>
        <option value="issue">{t('weeklyCheck.issue')}</option>
      </select>
      <input aria-label={t('weeklyCheck.note')} placeholder={t('weeklyCheck.note')} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} data-testid={`finding-note-${item.number}`} />
      <button type="button" className="btn btn-small" onClick={() => void save()} data-testid={`finding-save-${item.number}`}>
        {t('weeklyCheck.record')}
      </button>
      {noteProblems.map((p) => (
        <div key={p} className="field-error" role="alert">
          {p}
        </div>
      ))}
      {error && noteProblems.length === 0 ? <ErrorBanner error={error} /> : null}
    </div>
  );
};

/** 每周检查: the site's recent weeks, and the chosen week's checklist with the supervisor's findings. */
export const WeeklyCheckPage = () => {
  const { t, l } = useI18n();
  const { me, siteId } = useSession();
  const checker = !!me && WEEKLY_CHECK_ROLES.includes(me.role);
  const weeks = useLoad((signal) => (siteId ? desk.weeks(siteId, signal) : Promise.resolve(undefined)), [siteId]);
  const [week, setWeek] = useState<string>();
  useEffect(() => {
    // Open the oldest week still to be checked, else the current one.
    if (weeks.data && !week) setWeek((weeks.data.find((w) => w.status === 'overdue' || w.status === 'due') ?? weeks.data[0])?.week);
  }, [weeks.data, week]);
  const check = useLoad((signal) => (siteId && week ? desk.week(siteId, week, signal) : Promise.resolve(undefined)), [siteId, week]);
  const [error, setError] = useState<unknown>();
  const reload = () => {
    check.reload();
    weeks.reload();
  };
  const complete = async () => {
    if (!siteId || !week) return;
    setError(undefined);
    try {
      await desk.completeWeek(siteId, week);
      reload();
    } catch (err) {
      setError(err);
    }
  };
  const data = check.data;

  return (
    <div className="page" data-testid="weekly-check-page">
      <Card title={t('weeklyCheck.title')} actions={<SitePicker allowAll={false} id="weekly-site" />}>
        <p className="muted">{t('weeklyCheck.intro')}</p>
        {!siteId && <Notice>{t('disclosure.pickSite')}</Notice>}
        {weeks.error ? <ErrorBanner error={weeks.error} onRetry={weeks.reload} /> : null}
        {weeks.data && (
          <ul className="week-list" data-testid="week-list">
            {weeks.data.map((w) => (
              <li key={w.week} className={w.week === week ? 'active' : ''} data-status={w.status}>
                <button type="button" className="btn btn-ghost" onClick={() => setWeek(w.week)} aria-pressed={w.week === week}>
                  <strong>{w.week}</strong> <span className="muted">{t('weeklyCheck.range', { from: w.from, to: w.to })}</span>{' '}
                  <span className={`desk-badge desk-badge-${w.status}`}>{t(`weeklyCheck.status.${w.status}` as MsgKey)}</span>
                  {w.chaseLevel !== null && <span className="desk-badge desk-badge-overdue">{t('weeklyCheck.chased', { role: l('role', CHASE_CHAIN[w.chaseLevel] ?? '') })}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {check.loading && !data ? <Spinner /> : null}
      {check.error ? <ErrorBanner error={check.error} onRetry={check.reload} /> : null}
      {data && (
        <Card title={`${t('weeklyCheck.agenda')} · ${data.week}`} testId="weekly-agenda">
          <p className="muted">
            {t('weeklyCheck.due')} <DateTime iso={data.dueAt} /> · {t('weeklyCheck.findings', { n: data.findings, issues: data.issues })}
          </p>
          {data.status === 'completed' && <Notice kind="success">{t('weeklyCheck.completed')}</Notice>}
          {data.agenda.length === 0 ? (
            <p>{t('weeklyCheck.empty')}</p>
          ) : (
            <table className="table">
              <tbody>
                {data.agenda.map((item) => (
                  <tr key={item.complaintId} data-testid="agenda-row" data-number={item.number}>
                    <td>
                      <Link to={`/complaints/${item.complaintId}`}>{item.number}</Link>
                      <div>{item.title}</div>
                    </td>
                    <td>
                      {item.status && <StatusBadge status={item.status} />}
                      <div className="muted">{item.reasons.map((r) => t(`weeklyCheck.reason.${r}` as MsgKey)).join(' · ')}</div>
                    </td>
                    <td data-testid="finding">
                      {item.finding ? (
                        <span className={`desk-badge desk-badge-${item.finding.outcome}`}>
                          {t(item.finding.outcome === 'ok' ? 'weeklyCheck.ok' : 'weeklyCheck.issue')}
                          {item.finding.note ? `：${item.finding.note}` : ''}
                        </span>
                      ) : (
                        <span className="muted">{t('weeklyCheck.notChecked')}</span>
                      )}
                      {checker && data.status !== 'completed' && siteId && <FindingForm siteId={siteId} week={data.week} item={item} onDone={reload} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {checker && data.status !== 'completed' && (
            <button type="button" className="btn btn-primary" onClick={() => void complete()} data-testid="weekly-complete">
              {t('weeklyCheck.complete')}
            </button>
          )}
          <ErrorBanner error={error} />
        </Card>
      )}
    </div>
  );
};

export default WeeklyCheckPage;

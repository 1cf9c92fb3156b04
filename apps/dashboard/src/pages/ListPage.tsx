import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { Card, DateTime, ErrorBanner, Pager, Spinner, StatusBadge, TimeLeft, useLoad } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { DEPARTMENTS, NATURES, STATUSES } from '../i18n/labels';
import { nextDeadline } from '../lib/queues';
import { localToIso } from '../lib/validation';
import { Link } from '../router';
import { useSession } from '../session';

type Filters = { status: string; department: string; nature: string; major: boolean; overdue: boolean; q: string; from: string; to: string };
const EMPTY: Filters = { status: '', department: '', nature: '', major: false, overdue: false, q: '', from: '', to: '' };
const PAGE_SIZE = 20;

/** Every complaint the user may see, with the list endpoint's filters; `mode="audit"` links to the audit view. */
export const ListPage = ({ mode = 'detail' }: { mode?: 'detail' | 'audit' }) => {
  const { t, l, site } = useI18n();
  const { siteId } = useSession();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useLoad(
    (signal) =>
      api.listComplaints(
        {
          siteId: siteId || undefined,
          status: filters.status || undefined,
          department: filters.department || undefined,
          nature: filters.nature || undefined,
          major: filters.major || undefined,
          overdue: filters.overdue || undefined,
          q: filters.q.trim() || undefined,
          from: localToIso(filters.from),
          to: localToIso(filters.to),
          page,
          pageSize: PAGE_SIZE,
        },
        signal,
      ),
    [siteId, filters, page],
  );
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setPage(1);
    setFilters(draft);
  };
  return (
    <div className="page">
      <div className="page-head">
        <h1>{mode === 'audit' ? t('audit.title') : t('list.title')}</h1>
      </div>
      {mode === 'audit' && <p className="muted">{t('audit.pick')}</p>}
      <Card>
        <form className="filters" onSubmit={apply} aria-label={t('common.search')}>
          <label>
            <span>{t('complaint.status')}</span>
            <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
              <option value="">{t('common.all')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {l('status', s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('complaint.department')}</span>
            <select value={draft.department} onChange={(e) => setDraft({ ...draft, department: e.target.value })}>
              <option value="">{t('common.all')}</option>
              {DEPARTMENTS.map((d) => (
                <option key={d} value={d}>
                  {l('department', d)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('complaint.nature')}</span>
            <select value={draft.nature} onChange={(e) => setDraft({ ...draft, nature: e.target.value })}>
              <option value="">{t('common.all')}</option>
              {NATURES.map((n) => (
                <option key={n} value={n}>
                  {l('nature', n)}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            <span>{t('list.q')}</span>
            <input value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
          </label>
          <label>
            <span>{t('list.from')}</span>
            <input type="datetime-local" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          </label>
          <label>
            <span>{t('list.to')}</span>
            <input type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
          </label>
          <label className="checkbox-inline">
            <input type="checkbox" checked={draft.major} onChange={(e) => setDraft({ ...draft, major: e.target.checked })} />
            {t('list.major')}
          </label>
          <label className="checkbox-inline">
            <input type="checkbox" checked={draft.overdue} onChange={(e) => setDraft({ ...draft, overdue: e.target.checked })} />
            {t('list.overdue')}
          </label>
          <div className="filter-buttons">
            <button type="submit" className="btn btn-primary">
              {t('common.search')}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setDraft(EMPTY);
                setFilters(EMPTY);
                setPage(1);
              }}
            >
              {t('common.reset')}
            </button>
          </div>
        </form>
      </Card>
      <Card>
        {loading && <Spinner />}
        <ErrorBanner error={error} onRetry={reload} />
        {data && data.items.length === 0 && <p className="empty">{t('list.empty')}</p>}
        {data && data.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="complaint-table">
              <thead>
                <tr>
                  <th>{t('complaint.number')}</th>
                  <th>{t('complaint.title')}</th>
                  <th>{t('complaint.status')}</th>
                  <th>{t('complaint.category')}</th>
                  <th>{t('complaint.department')}</th>
                  <th>{t('complaint.site')}</th>
                  <th>{t('complaint.receivedAt')}</th>
                  <th>{t('queue.nextDue')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((v) => {
                  const due = nextDeadline(v);
                  return (
                    <tr key={v.id}>
                      <td>
                        <Link to={mode === 'audit' ? `/complaints/${v.id}/audit` : `/complaints/${v.id}`} className="number">
                          {v.number}
                        </Link>
                      </td>
                      <td>
                        {v.title}
                        {v.major && <span className="badge badge-major">{t('complaint.major')}</span>}
                      </td>
                      <td>
                        <StatusBadge status={v.status} />
                      </td>
                      <td>{l('category', v.category)}</td>
                      <td>{l('department', v.department)}</td>
                      <td>{site(v.siteId)}</td>
                      <td>
                        <DateTime iso={v.receivedAt} />
                      </td>
                      <td>
                        {due ? (
                          <>
                            <span className="muted small">{l('deadline', due.name)}</span> <TimeLeft due={due.at} />
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {data && <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={setPage} />}
      </Card>
    </div>
  );
};

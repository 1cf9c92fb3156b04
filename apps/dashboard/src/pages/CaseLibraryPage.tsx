import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { desk, type TypicalCase } from '../api/desk';
import { Card, DateTime, ErrorBanner, Field, Notice, Spinner, useLoad } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { CATEGORIES } from '../i18n/labels';
import { TYPICAL_CASE_ROLES } from '../lib/permissions';
import { Link, useRouter } from '../router';
import { useSession } from '../session';

const TEXTS = ['summary', 'cause', 'lessons'] as const;

/** 案例库: search the group's typical cases; managers mark closed complaints and take cases out. */
export const CaseLibraryPage = () => {
  const { t, l } = useI18n();
  const { me } = useSession();
  const { search } = useRouter();
  const manager = !!me && TYPICAL_CASE_ROLES.includes(me.role);
  const [category, setCategory] = useState('');
  const [keyword, setKeyword] = useState('');
  const [query, setQuery] = useState({ category: '', q: '' });
  const cases = useLoad((signal) => desk.searchCases({ category: query.category || undefined, q: query.q || undefined }, signal), [query.category, query.q]);

  const [form, setForm] = useState({ complaintId: new URLSearchParams(search).get('complaintId') ?? '', summary: '', cause: '', lessons: '' });
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const server = (field: string) => (error instanceof ApiError ? error.problemsFor(field) : []);

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ category, q: keyword.trim() });
  };
  const onMark = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await desk.markCase({ complaintId: form.complaintId.trim(), summary: form.summary, cause: form.cause, lessons: form.lessons });
      setDone(t('caseLibrary.marked'));
      setForm({ complaintId: '', summary: '', cause: '', lessons: '' });
      cases.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const onUnmark = async (c: TypicalCase) => {
    const reason = window.prompt(t('caseLibrary.unmarkReason'));
    if (!reason) return;
    try {
      await desk.unmarkCase(c.complaintId, reason);
      setDone(t('caseLibrary.unmarked'));
      cases.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="page" data-testid="case-library-page">
      <Card title={t('caseLibrary.title')}>
        <p className="muted">{t('caseLibrary.intro')}</p>
        <form className="filters" onSubmit={onSearch} role="search">
          <Field label={t('caseLibrary.category')} htmlFor="case-category">
            <select id="case-category" value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {l('category', c)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('caseLibrary.keyword')} htmlFor="case-keyword">
            <input id="case-keyword" value={keyword} onChange={(e) => setKeyword(e.target.value)} maxLength={200} />
          </Field>
          <button type="submit" className="btn btn-primary">
            {t('common.search')}
          </button>
        </form>
      </Card>
      {done && <Notice kind="success">{done}</Notice>}
      {cases.error ? <ErrorBanner error={cases.error} onRetry={cases.reload} /> : null}
      {cases.loading && !cases.data ? <Spinner /> : null}
      {cases.data && (
        <div data-testid="case-results">
          <p className="muted">{t('common.total', { n: cases.data.total })}</p>
          {cases.data.items.length === 0 && <Notice>{t('caseLibrary.empty')}</Notice>}
          {cases.data.items.map((c) => (
            <Card
              key={c.complaintId}
              testId="case-item"
              title={
                <>
                  {c.title} <span className="muted">{c.number}</span>
                </>
              }
              actions={
                manager ? (
                  <button type="button" className="btn btn-small" onClick={() => void onUnmark(c)}>
                    {t('caseLibrary.unmark')}
                  </button>
                ) : undefined
              }
            >
              <p className="muted">
                {c.category ? `${l('category', c.category)} · ` : ''}
                {t('caseLibrary.markedAt')} <DateTime iso={c.markedAt} />
              </p>
              <dl className="case-text">
                {TEXTS.map((k) => (
                  <div key={k}>
                    <dt>{t(`caseLibrary.${k}`)}</dt>
                    <dd>{c[k]}</dd>
                  </div>
                ))}
              </dl>
            </Card>
          ))}
        </div>
      )}
      {manager && (
        <Card title={t('caseLibrary.markTitle')} testId="case-mark">
          <form onSubmit={(e) => void onMark(e)} noValidate>
            <Notice kind="warn">{t('caseLibrary.noPersonal')}</Notice>
            <Field label={t('caseLibrary.complaintId')} htmlFor="case-complaint" required serverProblems={server('complaintId')}>
              <input id="case-complaint" value={form.complaintId} onChange={(e) => setForm({ ...form, complaintId: e.target.value })} />
            </Field>
            {TEXTS.map((k) => (
              <Field key={k} label={t(`caseLibrary.${k}`)} htmlFor={`case-${k}`} required serverProblems={server(k)}>
                <textarea id={`case-${k}`} rows={3} value={form[k]} maxLength={4000} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
              </Field>
            ))}
            <ErrorBanner error={error} shownFields={['complaintId', ...TEXTS]} />
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {t('caseLibrary.mark')}
            </button>
            {form.complaintId && (
              <>
                {' '}
                <Link to={`/complaints/${form.complaintId.trim()}`}>{t('caseLibrary.open')}</Link>
              </>
            )}
          </form>
        </Card>
      )}
    </div>
  );
};

export default CaseLibraryPage;

import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { ComplaintView, TriageSuggestion } from '../api/types';
import { Card, DateTime, ErrorBanner, Field, Notice, Spinner, StatusBadge, useFormErrors } from '../components/ui';
import { useI18n, type Lang } from '../i18n/i18n';
import { renderTriageReason } from '../i18n/labels';
import { CATEGORIES, DEPARTMENTS, INVALID_REASONS, MAJOR_REASONS, NATURES, SEVERITIES, URGENCIES } from '../i18n/labels';
import { allowedActions, factsFromHistory } from '../lib/permissions';
import { useComplaint } from '../lib/useComplaint';
import { hasProblems, triageBody, validateTriage, validateReason, type TriageForm as TriageFormState } from '../lib/validation';
import { Link, useRouter } from '../router';

const TRIAGE_FIELDS = ['nature', 'severity', 'urgency', 'major', 'majorReasons', 'category', 'department', 'assignee', 'note', 'invalidReason'];

export const formFromSuggestion = (s: TriageSuggestion | null, view?: ComplaintView | null): TriageFormState => ({
  nature: s?.nature ?? view?.nature ?? '',
  severity: s?.severity ?? view?.severity ?? '',
  urgency: s?.urgency ?? view?.urgency ?? '',
  major: s?.major ?? view?.major ?? false,
  majorReasons: (s?.majorReasons ?? []).filter((r) => r !== 'severity'),
  category: s?.category ?? view?.category ?? '',
  department: s?.department ?? view?.department ?? '',
  assignee: '',
  note: '',
  invalidReason: '',
});

/** A reason of the suggestion in the reader's language, from its code and parameters (docs/api.md: `explanations`), by the shared catalogue. */
export const explain = (e: NonNullable<TriageSuggestion['explanations']>[number], lang: Lang): string => renderTriageReason(lang, e);

/** The triage form: pre-filled from the suggestion, every field editable, the reasons shown. */
export const TriageForm = ({
  view,
  suggestion,
  onSubmit,
  busy,
  apiError,
}: {
  view: ComplaintView;
  suggestion: TriageSuggestion | null;
  onSubmit: (body: Record<string, unknown>) => void;
  busy?: boolean;
  apiError?: unknown;
}) => {
  const { t, l } = useI18n();
  const [form, setForm] = useState<TriageFormState>(() => formFromSuggestion(suggestion, view));
  const { problems, setProblems, clear } = useFormErrors();
  useEffect(() => setForm(formFromSuggestion(suggestion, view)), [suggestion, view]);
  const server = (field: string) => (apiError instanceof ApiError ? apiError.problemsFor(field) : []);
  const set = <K extends keyof TriageFormState>(k: K, v: TriageFormState[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    clear(k, ...(k === 'nature' ? ['major', 'severity', 'invalidReason'] : []));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = validateTriage(form);
    setProblems(p);
    if (!hasProblems(p)) onSubmit(triageBody(form));
  };

  const radios = (name: keyof TriageFormState, values: readonly string[], group: string) => (
    <div className="segmented" role="radiogroup" aria-label={t(`triage.${name}` as 'triage.nature')}>
      {values.map((v) => (
        <label key={v} className={form[name] === v ? 'on' : ''}>
          <input type="radio" name={`triage-${name}`} value={v} checked={form[name] === v} onChange={() => set(name, v as never)} />
          {l(group, v)}
          {suggestion && (suggestion as Record<string, unknown>)[name] === v && <span className="suggested" title={t('triage.suggestion')}>★</span>}
        </label>
      ))}
    </div>
  );

  return (
    <form onSubmit={submit} noValidate className="form" data-testid="triage-form" aria-label={t('triage.title')}>
      <ErrorBanner error={apiError} shownFields={TRIAGE_FIELDS} />
      <Field label={t('triage.nature')} problem={problems.nature} serverProblems={server('nature')} required>
        {radios('nature', NATURES, 'nature')}
      </Field>
      {form.nature === 'invalid' && (
        <Field label={t('triage.invalidReason')} htmlFor="triage-invalid-reason" problem={problems.invalidReason} serverProblems={server('invalidReason')}>
          <select id="triage-invalid-reason" value={form.invalidReason} onChange={(e) => set('invalidReason', e.target.value)}>
            <option value="">{t('common.choose')}</option>
            {INVALID_REASONS.map((r) => (
              <option key={r} value={r}>
                {l('invalidReason', r)}
              </option>
            ))}
          </select>
        </Field>
      )}
      <div className="grid-2">
        <Field label={t('triage.severity')} problem={problems.severity} serverProblems={server('severity')} required>
          {radios('severity', SEVERITIES, 'severity')}
        </Field>
        <Field label={t('triage.urgency')} problem={problems.urgency} serverProblems={server('urgency')} required>
          {radios('urgency', URGENCIES, 'urgency')}
        </Field>
        <Field label={t('triage.category')} htmlFor="triage-category" problem={problems.category} serverProblems={server('category')} required>
          <select id="triage-category" value={form.category} onChange={(e) => set('category', e.target.value)}>
            <option value="">{t('common.choose')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {l('category', c)}
              </option>
            ))}
            {form.category && !(CATEGORIES as readonly string[]).includes(form.category) && <option value={form.category}>{form.category}</option>}
          </select>
        </Field>
        <Field label={t('triage.department')} htmlFor="triage-department" problem={problems.department} serverProblems={server('department')} required>
          <select id="triage-department" value={form.department} onChange={(e) => set('department', e.target.value)}>
            <option value="">{t('common.choose')}</option>
            {DEPARTMENTS.map((d) => (
              <option key={d} value={d}>
                {l('department', d)}
              </option>
            ))}
            {form.department && !(DEPARTMENTS as readonly string[]).includes(form.department) && <option value={form.department}>{form.department}</option>}
          </select>
        </Field>
      </div>
      <Field label={t('complaint.major')} problem={problems.major} serverProblems={server('major')}>
        <label className="checkbox-inline">
          <input type="checkbox" checked={form.major} disabled={form.nature === 'invalid'} onChange={(e) => set('major', e.target.checked)} data-testid="triage-major" />
          {t('triage.major')}
        </label>
      </Field>
      {form.major && form.nature !== 'invalid' && (
        <Field label={t('triage.majorReasons')} problem={problems.majorReasons} serverProblems={server('majorReasons')}>
          <div className="chips">
            {MAJOR_REASONS.filter((r) => r !== 'severity').map((r) => (
              <label key={r} className={form.majorReasons.includes(r) ? 'chip on' : 'chip'}>
                <input
                  type="checkbox"
                  checked={form.majorReasons.includes(r)}
                  onChange={(e) => set('majorReasons', e.target.checked ? [...form.majorReasons, r] : form.majorReasons.filter((x) => x !== r))}
                />
                {l('majorReason', r)}
              </label>
            ))}
          </div>
        </Field>
      )}
      <div className="grid-2">
        <Field label={t('triage.assignee')} htmlFor="triage-assignee" problem={problems.assignee} serverProblems={server('assignee')}>
          <input id="triage-assignee" value={form.assignee} onChange={(e) => set('assignee', e.target.value)} />
        </Field>
        <Field label={t('triage.note')} htmlFor="triage-note" problem={problems.note} serverProblems={server('note')}>
          <input id="triage-note" value={form.note} onChange={(e) => set('note', e.target.value)} />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-large" disabled={busy} data-testid="triage-submit">
          {t('triage.submit')}
        </button>
      </div>
    </form>
  );
};

const ReferForm = ({ id, onDone }: { id: string; onDone: () => void }) => {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const { problems, setProblems, apiError, setApiError, server } = useFormErrors();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = validateReason(reason);
    setProblems(p);
    setApiError(null);
    if (hasProblems(p)) return;
    setBusy(true);
    try {
      await api.act(id, 'triage/referral', { reason: reason.trim() });
      onDone();
    } catch (error) {
      setApiError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="form">
      <ErrorBanner error={apiError} shownFields={['reason']} />
      <Field label={t('triage.referReason')} htmlFor="refer-reason" problem={problems.reason} serverProblems={server('reason')} required>
        <textarea id="refer-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <button type="submit" className="btn" disabled={busy}>
        {t('triage.referSubmit')}
      </button>
    </form>
  );
};

export const ComplaintSummary = ({ view }: { view: ComplaintView }) => {
  const { t, l, site } = useI18n();
  const c = view.complainant;
  return (
    <div className="summary">
      <div className="summary-head">
        <span className="number">{view.number}</span>
        <StatusBadge status={view.status} />
        {view.major && <span className="badge badge-major">{t('complaint.major')}</span>}
      </div>
      <h2 className="summary-title">{view.title}</h2>
      <p className="description">{view.description}</p>
      <dl className="facts compact">
        <dt>{t('complaint.site')}</dt>
        <dd>{site(view.siteId)}</dd>
        <dt>{t('complaint.channel')}</dt>
        <dd>{l('channel', view.channel)}</dd>
        <dt>{t('complaint.receivedAt')}</dt>
        <dd>
          <DateTime iso={view.receivedAt} />
        </dd>
        <dt>{t('complaint.complainant')}</dt>
        <dd>
          {c.anonymous ? t('complaint.anonymous') : [c.name, c.phone].filter(Boolean).join(' · ') || '—'}
          {(c.building || c.unit) && ` · ${[c.building, c.unit].filter(Boolean).join('-')}`}
        </dd>
      </dl>
    </div>
  );
};

export const TriagePage = ({ id }: { id: string }) => {
  const { t, l, lang } = useI18n();
  const { navigate } = useRouter();
  const { view, events, error, loading, waitForChange, syncing } = useComplaint(id);
  const [suggestion, setSuggestion] = useState<TriageSuggestion | null>(null);
  const [suggestionError, setSuggestionError] = useState<unknown>(null);
  const [suggestionLoading, setSuggestionLoading] = useState(true);
  const [busy, setBusy] = useState(false);
  const [apiError, setApiError] = useState<unknown>(null);
  const [referOpen, setReferOpen] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setSuggestionLoading(true);
    api
      .suggestion(id, controller.signal)
      .then((s) => setSuggestion(s))
      .catch((e: unknown) => (e as Error)?.name !== 'AbortError' && setSuggestionError(e))
      .finally(() => !controller.signal.aborted && setSuggestionLoading(false));
    return () => controller.abort();
  }, [id]);

  if (loading && !view) return <Spinner label={t('complaint.notFoundYet')} />;
  if (error || !view) return <ErrorBanner error={error} />;

  const facts = factsFromHistory(events ?? []);
  const actions = allowedActions(view);

  const submit = async (body: Record<string, unknown>) => {
    setBusy(true);
    setApiError(null);
    try {
      await api.act(id, 'triage', body);
      await waitForChange(view.version, (v) => v.version > view.version && v.status !== 'registered');
      navigate(`/complaints/${id}?done=triage`);
    } catch (e) {
      setApiError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>
            {t('triage.title')} · <span className="number">{view.number}</span>
          </h1>
        </div>
        <Link to={`/complaints/${id}`} className="btn">
          {t('common.details')}
        </Link>
      </div>
      <div className="two-col">
        <div className="col-main">
          <Card className="o-1">
            <ComplaintSummary view={view} />
          </Card>
          <Card title={t('triage.title')} className="o-3">
            {facts.referred && <Notice kind="warn">{t('triage.referred')}</Notice>}
            {facts.triagedAutomatically && view.status === 'triaged' && <Notice>{t('triage.automatic')}</Notice>}
            {!actions.includes('triage') ? (
              <Notice kind="warn">{view.status !== 'registered' ? t('triage.notRegistered', { status: l('status', view.status) }) : t('detail.actions.none')}</Notice>
            ) : suggestionLoading ? (
              <Spinner />
            ) : (
              <TriageForm view={view} suggestion={suggestion} onSubmit={submit} busy={busy || syncing} apiError={apiError} />
            )}
            {syncing && <Spinner label={t('detail.waiting')} />}
          </Card>
          {actions.includes('refer') && (
            <Card className="o-4">
              <button type="button" className="linklike" onClick={() => setReferOpen((o) => !o)} aria-expanded={referOpen}>
                {t('triage.refer')}
              </button>
              {referOpen && (
                <ReferForm
                  id={id}
                  onDone={async () => {
                    setReferOpen(false);
                    await waitForChange(view.version);
                  }}
                />
              )}
            </Card>
          )}
        </div>
        <aside className="col-side">
          <Card title={t('triage.suggestion')} testId="triage-suggestion" className="o-2">
            {suggestionLoading && <Spinner />}
            {suggestionError ? (
              <>
                <Notice kind="warn">{t('triage.suggestion.unavailable')}</Notice>
                <ErrorBanner error={suggestionError} />
              </>
            ) : null}
            {suggestion && (
              <>
                <p className="muted small">{t('triage.suggestion.hint')}</p>
                <dl className="facts compact">
                  <dt>{t('triage.nature')}</dt>
                  <dd>{l('nature', suggestion.nature)}</dd>
                  <dt>{t('triage.severity')}</dt>
                  <dd>{l('severity', suggestion.severity)}</dd>
                  <dt>{t('triage.urgency')}</dt>
                  <dd>{l('urgency', suggestion.urgency)}</dd>
                  <dt>{t('triage.category')}</dt>
                  <dd>{l('category', suggestion.category)}</dd>
                  <dt>{t('triage.department')}</dt>
                  <dd>{l('department', suggestion.department)}</dd>
                  <dt>{t('triage.major')}</dt>
                  <dd>
                    {suggestion.major ? t('common.yes') : t('common.no')}
                    {suggestion.majorReasons && suggestion.majorReasons.length > 0 && ` (${suggestion.majorReasons.map((r) => l('majorReason', r)).join('、')})`}
                  </dd>
                </dl>
                <h3>{t('triage.suggestion.reasons')}</h3>
                <ul className="reasons" data-testid="suggestion-reasons">
                  {suggestion.explanations?.map((e, i) => (
                    <li key={i} data-code={e.code}>
                      <strong>{l('rule', e.code)}</strong> <span>{explain(e, lang)}</span>
                    </li>
                  )) ??
                    suggestion.reasons.map((r, i) => {
                    const rule = /^([a-z_]+):\s*(.*)$/.exec(r);
                    return (
                      <li key={i}>
                        {rule ? (
                          <>
                            <strong>{l('rule', rule[1])}</strong> <code>{rule[2]}</code>
                          </>
                        ) : (
                          <code>{r}</code>
                        )}
                      </li>
                    );
                  })}
                </ul>
              </>
            )}
          </Card>
        </aside>
      </div>
    </div>
  );
};

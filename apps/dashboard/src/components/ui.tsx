import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, problemText } from '../api/client';
import { formatDateTime, timeLeft, useI18n, type MsgKey } from '../i18n/i18n';
import type { Problem, Problems } from '../lib/validation';

export const Spinner = ({ label }: { label?: string }) => {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
};

const STATUS_KEYS = [0, 400, 401, 403, 404, 409, 422, 429, 500];

/** What went wrong, in the user's language, with the server's own message and named fields. */
export const ErrorBanner = ({ error, shownFields = [], onRetry }: { error: unknown; shownFields?: string[]; onRetry?: () => void }) => {
  const { t, lang } = useI18n();
  if (!error) return null;
  const api = error instanceof ApiError ? error : new ApiError(0, 'Error', error instanceof Error ? error.message : String(error));
  const status = api.statusCode >= 500 ? 500 : api.statusCode;
  const summary = STATUS_KEYS.includes(status) ? t(`error.status.${status}` as MsgKey) : t('error.status.other', { status: api.statusCode });
  const rest = api.details.filter((d) => !shownFields.includes(d.field));
  // The server's error from its catalogue code, in the reader's language; without a code (an
  // older server, a proxy's page, the browser's own network error) its message as it came.
  const said = api.code ? api.describe(lang) : api.message;
  // In English the server's own message may say more than its code (names, limits): shown too.
  const english = lang === 'en' && api.code && api.message && api.message !== said ? api.message : '';
  return (
    <div className="error-banner" role="alert">
      <strong>
        {summary} <span className="muted">({api.statusCode || t('error.network')})</span>
      </strong>
      {said && (
        <div className="server-message" data-code={api.code}>
          {t('error.serverSays')}
          <span data-testid="server-message">{said}</span>
          {english && <div className="muted" data-testid="server-message-detail">{english}</div>}
        </div>
      )}
      {rest.length > 0 && (
        <div>
          {t('error.fieldsBelow')}
          <ul>
            {rest.map((d, i) => (
              <li key={i}>
                <code>{d.field}</code>: {problemText(lang, d)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
};

/** A labelled input with its problems: the form's own check first, then what the API said about that field. */
export const Field = ({
  label,
  htmlFor,
  problem,
  serverProblems = [],
  hint,
  children,
  required,
  className,
}: {
  label: ReactNode;
  htmlFor?: string;
  problem?: Problem;
  serverProblems?: string[];
  hint?: ReactNode;
  children: ReactNode;
  required?: boolean;
  className?: string;
}) => {
  const { t } = useI18n();
  const messages = [...(problem ? [t(problem.key, problem.vars)] : []), ...serverProblems];
  return (
    <div className={`field ${messages.length ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={htmlFor}>
        {label}
        {required && (
          <span className="req" aria-label={t('common.required')}>
            {' '}
            *
          </span>
        )}
      </label>
      {children}
      {hint && <div className="hint">{hint}</div>}
      {messages.map((m, i) => (
        <div key={i} className="field-error" id={htmlFor ? `${htmlFor}-error` : undefined} role="alert">
          {m}
        </div>
      ))}
    </div>
  );
};

/** Client problems + the last API error of a form, looked up per field. */
export const useFormErrors = () => {
  const [problems, setProblems] = useState<Problems>({});
  const [apiError, setApiError] = useState<unknown>(null);
  const { lang } = useI18n();
  const server = (field: string) => (apiError instanceof ApiError ? apiError.problemsFor(field, lang) : []);
  const reset = () => {
    setProblems({});
    setApiError(null);
  };
  /** The user edited a field: its old messages no longer apply. */
  const clear = (...fields: string[]) => {
    setProblems((p) => (fields.some((f) => f in p) ? Object.fromEntries(Object.entries(p).filter(([k]) => !fields.includes(k))) : p));
    setApiError((e: unknown) =>
      e instanceof ApiError && e.details.some((d) => fields.includes(d.field))
        ? new ApiError(e.statusCode, e.error, e.message, e.details.filter((d) => !fields.includes(d.field)), e.code, e.params)
        : e,
    );
  };
  return { problems, setProblems, apiError, setApiError, server, reset, clear };
};

export const StatusBadge = ({ status }: { status: string }) => {
  const { l } = useI18n();
  return <span className={`badge status-${status}`}>{l('status', status)}</span>;
};

export const TimeLeft = ({ due, now }: { due: string; now?: number }) => {
  const { lang } = useI18n();
  const left = timeLeft(lang, due, now);
  return (
    <span className={left.overdue ? 'time-overdue' : left.ms < 4 * 3600_000 ? 'time-soon' : 'time-ok'}>
      {left.text}
    </span>
  );
};

export const DateTime = ({ iso, seconds }: { iso: string | null | undefined; seconds?: boolean }) => <time dateTime={iso ?? undefined}>{formatDateTime(iso, { seconds })}</time>;

export const Card = ({ title, actions, children, className, testId }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; testId?: string }) => (
  <section className={`card ${className ?? ''}`} data-testid={testId}>
    {(title || actions) && (
      <header className="card-head">
        {title && <h2>{title}</h2>}
        {actions && <div className="card-actions">{actions}</div>}
      </header>
    )}
    {children}
  </section>
);

export const Notice = ({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warn'; children: ReactNode }) => (
  <div className={`notice notice-${kind}`} role={kind === 'success' ? 'status' : undefined}>
    {children}
  </div>
);

/** Loads something, with loading and error states and a reload; aborts on unmount or change. */
export const useLoad = <T,>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]) => {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    loadRef
      .current(controller.signal)
      .then((data) => !controller.signal.aborted && setState({ data, loading: false }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted && (error as Error)?.name !== 'AbortError') setState({ error, loading: false });
      });
    return () => controller.abort();
    // Re-runs only when the caller's deps or a reload change; `load` is read through a ref.
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload, setData: (data: T) => setState({ data, loading: false }) };
};

export const Pager = ({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) => {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <div className="pager">
      <span>{t('common.total', { n: total })}</span>
      <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('common.prev')}
      </button>
      <span>{t('common.page', { page, pages })}</span>
      <button type="button" className="btn btn-small" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('common.next')}
      </button>
    </div>
  );
};

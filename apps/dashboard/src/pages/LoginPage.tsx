import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { ErrorBanner, Field, Notice, useFormErrors } from '../components/ui';
import { LanguageSwitch } from '../components/Layout';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

const DEMO_USERS: [string, string][] = [
  ['duty.a', 'duty_officer'],
  ['assistant.a', 'cs_assistant'],
  ['supervisor.a', 'cs_supervisor'],
  ['csmanager.a', 'cs_manager'],
  ['gm.a', 'general_manager'],
  ['enghead.a', 'department_head'],
  ['handler.a', 'handler'],
  ['leader', 'leadership'],
  ['auditor', 'auditor'],
  ['admin', 'admin'],
];

export const LoginPage = ({ expired, inDialog, username: initialUsername = '' }: { expired?: boolean; inDialog?: boolean; username?: string }) => {
  const { t, l, lang } = useI18n();
  const { login } = useSession();
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const { problems, setProblems, apiError, setApiError, server } = useFormErrors();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p: typeof problems = {};
    if (!username.trim()) p.username = { key: 'validation.required' };
    if (!password) p.password = { key: 'validation.required' };
    setProblems(p);
    setApiError(null);
    if (Object.keys(p).length) return;
    setBusy(true);
    try {
      await login(username.trim(), password);
    } catch (error) {
      setApiError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={inDialog ? 'login-dialog' : 'login-screen'} role={inDialog ? 'dialog' : undefined} aria-modal={inDialog || undefined} aria-labelledby="login-title">
      {!inDialog && (
        <div className="login-lang">
          <LanguageSwitch />
        </div>
      )}
      <form className="card login-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <div className="brand login-brand">
          <span className="brand-mark" aria-hidden="true">
            诉
          </span>
          <div>
            <div className="brand-title">{t('app.title')}</div>
            <div className="brand-sub">{t('app.subtitle')}</div>
          </div>
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        {expired && <Notice kind="warn">{t('login.expired')}</Notice>}
        {apiError instanceof ApiError && apiError.statusCode === 401 ? (
          <div className="error-banner" role="alert">
            <strong>{t('login.failed')}</strong>
            <div className="server-message">
              {t('error.serverSays')}
              {apiError.describe(lang)}
            </div>
          </div>
        ) : (
          <ErrorBanner error={apiError} shownFields={['username', 'password']} />
        )}
        <Field label={t('login.username')} htmlFor="login-username" problem={problems.username} serverProblems={server('username')} required>
          <input id="login-username" name="username" autoComplete="username" autoCapitalize="none" value={username} onChange={(e) => setUsername(e.target.value)} />
        </Field>
        <Field label={t('login.password')} htmlFor="login-password" problem={problems.password} serverProblems={server('password')} required>
          <input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">
          {busy ? t('login.signingIn') : t('login.submit')}
        </button>
        {!inDialog && (
        // Account names and their password: identifiers typed as they are, not words (data-raw).
        <details className="demo-users" data-raw>
          <summary>{t('login.demoUsers')}</summary>
          <ul>
            {DEMO_USERS.map(([u, role]) => (
              <li key={u}>
                <button type="button" className="linklike" onClick={() => setUsername(u)}>
                  {u}
                </button>{' '}
                — {l('role', role)}
              </li>
            ))}
            <li className="muted">site-b: duty.b, assistant.b, …</li>
          </ul>
        </details>
        )}
      </form>
    </div>
  );
};

import { useState, type ReactNode } from 'react';
import { useI18n, type MsgKey } from '../i18n/i18n';
import { navFor, type NavItem } from '../lib/permissions';
import { Link, useRouter } from '../router';
import { useSession } from '../session';
import { useLiveStatus } from '../live';

const NAV: Record<NavItem, { to: string; label: MsgKey; routes: string[] }> = {
  queue: { to: '/', label: 'nav.queue', routes: ['queue'] },
  register: { to: '/register', label: 'nav.register', routes: ['register'] },
  list: { to: '/complaints', label: 'nav.list', routes: ['list', 'detail', 'triage'] },
  dashboard: { to: '/dashboard', label: 'nav.dashboard', routes: ['dashboard'] },
  monthly: { to: '/reports/monthly', label: 'nav.monthly', routes: ['monthly'] },
  records: { to: '/records', label: 'nav.records', routes: ['records'] },
  audit: { to: '/audit', label: 'nav.audit', routes: ['auditPick', 'audit'] },
  notices: { to: '/notices', label: 'nav.notices', routes: ['notices'] },
  caseLibrary: { to: '/case-library', label: 'nav.caseLibrary', routes: ['caseLibrary'] },
  disclosure: { to: '/disclosure', label: 'nav.disclosure', routes: ['disclosure'] },
  weeklyCheck: { to: '/weekly-check', label: 'nav.weeklyCheck', routes: ['weeklyCheck'] },
};

export const LanguageSwitch = () => {
  const { lang, setLang, t } = useI18n();
  return (
    <button type="button" className="btn btn-ghost lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang-switch" lang={lang === 'zh' ? 'en' : 'zh-CN'}>
      {t('lang.switch')}
    </button>
  );
};

/** Which site the user works on: fixed for site staff, a choice for group-wide users. */
export const SitePicker = ({ allowAll = true, id = 'site-picker' }: { allowAll?: boolean; id?: string }) => {
  const { t, site } = useI18n();
  const { sites, siteId, setSiteId, groupWide } = useSession();
  if (!groupWide && sites.length <= 1) return <span className="site-fixed">{sites[0] ? site(sites[0]) : ''}</span>;
  return (
    <label className="site-picker" htmlFor={id}>
      <span className="sr-only">{t('site.label')}</span>
      <select id={id} value={siteId} onChange={(e) => setSiteId(e.target.value)}>
        {allowAll && <option value="">{t('site.all')}</option>}
        {sites.map((s) => (
          <option key={s} value={s}>
            {site(s)}
          </option>
        ))}
      </select>
    </label>
  );
};

/** Whether the live stream is open: pages update by themselves while it shows "live". */
export const LiveIndicator = () => {
  const { t } = useI18n();
  const status = useLiveStatus();
  if (status === 'off') return null;
  return (
    <span className={`live-indicator live-${status}`} data-testid="live-indicator" data-status={status} title={t('live.title')} role="status">
      <span className="live-dot" aria-hidden="true" />
      {t(status === 'live' ? 'live.live' : status === 'connecting' ? 'live.connecting' : 'live.offline')}
    </span>
  );
};

export const Layout = ({ children }: { children: ReactNode }) => {
  const { t, l } = useI18n();
  const { me, logout } = useSession();
  const { route } = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);
  const items = me ? navFor(me.role) : [];
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            诉
          </span>
          <div>
            <div className="brand-title">{t('app.title')}</div>
            <div className="brand-sub">{t('app.subtitle')}</div>
          </div>
        </div>
        <button type="button" className="btn btn-ghost menu-toggle" aria-expanded={menuOpen} onClick={() => setMenuOpen((o) => !o)}>
          ☰ {t('nav.menu')}
        </button>
        <nav className={`nav ${menuOpen ? 'nav-open' : ''}`} aria-label="main">
          {items.map((item) => (
            <Link
              key={item}
              to={NAV[item].to}
              className={NAV[item].routes.includes(route.name) ? 'active' : ''}
              aria-current={NAV[item].routes.includes(route.name) ? 'page' : undefined}
              onClick={() => setMenuOpen(false)}
              data-testid={`nav-${item}`}
            >
              {t(NAV[item].label)}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          <LiveIndicator />
          <SitePicker />
          <LanguageSwitch />
          {me && (
            <span className="user" data-testid="current-user">
              <span className="user-name">{me.name ?? me.username}</span>
              <span className="user-role">{l('role', me.role)}</span>
            </span>
          )}
          <button type="button" className="btn btn-ghost" onClick={logout} data-testid="sign-out">
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main className="main">{children}</main>
    </div>
  );
};

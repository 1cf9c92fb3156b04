import { createContext, useCallback, useContext, useEffect, useMemo, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/**
 * A small history-API router: the embedded server answers every non-/api path with
 * index.html, so deep links (/complaints/<id>) work on reload.
 */
export type Route =
  | { name: 'login' }
  | { name: 'queue' }
  | { name: 'register' }
  | { name: 'list' }
  | { name: 'detail'; id: string }
  | { name: 'triage'; id: string }
  | { name: 'audit'; id: string }
  | { name: 'auditPick' }
  | { name: 'dashboard' }
  | { name: 'monthly' }
  | { name: 'caseLibrary' }
  | { name: 'disclosure' }
  | { name: 'weeklyCheck' }
  | { name: 'records' }
  | { name: 'notices' }
  | { name: 'notFound' };

export const parseRoute = (pathname: string): Route => {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'queue' };
  if (path === '/login') return { name: 'login' };
  if (path === '/register') return { name: 'register' };
  if (path === '/complaints') return { name: 'list' };
  if (path === '/dashboard') return { name: 'dashboard' };
  if (path === '/reports/monthly') return { name: 'monthly' };
  if (path === '/records') return { name: 'records' };
  if (path === '/audit') return { name: 'auditPick' };
  if (path === '/notices') return { name: 'notices' };
  if (path === '/case-library') return { name: 'caseLibrary' };
  if (path === '/disclosure') return { name: 'disclosure' };
  if (path === '/weekly-check') return { name: 'weeklyCheck' };
  const m = /^\/complaints\/([^/]+)(?:\/(triage|audit))?$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1]);
    return m[2] === 'triage' ? { name: 'triage', id } : m[2] === 'audit' ? { name: 'audit', id } : { name: 'detail', id };
  }
  return { name: 'notFound' };
};

type RouterValue = { path: string; search: string; route: Route; navigate: (to: string, options?: { replace?: boolean }) => void };

const RouterContext = createContext<RouterValue | null>(null);

export const RouterProvider = ({ children, initialPath }: { children: ReactNode; initialPath?: string }) => {
  const [location, setLocation] = useState(() => {
    if (initialPath !== undefined) {
      const [p, s = ''] = initialPath.split('?');
      return { path: p, search: s ? `?${s}` : '' };
    }
    return { path: window.location.pathname, search: window.location.search };
  });
  useEffect(() => {
    const onPop = () => setLocation({ path: window.location.pathname, search: window.location.search });
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((to: string, options: { replace?: boolean } = {}) => {
    const [p, s = ''] = to.split('?');
    if (options.replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    setLocation({ path: p, search: s ? `?${s}` : '' });
    window.scrollTo?.(0, 0);
  }, []);
  const value = useMemo(() => ({ ...location, route: parseRoute(location.path), navigate }), [location, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
};

export const useRouter = (): RouterValue => {
  const ctx = useContext(RouterContext);
  if (!ctx) throw new Error('useRouter outside RouterProvider');
  return ctx;
};

export const Link = ({ to, children, ...rest }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) => {
  const { navigate } = useRouter();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} {...rest} onClick={onClick}>
      {children}
    </a>
  );
};

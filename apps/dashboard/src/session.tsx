import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, sessionStore } from './api/client';
import type { Me } from './api/types';
import { KNOWN_SITES } from './i18n/labels';

/**
 * The signed-in user (`GET /api/auth/me`) and the site being worked on. Group-wide users
 * (siteIds ['*']) pick a site, or "all sites" where a page allows it.
 */
/**
 * `expired`: the token ran out while someone was working; the page stays (a half-filled form
 * is not lost) and a sign-in dialog opens over it.
 */
type SessionState = { status: 'loading' } | { status: 'anonymous'; expired?: boolean } | { status: 'signedIn'; me: Me } | { status: 'expired'; me: Me };

type SessionValue = {
  state: SessionState;
  me: Me | null;
  login: (username: string, password: string) => Promise<void>;
  logout: () => void;
  /** The sites this user may pick (concrete ids). */
  sites: string[];
  groupWide: boolean;
  /** '' = all of the user's sites (lists only). */
  siteId: string;
  setSiteId: (siteId: string) => void;
};

const SITE_KEY = 'dashboard.site';
const SessionContext = createContext<SessionValue | null>(null);

export const sitesOf = (me: Me | null): { sites: string[]; groupWide: boolean } => {
  if (!me) return { sites: [], groupWide: false };
  const groupWide = me.siteIds.includes('*');
  return { sites: groupWide ? Object.keys(KNOWN_SITES) : me.siteIds, groupWide };
};

export const SessionProvider = ({ children, initial }: { children: ReactNode; initial?: Me }) => {
  const [state, setState] = useState<SessionState>(initial ? { status: 'signedIn', me: initial } : { status: 'loading' });
  const [siteId, setSiteIdState] = useState<string>(() => {
    try {
      return localStorage.getItem(SITE_KEY) ?? '';
    } catch {
      return '';
    }
  });

  useEffect(() => {
    api.onUnauthorized = () => {
      sessionStore.clear();
      api.token = null;
      setState((s) => (s.status === 'signedIn' || s.status === 'expired' ? { status: 'expired', me: s.me } : { status: 'anonymous', expired: true }));
    };
    if (initial) return;
    const stored = sessionStore.load();
    if (!stored) {
      setState({ status: 'anonymous' });
      return;
    }
    api.token = stored.token;
    api
      .me()
      .then((me) => setState({ status: 'signedIn', me }))
      .catch(() => {
        sessionStore.clear();
        api.token = null;
        setState({ status: 'anonymous' });
      });
  }, [initial]);

  const login = useCallback(async (username: string, password: string) => {
    const { accessToken, expiresIn } = await api.login(username, password);
    api.token = accessToken;
    sessionStore.save({ token: accessToken, expiresAt: Date.now() + (expiresIn || 3600) * 1000 });
    try {
      const me = await api.me();
      setState({ status: 'signedIn', me });
    } catch (error) {
      api.token = null;
      sessionStore.clear();
      throw error instanceof ApiError ? error : new ApiError(0, 'Error', String(error));
    }
  }, []);

  const logout = useCallback(() => {
    sessionStore.clear();
    api.token = null;
    setState({ status: 'anonymous' });
  }, []);

  const me = state.status === 'signedIn' || state.status === 'expired' ? state.me : null;
  const { sites, groupWide } = useMemo(() => sitesOf(me), [me]);
  const effectiveSite = siteId === '' ? (sites.length === 1 && !groupWide ? sites[0] : '') : groupWide || sites.includes(siteId) ? siteId : (sites[0] ?? '');

  const setSiteId = useCallback((next: string) => {
    setSiteIdState(next);
    try {
      localStorage.setItem(SITE_KEY, next);
    } catch {
      /* ignore */
    }
  }, []);

  const value = useMemo<SessionValue>(
    () => ({ state, me, login, logout, sites, groupWide, siteId: effectiveSite, setSiteId }),
    [state, me, login, logout, sites, groupWide, effectiveSite, setSiteId],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
};

export const useSession = (): SessionValue => {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
};

/** The signed-in user; pages below the sign-in gate may rely on it. */
export const useMe = (): Me => {
  const { me } = useSession();
  if (!me) throw new Error('not signed in');
  return me;
};

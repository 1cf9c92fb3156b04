import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, zh, type MsgKey } from './messages';
import { labelOf, siteLabel, type Lang } from './labels';

export type { Lang, MsgKey };

const DICTS: Record<Lang, Record<MsgKey, string>> = { zh, en };
const LANG_KEY = 'dashboard.lang';

export const fill = (text: string, vars?: Record<string, string | number>): string =>
  vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;

export const translate = (lang: Lang, key: MsgKey, vars?: Record<string, string | number>): string => fill(DICTS[lang][key] ?? key, vars);

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-03-02 08:30 in the browser's zone (the front desk's own clock). */
export const formatDateTime = (iso: string | null | undefined, options: { seconds?: boolean } = {}): string => {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}${options.seconds ? `:${pad(d.getSeconds())}` : ''}`;
};

export const formatDuration = (lang: Lang, ms: number): string => {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return translate(lang, 'time.lessThanMinute');
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts: string[] = [];
  if (days) parts.push(translate(lang, 'time.days', { n: days }));
  if (hours) parts.push(translate(lang, 'time.hours', { n: hours }));
  if (!days && mins) parts.push(translate(lang, 'time.minutes', { n: mins }));
  return parts.join(lang === 'zh' ? '' : ' ');
};

/** "3小时12分钟 left" / "overdue by 2 d 3 h" relative to now. */
export const timeLeft = (lang: Lang, dueIso: string, now = Date.now()): { text: string; overdue: boolean; ms: number } => {
  const ms = new Date(dueIso).getTime() - now;
  const d = formatDuration(lang, ms);
  return ms > 0 ? { text: translate(lang, 'time.left', { d }), overdue: false, ms } : { text: translate(lang, 'time.overdueBy', { d }), overdue: true, ms };
};

export const formatPercent = (rate: number | null | undefined): string => (rate === null || rate === undefined ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`);

type I18n = {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MsgKey, vars?: Record<string, string | number>) => string;
  /** A code's label: l('status', 'resolved') → 已处理待回访. */
  l: (group: string, key: string | null | undefined) => string;
  site: (siteId: string) => string;
};

const initialLang = (): Lang => {
  try {
    const stored = localStorage.getItem(LANG_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch {
    /* storage unavailable */
  }
  return 'zh';
};

const I18nContext = createContext<I18n | null>(null);

export const I18nProvider = ({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) => {
  const [lang, setLangState] = useState<Lang>(fixed ?? initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(LANG_KEY, next);
    } catch {
      /* ignore */
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = translate(lang, 'app.title');
  }, [lang]);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      l: (group, key) => labelOf(lang, group, key),
      site: (siteId) => siteLabel(lang, siteId),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
};

export const useI18n = (): I18n => {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
};

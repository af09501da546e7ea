import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { en } from './messages-en.ts';
import { type MessageKey, zhCN } from './messages-zh-cn.ts';

/** The dashboard's languages. */
export type Lang = 'zh-CN' | 'en';

const STORAGE_KEY = 'retain.lang';
const MESSAGES: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

/** The saved choice, else Chinese when the browser asks for any Chinese, else English. */
export function initialLang(): Lang {
  const saved = window.localStorage.getItem(STORAGE_KEY);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  const asked = navigator.languages?.length ? navigator.languages : [navigator.language];
  return asked.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

/** The language and its translations, as {@link useI18n} gives them. */
export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  /** The message in the current language, `{name}` placeholders filled from `vars`. */
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** A value from the data (`completed`, `female`) in words when known, else as it is. */
  value: (kind: string, code: string | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

/** Holds the language; every string of the app comes through its `t`. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    window.localStorage.setItem(STORAGE_KEY, next);
    setLangState(next);
  }, []);
  const t = useCallback(
    (key: MessageKey, vars?: Record<string, string | number>) => {
      const text = MESSAGES[lang][key];
      return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole)) : text;
    },
    [lang],
  );
  const value = useCallback(
    (kind: string, code: string | null | undefined) => {
      if (code === null || code === undefined || code === '') return '—';
      return (MESSAGES[lang] as Record<string, string>)[`${kind}.${code}`] ?? code;
    },
    [lang],
  );
  const i18n = useMemo(() => ({ lang, setLang, t, value }), [lang, setLang, t, value]);
  return <I18nContext.Provider value={i18n}>{children}</I18nContext.Provider>;
}

/** The current language and its `t`. */
export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

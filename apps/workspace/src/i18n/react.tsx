import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Language } from '@visavis/protocol';
import { DICTIONARIES, LANGUAGES, detectLanguage, translate, type MessageKey, type Params } from './index.js';

const STORAGE_KEY = 'vv.workspace.lang';

interface I18n {
  lang: Language;
  setLang: (l: Language) => void;
  t: (key: MessageKey, params?: Params) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LANGUAGES as string[]).includes(saved)) return saved as Language;
  } catch {
    // Storage can be blocked (privacy mode); fall back to the browser's language.
  }
  return detectLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(initialLanguage);
  const setLang = useCallback((l: Language) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* not persisted; still switched for this session */
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = DICTIONARIES[lang];
    document.documentElement.lang = lang;
    return { lang, setLang, t: (key, params) => translate(dict, key, params) };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

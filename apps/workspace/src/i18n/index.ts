import type { Language } from '@visavis/protocol';
import { en, type Dictionary, type MessageKey } from './en.js';
import { zhCN } from './zhCN.js';
import { zhTW } from './zhTW.js';

export type { Dictionary, MessageKey };

export const DICTIONARIES: Record<Language, Dictionary> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

/** Language names are always shown in their own language, so anyone can find theirs. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  'zh-CN': '简体中文',
  'zh-TW': '繁體中文',
};

export const LANGUAGES = Object.keys(DICTIONARIES) as Language[];

export type Params = Record<string, string | number>;

/** Fill `{name}` placeholders; unknown placeholders stay visible so a bug is noticed. */
export function translate(dict: Dictionary, key: MessageKey, params?: Params): string {
  const template = dict[key] ?? en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Browser language to one of ours: zh-TW/zh-HK/zh-Hant → traditional, other zh → simplified. */
export function detectLanguage(preferred: readonly string[]): Language {
  for (const raw of preferred) {
    const l = raw.toLowerCase();
    if (l.startsWith('zh')) return /tw|hk|mo|hant/.test(l) ? 'zh-TW' : 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

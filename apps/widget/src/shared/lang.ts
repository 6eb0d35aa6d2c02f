import type { Language } from '@visavis/protocol';

/** Languages the widget ships dictionaries for; mirrors the protocol's `Language` enum. */
export const SUPPORTED_LANGUAGES: readonly Language[] = ['en', 'zh-CN', 'zh-TW'];

export function isSupportedLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/**
 * Map one BCP-47 tag to a supported language, or null if it says nothing we can use.
 * Traditional Chinese is used in Taiwan, Hong Kong and Macau and is tagged either by region
 * (zh-TW, zh-HK, zh-MO) or by script (zh-Hant); every other Chinese tag gets Simplified.
 */
export function languageFromTag(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const parts = tag.trim().replace(/_/g, '-').toLowerCase().split('-');
  const primary = parts[0];
  if (!primary) return null;
  if (primary === 'zh') {
    const rest = parts.slice(1);
    // An explicit script subtag beats the region: zh-Hans-HK is Simplified.
    if (rest.includes('hans')) return 'zh-CN';
    if (rest.includes('hant') || rest.includes('tw') || rest.includes('hk') || rest.includes('mo')) return 'zh-TW';
    return 'zh-CN';
  }
  if (primary === 'en') return 'en';
  return null;
}

/**
 * The language to show: an explicit choice (data-lang / ?lang=) wins when we can serve it;
 * otherwise the browser's own language (navigator.language, its first preference); otherwise
 * English. A visitor whose first language is, say, French reads English rather than Chinese,
 * even if Chinese is further down their list: English is the lingua franca fallback.
 */
export function chooseLanguage(explicit: string | null | undefined, browserTag: string | null | undefined): Language {
  if (isSupportedLanguage(explicit)) return explicit;
  // An explicit tag such as "zh-HK" or "en-GB" still says more than the browser does.
  return languageFromTag(explicit) ?? languageFromTag(browserTag) ?? 'en';
}

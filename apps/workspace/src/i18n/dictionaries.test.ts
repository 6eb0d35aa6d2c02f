import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LANGUAGES, detectLanguage, translate } from './index.js';
import { en } from './en.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  const reference = Object.keys(en).sort();

  it.each(LANGUAGES)('%s has exactly the English keys, all non-empty', (lang) => {
    const dict = DICTIONARIES[lang];
    expect(Object.keys(dict).sort()).toEqual(reference);
    for (const [k, v] of Object.entries(dict)) expect(v.trim(), k).not.toBe('');
  });

  it.each(LANGUAGES)('%s uses the same placeholders as English', (lang) => {
    const dict = DICTIONARIES[lang] as Record<string, string>;
    for (const k of reference)
      expect(placeholders(dict[k]!), k).toEqual(placeholders((en as Record<string, string>)[k]!));
  });

  it('fills placeholders as text', () => {
    expect(translate(en, 'chat.typing', { name: '<b>x</b>' })).toBe('<b>x</b> is typing…');
    expect(translate(DICTIONARIES['zh-CN'], 'list.visitor', { id: 'AB12' })).toBe('访客 #AB12');
  });

  it('maps browser languages', () => {
    expect(detectLanguage(['zh-TW'])).toBe('zh-TW');
    expect(detectLanguage(['zh-Hant-HK'])).toBe('zh-TW');
    expect(detectLanguage(['zh'])).toBe('zh-CN');
    expect(detectLanguage(['fr-FR', 'en-US'])).toBe('en');
    expect(detectLanguage(['de'])).toBe('en');
  });
});

import { describe, expect, it } from 'vitest';
import { DICTIONARIES, translator } from './i18n.js';
import { LOADER_STRINGS } from '../loader/strings.js';
import { SUPPORTED_LANGUAGES } from '../shared/lang.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n dictionaries', () => {
  it('exist for every supported language', () => {
    for (const lang of SUPPORTED_LANGUAGES) {
      expect(DICTIONARIES[lang]).toBeDefined();
      expect(LOADER_STRINGS[lang]).toBeDefined();
    }
  });

  it('have exactly the same keys as English', () => {
    const reference = Object.keys(DICTIONARIES.en).sort();
    for (const lang of SUPPORTED_LANGUAGES) {
      expect(Object.keys(DICTIONARIES[lang]).sort(), lang).toEqual(reference);
      expect(Object.keys(LOADER_STRINGS[lang]).sort(), lang).toEqual(Object.keys(LOADER_STRINGS.en).sort());
    }
  });

  it('use the same placeholders in every language, and no empty strings', () => {
    for (const lang of SUPPORTED_LANGUAGES) {
      const dict = DICTIONARIES[lang];
      for (const [key, value] of Object.entries(dict)) {
        expect(value.trim().length, `${lang}.${key}`).toBeGreaterThan(0);
        expect(placeholders(value), `${lang}.${key}`).toEqual(placeholders(DICTIONARIES.en[key as keyof typeof dict]));
      }
    }
  });
});

describe('translator', () => {
  it('substitutes placeholders as plain text', () => {
    const t = translator('en');
    expect(t('systemAssigned', { name: '<b>Eve</b>' })).toBe('<b>Eve</b> joined the conversation');
    expect(t('fileTooLarge', { max: 10 })).toContain('10 MB');
  });

  it('leaves unknown placeholders alone and does not read inherited properties', () => {
    const t = translator('zh-CN');
    expect(t('systemAssigned', {})).toBe('{name} 已加入对话');
    expect(t('agentTyping', { toString: 'x' } as Record<string, string>)).toBe('{name} 正在输入…');
  });
});

import { describe, expect, it } from 'vitest';
import { chooseLanguage, languageFromTag } from './lang.js';

describe('languageFromTag', () => {
  it.each([
    ['zh-TW', 'zh-TW'],
    ['zh-HK', 'zh-TW'],
    ['zh-MO', 'zh-TW'],
    ['zh-Hant', 'zh-TW'],
    ['zh-Hant-TW', 'zh-TW'],
    ['zh_TW', 'zh-TW'],
    ['zh-hk', 'zh-TW'],
    ['zh', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-Hans-HK', 'zh-CN'],
    ['en-US', 'en'],
    ['en', 'en'],
  ])('%s -> %s', (tag, lang) => {
    expect(languageFromTag(tag)).toBe(lang);
  });

  it('returns null for languages we do not ship', () => {
    expect(languageFromTag('fr-FR')).toBeNull();
    expect(languageFromTag('')).toBeNull();
    expect(languageFromTag(undefined)).toBeNull();
  });
});

describe('chooseLanguage', () => {
  it('prefers an explicit supported language', () => {
    expect(chooseLanguage('zh-TW', 'en-US')).toBe('zh-TW');
    expect(chooseLanguage('en', 'zh-CN')).toBe('en');
    expect(chooseLanguage('zh-CN', 'zh-HK')).toBe('zh-CN');
  });

  it('normalises an explicit tag it can map', () => {
    expect(chooseLanguage('zh-HK', 'en')).toBe('zh-TW');
    expect(chooseLanguage('en-GB', 'zh-CN')).toBe('en');
  });

  it('falls back to the browser language when the explicit one is missing or unknown', () => {
    expect(chooseLanguage(null, 'zh-HK')).toBe('zh-TW');
    expect(chooseLanguage('xx', 'zh')).toBe('zh-CN');
    expect(chooseLanguage(undefined, 'zh-Hant')).toBe('zh-TW');
  });

  it('defaults to English', () => {
    expect(chooseLanguage(null, 'fr-FR')).toBe('en');
    expect(chooseLanguage(null, undefined)).toBe('en');
    expect(chooseLanguage('<script>', '')).toBe('en');
  });
});

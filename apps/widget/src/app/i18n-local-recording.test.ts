import { describe, expect, it } from 'vitest';
import { LOCAL_RECORDING_STRINGS, localRecordingTranslator } from './i18n-local-recording.js';
import { SUPPORTED_LANGUAGES } from '../shared/lang.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('local recording strings', () => {
  it('have the same keys and placeholders in every language', () => {
    const en = LOCAL_RECORDING_STRINGS.en;
    for (const lang of SUPPORTED_LANGUAGES) {
      const dict = LOCAL_RECORDING_STRINGS[lang];
      expect(Object.keys(dict).sort(), lang).toEqual(Object.keys(en).sort());
      for (const [key, value] of Object.entries(dict)) {
        expect(value.trim().length, `${lang}.${key}`).toBeGreaterThan(0);
        expect(placeholders(value), `${lang}.${key}`).toEqual(placeholders(en[key as keyof typeof en]));
      }
    }
  });

  it('substitutes as plain text and falls back to English', () => {
    expect(localRecordingTranslator('en')('localRecInfo', { duration: '0:12', size: '1.4' })).toBe('0:12 · 1.4 MB');
    expect(localRecordingTranslator('zh-CN')('localRecReplay')).toBe('回放');
    expect(localRecordingTranslator('xx')('localRecSave')).toBe('Save');
  });
});

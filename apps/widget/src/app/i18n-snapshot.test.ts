import { describe, expect, it } from 'vitest';
import { SNAPSHOT_STRINGS, snapshotTranslator } from './i18n-snapshot.js';
import { SUPPORTED_LANGUAGES } from '../shared/lang.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('snapshot strings', () => {
  it('have the same keys and placeholders in every language', () => {
    const en = SNAPSHOT_STRINGS.en;
    for (const lang of SUPPORTED_LANGUAGES) {
      const dict = SNAPSHOT_STRINGS[lang];
      expect(Object.keys(dict).sort(), lang).toEqual(Object.keys(en).sort());
      for (const [key, value] of Object.entries(dict)) {
        expect(value.trim().length, `${lang}.${key}`).toBeGreaterThan(0);
        expect(placeholders(value), `${lang}.${key}`).toEqual(placeholders(en[key as keyof typeof en]));
      }
    }
  });

  it('substitutes the size as plain text', () => {
    expect(snapshotTranslator('en')('snapshotLine', { width: 1920, height: 1080 })).toBe('Snapshot taken, 1920×1080');
    expect(snapshotTranslator('zh-TW')('snapshotLine', { width: 1280, height: 720 })).toBe('已拍攝快照，1280×720');
    expect(snapshotTranslator('xx')('snapshotSent')).toBe('Snapshot sent to the agent');
  });
});

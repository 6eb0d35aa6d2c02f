import { describe, expect, it } from 'vitest';
import { daysOfText, inEffect, inherited, textOfDays, type AttachmentRetention } from './attachment-retention.js';

const data = (orgDays: number | null): AttachmentRetention => ({
  defaultDays: 180,
  orgDays,
  groups: [{ id: 'g', name: 'General', days: null }],
});

describe('attachment retention screen', () => {
  it('inherits: a group the organisation’s days, else the server default; the organisation the default', () => {
    expect(inherited(data(null), 'group')).toEqual({ days: 180, source: 'default' });
    expect(inherited(data(7), 'group')).toEqual({ days: 7, source: 'org' });
    expect(inherited(data(7), 'org')).toEqual({ days: 180, source: 'default' });
    expect(inEffect(data(7), 'group', 30)).toEqual({ days: 30, source: 'own' });
    expect(inEffect(data(7), 'group', null)).toEqual({ days: 7, source: 'org' });
  });

  it('reads a days box: empty inherits, 1–36500 whole days, anything else is invalid', () => {
    expect(daysOfText('')).toBeNull();
    expect(daysOfText('  ')).toBeNull();
    expect(daysOfText(' 30 ')).toBe(30);
    expect(daysOfText('36500')).toBe(36_500);
    for (const bad of ['0', '36501', '1.5', '-3', 'abc', '1e3']) expect(daysOfText(bad), bad).toBeNaN();
    expect(textOfDays(null)).toBe('');
    expect(textOfDays(7)).toBe('7');
  });
});

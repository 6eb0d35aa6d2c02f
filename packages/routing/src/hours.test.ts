import { describe, expect, it } from 'vitest';
import { isOpen, isValidTimeZone, localTime, nextOpening } from './hours.js';
import { officeHours, T0 } from './test-fixtures.js';
import type { BusinessHours } from './types.js';

const at = (iso: string) => Date.parse(iso);
const allDay = (timeZone: string, holidays: string[] = []): BusinessHours => ({
  timeZone,
  weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, startMinute: 0, endMinute: 1440 })),
  holidays,
});
const overnight: BusinessHours = {
  timeZone: 'UTC',
  weekly: [{ day: 5, startMinute: 22 * 60, endMinute: 2 * 60 }],
  holidays: [],
};

describe('isOpen', () => {
  it.each<[string, BusinessHours | null, string, boolean]>([
    ['null hours are always open', null, '2026-01-04T03:00:00Z', true],
    ['UTC office hours, Monday 10:00 UTC', officeHours('UTC'), '2026-01-05T10:00:00Z', true],
    [
      'Shanghai office hours at 18:00 local (end is exclusive)',
      officeHours('Asia/Shanghai'),
      '2026-01-05T10:00:00Z',
      false,
    ],
    ['Shanghai office hours at 17:59 local', officeHours('Asia/Shanghai'), '2026-01-05T09:59:00Z', true],
    [
      'Shanghai at 09:00 local = 01:00 UTC: open there',
      officeHours('Asia/Shanghai'),
      '2026-01-05T01:00:00Z',
      true,
    ],
    ['UTC office hours at 01:00 UTC: closed', officeHours('UTC'), '2026-01-05T01:00:00Z', false],
    ['Shanghai 08:59 local', officeHours('Asia/Shanghai'), '2026-01-05T00:59:00Z', false],
    [
      'Friday 17:00 UTC is Saturday 01:00 in Shanghai',
      officeHours('Asia/Shanghai'),
      '2026-01-09T17:00:00Z',
      false,
    ],
    ['the same instant in UTC is Friday 17:00', officeHours('UTC'), '2026-01-09T17:00:00Z', true],
    ['Sunday 23:30 UTC = Monday 07:30 Shanghai', officeHours('Asia/Shanghai'), '2026-01-04T23:30:00Z', false],
    [
      'holiday by the local date: 00:30 Jan 6 in Shanghai',
      allDay('Asia/Shanghai', ['2026-01-06']),
      '2026-01-05T16:30:00Z',
      false,
    ],
    [
      'same instant, the day before locally in UTC',
      allDay('UTC', ['2026-01-06']),
      '2026-01-05T16:30:00Z',
      true,
    ],
    [
      '23:59 Jan 5 in Shanghai, before the holiday',
      allDay('Asia/Shanghai', ['2026-01-06']),
      '2026-01-05T15:59:00Z',
      true,
    ],
    ['holiday on a working day', officeHours('UTC', ['2026-01-05']), '2026-01-05T10:00:00Z', false],
    ['overnight window, Friday 23:00', overnight, '2026-01-09T23:00:00Z', true],
    ['overnight window, Saturday 01:59', overnight, '2026-01-10T01:59:00Z', true],
    ['overnight window, Saturday 02:00 (end exclusive)', overnight, '2026-01-10T02:00:00Z', false],
    ['overnight window, Friday 21:59', overnight, '2026-01-09T21:59:00Z', false],
    [
      'no weekly windows: closed',
      { timeZone: 'UTC', weekly: [], holidays: [] },
      '2026-01-05T10:00:00Z',
      false,
    ],
    [
      'empty window (start = end)',
      { timeZone: 'UTC', weekly: [{ day: 1, startMinute: 600, endMinute: 600 }], holidays: [] },
      '2026-01-05T10:00:00Z',
      false,
    ],
    ['unknown time zone falls back to UTC', officeHours('Mars/Olympus'), '2026-01-05T10:00:00Z', true],
  ])('%s', (_name, hours, iso, open) => {
    expect(isOpen(hours, at(iso))).toBe(open);
  });

  it('knows valid zone names', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('reads the local wall clock', () => {
    expect(localTime('Asia/Shanghai', T0)).toMatchObject({ date: '2026-01-05', day: 1, minute: 18 * 60 });
    expect(localTime('America/Los_Angeles', T0)).toMatchObject({
      date: '2026-01-05',
      day: 1,
      minute: 2 * 60,
    });
    expect(localTime('Pacific/Kiritimati', at('2026-01-04T23:00:00Z'))).toMatchObject({
      date: '2026-01-05',
      day: 1,
    });
  });
});

describe('nextOpening', () => {
  it.each<[string, BusinessHours | null, string, string | null]>([
    [
      'Shanghai after closing on Monday: Tuesday 09:00 local',
      officeHours('Asia/Shanghai'),
      '2026-01-05T10:00:00Z',
      '2026-01-06T01:00:00Z',
    ],
    [
      'skips a holiday',
      officeHours('Asia/Shanghai', ['2026-01-06']),
      '2026-01-05T10:00:00Z',
      '2026-01-07T01:00:00Z',
    ],
    ['Friday evening UTC: Monday 09:00', officeHours('UTC'), '2026-01-09T18:00:00Z', '2026-01-12T09:00:00Z'],
    ['early morning: the same day', officeHours('UTC'), '2026-01-05T03:00:00Z', '2026-01-05T09:00:00Z'],
    [
      'across the New York DST change (EST → EDT)',
      officeHours('America/New_York'),
      '2026-03-07T00:00:00Z',
      '2026-03-09T13:00:00Z',
    ],
    [
      'the day after an all-day holiday: local midnight',
      allDay('Asia/Shanghai', ['2026-01-06']),
      '2026-01-05T17:00:00Z',
      '2026-01-06T16:00:00Z',
    ],
    ['already open: now', officeHours('UTC'), '2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z'],
    ['null hours: now', null, '2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z'],
    ['no windows: never', { timeZone: 'UTC', weekly: [], holidays: [] }, '2026-01-05T10:00:00Z', null],
  ])('%s', (_name, hours, iso, expected) => {
    const next = nextOpening(hours, at(iso));
    expect(next === null ? null : new Date(next).toISOString()).toBe(
      expected === null ? null : new Date(expected).toISOString(),
    );
  });
});

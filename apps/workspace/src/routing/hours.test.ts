import { describe, expect, it } from 'vitest';
import {
  ALL_DAYS,
  WEEKDAYS,
  addHoliday,
  isValidTimeZone,
  minutesToTime,
  preset,
  sortWindows,
  summarizeHours,
  timeToMinutes,
  validateHours,
} from './hours.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

describe('times', () => {
  it('converts both ways, 24:00 meaning the end of the day', () => {
    expect(minutesToTime(0)).toBe('00:00');
    expect(minutesToTime(570)).toBe('09:30');
    expect(minutesToTime(1440)).toBe('24:00');
    expect(timeToMinutes('09:30')).toBe(570);
    expect(timeToMinutes('9:05')).toBe(545);
    expect(timeToMinutes('24:00')).toBe(1440);
    for (const bad of ['24:01', '12:60', '', 'noon', '25:00']) expect(timeToMinutes(bad), bad).toBeNull();
  });
});

describe('hours', () => {
  it('knows IANA zones', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone(' ')).toBe(false);
  });

  it('finds windows that end before they start and overlaps on the same day', () => {
    const h = {
      timeZone: 'Asia/Shanghai',
      weekly: [
        { day: 1, startMinute: 540, endMinute: 1080 },
        { day: 1, startMinute: 1000, endMinute: 1200 },
        { day: 2, startMinute: 600, endMinute: 600 },
        { day: 3, startMinute: 540, endMinute: 1080 },
      ],
      holidays: [],
    };
    expect(validateHours(h)).toEqual([
      { kind: 'overlap', index: 1 },
      { kind: 'window', index: 2 },
    ]);
    expect(validateHours({ ...h, timeZone: 'Nowhere/Land', weekly: [] })).toEqual([{ kind: 'timeZone' }]);
    // Touching windows (09:00–12:00, 12:00–18:00) do not overlap.
    expect(validateHours({ ...h, weekly: [...preset([1], 540, 720), ...preset([1], 720, 1080)] })).toEqual(
      [],
    );
  });

  it('adds holidays once, sorted, and ignores what is not a date', () => {
    expect(addHoliday(['2025-10-01'], '2025-01-01')).toEqual(['2025-01-01', '2025-10-01']);
    expect(addHoliday(['2025-10-01'], '2025-10-01')).toEqual(['2025-10-01']);
    expect(addHoliday([], '')).toEqual([]);
    expect(addHoliday([], '2025-13-45')).toEqual([]);
  });

  it('summarises a week, merging days with the same hours', () => {
    const weekly = sortWindows([
      ...preset(WEEKDAYS, 540, 1080),
      { day: 6, startMinute: 600, endMinute: 840 },
    ]);
    expect(summarizeHours({ timeZone: 'UTC', weekly, holidays: [] }, DAYS)).toBe(
      'Mon–Fri 09:00–18:00; Sat 10:00–14:00',
    );
    expect(summarizeHours({ timeZone: 'UTC', weekly: preset(ALL_DAYS, 0, 1440), holidays: [] }, DAYS)).toBe(
      'Mon–Sun 00:00–24:00',
    );
    expect(
      summarizeHours(
        {
          timeZone: 'UTC',
          weekly: [...preset([1], 540, 720), ...preset([1], 780, 1080), ...preset([3], 540, 720)],
          holidays: [],
        },
        DAYS,
      ),
    ).toBe('Mon 09:00–12:00, 13:00–18:00; Wed 09:00–12:00');
    expect(summarizeHours({ timeZone: 'UTC', weekly: [], holidays: [] }, DAYS)).toBe('');
  });
});

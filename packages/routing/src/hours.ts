// Business hours, computed in the group's IANA time zone with Intl.DateTimeFormat. Pure: the
// instant is always passed in. The only state is a memo of formatters per time zone (creating an
// Intl.DateTimeFormat costs ~50 µs; formatting with a cached one ~2 µs), which never changes a result.
import type { BusinessHours } from './types.js';

const MINUTES_PER_DAY = 1440;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/** How far ahead nextOpening() looks (a year of holidays and then some). */
const MAX_LOOKAHEAD_DAYS = 370;

/** The wall clock in a time zone at an instant. `day` 0 = Sunday … 6 = Saturday. */
export interface LocalTime {
  /** 'YYYY-MM-DD' */
  date: string;
  year: number;
  month: number;
  dayOfMonth: number;
  day: number;
  /** Minutes since local midnight, 0 … 1439. */
  minute: number;
}

const createFormatter = (timeZone: string) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });

const utcFormatter = createFormatter('UTC');
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = createFormatter(timeZone);
    } catch {
      f = null;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the IANA zone name (servers should validate policies with this). */
export function isValidTimeZone(timeZone: string): boolean {
  return formatterFor(timeZone) !== null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The local wall clock at `now` in `timeZone`. An unknown zone name falls back to UTC (the engine
 * must not throw on a bad policy row; validate with isValidTimeZone where hours are edited).
 */
export function localTime(timeZone: string, now: number): LocalTime {
  const f = formatterFor(timeZone) ?? utcFormatter;
  let year = 1970;
  let month = 1;
  let dayOfMonth = 1;
  let hour = 0;
  let min = 0;
  for (const part of f.formatToParts(now)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        dayOfMonth = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value) % 24;
        break;
      case 'minute':
        min = Number(part.value);
        break;
    }
  }
  const day = new Date(Date.UTC(year, month - 1, dayOfMonth)).getUTCDay();
  return {
    date: `${pad(year, 4)}-${pad(month)}-${pad(dayOfMonth)}`,
    year,
    month,
    dayOfMonth,
    day,
    minute: hour * 60 + min,
  };
}

/**
 * Whether a local (day, minute) falls in a weekly window. A window whose endMinute is before its
 * startMinute runs overnight: from startMinute on `day` to endMinute on the next day (the part
 * after midnight belongs to the next local date, so that date's holiday closes it). endMinute may
 * be 1440 (until midnight); startMinute === endMinute is an empty window.
 */
function inWeekly(hours: BusinessHours, day: number, minute: number): boolean {
  for (const w of hours.weekly) {
    if (w.startMinute < w.endMinute) {
      if (w.day === day && minute >= w.startMinute && minute < w.endMinute) return true;
    } else if (w.startMinute > w.endMinute) {
      if (w.day === day && minute >= w.startMinute) return true;
      if ((w.day + 1) % 7 === day && minute < w.endMinute) return true;
    }
  }
  return false;
}

/**
 * Open at `now`: hours null = always open; otherwise the local date is not a holiday and the
 * local time is inside a weekly window (start inclusive, end exclusive, minute granularity).
 */
export function isOpen(hours: BusinessHours | null, now: number): boolean {
  if (hours === null) return true;
  const local = localTime(hours.timeZone, now);
  if (hours.holidays.includes(local.date)) return false;
  return inWeekly(hours, local.day, local.minute);
}

/**
 * The UTC instant of a local wall-clock time, by fixed-point iteration on the zone offset. In a DST
 * gap the result is off by the gap; nextOpening() re-checks every candidate with isOpen().
 */
function instantOf(
  timeZone: string,
  year: number,
  month: number,
  dayOfMonth: number,
  minute: number,
): number {
  const wall = Date.UTC(year, month - 1, dayOfMonth) + minute * MS_PER_MINUTE;
  let t = wall;
  for (let i = 0; i < 3; i++) {
    const l = localTime(timeZone, t);
    const shown = Date.UTC(l.year, l.month - 1, l.dayOfMonth) + l.minute * MS_PER_MINUTE;
    const next = t + (wall - shown);
    if (next === t) break;
    t = next;
  }
  return t;
}

/**
 * The first instant after `now` at which the hours are open, or null if never within ~a year
 * (no weekly windows, or everything a holiday). `now` itself is returned when open already.
 * Used for `recheckAt` of a closed decision; only called when a group is closed.
 */
export function nextOpening(hours: BusinessHours | null, now: number): number | null {
  if (isOpen(hours, now)) return now;
  if (hours === null || hours.weekly.length === 0) return null;
  const start = localTime(hours.timeZone, now);
  const base = Date.UTC(start.year, start.month - 1, start.dayOfMonth);
  for (let d = 0; d <= MAX_LOOKAHEAD_DAYS; d++) {
    const date = new Date(base + d * MS_PER_DAY);
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth() + 1;
    const dom = date.getUTCDate();
    const weekday = date.getUTCDay();
    // Candidate openings on this local date: each window start that day, and local midnight
    // (an overnight window continuing, or the day after a holiday).
    const minutes = [0];
    for (const w of hours.weekly)
      if (w.day === weekday && w.startMinute < MINUTES_PER_DAY) minutes.push(w.startMinute);
    minutes.sort((a, b) => a - b);
    for (const minute of minutes) {
      const t = instantOf(hours.timeZone, y, m, dom, minute);
      if (t > now && isOpen(hours, t)) return t;
    }
  }
  return null;
}

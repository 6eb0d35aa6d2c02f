import type { BusinessHours } from '@visavis/protocol';

/**
 * Business hours editing: times as "HH:MM", weekly windows, holidays, checks the server and
 * the routing engine would otherwise refuse or misread. Pure, unit-tested.
 */
export type Window = BusinessHours['weekly'][number];

export const DAY_MINUTES = 24 * 60;

/** 540 → "09:00"; 1440 → "24:00" (end of day). */
export function minutesToTime(m: number): string {
  const clamped = Math.min(DAY_MINUTES, Math.max(0, Math.round(m)));
  return `${String(Math.floor(clamped / 60)).padStart(2, '0')}:${String(clamped % 60).padStart(2, '0')}`;
}

/** "09:30" → 570, "24:00" → 1440; anything else → null. */
export function timeToMinutes(t: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(t.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

/** Zones the browser knows; the routing engine falls back to UTC for unknown ones, so we refuse them. */
export function isValidTimeZone(tz: string): boolean {
  if (!tz.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Windows sorted by day, then start. */
export function sortWindows(weekly: readonly Window[]): Window[] {
  return [...weekly].sort(
    (a, b) => a.day - b.day || a.startMinute - b.startMinute || a.endMinute - b.endMinute,
  );
}

/** The same opening time on each of `days` (0 = Sunday). */
export function preset(days: readonly number[], startMinute: number, endMinute: number): Window[] {
  return days.map((day) => ({ day, startMinute, endMinute }));
}

export const WEEKDAYS = [1, 2, 3, 4, 5] as const;
export const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6] as const;

/** Adds a 'YYYY-MM-DD' date once, keeping the list sorted; invalid dates are ignored. */
export function addHoliday(holidays: readonly string[], date: string): string[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    return [...holidays];
  return [...new Set([...holidays, date])].sort();
}

export type HoursProblem =
  | { kind: 'timeZone' }
  | { kind: 'window'; index: number }
  | { kind: 'overlap'; index: number }
  | { kind: 'tooMany' };

/** What is wrong with hours as entered: unknown zone, a window ending before it starts, overlaps. */
export function validateHours(h: BusinessHours): HoursProblem[] {
  const problems: HoursProblem[] = [];
  if (!isValidTimeZone(h.timeZone)) problems.push({ kind: 'timeZone' });
  if (h.weekly.length > 50) problems.push({ kind: 'tooMany' });
  h.weekly.forEach((w, index) => {
    if (!(w.startMinute >= 0 && w.endMinute <= DAY_MINUTES && w.endMinute > w.startMinute)) {
      problems.push({ kind: 'window', index });
      return;
    }
    const clash = h.weekly.some(
      (o, j) => j < index && o.day === w.day && o.startMinute < w.endMinute && w.startMinute < o.endMinute,
    );
    if (clash) problems.push({ kind: 'overlap', index });
  });
  return problems;
}

/**
 * A short description of the opening times, e.g. "Mon–Fri 09:00–18:00, Sat 10:00–14:00" with
 * day names passed in (index 0 = Sunday). Consecutive days with identical windows are merged.
 */
export function summarizeHours(h: BusinessHours, dayNames: readonly string[]): string {
  const byDay = new Map<number, string>();
  for (const w of sortWindows(h.weekly)) {
    const span = `${minutesToTime(w.startMinute)}–${minutesToTime(w.endMinute)}`;
    byDay.set(w.day, byDay.has(w.day) ? `${byDay.get(w.day)}, ${span}` : span);
  }
  // Monday first, as people read a week; Sunday last.
  const order = [1, 2, 3, 4, 5, 6, 0];
  const parts: string[] = [];
  let i = 0;
  while (i < order.length) {
    const spans = byDay.get(order[i]!);
    if (!spans) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < order.length && byDay.get(order[j + 1]!) === spans) j++;
    const days = j === i ? dayNames[order[i]!] : `${dayNames[order[i]!]}–${dayNames[order[j]!]}`;
    parts.push(`${days} ${spans}`);
    i = j + 1;
  }
  return parts.join('; ');
}

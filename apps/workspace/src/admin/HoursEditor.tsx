import { useState } from 'react';
import type { BusinessHours } from '@visavis/protocol';
import { useI18n } from '../i18n/react.js';
import type { MessageKey } from '../i18n/index.js';
import {
  ALL_DAYS,
  WEEKDAYS,
  addHoliday,
  minutesToTime,
  preset,
  sortWindows,
  timeToMinutes,
  type HoursProblem,
} from '../routing/hours.js';
import { TrashIcon } from '../components/Icons.js';

export const DAY_KEYS: readonly MessageKey[] = [
  'day.0',
  'day.1',
  'day.2',
  'day.3',
  'day.4',
  'day.5',
  'day.6',
];

/** Zones offered in the picker; any other IANA zone may be typed. */
const ZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'UTC',
];

/**
 * Weekly opening windows, holidays and the time zone they are in. `null` hours = always open.
 * Problems (from validateHours) are shown next to the window they concern.
 */
export function HoursEditor({
  hours,
  onChange,
  problems,
}: {
  hours: BusinessHours | null;
  onChange: (h: BusinessHours | null) => void;
  problems: readonly HoursProblem[];
}) {
  const { t } = useI18n();
  const [holiday, setHoliday] = useState('');
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

  if (!hours) {
    return (
      <div className="hours">
        <p className="panel-note">{t('hours.alwaysOpen')}</p>
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="hours-enable"
          onClick={() =>
            onChange({ timeZone: browserZone, weekly: preset(WEEKDAYS, 9 * 60, 18 * 60), holidays: [] })
          }
        >
          {t('hours.set')}
        </button>
      </div>
    );
  }

  const windowProblem = (i: number) =>
    problems.find((p) => (p.kind === 'window' || p.kind === 'overlap') && p.index === i);
  const setWindow = (i: number, patch: Partial<BusinessHours['weekly'][number]>) =>
    onChange({ ...hours, weekly: hours.weekly.map((w, j) => (j === i ? { ...w, ...patch } : w)) });

  return (
    <div className="hours" data-testid="hours-editor">
      <div className="form-row">
        <label className="field field-compact">
          <span>{t('hours.timeZone')}</span>
          <input
            className="input"
            list="vv-zones"
            data-testid="hours-tz"
            value={hours.timeZone}
            aria-invalid={problems.some((p) => p.kind === 'timeZone')}
            onChange={(e) => onChange({ ...hours, timeZone: e.target.value })}
          />
          <datalist id="vv-zones">
            {[...new Set([browserZone, ...ZONES])].map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </label>
        <button type="button" className="btn btn-ghost" onClick={() => onChange(null)}>
          {t('hours.makeAlwaysOpen')}
        </button>
      </div>
      {problems.some((p) => p.kind === 'timeZone') && <p className="form-error">{t('hours.badZone')}</p>}
      <table className="table table-tight hours-table">
        <tbody>
          {hours.weekly.map((w, i) => (
            <tr key={i} data-testid="hours-window" className={windowProblem(i) ? 'row-invalid' : ''}>
              <td>
                <select
                  className="select"
                  value={w.day}
                  aria-label={t('hours.day')}
                  onChange={(e) => setWindow(i, { day: Number(e.target.value) })}
                >
                  {DAY_KEYS.map((k, d) => (
                    <option key={d} value={d}>
                      {t(k)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <TimeInput
                  label={t('hours.from')}
                  minutes={w.startMinute}
                  onChange={(m) => setWindow(i, { startMinute: m })}
                />
              </td>
              <td>–</td>
              <td>
                <TimeInput
                  label={t('hours.to')}
                  minutes={w.endMinute}
                  onChange={(m) => setWindow(i, { endMinute: m })}
                />
              </td>
              <td className="form-error">
                {windowProblem(i) &&
                  t(windowProblem(i)!.kind === 'overlap' ? 'hours.overlap' : 'hours.badWindow')}
              </td>
              <td>
                <button
                  type="button"
                  className="btn-icon-sm"
                  aria-label={t('admin.remove')}
                  title={t('admin.remove')}
                  onClick={() => onChange({ ...hours, weekly: hours.weekly.filter((_, j) => j !== i) })}
                >
                  <TrashIcon />
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {hours.weekly.length === 0 && <p className="panel-note">{t('hours.noWindows')}</p>}
      <div className="row-actions">
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="hours-add"
          onClick={() =>
            onChange({ ...hours, weekly: [...hours.weekly, { day: 1, startMinute: 540, endMinute: 1080 }] })
          }
        >
          + {t('hours.addWindow')}
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => onChange({ ...hours, weekly: preset(WEEKDAYS, 540, 1080) })}
        >
          {t('hours.presetWeekdays')}
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => onChange({ ...hours, weekly: preset(ALL_DAYS, 480, 1320) })}
        >
          {t('hours.presetDaily')}
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => onChange({ ...hours, weekly: sortWindows(hours.weekly) })}
        >
          {t('hours.sort')}
        </button>
      </div>
      <h5 className="why-sub">{t('hours.holidays')}</h5>
      <div className="chips">
        {hours.holidays.map((d) => (
          <span key={d} className="chip chip-removable">
            {d}
            <button
              type="button"
              aria-label={t('admin.remove')}
              onClick={() => onChange({ ...hours, holidays: hours.holidays.filter((x) => x !== d) })}
            >
              ×
            </button>
          </span>
        ))}
        <input
          className="input input-date"
          type="date"
          data-testid="holiday-date"
          value={holiday}
          onChange={(e) => setHoliday(e.target.value)}
        />
        <button
          type="button"
          className="btn btn-ghost"
          disabled={!holiday}
          onClick={() => {
            onChange({ ...hours, holidays: addHoliday(hours.holidays, holiday) });
            setHoliday('');
          }}
        >
          + {t('hours.addHoliday')}
        </button>
      </div>
    </div>
  );
}

function TimeInput({
  label,
  minutes,
  onChange,
}: {
  label: string;
  minutes: number;
  onChange: (m: number) => void;
}) {
  // <input type=time> cannot say 24:00; the end of the day is typed as 23:59 and stored as 24:00.
  const value = minutes >= 1440 ? '23:59' : minutesToTime(minutes);
  return (
    <input
      className="input input-time"
      type="time"
      aria-label={label}
      value={value}
      onChange={(e) => {
        const m = timeToMinutes(e.target.value);
        if (m !== null) onChange(m === 1439 ? 1440 : m);
      }}
    />
  );
}

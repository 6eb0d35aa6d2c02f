import { useState } from 'react';
import { msToSeconds, secondsToMs } from '../routing/chain.js';
import { parseList } from '../routing/format.js';

/**
 * Inputs that keep what the admin is typing (an empty box, "1.", "help, ") while handing the
 * parsed value up on every change. NaN goes up as NaN: the form's validation names the field.
 */
export function NumberInput({
  value,
  onChange,
  scale = 1,
  testId,
  label,
  min,
  max,
  step,
}: {
  value: number;
  onChange: (n: number) => void;
  /** Shown value = value / scale (1000: milliseconds shown as seconds). */
  scale?: number;
  testId?: string;
  label: string;
  min?: number;
  max?: number;
  step?: number;
}) {
  const shown = scale === 1000 ? msToSeconds(value) : Number.isFinite(value) ? String(value / scale) : '';
  const [text, setText] = useState(shown);
  const parsed =
    scale === 1000 ? secondsToMs(text) : text.trim() ? Math.round(Number(text) * scale) : Number.NaN;
  // A value changed from outside (reload, reorder) replaces what is in the box.
  const current = Object.is(parsed, value) || (Number.isNaN(parsed) && Number.isNaN(value)) ? text : shown;
  return (
    <input
      className="input input-num"
      type="number"
      inputMode="decimal"
      aria-label={label}
      title={label}
      data-testid={testId}
      min={min}
      max={max}
      step={step}
      value={current}
      aria-invalid={!Number.isFinite(value)}
      onChange={(e) => {
        setText(e.target.value);
        const n =
          scale === 1000
            ? secondsToMs(e.target.value)
            : e.target.value.trim()
              ? Number(e.target.value) * scale
              : Number.NaN;
        onChange(Math.round(n));
      }}
    />
  );
}

/** A comma-separated list ("help, sales"), parsed with parseList. */
export function ListInput({
  value,
  onChange,
  label,
  placeholder,
  testId,
}: {
  value: readonly string[];
  onChange: (list: string[]) => void;
  label: string;
  placeholder?: string;
  testId?: string;
}) {
  const [text, setText] = useState(value.join(', '));
  const current = parseList(text).join('\n') === value.join('\n') ? text : value.join(', ');
  return (
    <input
      className="input"
      aria-label={label}
      placeholder={placeholder}
      data-testid={testId}
      value={current}
      aria-invalid={value.length === 0}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseList(e.target.value));
      }}
    />
  );
}

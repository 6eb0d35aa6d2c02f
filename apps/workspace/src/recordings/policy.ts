import type { RecordingMode, RecordingPolicy } from '@visavis/protocol';
import type { MessageKey } from '../i18n/index.js';
import type { GroupRecordingPolicy } from './api.js';

/**
 * The admin's recording-policy form as pure functions: the draft, the rule that dual recording
 * implies mandatory recording, script-step editing, and the same limits the server checks
 * (packages/protocol RecordingPolicy; retention 1–36500 days).
 */
export interface PolicyDraft {
  mode: RecordingMode;
  dual: boolean;
  script: string[];
  visitorLocal: boolean;
  /** null: the server's default retention; otherwise the text in the days box. */
  retentionDays: string | null;
}

export const SCRIPT_MAX_STEPS = 50;
export const SCRIPT_STEP_MAX = 500;

export function draftOf(g: GroupRecordingPolicy): PolicyDraft {
  return {
    mode: g.mode,
    dual: g.dual,
    script: [...g.script],
    visitorLocal: g.visitorLocal,
    retentionDays: g.retentionDays === null ? null : String(g.retentionDays),
  };
}

/** Choosing a mode other than mandatory turns dual recording off (it needs mandatory). */
export function withMode(d: PolicyDraft, mode: RecordingMode): PolicyDraft {
  return { ...d, mode, dual: mode === 'mandatory' ? d.dual : false };
}

/** Turning dual recording on makes recording mandatory. */
export function withDual(d: PolicyDraft, dual: boolean): PolicyDraft {
  return { ...d, dual, mode: dual ? 'mandatory' : d.mode };
}

export type StepEdit =
  | { op: 'add' }
  | { op: 'set'; index: number; text: string }
  | { op: 'remove'; index: number }
  | { op: 'move'; index: number; by: -1 | 1 };

export function editScript(script: readonly string[], e: StepEdit): string[] {
  const next = [...script];
  switch (e.op) {
    case 'add':
      if (next.length < SCRIPT_MAX_STEPS) next.push('');
      return next;
    case 'set':
      if (e.index >= 0 && e.index < next.length) next[e.index] = e.text;
      return next;
    case 'remove':
      next.splice(e.index, 1);
      return next;
    case 'move': {
      const to = e.index + e.by;
      if (e.index < 0 || e.index >= next.length || to < 0 || to >= next.length) return next;
      [next[e.index], next[to]] = [next[to]!, next[e.index]!];
      return next;
    }
  }
}

/** Retention days typed in a box: a whole number 1–36500 (what the server accepts), else NaN. */
export function parseRetentionDays(text: string): number {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : Number.NaN;
  return Number.isInteger(n) && n >= 1 && n <= 36_500 ? n : Number.NaN;
}

/** The retention the draft asks for: null = default, a number of days, or NaN when the box is invalid. */
export function retentionOf(d: PolicyDraft): number | null {
  return d.retentionDays === null ? null : parseRetentionDays(d.retentionDays);
}

/** What stops the draft from being saved, as dictionary keys (empty: it can be saved). */
export function problemsOf(d: PolicyDraft): MessageKey[] {
  const p: MessageKey[] = [];
  if (d.script.some((s) => !s.trim())) p.push('recPolicy.err.stepEmpty');
  if (d.script.some((s) => s.trim().length > SCRIPT_STEP_MAX)) p.push('recPolicy.err.stepLong');
  if (d.script.length > SCRIPT_MAX_STEPS) p.push('recPolicy.err.tooMany');
  if (Number.isNaN(retentionOf(d))) p.push('recPolicy.err.retention');
  return p;
}

/** The policy to send (steps trimmed). */
export function policyOf(d: PolicyDraft): RecordingPolicy {
  return {
    mode: d.mode,
    dual: d.dual && d.mode === 'mandatory',
    script: d.script.map((s) => s.trim()),
    visitorLocal: d.visitorLocal,
  };
}

export function samePolicy(a: RecordingPolicy, b: RecordingPolicy): boolean {
  return (
    a.mode === b.mode &&
    a.dual === b.dual &&
    a.visitorLocal === b.visitorLocal &&
    a.script.length === b.script.length &&
    a.script.every((s, i) => s === b.script[i])
  );
}

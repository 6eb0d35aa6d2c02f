import { describe, expect, it } from 'vitest';
import {
  draftOf,
  editScript,
  policyOf,
  problemsOf,
  retentionOf,
  samePolicy,
  withDual,
  withMode,
  type PolicyDraft,
} from './policy.js';

const base: PolicyDraft = draftOf({
  id: 'g',
  name: 'General',
  mode: 'on',
  dual: false,
  script: [],
  visitorLocal: false,
  retentionDays: null,
});

describe('recording policy form', () => {
  it('keeps dual recording only with mandatory mode', () => {
    const dual = withDual(base, true);
    expect(dual).toMatchObject({ mode: 'mandatory', dual: true });
    expect(withMode(dual, 'on')).toMatchObject({ mode: 'on', dual: false });
    expect(withMode(dual, 'mandatory')).toMatchObject({ mode: 'mandatory', dual: true });
    expect(withDual(dual, false)).toMatchObject({ mode: 'mandatory', dual: false });
    expect(policyOf({ ...base, dual: true, mode: 'on' }).dual).toBe(false);
  });

  it('adds, edits, reorders and removes script steps', () => {
    let s = editScript([], { op: 'add' });
    s = editScript(s, { op: 'set', index: 0, text: 'Identify' });
    s = editScript(s, { op: 'add' });
    s = editScript(s, { op: 'set', index: 1, text: 'Risk notice' });
    expect(editScript(s, { op: 'move', index: 1, by: -1 })).toEqual(['Risk notice', 'Identify']);
    expect(editScript(s, { op: 'move', index: 1, by: 1 })).toEqual(s);
    expect(editScript(s, { op: 'remove', index: 0 })).toEqual(['Risk notice']);
    const full = Array.from({ length: 50 }, (_, i) => `s${i}`);
    expect(editScript(full, { op: 'add' })).toHaveLength(50);
  });

  it('names what blocks saving, and sends trimmed steps', () => {
    expect(problemsOf(base)).toEqual([]);
    expect(problemsOf({ ...base, script: ['ok', '  '] })).toEqual(['recPolicy.err.stepEmpty']);
    expect(problemsOf({ ...base, script: ['x'.repeat(501)] })).toEqual(['recPolicy.err.stepLong']);
    for (const days of ['0', '36501', '1.5', '', 'abc'])
      expect(problemsOf({ ...base, retentionDays: days })).toEqual(['recPolicy.err.retention']);
    expect(retentionOf({ ...base, retentionDays: ' 365 ' })).toBe(365);
    expect(retentionOf(base)).toBeNull();
    expect(policyOf({ ...base, script: [' a '] }).script).toEqual(['a']);
    expect(samePolicy(policyOf(base), { mode: 'on', dual: false, script: [], visitorLocal: false })).toBe(
      true,
    );
    expect(samePolicy(policyOf(base), { mode: 'on', dual: false, script: ['a'], visitorLocal: false })).toBe(
      false,
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { RoutingConfig } from '@visavis/protocol';
import {
  addableKinds,
  chainReducer,
  msToSeconds,
  newStep,
  secondsToMs,
  validateConfig,
  type ChainAction,
} from './chain.js';

const base: RoutingConfig = {
  policy: {
    chain: [
      newStep('vip'),
      newStep('designated'),
      newStep('returning'),
      newStep('skill-rules'),
      newStep('least-loaded'),
    ],
    weights: { chat: 1, audio: 2, video: 3 },
    refusalCooldownMs: 300_000,
  },
  ringTimeoutMs: 20_000,
  maxMissedOffers: 3,
  wrapUpMs: 0,
};

const run = (c: RoutingConfig, ...actions: ChainAction[]) => actions.reduce(chainReducer, c);
const kinds = (c: RoutingConfig) => c.policy.chain.map((s) => s.kind);

describe('chain editor reducer', () => {
  it('adds each kind once, removes and reorders steps', () => {
    let c = run(base, { type: 'addStep', kind: 'random' }, { type: 'addStep', kind: 'random' });
    expect(kinds(c)).toEqual(['vip', 'designated', 'returning', 'skill-rules', 'least-loaded', 'random']);
    expect(addableKinds(c.policy.chain)).toEqual([]);
    c = run(c, { type: 'moveStep', index: 5, delta: -1 }, { type: 'removeStep', index: 0 });
    expect(kinds(c)).toEqual(['designated', 'returning', 'skill-rules', 'random', 'least-loaded']);
    expect(addableKinds(c.policy.chain)).toEqual(['vip']);
    // Moving past either end changes nothing.
    expect(kinds(run(c, { type: 'moveStep', index: 0, delta: -1 }))).toEqual(kinds(c));
    expect(kinds(run(c, { type: 'moveStep', index: 4, delta: 1 }))).toEqual(kinds(c));
    // The input was never mutated.
    expect(kinds(base)).toEqual(['vip', 'designated', 'returning', 'skill-rules', 'least-loaded']);
  });

  it('edits skill rules and their conditions inside the skill-rules step only', () => {
    const c = run(
      base,
      { type: 'addRule', step: 3, groupId: 'g-sales' },
      { type: 'addRule', step: 3, groupId: 'g-help' },
      { type: 'addCondition', step: 3, rule: 0, field: 'entryPoint' },
      { type: 'setCondition', step: 3, rule: 0, cond: 0, condition: { field: 'entryPoint', oneOf: ['buy'] } },
      { type: 'addCondition', step: 3, rule: 0, field: 'vip' },
      { type: 'moveRule', step: 3, rule: 1, delta: -1 },
      { type: 'updateRule', step: 3, rule: 1, patch: { groupId: 'g-vip' } },
      // Aimed at a step that has no rules: ignored.
      { type: 'addRule', step: 0, groupId: 'x' },
    );
    const step = c.policy.chain[3]!;
    expect(step.kind === 'skill-rules' && step.rules).toEqual([
      { id: 'r2', when: [], groupId: 'g-help' },
      {
        id: 'r1',
        when: [
          { field: 'entryPoint', oneOf: ['buy'] },
          { field: 'vip', equals: true },
        ],
        groupId: 'g-vip',
      },
    ]);
    const trimmed = run(
      c,
      { type: 'removeCondition', step: 3, rule: 1, cond: 0 },
      { type: 'removeRule', step: 3, rule: 0 },
    );
    const s2 = trimmed.policy.chain[3]!;
    expect(s2.kind === 'skill-rules' && s2.rules).toEqual([
      { id: 'r1', when: [{ field: 'vip', equals: true }], groupId: 'g-vip' },
    ]);
    expect(base.policy.chain[3]).toEqual(newStep('skill-rules'));
  });

  it('sets weights and offer settings', () => {
    const c = run(
      base,
      { type: 'setWeight', media: 'video', value: 4 },
      { type: 'setCooldown', ms: 0 },
      { type: 'setOffers', patch: { ringTimeoutMs: 15_000, wrapUpMs: 30_000 } },
    );
    expect(c.policy.weights).toEqual({ chat: 1, audio: 2, video: 4 });
    expect(c.policy.refusalCooldownMs).toBe(0);
    expect(c).toMatchObject({ ringTimeoutMs: 15_000, wrapUpMs: 30_000, maxMissedOffers: 3 });
  });
});

describe('validateConfig', () => {
  it('accepts the default configuration', () => {
    expect(validateConfig(base, [])).toEqual([]);
  });

  it('flags what the server would refuse, with where it is', () => {
    const c = run(
      base,
      { type: 'addRule', step: 3, groupId: '' },
      { type: 'addRule', step: 3, groupId: 'gone' },
      { type: 'addCondition', step: 3, rule: 1, field: 'pageUrl' },
      { type: 'setWeight', media: 'audio', value: 0 },
      { type: 'setOffers', patch: { ringTimeoutMs: 1000, maxMissedOffers: Number.NaN } },
    );
    expect(validateConfig(c, ['g1'])).toEqual([
      { key: 'ruleGroup', step: 4, rule: 1 },
      { key: 'unknownGroup', step: 4, rule: 2 },
      { key: 'ruleEmptyValue', step: 4, rule: 2 },
      { key: 'weight' },
      { key: 'ringTimeout' },
      { key: 'maxMissed' },
    ]);
    expect(validateConfig({ ...base, policy: { ...base.policy, chain: [] } }, [])).toEqual([
      { key: 'emptyChain' },
    ]);
  });

  it('converts seconds in the form to milliseconds and back', () => {
    expect(secondsToMs('20')).toBe(20_000);
    expect(secondsToMs('1.5')).toBe(1_500);
    expect(secondsToMs('')).toBeNaN();
    expect(secondsToMs('abc')).toBeNaN();
    expect(msToSeconds(20_000)).toBe('20');
    expect(msToSeconds(Number.NaN)).toBe('');
  });
});

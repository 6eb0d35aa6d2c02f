import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { defaultPolicy } from './policy.js';
import { agent, DAY, fixed, group, HOUR, MIN, officeHours, policy, snapshot, T0 } from './test-fixtures.js';
import type { Decision, SkillGroupFacts, StrategyStep } from './types.js';
import { MAX_VERDICTS } from './verdicts.js';

const steps = (d: Decision) => [...new Set(d.reasons.map((r) => r.step))];
const rulesTo = (groupId: string): StrategyStep => ({
  kind: 'skill-rules',
  rules: [],
  defaultGroupId: groupId,
});

describe('the chain', () => {
  it('tries each step in order and falls through to least-loaded', () => {
    const d = decide(
      snapshot([agent('a', { load: 1 }), agent('b')], {
        visitor: { designatedAgentId: 'a' },
        history: [{ agentId: 'a', at: T0 - DAY }],
      }),
      { ...defaultPolicy(), refusalCooldownMs: 5 * MIN },
      T0,
      fixed(0),
    );
    // designated 'a' is eligible: the designated step offers before returning and least-loaded
    expect(d).toMatchObject({ kind: 'offer', agentId: 'a', strategy: 'designated' });
    expect(steps(d)).toEqual(['eligibility', 'vip', 'designated']);
  });

  it('each step explains why it passed', () => {
    const d = decide(
      snapshot([agent('a', { state: 'away' }), agent('b')], {
        visitor: { designatedAgentId: 'a' },
        history: [{ agentId: 'a', at: T0 - DAY }],
      }),
      defaultPolicy(),
      T0,
      fixed(0),
    );
    expect(d).toMatchObject({ kind: 'offer', agentId: 'b', strategy: 'least-loaded', groupId: null });
    expect(d.reasons).toEqual([
      { step: 'eligibility', note: '2 agents, 1 eligible; dropped: away 1' },
      { step: 'vip', note: 'visitor is not a VIP: pass' },
      { step: 'designated', note: 'designated agent a: away, not worth waiting for: pass' },
      {
        step: 'returning',
        note: `returning agent a (last): last served them at ${new Date(T0 - DAY).toISOString()}`,
      },
      { step: 'returning', note: 'returning agent a: away, not worth waiting for: pass' },
      { step: 'skill-rules', note: 'no rule matched: default group none' },
      { step: 'group', note: 'no target group (default): every agent of the organisation is in scope' },
      {
        step: 'least-loaded',
        note: 'offered to b: highest idle rate among 1 eligible (idle 5/5, last assigned never)',
      },
    ]);
  });

  it('ends with the choosing step’s own note (what the server shows as the summary)', () => {
    const d = decide(snapshot([agent('a')]), policy([{ kind: 'random' }]), T0, fixed(0.5));
    expect(d.reasons.at(-1)).toMatchObject({ step: 'random', note: expect.stringMatching(/^offered to a/) });
  });

  it('an empty chain queues', () => {
    expect(decide(snapshot([agent('a')]), policy([]), T0, fixed(0))).toMatchObject({
      kind: 'queue',
      recheckAt: null,
      closed: false,
    });
  });

  it('a group preset on the conversation applies from the start when the chain has no skill-rules step', () => {
    const d = decide(
      snapshot([agent('x', { capacity: 50 }), agent('s', { groups: ['sales'] })], { groupId: 'sales' }),
      policy([{ kind: 'least-loaded' }]),
      T0,
      fixed(0),
    );
    expect(d).toMatchObject({ kind: 'offer', agentId: 's', groupId: 'sales' });
  });

  it('steps before skill-rules see every agent; steps after it only the group', () => {
    const agents = [agent('r', { groups: ['support'] }), agent('s', { groups: ['sales'] })];
    const conv = { history: [{ agentId: 'r', at: T0 - HOUR }] };
    const returning: StrategyStep = { kind: 'returning', mode: 'last', lookbackMs: DAY, waitMs: 0 };
    const before = decide(
      snapshot(agents, conv),
      policy([returning, rulesTo('sales'), { kind: 'least-loaded' }]),
      T0,
      fixed(0),
    );
    const after = decide(
      snapshot(agents, conv),
      policy([rulesTo('sales'), returning, { kind: 'least-loaded' }]),
      T0,
      fixed(0),
    );
    expect(before).toMatchObject({ agentId: 'r', strategy: 'returning', groupId: null });
    expect(after).toMatchObject({ agentId: 's', strategy: 'least-loaded', groupId: 'sales' });
  });
});

describe('business hours', () => {
  const chain = policy([rulesTo('cn'), { kind: 'least-loaded' }]);
  const agents = [agent('a', { groups: ['cn'] })];
  const cn = (holidays: string[] = []): SkillGroupFacts =>
    group('cn', { hours: officeHours('Asia/Shanghai', holidays) });

  it.each<[string, number, string[], boolean, number | null]>([
    ['17:59 in Shanghai (09:59 UTC): open', T0 - MIN, [], false, null],
    [
      '18:00 in Shanghai (10:00 UTC): closed until Tuesday 09:00 local',
      T0,
      [],
      true,
      Date.UTC(2026, 0, 6, 1),
    ],
    [
      '08:59 in Shanghai (00:59 UTC): closed until 09:00 local',
      T0 - 9 * HOUR - MIN,
      [],
      true,
      Date.UTC(2026, 0, 5, 1),
    ],
    [
      'a holiday in Shanghai: closed until the next working day',
      T0 - 2 * HOUR,
      ['2026-01-05'],
      true,
      Date.UTC(2026, 0, 6, 1),
    ],
  ])('%s', (_name, now, holidays, closed, recheckAt) => {
    const d = decide(snapshot(agents, { enqueuedAt: now }, [cn(holidays)]), chain, now, fixed(0));
    if (!closed) return expect(d.kind).toBe('offer');
    expect(d).toMatchObject({ kind: 'queue', closed: true, groupId: 'cn', recheckAt });
    expect(d.reasons.find((r) => r.step === 'hours')?.note).toMatch(
      /group cn is closed \(local 2026-01-05 \d\d:\d\d Asia\/Shanghai/,
    );
  });

  it('the same instant is open for a UTC group', () => {
    const d = decide(snapshot(agents, {}, [group('cn', { hours: officeHours('UTC') })]), chain, T0, fixed(0));
    expect(d.kind).toBe('offer');
  });

  it('a closed group does not stop a designated agent offered before the group is decided', () => {
    const p = policy([{ kind: 'designated', waitMs: 0 }, rulesTo('cn'), { kind: 'least-loaded' }]);
    const d = decide(snapshot(agents, { visitor: { designatedAgentId: 'a' } }, [cn()]), p, T0, fixed(0));
    expect(d).toMatchObject({ kind: 'offer', agentId: 'a', strategy: 'designated' });
  });

  it('closed with an overflow still to come: re-check at whichever is first', () => {
    const g = group('cn', {
      hours: officeHours('Asia/Shanghai'),
      overflowAfterMs: 10 * MIN,
      overflowGroupId: 'intl',
    });
    const d = decide(snapshot([...agents, agent('i', { groups: ['intl'] })], {}, [g]), chain, T0, fixed(0));
    expect(d).toMatchObject({ kind: 'queue', closed: true, recheckAt: T0 + 10 * MIN });
    const later = decide(
      snapshot([...agents, agent('i', { groups: ['intl'] })], {}, [g]),
      chain,
      T0 + 10 * MIN,
      fixed(0),
    );
    expect(later).toMatchObject({ kind: 'offer', agentId: 'i' });
  });
});

describe('recheckAt of a queue decision', () => {
  const ll = policy([rulesTo('g'), { kind: 'least-loaded' }]);
  it.each<[string, Parameters<typeof agent>[1][], { overflow?: number; refusedAt?: number }, number | null]>([
    ['everybody full: nothing to wait for', [{ load: 5 }], {}, null],
    [
      'an agent in wrap-up: when it ends',
      [{ load: 5 }, { wrapUpUntil: T0 + 3 * MIN }, { wrapUpUntil: T0 + 2 * MIN }],
      {},
      T0 + 2 * MIN,
    ],
    ['a refuser: when the cooldown ends', [{}], { refusedAt: T0 - MIN }, T0 + 4 * MIN],
    ['overflow comes first', [{ wrapUpUntil: T0 + 3 * MIN }], { overflow: MIN }, T0 + MIN],
    [
      'wrap-up and refusal: the later of both',
      [{ wrapUpUntil: T0 + 6 * MIN }],
      { refusedAt: T0 - MIN },
      T0 + 6 * MIN,
    ],
  ])('%s', (_name, overs, { overflow, refusedAt }, expected) => {
    const agents = overs.map((o, i) => agent(`a${i}`, { groups: ['g'], ...o }));
    const groups = [
      group('g', { overflowAfterMs: overflow ?? null, overflowGroupId: overflow ? 'o' : null }),
    ];
    const refusals =
      refusedAt === undefined ? [] : [{ agentId: 'a0', at: refusedAt, reason: 'declined' as const }];
    expect(decide(snapshot(agents, { refusals }, groups), ll, T0, fixed(0))).toMatchObject({
      kind: 'queue',
      recheckAt: expected,
    });
  });

  it('ignores the wrap-up of agents outside the target group', () => {
    const agents = [agent('x', { wrapUpUntil: T0 + MIN }), agent('g', { groups: ['g'], load: 5 })];
    expect(decide(snapshot(agents), ll, T0, fixed(0))).toMatchObject({ kind: 'queue', recheckAt: null });
  });

  it('a refused agent is offered again once the cooldown is over', () => {
    const s = snapshot([agent('a', { groups: ['g'] })], {
      refusals: [{ agentId: 'a', at: T0, reason: 'timeout' }],
    });
    expect(decide(s, ll, T0 + 5 * MIN - 1, fixed(0)).kind).toBe('queue');
    expect(decide(s, ll, T0 + 5 * MIN, fixed(0))).toMatchObject({ kind: 'offer', agentId: 'a' });
  });
});

describe('verdicts', () => {
  it(`lists the first ${MAX_VERDICTS} agents plus the chosen one, and counts the rest`, () => {
    const agents = Array.from({ length: 1000 }, (_, i) =>
      agent(`a${String(i).padStart(4, '0')}`, {
        load: i === 700 ? 0 : 1,
        state: i % 10 === 3 ? 'away' : 'online',
      }),
    );
    const d = decide(snapshot(agents), policy([{ kind: 'least-loaded' }]), T0, fixed(0));
    expect(d).toMatchObject({ kind: 'offer', agentId: 'a0700' });
    expect(d.candidates).toHaveLength(MAX_VERDICTS + 1);
    expect(d.candidates.at(-1)).toMatchObject({
      agentId: 'a0700',
      kept: true,
      why: expect.stringMatching(/^chosen by least-loaded/),
    });
    expect(d.reasons[0]?.note).toBe(
      '1000 agents, 900 eligible; dropped: away 100; verdicts listed for the first 200 agents and any named by a step, the rest only counted',
    );
  });
});

describe('defaultPolicy', () => {
  it('is the documented chain with call weights and a 5-minute cooldown', () => {
    const p = defaultPolicy();
    expect(p.chain.map((s) => s.kind)).toEqual([
      'vip',
      'designated',
      'returning',
      'skill-rules',
      'least-loaded',
    ]);
    expect(p.weights).toEqual({ chat: 1, audio: 2, video: 3 });
    expect(p.refusalCooldownMs).toBe(5 * MIN);
  });

  it('does not modify the snapshot or the policy', () => {
    const s = snapshot([agent('a'), agent('b', { groups: ['g'] })], {
      history: [{ agentId: 'b', at: T0 - 1 }],
    });
    const p = defaultPolicy();
    const before = JSON.stringify([s, p]);
    decide(Object.freeze(s), Object.freeze(p), T0, fixed(0));
    expect(JSON.stringify([s, p])).toBe(before);
  });
});

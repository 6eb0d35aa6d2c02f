import { describe, expect, it } from 'vitest';
import { decide } from '../decide.js';
import { agent, DAY, fixed, MIN, policy, snapshot, T0, type ConversationOver } from '../test-fixtures.js';
import type { AgentSnapshot, Decision, ServedBy, StrategyStep } from '../types.js';
import { returningAgent } from './returning.js';

const run = (
  chain: StrategyStep[],
  agents: AgentSnapshot[],
  conv: ConversationOver = {},
  now = T0,
  random = fixed(0),
) => decide(snapshot(agents, conv), policy(chain), now, random);
const pick = (d: Decision) =>
  d.kind === 'offer' ? `${d.strategy}:${d.agentId}` : `queue@${d.recheckAt ?? 'null'}`;

describe('least-loaded', () => {
  it.each<[string, AgentSnapshot[], string]>([
    [
      'highest idle rate, not most free units',
      [agent('a', { capacity: 10, load: 5 }), agent('b', { capacity: 2, load: 0 })],
      'b',
    ],
    ['equal rate: never assigned first', [agent('a', { lastAssignedAt: T0 - MIN }), agent('b')], 'b'],
    [
      'equal rate: longest since last assignment',
      [agent('a', { lastAssignedAt: T0 - MIN }), agent('b', { lastAssignedAt: T0 - DAY })],
      'b',
    ],
    ['full tie: lowest id', [agent('b'), agent('a')], 'a'],
    ['skips ineligible agents', [agent('a', { state: 'away' }), agent('b', { load: 4 })], 'b'],
  ])('%s', (_name, agents, expected) => {
    expect(pick(run([{ kind: 'least-loaded' }], agents))).toBe(`least-loaded:${expected}`);
  });

  it('queues when nobody is eligible', () => {
    expect(run([{ kind: 'least-loaded' }], [agent('a', { load: 5 })]).kind).toBe('queue');
  });
});

describe('random', () => {
  const agents = [agent('c'), agent('a'), agent('b'), agent('x', { state: 'offline' })];
  it.each<[number, string]>([
    [0, 'a'],
    [0.34, 'b'],
    [0.99, 'c'],
    [1, 'c'], // a misbehaving source is clamped
  ])('random %d over a, b, c sorted by id → %s', (r, expected) => {
    expect(pick(run([{ kind: 'random' }], agents, {}, T0, fixed(r)))).toBe(`random:${expected}`);
    expect(pick(run([{ kind: 'random' }], [...agents].reverse(), {}, T0, fixed(r)))).toBe(
      `random:${expected}`,
    );
  });

  it('does not call random when nobody is eligible', () => {
    let calls = 0;
    const d = run([{ kind: 'random' }], [agent('a', { state: 'away' })], {}, T0, () => (calls++, 0));
    expect(d.kind).toBe('queue');
    expect(calls).toBe(0);
  });
});

describe('designated', () => {
  const designated = (waitMs: number): StrategyStep[] => [
    { kind: 'designated', waitMs },
    { kind: 'least-loaded' },
  ];
  const conv = (enqueuedAt = T0): ConversationOver => ({ enqueuedAt, visitor: { designatedAgentId: 'd' } });
  const other = agent('o');
  it.each<[string, Partial<AgentSnapshot>, number, number, string]>([
    ['eligible: offered', { load: 4 }, 0, T0, 'designated:d'],
    ['busy, within the window: wait', { state: 'busy' }, 5 * MIN, T0 + MIN, `queue@${T0 + 5 * MIN}`],
    ['at capacity, within the window: wait', { load: 5 }, 5 * MIN, T0, `queue@${T0 + 5 * MIN}`],
    [
      'in wrap-up ending before the window: re-check when it ends',
      { wrapUpUntil: T0 + MIN },
      5 * MIN,
      T0,
      `queue@${T0 + MIN}`,
    ],
    [
      'in wrap-up ending after the window: re-check at the window',
      { wrapUpUntil: T0 + 9 * MIN },
      5 * MIN,
      T0,
      `queue@${T0 + 5 * MIN}`,
    ],
    ['busy, window over: fall through', { state: 'busy' }, 5 * MIN, T0 + 5 * MIN, 'least-loaded:o'],
    ['busy, no window: fall through', { state: 'busy' }, 0, T0, 'least-loaded:o'],
    ['offline: not worth waiting for', { state: 'offline' }, 5 * MIN, T0, 'least-loaded:o'],
    ['away: not worth waiting for', { state: 'away' }, 5 * MIN, T0, 'least-loaded:o'],
    ['too small for a video: not worth waiting for', { capacity: 2 }, 5 * MIN, T0, 'least-loaded:o'],
  ])('%s', (_name, over, waitMs, now, expected) => {
    const media = over.capacity === 2 ? 'video' : 'chat';
    expect(pick(run(designated(waitMs), [agent('d', over), other], { ...conv(), media }, now))).toBe(
      expected,
    );
  });

  it('a refuser is not waited for', () => {
    const d = run(designated(5 * MIN), [agent('d', { state: 'busy' }), other], {
      ...conv(),
      refusals: [{ agentId: 'd', at: T0, reason: 'declined' }],
    });
    expect(pick(d)).toBe('least-loaded:o');
    expect(d.reasons.find((r) => r.step === 'designated')?.note).toMatch(/refused this conversation/);
  });

  it('an unknown designated agent falls through', () => {
    expect(pick(run(designated(5 * MIN), [other], conv()))).toBe('least-loaded:o');
  });

  it('the designation wins over the target group', () => {
    const chain: StrategyStep[] = [
      { kind: 'skill-rules', rules: [], defaultGroupId: 'sales' },
      { kind: 'designated', waitMs: 0 },
      { kind: 'least-loaded' },
    ];
    const d = run(chain, [agent('d', { groups: ['support'] }), agent('s', { groups: ['sales'] })], conv());
    expect(d).toMatchObject({ kind: 'offer', agentId: 'd', strategy: 'designated', groupId: 'sales' });
    expect(d.candidates.find((c) => c.agentId === 'd')).toMatchObject({
      kept: true,
      why: expect.stringMatching(/designation wins/),
    });
  });
});

describe('returning', () => {
  const h = (agentId: string, daysAgo: number): ServedBy => ({ agentId, at: T0 - daysAgo * DAY });
  const history = [h('a', 3), h('b', 2), h('a', 10), h('c', 40), h('c', 41), h('c', 42)];

  it.each<['last' | 'most-frequent', number, ServedBy[], string | null]>([
    ['last', 30, history, 'b'],
    ['most-frequent', 30, history, 'a'],
    ['most-frequent', 60, history, 'c'],
    ['last', 1, history, null],
    ['most-frequent', 30, [h('a', 5), h('b', 3), h('a', 9), h('b', 7)], 'b'], // tie on count → most recent
    ['last', 30, [h('b', 2), h('a', 2)], 'a'], // same moment → lowest id
    ['last', 30, [], null],
  ])('%s within %i days', (mode, days, hist, expected) => {
    expect(returningAgent(hist, mode, days * DAY, T0)?.agentId ?? null).toBe(expected);
  });

  const step = (waitMs = 0): StrategyStep[] => [
    { kind: 'returning', mode: 'last', lookbackMs: 30 * DAY, waitMs },
    { kind: 'least-loaded' },
  ];

  it('offers the returning agent when eligible, else waits within the window, else falls through', () => {
    const others = [agent('z', { capacity: 100 })];
    expect(pick(run(step(), [agent('b'), ...others], { history }))).toBe('returning:b');
    expect(pick(run(step(2 * MIN), [agent('b', { load: 5 }), ...others], { history }))).toBe(
      `queue@${T0 + 2 * MIN}`,
    );
    expect(pick(run(step(2 * MIN), [agent('b', { load: 5 }), ...others], { history }, T0 + 2 * MIN))).toBe(
      'least-loaded:z',
    );
    expect(pick(run(step(2 * MIN), [agent('b', { state: 'offline' }), ...others], { history }))).toBe(
      'least-loaded:z',
    );
  });

  it('stays inside the target group: no offer and no waiting for an agent outside it', () => {
    const chain: StrategyStep[] = [
      { kind: 'skill-rules', rules: [], defaultGroupId: 'sales' },
      { kind: 'returning', mode: 'last', lookbackMs: 30 * DAY, waitMs: 10 * MIN },
      { kind: 'least-loaded' },
    ];
    const d = run(
      chain,
      [agent('b', { groups: ['support'], state: 'busy' }), agent('s', { groups: ['sales'] })],
      { history },
    );
    expect(pick(d)).toBe('least-loaded:s');
    expect(d.reasons.find((r) => r.step === 'returning' && r.note.includes('scope'))).toBeDefined();
  });
});

describe('vip', () => {
  const vipChain = (vipGroupId: string | null, preferDesignated = true): StrategyStep[] => [
    { kind: 'vip', vipGroupId, preferDesignated },
    { kind: 'least-loaded' },
  ];
  const agents = [
    agent('v1', { groups: ['vip'], load: 2 }),
    agent('v2', { groups: ['vip'], load: 1 }),
    agent('n1'),
    agent('d', { load: 3 }),
  ];
  it.each<[string, StrategyStep[], ConversationOver, AgentSnapshot[], string]>([
    ['non-VIPs pass through', vipChain('vip'), {}, agents, 'least-loaded:n1'],
    ['VIP: least-loaded in the VIP group', vipChain('vip'), { visitor: { vip: true } }, agents, 'vip:v2'],
    [
      'VIP without a VIP group: least-loaded of all',
      vipChain(null),
      { visitor: { vip: true } },
      agents,
      'vip:n1',
    ],
    [
      'VIP prefers their designated agent',
      vipChain('vip'),
      { visitor: { vip: true, designatedAgentId: 'd' } },
      agents,
      'vip:d',
    ],
    [
      '…unless told not to',
      vipChain('vip', false),
      { visitor: { vip: true, designatedAgentId: 'd' } },
      agents,
      'vip:v2',
    ],
    [
      'designated agent unavailable: the VIP group',
      vipChain('vip'),
      { visitor: { vip: true, designatedAgentId: 'd' } },
      [...agents.slice(0, 3), agent('d', { state: 'away' })],
      'vip:v2',
    ],
    [
      'nobody free in the VIP group: the next step',
      vipChain('vip'),
      { visitor: { vip: true } },
      [agent('v1', { groups: ['vip'], load: 5 }), agent('n1')],
      'least-loaded:n1',
    ],
  ])('%s', (_name, chain, conv, as, expected) => {
    expect(pick(run(chain, as, conv))).toBe(expected);
  });

  it('the VIP pool only narrows the target group', () => {
    const chain: StrategyStep[] = [
      { kind: 'skill-rules', rules: [], defaultGroupId: 'sales' },
      ...vipChain(null),
    ];
    const d = run(chain, [agent('x', { capacity: 50 }), agent('s', { groups: ['sales'], load: 1 })], {
      visitor: { vip: true },
    });
    expect(pick(d)).toBe('vip:s');
  });
});

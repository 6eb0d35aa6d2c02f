import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { agentVerdict } from './eligibility.js';
import { agent, conversation, fixed, MIN, policy, snapshot, T0 } from './test-fixtures.js';
import type { AgentSnapshot, Media, Refusal } from './types.js';

const only = policy([{ kind: 'least-loaded' }]);

describe('eligibility', () => {
  it.each<[string, Partial<AgentSnapshot>, Media, Refusal[], boolean, RegExp]>([
    ['online with room', {}, 'chat', [], true, /eligible/],
    ['away', { state: 'away' }, 'chat', [], false, /state is away/],
    ['busy', { state: 'busy' }, 'chat', [], false, /state is busy/],
    ['offline', { state: 'offline' }, 'chat', [], false, /state is offline/],
    ['in wrap-up', { wrapUpUntil: T0 + 1 }, 'chat', [], false, /wrap-up until/],
    ['wrap-up ended exactly now', { wrapUpUntil: T0 }, 'chat', [], true, /eligible/],
    ['wrap-up ended before', { wrapUpUntil: T0 - MIN }, 'chat', [], true, /eligible/],
    ['a chat in the last unit', { capacity: 5, load: 4 }, 'chat', [], true, /eligible/],
    ['full for a chat', { capacity: 5, load: 5 }, 'chat', [], false, /at capacity/],
    ['a video needs 3 units: 2 + 3 <= 5', { capacity: 5, load: 2 }, 'video', [], true, /eligible/],
    [
      'a video needs 3 units: 3 + 3 > 5',
      { capacity: 5, load: 3 },
      'video',
      [],
      false,
      /at capacity: load 3 \+ video 3 > 5/,
    ],
    ['audio needs 2 units: 3 + 2 <= 5', { capacity: 5, load: 3 }, 'audio', [], true, /eligible/],
    [
      'capacity 2 can never take a video',
      { capacity: 2, load: 0 },
      'video',
      [],
      false,
      /capacity 2 below video weight 3/,
    ],
    ['capacity 0', { capacity: 0, load: 0 }, 'chat', [], false, /capacity 0 below/],
    [
      'declined a minute ago',
      {},
      'chat',
      [{ agentId: 'a', at: T0 - MIN, reason: 'declined' }],
      false,
      /declined this conversation/,
    ],
    [
      'ring timeout 4:59 ago',
      {},
      'chat',
      [{ agentId: 'a', at: T0 - 5 * MIN + 1000, reason: 'timeout' }],
      false,
      /let ring out/,
    ],
    [
      'declined exactly 5 minutes ago: cooldown over',
      {},
      'chat',
      [{ agentId: 'a', at: T0 - 5 * MIN, reason: 'declined' }],
      true,
      /eligible/,
    ],
    ["someone else's refusal", {}, 'chat', [{ agentId: 'b', at: T0, reason: 'declined' }], true, /eligible/],
  ])('%s', (_name, over, media, refusals, kept, why) => {
    const a = agent('a', over);
    const v = agentVerdict(a, conversation({ media, refusals }), only, T0);
    expect(v).toMatchObject({ agentId: 'a', kept });
    expect(v.why).toMatch(why);
    const d = decide(snapshot([a], { media, refusals }), only, T0, fixed(0));
    expect(d.kind).toBe(kept ? 'offer' : 'queue');
    expect(d.candidates[0]).toMatchObject({ agentId: 'a', kept });
  });

  it('respects custom weights', () => {
    const p = policy([{ kind: 'least-loaded' }], { weights: { chat: 2, audio: 4, video: 5 } });
    const d = decide(snapshot([agent('a', { capacity: 5, load: 4 })]), p, T0, fixed(0));
    expect(d.kind).toBe('queue');
  });

  it('counts the dropped agents by reason in the first reason line', () => {
    const agents = [
      agent('a', { state: 'away' }),
      agent('b', { state: 'away' }),
      agent('c', { load: 5 }),
      agent('d'),
    ];
    const d = decide(snapshot(agents), only, T0, fixed(0));
    expect(d.reasons[0]).toEqual({
      step: 'eligibility',
      note: '4 agents, 1 eligible; dropped: away 2, at capacity 1',
    });
  });
});

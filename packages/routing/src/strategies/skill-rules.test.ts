import { describe, expect, it } from 'vitest';
import { decide } from '../decide.js';
import {
  agent,
  fixed,
  group,
  HOUR,
  MIN,
  officeHours,
  policy,
  snapshot,
  T0,
  type ConversationOver,
} from '../test-fixtures.js';
import type { Decision, RuleCondition, SkillGroupFacts, SkillRule } from '../types.js';
import { globMatch, languageMatches, pageUrlMatches } from './skill-rules.js';

const rules = (rs: SkillRule[], defaultGroupId: string | null = 'general') =>
  policy([{ kind: 'skill-rules', rules: rs, defaultGroupId }, { kind: 'least-loaded' }]);
const rule = (id: string, groupId: string, ...when: RuleCondition[]): SkillRule => ({ id, groupId, when });
const members = [
  agent('s1', { groups: ['sales'] }),
  agent('b1', { groups: ['billing'] }),
  agent('g1', { groups: ['general'] }),
];

function route(conv: ConversationOver, rs: SkillRule[], groups: SkillGroupFacts[] = [], now = T0): Decision {
  return decide(snapshot(members, conv, groups), rules(rs), now, fixed(0));
}

describe('globMatch and friends', () => {
  it.each<[string, string, boolean]>([
    ['https://shop.example/pricing*', 'https://shop.example/pricing/pro', true],
    ['https://shop.example/pricing*', 'https://shop.example/about', false],
    ['*/checkout/*', 'https://shop.example/en/checkout/step-2', true],
    ['*/checkout/*', 'https://shop.example/checkout', false],
    ['*', '', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['exact', 'exact', true],
    ['**', 'anything', true],
  ])('glob %s ~ %s → %s', (p, t, m) => expect(globMatch(p, t)).toBe(m));

  it('matches page URLs by substring without a star, case-insensitively', () => {
    expect(pageUrlMatches('/Pricing', 'https://x.example/pricing?a=1')).toBe(true);
    expect(pageUrlMatches('https://X.example/*', 'https://x.example/a')).toBe(true);
    expect(pageUrlMatches('/pricing', null)).toBe(false);
  });

  it('matches languages by primary subtag', () => {
    expect(languageMatches('zh', 'zh-CN')).toBe(true);
    expect(languageMatches('zh-CN', 'zh-cn')).toBe(true);
    expect(languageMatches('zh-CN', 'zh-TW')).toBe(false);
    expect(languageMatches('z', 'zh')).toBe(false);
    expect(languageMatches('en', null)).toBe(false);
  });
});

describe('skill-rules step', () => {
  it.each<[string, ConversationOver, RuleCondition, boolean]>([
    ['channel', { channel: 'wechat' }, { field: 'channel', oneOf: ['wechat', 'app'] }, true],
    ['channel miss', { channel: 'web' }, { field: 'channel', oneOf: ['wechat'] }, false],
    ['entry point', { entryPoint: 'buy-button' }, { field: 'entryPoint', oneOf: ['buy-button'] }, true],
    ['no entry point', {}, { field: 'entryPoint', oneOf: ['buy-button'] }, false],
    [
      'page URL glob',
      { pageUrl: 'https://shop.example/pricing/pro' },
      { field: 'pageUrl', matches: '*/pricing*' },
      true,
    ],
    [
      'page URL miss',
      { pageUrl: 'https://shop.example/help' },
      { field: 'pageUrl', matches: '*/pricing*' },
      false,
    ],
    ['language', { visitor: { language: 'zh-CN' } }, { field: 'language', oneOf: ['zh'] }, true],
    ['language miss', { visitor: { language: 'en-GB' } }, { field: 'language', oneOf: ['zh'] }, false],
    ['tag', { visitor: { tags: ['lead', 'b2b'] } }, { field: 'tag', anyOf: ['b2b'] }, true],
    ['tag miss', { visitor: { tags: ['lead'] } }, { field: 'tag', anyOf: ['b2b'] }, false],
    [
      'attribute',
      { visitor: { attributes: { level: 'gold' } } },
      { field: 'attribute', name: 'level', equals: 'gold' },
      true,
    ],
    [
      'attribute type matters',
      { visitor: { attributes: { level: '3' } } },
      { field: 'attribute', name: 'level', equals: 3 },
      false,
    ],
    [
      'attribute from the prototype is unset',
      {},
      { field: 'attribute', name: 'constructor', equals: 'x' },
      false,
    ],
    ['vip', { visitor: { vip: true } }, { field: 'vip', equals: true }, true],
    ['vip miss', {}, { field: 'vip', equals: true }, false],
  ])('%s', (_name, conv, condition, matches) => {
    const d = route(conv, [rule('r1', 'sales', condition)]);
    expect(d).toMatchObject({
      kind: 'offer',
      agentId: matches ? 's1' : 'g1',
      groupId: matches ? 'sales' : 'general',
    });
    expect(
      d.reasons.some(
        (r) => r.step === 'skill-rules' && r.note.startsWith(matches ? 'rule r1 matched' : 'rule r1 skipped'),
      ),
    ).toBe(true);
  });

  it('takes the first matching rule, all conditions of a rule must hold', () => {
    const rs = [
      rule('both', 'billing', { field: 'channel', oneOf: ['web'] }, { field: 'vip', equals: true }),
      rule('web', 'sales', { field: 'channel', oneOf: ['web'] }),
      rule('also-web', 'billing', { field: 'channel', oneOf: ['web'] }),
    ];
    const d = route({}, rs);
    expect(d).toMatchObject({ kind: 'offer', agentId: 's1', groupId: 'sales' });
    expect(d.reasons.map((r) => r.note)).toContain('rule both skipped: vip is false');
    expect(d.reasons.some((r) => r.note.includes('also-web'))).toBe(false);
  });

  it('a rule without conditions always matches', () => {
    expect(route({}, [rule('all', 'billing')])).toMatchObject({ agentId: 'b1', groupId: 'billing' });
  });

  it('no match and no default: every agent is in scope', () => {
    const d = decide(
      snapshot(members),
      rules([rule('x', 'sales', { field: 'vip', equals: true })], null),
      T0,
      fixed(0),
    );
    expect(d).toMatchObject({ kind: 'offer', agentId: 'b1', groupId: null });
  });

  it('a group already on the conversation wins over the rules', () => {
    const d = route({ groupId: 'billing' }, [rule('all', 'sales')]);
    expect(d).toMatchObject({ agentId: 'b1', groupId: 'billing' });
    expect(d.reasons.some((r) => r.note.includes('rules skipped'))).toBe(true);
  });

  it('groupOpen holds only when the rule’s group is open', () => {
    const groups = [group('sales', { hours: officeHours('Asia/Shanghai') })];
    const rs = [rule('sales-open', 'sales', { field: 'groupOpen' })];
    expect(route({}, rs, groups, T0 - HOUR)).toMatchObject({ agentId: 's1' }); // 17:00 in Shanghai
    const after = route({}, rs, groups, T0); // 18:00 in Shanghai: closed → default group
    expect(after).toMatchObject({ agentId: 'g1', groupId: 'general' });
    expect(after.reasons.map((r) => r.note)).toContain('rule sales-open skipped: its group is closed now');
  });

  it('drops the members of other groups with a verdict', () => {
    const d = route({}, [rule('all', 'sales')]);
    expect(d.candidates).toEqual([
      expect.objectContaining({ agentId: 's1', kept: true }),
      { agentId: 'b1', kept: false, why: 'not in group sales' },
      { agentId: 'g1', kept: false, why: 'not in group sales' },
    ]);
  });
});

describe('overflow', () => {
  const sales = (over: Partial<SkillGroupFacts> = {}) =>
    group('sales', { overflowAfterMs: 2 * MIN, overflowGroupId: 'general', ...over });
  const busySales = [agent('s1', { groups: ['sales'], load: 5 }), agent('g1', { groups: ['general'] })];
  const go = (now: number, groups: SkillGroupFacts[]) =>
    decide(snapshot(busySales, {}, groups), rules([rule('all', 'sales')]), now, fixed(0));

  it('before the overflow moment: queue, re-check at it', () => {
    expect(go(T0 + MIN, [sales()])).toMatchObject({
      kind: 'queue',
      closed: false,
      groupId: 'sales',
      recheckAt: T0 + 2 * MIN,
    });
  });

  it('at the overflow moment the overflow group’s members are eligible too', () => {
    const d = go(T0 + 2 * MIN, [sales()]);
    expect(d).toMatchObject({ kind: 'offer', agentId: 'g1', groupId: 'sales' });
    expect(d.reasons.find((r) => r.step === 'group')?.note).toMatch(/members of general are eligible too/);
  });

  it('a closed overflow group adds nobody', () => {
    const general = group('general', { hours: officeHours('Asia/Shanghai') });
    const d = go(T0 + 2 * MIN, [sales(), general]);
    expect(d).toMatchObject({ kind: 'queue', closed: false });
  });

  it('a closed target group with an open, reached overflow serves from the overflow only', () => {
    const closedSales = sales({ hours: officeHours('Asia/Shanghai') });
    const d = decide(
      snapshot([agent('s1', { groups: ['sales'] }), agent('g1', { groups: ['general'] })], {}, [closedSales]),
      rules([rule('all', 'sales')]),
      T0 + 2 * MIN,
      fixed(0),
    );
    expect(d).toMatchObject({ kind: 'offer', agentId: 'g1' });
    expect(d.candidates.find((c) => c.agentId === 's1')?.why).toMatch(/sales is closed/);
  });
});

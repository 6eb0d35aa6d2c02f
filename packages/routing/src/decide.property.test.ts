import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { orderQueue, queuePositions } from './queue.js';
import { returningAgent } from './strategies/returning.js';
import { DAY, MIN, officeHours, T0 } from './test-fixtures.js';
import type {
  AgentSnapshot,
  ConversationFacts,
  Decision,
  QueueEntry,
  RoutingPolicy,
  RoutingSnapshot,
  SkillGroupFacts,
  StrategyStep,
} from './types.js';

const GROUPS = ['g1', 'g2', 'g3', 'vip'];
const IDS = Array.from({ length: 12 }, (_, i) => `a${i}`);
const offset = (maxMs: number) => fc.integer({ min: -maxMs, max: maxMs });
/** null `nullWeight` times out of `nullWeight + 1`. */
const mostlyNull = <T>(arb: fc.Arbitrary<T>, nullWeight = 3) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: nullWeight }, { arbitrary: arb, weight: 1 });

const agentArb = (id: string): fc.Arbitrary<AgentSnapshot> =>
  fc.record({
    id: fc.constant(id),
    state: fc.constantFrom('online', 'online', 'online', 'online', 'away', 'busy', 'offline'),
    wrapUpUntil: mostlyNull(offset(10 * MIN).map((o) => T0 + o)),
    groups: fc.subarray(GROUPS),
    capacity: fc.oneof(
      { arbitrary: fc.integer({ min: 3, max: 6 }), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: 2 }), weight: 1 },
    ),
    load: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 3 },
      { arbitrary: fc.integer({ min: 4, max: 7 }), weight: 1 },
    ),
    lastAssignedAt: fc.option(fc.integer({ min: 0, max: 3 }).map((k) => T0 - k * MIN)),
  });

const agentsArb = fc
  .uniqueArray(fc.constantFrom(...IDS), { minLength: 1, maxLength: IDS.length })
  .chain((ids) => fc.tuple(...ids.map(agentArb)));

const hoursArb = mostlyNull(
  fc.constantFrom('UTC', 'Asia/Shanghai', 'America/New_York').map((tz) => officeHours(tz, ['2026-01-06'])),
);
const groupsArb: fc.Arbitrary<SkillGroupFacts[]> = fc.tuple(
  ...GROUPS.map((id) =>
    fc.record({
      id: fc.constant(id),
      name: fc.constant(id),
      hours: hoursArb,
      overflowAfterMs: fc.option(fc.integer({ min: 0, max: 10 * MIN })),
      overflowGroupId: fc.option(fc.constantFrom(...GROUPS)),
    }),
  ),
);

const someId = fc.constantFrom(...IDS.slice(0, 4), 'ghost');
const conversationArb: fc.Arbitrary<ConversationFacts> = fc.record({
  id: fc.constant('c1'),
  channel: fc.constantFrom('web', 'h5', 'wechat', 'app', 'sip', 'api'),
  media: fc.constantFrom('chat', 'audio', 'video'),
  entryPoint: fc.option(fc.constantFrom('buy', 'help')),
  pageUrl: fc.option(fc.constantFrom('https://x.example/pricing', 'https://x.example/help')),
  visitor: fc.record({
    id: fc.constant('v1'),
    language: fc.option(fc.constantFrom('en', 'zh-CN', 'de')),
    tags: fc.subarray(['b2b', 'lead']),
    attributes: fc.constantFrom<Record<string, string>>({}, { level: 'gold' }),
    vip: fc.boolean(),
    designatedAgentId: fc.option(someId),
  }),
  enqueuedAt: fc.integer({ min: 0, max: 20 * MIN }).map((o) => T0 - o),
  groupId: mostlyNull(fc.constantFrom(...GROUPS)),
  history: fc.array(
    fc.record({ agentId: someId, at: fc.integer({ min: 0, max: 40 }).map((d) => T0 - d * DAY) }),
    { maxLength: 8 },
  ),
  refusals: fc.array(
    fc.record({
      agentId: someId,
      at: offset(10 * MIN).map((o) => T0 - Math.abs(o)),
      reason: fc.constantFrom('declined', 'timeout'),
    }),
    { maxLength: 4 },
  ),
});

const stepArb: fc.Arbitrary<StrategyStep> = fc.oneof(
  fc.record({
    kind: fc.constant('vip'),
    vipGroupId: fc.option(fc.constant('vip')),
    preferDesignated: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('designated'), waitMs: fc.constantFrom(0, 5 * MIN, 30 * MIN) }),
  fc.record({
    kind: fc.constant('returning'),
    mode: fc.constantFrom('last', 'most-frequent'),
    lookbackMs: fc.constantFrom(DAY, 30 * DAY),
    waitMs: fc.constantFrom(0, 5 * MIN),
  }),
  fc.record({
    kind: fc.constant('skill-rules'),
    rules: fc.constant([
      { id: 'wechat', groupId: 'g1', when: [{ field: 'channel' as const, oneOf: ['wechat' as const] }] },
      {
        id: 'zh',
        groupId: 'g2',
        when: [{ field: 'language' as const, oneOf: ['zh'] }, { field: 'groupOpen' as const }],
      },
      { id: 'pricing', groupId: 'g3', when: [{ field: 'pageUrl' as const, matches: '*/pricing*' }] },
    ]),
    defaultGroupId: fc.option(fc.constantFrom(...GROUPS)),
  }),
  fc.constant({ kind: 'least-loaded' as const }),
  fc.constant({ kind: 'random' as const }),
);

const policyArb: fc.Arbitrary<RoutingPolicy> = fc.record({
  chain: fc.array(stepArb, { minLength: 1, maxLength: 5 }),
  weights: fc.record({
    chat: fc.constant(1),
    audio: fc.integer({ min: 1, max: 3 }),
    video: fc.integer({ min: 1, max: 4 }),
  }),
  refusalCooldownMs: fc.constantFrom(0, 2 * MIN, 5 * MIN),
});

// Mostly within minutes of T0 (where wrap-ups, refusals and overflow moments fall), sometimes days
// away (business hours, holidays, look-back windows).
const nowArb = fc.oneof(
  { arbitrary: offset(10 * MIN).map((o) => T0 + o), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 7 * DAY }).map((o) => T0 + o - 3 * DAY), weight: 1 },
);
const randomsArb = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
  minLength: 1,
  maxLength: 4,
});
const source = (values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] as number;
};

const caseArb = fc.record({
  agents: agentsArb,
  conversation: conversationArb,
  groups: groupsArb,
  policy: policyArb,
  now: nowArb,
  randoms: randomsArb,
});

/** The test's own statement of eligibility, independent of the engine's code. */
function eligibleNow(a: AgentSnapshot, s: RoutingSnapshot, p: RoutingPolicy, now: number): boolean {
  const w = p.weights[s.conversation.media];
  return (
    a.state === 'online' &&
    !(a.wrapUpUntil !== null && a.wrapUpUntil > now) &&
    a.load + w <= a.capacity &&
    !s.conversation.refusals.some((r) => r.agentId === a.id && now - r.at < p.refusalCooldownMs)
  );
}

const choice = (d: Decision) =>
  d.kind === 'offer'
    ? { kind: d.kind, agentId: d.agentId, strategy: d.strategy, groupId: d.groupId }
    : { kind: d.kind, groupId: d.groupId, recheckAt: d.recheckAt, closed: d.closed };

const RUNS = { numRuns: 400 };

describe('decide (properties)', () => {
  it('never offers to an agent who is not online, in wrap-up, at capacity, a recent refuser, or outside the target group (bar the designated agent)', () => {
    fc.assert(
      fc.property(caseArb, ({ agents, conversation, groups, policy, now, randoms }) => {
        const s: RoutingSnapshot = { agents, conversation, groups };
        const d = decide(s, policy, now, source(randoms));
        if (d.kind === 'queue') {
          expect(d.recheckAt === null || d.recheckAt > now).toBe(true);
          return;
        }
        const a = agents.find((x) => x.id === d.agentId);
        expect(a).toBeDefined();
        expect(eligibleNow(a!, s, policy, now)).toBe(true);
        const groupDecided = d.reasons.some((r) => r.step === 'group');
        if (!groupDecided || d.groupId === null) return;
        const g = groups.find((x) => x.id === d.groupId)!;
        const overflowReached =
          g.overflowAfterMs !== null && now - conversation.enqueuedAt >= g.overflowAfterMs;
        const inScope =
          a!.groups.includes(g.id) ||
          (overflowReached && g.overflowGroupId !== null && a!.groups.includes(g.overflowGroupId));
        if (!inScope) {
          expect(['designated', 'vip']).toContain(d.strategy);
          expect(d.agentId).toBe(conversation.visitor.designatedAgentId);
        }
      }),
      RUNS,
    );
  });

  it('is deterministic for the same inputs and random values', () => {
    fc.assert(
      fc.property(caseArb, ({ agents, conversation, groups, policy, now, randoms }) => {
        const s = { agents, conversation, groups };
        expect(decide(s, policy, now, source(randoms))).toEqual(decide(s, policy, now, source(randoms)));
      }),
      RUNS,
    );
  });

  it('chooses the same whatever the order of agents, groups, history and refusals', () => {
    fc.assert(
      fc.property(caseArb, fc.integer(), ({ agents, conversation, groups, policy, now, randoms }, seed) => {
        const shuffle = <T>(xs: readonly T[]) => {
          const out = [...xs];
          let x = seed | 1;
          for (let i = out.length - 1; i > 0; i--) {
            x = (x * 1103515245 + 12345) & 0x7fffffff;
            const j = x % (i + 1);
            [out[i], out[j]] = [out[j] as T, out[i] as T];
          }
          return out;
        };
        const a = decide({ agents, conversation, groups }, policy, now, source(randoms));
        const shuffled = {
          agents: shuffle(agents),
          groups: shuffle(groups),
          conversation: {
            ...conversation,
            history: shuffle(conversation.history),
            refusals: shuffle(conversation.refusals),
          },
        };
        const b = decide(shuffled, policy, now, source(randoms));
        expect(choice(b)).toEqual(choice(a));
        expect(returningAgent(shuffled.conversation.history, 'most-frequent', 30 * DAY, now)).toEqual(
          returningAgent(conversation.history, 'most-frequent', 30 * DAY, now),
        );
      }),
      RUNS,
    );
  });

  it('least-loaded picks a maximal idle rate among the eligible, and queues only when none is', () => {
    fc.assert(
      fc.property(agentsArb, conversationArb, nowArb, (agents, conv, now) => {
        const conversation = { ...conv, groupId: null };
        const policy: RoutingPolicy = {
          chain: [{ kind: 'least-loaded' }],
          weights: { chat: 1, audio: 2, video: 3 },
          refusalCooldownMs: 5 * MIN,
        };
        const s = { agents, conversation, groups: [] };
        const eligible = agents.filter((a) => eligibleNow(a, s, policy, now));
        const d = decide(s, policy, now, () => 0);
        if (eligible.length === 0) {
          expect(d.kind).toBe('queue');
          return;
        }
        expect(d.kind).toBe('offer');
        const rate = (a: AgentSnapshot) => (a.capacity - a.load) / a.capacity;
        const chosen = agents.find((a) => d.kind === 'offer' && a.id === d.agentId)!;
        expect(eligible).toContain(chosen);
        for (const a of eligible) expect(rate(chosen)).toBeGreaterThanOrEqual(rate(a));
      }),
      RUNS,
    );
  });
});

describe('queue (properties)', () => {
  const entryArb = fc.record({
    conversationId: fc.string({ minLength: 1, maxLength: 4 }),
    groupId: fc.option(fc.constantFrom('g1', 'g2')),
    vip: fc.boolean(),
    enqueuedAt: fc.integer({ min: 0, max: 100 }),
  });
  const entriesArb = fc.uniqueArray(entryArb, { selector: (e) => e.conversationId, maxLength: 30 });

  it('a VIP never waits behind a non-VIP of the same queue', () => {
    fc.assert(
      fc.property(entriesArb, (entries: QueueEntry[]) => {
        const ordered = orderQueue(entries);
        expect([...ordered].sort((a, b) => (a.conversationId < b.conversationId ? -1 : 1))).toEqual(
          [...entries].sort((a, b) => (a.conversationId < b.conversationId ? -1 : 1)),
        );
        const firstNonVip = ordered.findIndex((e) => !e.vip);
        if (firstNonVip >= 0) expect(ordered.slice(firstNonVip).every((e) => !e.vip)).toBe(true);
        const pos = queuePositions(entries);
        for (const v of entries.filter((e) => e.vip))
          for (const n of entries.filter((e) => !e.vip && e.groupId === v.groupId))
            expect(pos.get(v.conversationId)!).toBeLessThan(pos.get(n.conversationId)!);
      }),
      RUNS,
    );
  });

  it('orders the same whatever the input order', () => {
    fc.assert(
      fc.property(entriesArb, (entries: QueueEntry[]) => {
        expect(orderQueue([...entries].reverse())).toEqual(orderQueue(entries));
      }),
      RUNS,
    );
  });
});

// Builders for the routing tests (not exported from index.ts). Defaults: an online agent with
// capacity 5 and no load; a web chat enqueued at T0 with no group, history or refusals.
import { defaultPolicy } from './policy.js';
import type {
  AgentSnapshot,
  ConversationFacts,
  RoutingPolicy,
  RoutingSnapshot,
  SkillGroupFacts,
  StrategyStep,
  VisitorFacts,
} from './types.js';

/** Monday 2026-01-05 10:00 UTC (18:00 in Asia/Shanghai). */
export const T0 = Date.UTC(2026, 0, 5, 10, 0);
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export function agent(id: string, over: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return {
    id,
    state: 'online',
    wrapUpUntil: null,
    groups: [],
    capacity: 5,
    load: 0,
    lastAssignedAt: null,
    ...over,
  };
}

export function visitor(over: Partial<VisitorFacts> = {}): VisitorFacts {
  return { id: 'v1', language: 'en', tags: [], attributes: {}, vip: false, designatedAgentId: null, ...over };
}

export type ConversationOver = Partial<Omit<ConversationFacts, 'visitor'>> & {
  visitor?: Partial<VisitorFacts>;
};

export function conversation(over: ConversationOver = {}): ConversationFacts {
  const { visitor: v, ...rest } = over;
  return {
    id: 'c1',
    channel: 'web',
    media: 'chat',
    entryPoint: null,
    pageUrl: null,
    enqueuedAt: T0,
    groupId: null,
    history: [],
    refusals: [],
    ...rest,
    visitor: visitor(v),
  };
}

export function group(id: string, over: Partial<SkillGroupFacts> = {}): SkillGroupFacts {
  return { id, name: id, hours: null, overflowAfterMs: null, overflowGroupId: null, ...over };
}

export function snapshot(
  agents: AgentSnapshot[],
  conv: ConversationOver = {},
  groups: SkillGroupFacts[] = [],
): RoutingSnapshot {
  return { conversation: conversation(conv), agents, groups };
}

/** The default weights and cooldown with the given chain. */
export function policy(chain: StrategyStep[], over: Partial<RoutingPolicy> = {}): RoutingPolicy {
  return { ...defaultPolicy(), chain, ...over };
}

export const fixed = (value: number) => () => value;

/** Mon–Fri 09:00–18:00 in a time zone. */
export function officeHours(timeZone: string, holidays: string[] = []) {
  return {
    timeZone,
    weekly: [1, 2, 3, 4, 5].map((day) => ({ day, startMinute: 9 * 60, endMinute: 18 * 60 })),
    holidays,
  };
}

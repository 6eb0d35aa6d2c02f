// The chain runner: eligibility, then each StrategyStep in order until one offers or queues.
import { PASS, pendingAt, reason, type RouteContext, type StepResult } from './context.js';
import { assessAgents, Drop } from './eligibility.js';
import { decideGroup, inScope } from './group.js';
import { designatedStep } from './strategies/designated.js';
import { leastLoadedStep } from './strategies/least-loaded.js';
import { randomStep } from './strategies/random.js';
import { returningStep } from './strategies/returning.js';
import { skillRulesStep } from './strategies/skill-rules.js';
import { vipStep } from './strategies/vip.js';
import type {
  AgentSnapshot,
  Decision,
  RandomSource,
  RoutingPolicy,
  RoutingSnapshot,
  SkillGroupFacts,
  StrategyStep,
} from './types.js';
import { buildVerdicts, summaryLine } from './verdicts.js';

function runStep(ctx: RouteContext, step: StrategyStep): StepResult {
  switch (step.kind) {
    case 'vip':
      return vipStep(ctx, step);
    case 'designated':
      return designatedStep(ctx, step);
    case 'returning':
      return returningStep(ctx, step);
    case 'skill-rules':
      return skillRulesStep(ctx, step);
    case 'least-loaded':
      return leastLoadedStep(ctx);
    case 'random':
      return randomStep(ctx);
  }
}

/**
 * Pure routing decision: offer the conversation to one agent, or keep it queued, with the reasons.
 *
 * 1. Eligibility (every agent, O(n)): online; capacity >= the media weight and load + weight <=
 *    capacity; not in wrap-up (wrapUpUntil > now); no refusal of this conversation within
 *    refusalCooldownMs.
 * 2. The chain, in order. The target group is decided where the 'skill-rules' step stands
 *    (conversation.groupId, when set, wins over the rules); steps before it see every agent of the
 *    organisation, steps after it only the group's members (and the overflow's, once reached). A
 *    chain without a 'skill-rules' step applies a preset conversation.groupId before its first step.
 *    A closed group (business hours) ends the chain: queue with closed: true.
 * 3. No offer at the end: queue. recheckAt = the earliest future moment at which the answer may
 *    change without any event: a wait window ending, the overflow moment, a group opening, or (for
 *    an agent in scope held back only by wrap-up or a refusal cooldown) the moment they are free.
 *
 * `now` is ms since epoch; `random` is only called by the 'random' step. Same inputs, same answer.
 */
export function decide(
  snapshot: RoutingSnapshot,
  policy: RoutingPolicy,
  now: number,
  random: RandomSource,
): Decision {
  const conversation = snapshot.conversation;
  const groups = new Map<string, SkillGroupFacts>();
  for (const g of snapshot.groups) groups.set(g.id, g);
  const ctx: RouteContext = {
    agents: snapshot.agents,
    conversation,
    policy,
    now,
    random,
    weight: policy.weights[conversation.media],
    groups,
    table: assessAgents(snapshot.agents, conversation, policy, now),
    groupDecided: false,
    targetGroupId: null,
    scope: null,
    reasons: [],
    pending: [],
    notes: new Map(),
  };

  let result: StepResult = PASS;
  let by: StrategyStep['kind'] | null = null;
  if (conversation.groupId !== null && !policy.chain.some((s) => s.kind === 'skill-rules')) {
    if (decideGroup(ctx, conversation.groupId, 'set on the conversation') === 'closed')
      result = { kind: 'queue', closed: true };
  }
  for (const step of policy.chain) {
    if (result.kind !== 'pass') break;
    result = runStep(ctx, step);
    by = step.kind;
  }

  const groupId = ctx.groupDecided ? ctx.targetGroupId : conversation.groupId;
  if (result.kind === 'offer' && by !== null) {
    reason(ctx, by, result.note);
    ctx.reasons.unshift({ step: 'eligibility', note: summaryLine(ctx) });
    return {
      kind: 'offer',
      agentId: ctx.agents[result.index]?.id ?? '',
      strategy: by,
      groupId,
      reasons: ctx.reasons,
      candidates: buildVerdicts(ctx, result.index),
    };
  }

  const closed = result.kind === 'queue' && result.closed;
  if (result.kind === 'pass') {
    // The chain found nobody: the next change may be an agent in scope finishing wrap-up or cooldown.
    const { codes, freeAt } = ctx.table;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if ((c === Drop.wrapUp || c === Drop.refused) && inScope(ctx, ctx.agents[i] as AgentSnapshot))
        pendingAt(ctx, freeAt[i] ?? NaN);
    }
  }
  let recheckAt: number | null = null;
  for (const t of ctx.pending) if (recheckAt === null || t < recheckAt) recheckAt = t;
  const why = closed
    ? 'target group closed'
    : result.kind === 'queue'
      ? `waiting (${by ?? 'chain'})`
      : policy.chain.length === 0
        ? 'empty chain'
        : 'no step offered';
  const step = closed ? 'hours' : result.kind === 'queue' && by !== null ? by : 'eligibility';
  reason(
    ctx,
    step,
    `queue: ${why}; ${recheckAt === null ? 'no re-check scheduled' : `re-check at ${new Date(recheckAt).toISOString()}`}`,
  );
  ctx.reasons.unshift({ step: 'eligibility', note: summaryLine(ctx) });
  return {
    kind: 'queue',
    groupId,
    recheckAt,
    closed,
    reasons: ctx.reasons,
    candidates: buildVerdicts(ctx, -1),
  };
}

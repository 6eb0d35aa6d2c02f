// The state one decide() call threads through the chain. Internal: not exported from index.ts.
import { Drop, type DropCode, type EligibilityTable } from './eligibility.js';
import type {
  AgentSnapshot,
  ConversationFacts,
  RandomSource,
  ReasonLine,
  RoutingPolicy,
  SkillGroupFacts,
  StrategyKind,
} from './types.js';

/** Which groups' members are candidates once the target group is known. */
export interface GroupScope {
  /** The conversation's target group. */
  groupId: string;
  /** false when the target group is closed but its (reached, open) overflow group is not. */
  includeTarget: boolean;
  /** The overflow group, when its moment has come and it is open; else null. */
  overflowGroupId: string | null;
}

export interface RouteContext {
  readonly agents: readonly AgentSnapshot[];
  readonly conversation: ConversationFacts;
  readonly policy: RoutingPolicy;
  readonly now: number;
  readonly random: RandomSource;
  /** Load units this conversation's media needs. */
  readonly weight: number;
  readonly groups: ReadonlyMap<string, SkillGroupFacts>;
  /** Eligibility codes; agents outside the scope get Drop.notInGroup when the group is set. */
  readonly table: EligibilityTable;
  /** The target group has been decided (by skill-rules, or preset on the conversation). */
  groupDecided: boolean;
  /** The target group (null = none: every agent of the organisation is in scope). */
  targetGroupId: string | null;
  scope: GroupScope | null;
  readonly reasons: ReasonLine[];
  /** Future moments at which the decision may change (wait windows, overflow, wrap-up ends). */
  readonly pending: number[];
  /** Agents that must appear in the verdict list (designated, returning, chosen), with a note. */
  readonly notes: Map<number, string>;
}

/** What a step concluded: offer to an agent (index into agents), queue, or pass to the next step. */
export type StepResult =
  { kind: 'pass' } | { kind: 'offer'; index: number; note: string } | { kind: 'queue'; closed: boolean };

export const PASS: StepResult = { kind: 'pass' };

export function reason(ctx: RouteContext, step: ReasonLine['step'], note: string): void {
  ctx.reasons.push({ step, note });
}

/** A pending moment, kept only if it is still ahead of now. */
export function pendingAt(ctx: RouteContext, at: number): void {
  if (Number.isFinite(at) && at > ctx.now) ctx.pending.push(at);
}

export function codeOf(ctx: RouteContext, i: number): DropCode {
  return ctx.table.codes[i] as DropCode;
}

/** Passed eligibility (state, capacity, wrap-up, refusals), whatever the group. */
export function baseEligible(ctx: RouteContext, i: number): boolean {
  const c = ctx.table.codes[i];
  return c === Drop.none || c === Drop.notInGroup;
}

/** A candidate now: eligible and inside the group scope. */
export function isCandidate(ctx: RouteContext, i: number): boolean {
  return ctx.table.codes[i] === Drop.none;
}

export function agentAt(ctx: RouteContext, i: number): AgentSnapshot {
  return ctx.agents[i] as AgentSnapshot;
}

/** Facts of a group; unknown ids behave as an always-open group without overflow. */
export function groupFacts(ctx: RouteContext, groupId: string): SkillGroupFacts {
  return (
    ctx.groups.get(groupId) ?? {
      id: groupId,
      name: groupId,
      hours: null,
      overflowAfterMs: null,
      overflowGroupId: null,
    }
  );
}

/**
 * Compares idle rates (capacity − load) / capacity without dividing: > 0 when a is idler than b.
 * Capacities are positive for any candidate (eligibility drops capacity <= 0).
 */
function compareIdle(a: AgentSnapshot, b: AgentSnapshot): number {
  return (a.capacity - a.load) * b.capacity - (b.capacity - b.load) * a.capacity;
}

/** true when a beats b under least-loaded: idler, then longer since last assignment, then lower id. */
export function beats(a: AgentSnapshot, b: AgentSnapshot): boolean {
  const byIdle = compareIdle(a, b);
  if (byIdle !== 0) return byIdle > 0;
  const la = a.lastAssignedAt ?? -Infinity;
  const lb = b.lastAssignedAt ?? -Infinity;
  if (la !== lb) return la < lb;
  return a.id < b.id;
}

/**
 * Least-loaded in one O(n) scan over the candidates (optionally narrowed by `also`): the index of
 * the winner and how many candidates were compared; index −1 when there are none.
 */
export function pickLeastLoaded(
  ctx: RouteContext,
  also?: (agent: AgentSnapshot) => boolean,
): { index: number; considered: number } {
  const { agents, table } = ctx;
  const codes = table.codes;
  let best = -1;
  let bestAgent: AgentSnapshot | undefined;
  let considered = 0;
  for (let i = 0; i < agents.length; i++) {
    if (codes[i] !== Drop.none) continue;
    const a = agents[i] as AgentSnapshot;
    if (also && !also(a)) continue;
    considered++;
    if (bestAgent === undefined || beats(a, bestAgent)) {
      best = i;
      bestAgent = a;
    }
  }
  return { index: best, considered };
}

export function describeIdle(a: AgentSnapshot): string {
  return `idle ${a.capacity - a.load}/${a.capacity}, last assigned ${a.lastAssignedAt === null ? 'never' : new Date(a.lastAssignedAt).toISOString()}`;
}

export type StepOf<K extends StrategyKind> = Extract<RoutingPolicy['chain'][number], { kind: K }>;

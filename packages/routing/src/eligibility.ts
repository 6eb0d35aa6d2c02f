// Eligibility comes before any strategy. One O(n) pass assigns each agent a numeric code (no
// strings: the snapshot may hold 10,000 agents); strings are only built for the verdicts listed.
import type { AgentSnapshot, CandidateVerdict, ConversationFacts, Refusal, RoutingPolicy } from './types.js';

/** Why an agent is not a candidate. Ordered as checked: the first failing check is reported. */
export const Drop = {
  none: 0,
  away: 1,
  busy: 2,
  offline: 3,
  /** capacity < weight of this media: can never take it (e.g. capacity 2, video weighs 3). */
  tooSmall: 4,
  /** load + weight > capacity now. */
  atCapacity: 5,
  wrapUp: 6,
  refused: 7,
  /** Eligible, but outside the target group (and its overflow). Set when the group is known. */
  notInGroup: 8,
} as const;
export type DropCode = (typeof Drop)[keyof typeof Drop];

export const DROP_LABELS: readonly string[] = [
  'eligible',
  'away',
  'busy',
  'offline',
  'capacity below weight',
  'at capacity',
  'in wrap-up',
  'refused within cooldown',
  'not in target group',
];

export interface EligibilityTable {
  /** One code per agent, same index as snapshot.agents. */
  codes: Uint8Array;
  /**
   * For agents blocked only by time (wrap-up, refusal cooldown): when they become eligible, so a
   * queue decision can ask to be re-checked then. NaN for the others.
   */
  freeAt: Float64Array;
  /** The latest refusal within the cooldown, per agent id. */
  recentRefusals: ReadonlyMap<string, Refusal>;
}

/** Refusals of this conversation still inside the cooldown at `now`, the latest per agent. */
export function recentRefusals(
  refusals: readonly Refusal[],
  cooldownMs: number,
  now: number,
): Map<string, Refusal> {
  const out = new Map<string, Refusal>();
  for (const r of refusals) {
    if (now - r.at >= cooldownMs) continue;
    const prev = out.get(r.agentId);
    if (!prev || r.at > prev.at) out.set(r.agentId, r);
  }
  return out;
}

function code(agent: AgentSnapshot, weight: number, now: number, refused: Refusal | undefined): DropCode {
  if (agent.state !== 'online')
    return agent.state === 'away' ? Drop.away : agent.state === 'busy' ? Drop.busy : Drop.offline;
  if (!(agent.capacity >= weight) || agent.capacity <= 0) return Drop.tooSmall;
  if (!(agent.load + weight <= agent.capacity)) return Drop.atCapacity;
  if (agent.wrapUpUntil !== null && agent.wrapUpUntil > now) return Drop.wrapUp;
  if (refused) return Drop.refused;
  return Drop.none;
}

/** Codes every agent for this conversation: state, capacity for the media weight, wrap-up, refusals. */
export function assessAgents(
  agents: readonly AgentSnapshot[],
  conversation: ConversationFacts,
  policy: RoutingPolicy,
  now: number,
): EligibilityTable {
  const weight = policy.weights[conversation.media];
  const refusals = recentRefusals(conversation.refusals, policy.refusalCooldownMs, now);
  const checkRefusals = refusals.size > 0;
  const codes = new Uint8Array(agents.length);
  const freeAt = new Float64Array(agents.length).fill(NaN);
  for (let i = 0; i < agents.length; i++) {
    const a = agents[i] as AgentSnapshot;
    const refused = checkRefusals ? refusals.get(a.id) : undefined;
    const c = code(a, weight, now, refused);
    codes[i] = c;
    if (c === Drop.wrapUp || c === Drop.refused) {
      const wrapEnd = a.wrapUpUntil !== null && a.wrapUpUntil > now ? a.wrapUpUntil : now;
      const coolEnd = refused ? refused.at + policy.refusalCooldownMs : now;
      freeAt[i] = Math.max(wrapEnd, coolEnd);
    }
  }
  return { codes, freeAt, recentRefusals: refusals };
}

/**
 * Could this agent take the conversation soon without anyone changing a setting? Online or busy,
 * big enough for the media, not a refuser; only wrap-up, load or the busy state in the way.
 * Used by the designated and returning steps to decide whether waiting for them makes sense.
 */
export function couldBecomeFree(c: DropCode): boolean {
  return c === Drop.busy || c === Drop.atCapacity || c === Drop.wrapUp;
}

const iso = (t: number) => new Date(t).toISOString();

/** The human explanation of a code, for a listed verdict. */
export function describe(
  agent: AgentSnapshot,
  c: DropCode,
  weight: number,
  media: string,
  refusal: Refusal | undefined,
  cooldownMs: number,
  groupNote: string,
): string {
  switch (c) {
    case Drop.none:
      return `eligible: load ${agent.load}+${weight} of ${agent.capacity}, idle ${Math.round(idleRate(agent) * 100)}%`;
    case Drop.away:
    case Drop.busy:
    case Drop.offline:
      return `state is ${agent.state}`;
    case Drop.tooSmall:
      return `capacity ${agent.capacity} below ${media} weight ${weight}`;
    case Drop.atCapacity:
      return `at capacity: load ${agent.load} + ${media} ${weight} > ${agent.capacity}`;
    case Drop.wrapUp:
      return `in wrap-up until ${iso(agent.wrapUpUntil ?? 0)}`;
    case Drop.refused:
      return refusal
        ? `${refusal.reason === 'declined' ? 'declined' : 'let ring out'} this conversation at ${iso(refusal.at)}, cooldown until ${iso(refusal.at + cooldownMs)}`
        : 'refused this conversation within the cooldown';
    case Drop.notInGroup:
      return groupNote;
  }
}

/** (capacity − load) / capacity; 0 for a capacity of 0. */
export function idleRate(a: AgentSnapshot): number {
  return a.capacity > 0 ? (a.capacity - a.load) / a.capacity : 0;
}

/**
 * The eligibility of one agent for one conversation, ignoring groups: what the server can use
 * to explain or re-check a single agent.
 */
export function agentVerdict(
  agent: AgentSnapshot,
  conversation: ConversationFacts,
  policy: RoutingPolicy,
  now: number,
): CandidateVerdict {
  const weight = policy.weights[conversation.media];
  const refused = recentRefusals(conversation.refusals, policy.refusalCooldownMs, now).get(agent.id);
  const c = code(agent, weight, now, refused);
  return {
    agentId: agent.id,
    kept: c === Drop.none,
    why: describe(agent, c, weight, conversation.media, refused, policy.refusalCooldownMs, ''),
  };
}

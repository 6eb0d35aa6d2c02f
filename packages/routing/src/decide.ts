import type { AgentSnapshot, CandidateVerdict, Decision, RandomSource, RoutingPolicy, RoutingSnapshot } from './types.js';

/** Eligibility comes before any strategy: online and under capacity. */
export function eligibility(agent: AgentSnapshot): CandidateVerdict {
  if (agent.presence !== 'online') return { agentId: agent.id, kept: false, why: `presence is ${agent.presence}` };
  if (agent.active >= agent.capacity) {
    return { agentId: agent.id, kept: false, why: `at capacity (${agent.active}/${agent.capacity})` };
  }
  return { agentId: agent.id, kept: true, why: `online, ${agent.active}/${agent.capacity} active` };
}

/**
 * Least-loaded: the eligible agent with the highest idle rate (capacity - active) / capacity;
 * ties go to whoever has waited longest since their last assignment, then to the lowest id so
 * the result never depends on input order.
 */
function leastLoaded(eligible: AgentSnapshot[]): AgentSnapshot | undefined {
  const idle = (a: AgentSnapshot) => (a.capacity - a.active) / a.capacity;
  return [...eligible].sort((a, b) => {
    const byIdle = idle(b) - idle(a);
    if (byIdle !== 0) return byIdle;
    const la = a.lastAssignedAt ?? -Infinity;
    const lb = b.lastAssignedAt ?? -Infinity;
    if (la !== lb) return la - lb;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  })[0];
}

/**
 * Pure routing decision. `now` and `random` are unused by least-loaded but are part of the
 * signature every strategy shares, so the chain of strategies can grow without I/O creeping in.
 */
export function decide(
  snapshot: RoutingSnapshot,
  policy: RoutingPolicy,
  _now: number,
  _random: RandomSource,
): Decision {
  const candidates = snapshot.agents.map(eligibility);
  const eligible = snapshot.agents.filter((_, i) => candidates[i]!.kept);
  if (eligible.length === 0) {
    return { kind: 'queue', reasons: ['no eligible agent: all offline, away or at capacity'], candidates };
  }
  const chosen = leastLoaded(eligible)!;
  const idle = chosen.capacity - chosen.active;
  return {
    kind: 'offer',
    agentId: chosen.id,
    strategy: policy.strategy,
    reasons: [`${policy.strategy}: highest idle rate ${idle}/${chosen.capacity} among ${eligible.length} eligible`],
    candidates,
  };
}

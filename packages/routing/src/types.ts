/** What the engine knows about an agent at decision time: a snapshot, never a live object. */
export interface AgentSnapshot {
  id: string;
  presence: 'online' | 'away' | 'offline';
  capacity: number;
  active: number;
  /** ms since epoch of the last assignment, or null if never assigned. */
  lastAssignedAt: number | null;
}

export interface RoutingSnapshot {
  conversationId: string;
  agents: readonly AgentSnapshot[];
}

export type CandidateVerdict = { agentId: string; kept: boolean; why: string };

export type Decision =
  | { kind: 'offer'; agentId: string; strategy: string; reasons: string[]; candidates: CandidateVerdict[] }
  | { kind: 'queue'; reasons: string[]; candidates: CandidateVerdict[] };

export interface RoutingPolicy {
  strategy: 'least-loaded';
}

/** A random source in [0, 1); passed in so decisions are reproducible in tests. */
export type RandomSource = () => number;

import type { Media, Presence, Role } from '@visavis/protocol';

/**
 * Shapes of the routing endpoints' answers as the workspace reads them (docs/api.md, "Routing
 * (ACD)"). The stored decision is JSON the server wrote; `parseDecision` checks it before use.
 */
export interface ReasonLine {
  step: string;
  note: string;
}

export interface CandidateVerdict {
  agentId: string;
  kept: boolean;
  why: string;
}

export interface DecisionView {
  kind: 'offer' | 'queue';
  agentId: string | null;
  strategy: string | null;
  groupId: string | null;
  closed: boolean;
  recheckAt: number | null;
  reasons: ReasonLine[];
  candidates: CandidateVerdict[];
}

export interface RoutingLogEntry {
  kind: string;
  agent_id: string | null;
  delta: number;
  load_after: number | null;
  capacity: number | null;
  at: string;
}

export interface ConversationRouting {
  decision: unknown;
  groupId: string | null;
  log: RoutingLogEntry[];
}

export interface QueueEntryView {
  conversationId: string;
  visitorId: string;
  visitorName: string | null;
  groupId: string | null;
  vip: boolean;
  media: Media;
  entryPoint: string | null;
  pageUrl: string | null;
  ringing: boolean;
  waitingMs: number;
  position: number;
  etaSeconds: number | null;
  routing: unknown;
}

export interface AgentStateView {
  id: string;
  name: string;
  email: string;
  role: Role;
  presence: Presence;
  capacity: number;
  load: number;
  autoAccept: boolean;
  wrapUpUntil: string | null;
  missedOffers: number;
  groupIds: string[];
  activeConversations: number;
}

/** What any agent may see of a colleague (GET /api/agents/directory). */
export interface DirectoryAgent {
  id: string;
  name: string;
  presence: Presence;
  groupIds: string[];
}

export interface VisitorFacts {
  vip: boolean;
  tags: string[];
  attributes: Record<string, string | number | boolean>;
}

export type { OfflineMessage } from '@visavis/protocol';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The stored routing decision, or null when it is missing or not the shape we know. */
export function parseDecision(raw: unknown): DecisionView | null {
  if (!isRecord(raw) || (raw.kind !== 'offer' && raw.kind !== 'queue')) return null;
  const reasons = Array.isArray(raw.reasons)
    ? raw.reasons.filter(isRecord).map((r) => ({ step: String(r.step ?? ''), note: String(r.note ?? '') }))
    : [];
  const candidates = Array.isArray(raw.candidates)
    ? raw.candidates
        .filter(isRecord)
        .map((c) => ({ agentId: String(c.agentId ?? ''), kept: c.kept === true, why: String(c.why ?? '') }))
    : [];
  return {
    kind: raw.kind,
    agentId: str(raw.agentId),
    strategy: str(raw.strategy),
    groupId: str(raw.groupId),
    closed: raw.closed === true,
    recheckAt: typeof raw.recheckAt === 'number' ? raw.recheckAt : null,
    reasons,
    candidates,
  };
}

// The answers of the routing REST endpoints (docs/api.md, "Routing (ACD)"), camelCase on the wire.
// Zod-free and type-only: the workspace imports these with `import type`, and nothing here may
// pull a schema value into a browser bundle.
import type { CandidateVerdict, Decision, ReasonLine, StrategyKind } from '@visavis/routing';
import type { AgentProfile, Presence, Role } from './model.js';
import type { Media, OfferView, OfflineMessage, RoutingConfig, SkillGroup } from './routing.js';

export type { CandidateVerdict, ReasonLine, StrategyKind };

/**
 * Why a conversation went where it went: the engine's `Decision` as the server stores it on the
 * conversation (and on each offer) and serves it — an offer (the agent and the step that chose
 * them) or a wait in the queue (until when, whether its groups are closed), with the engine's
 * reason lines and its verdicts on the first candidates.
 */
export type RoutingExplanation = Decision;

/** One load change or routing fact of a conversation (`routing_log`), oldest first. */
export interface RoutingLogEntry {
  /** offer, assign, accept, release, declined, timeout, cancelled, auto-away, transfer, transfer-in … */
  kind: string;
  agentId: string | null;
  /** Load units taken (+) or given back (−); 0 for a fact without a load change. */
  delta: number;
  /** The agent's load and capacity right after the change, when it changed a load. */
  loadAfter: number | null;
  capacity: number | null;
  /** Facts of the change, e.g. `{ auto: true }`, `{ from, by }`, `{ missed }`; null when none. */
  detail: Record<string, unknown> | null;
  /** ISO time. */
  at: string;
}

/** GET /api/conversations/:id/routing */
export interface ConversationRouting {
  /** null: never decided (or a stored decision this version cannot read). */
  decision: RoutingExplanation | null;
  groupId: string | null;
  log: RoutingLogEntry[];
}

/** One waiting conversation in GET /api/supervisor/queue. */
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
  /** 1-based within its group. */
  position: number;
  etaSeconds: number | null;
  /** The last decision (why it waits), null until routed once. */
  routing: RoutingExplanation | null;
}

/** One agent in GET /api/supervisor/agents. */
export interface AgentStateView {
  id: string;
  name: string;
  email: string;
  role: Role;
  presence: Presence;
  capacity: number;
  load: number;
  autoAccept: boolean;
  /** ISO time, or null when not in wrap-up. */
  wrapUpUntil: string | null;
  missedOffers: number;
  groupIds: string[];
  activeConversations: number;
}

/** What any agent may see of a colleague (GET /api/agents/directory): no load, no contacts. */
export interface DirectoryAgent {
  id: string;
  name: string;
  presence: Presence;
  groupIds: string[];
}

/** GET /api/admin/visitors/:id/routing: the visitor's routing facts as stored. */
export interface VisitorRoutingFactsView {
  vip: boolean;
  tags: string[];
  attributes: Record<string, string | number | boolean>;
}

/** GET /api/offers */
export interface OffersAnswer {
  offers: OfferView[];
}
/** POST /api/offers/:id/accept */
export interface OfferAcceptAnswer {
  conversationId: string;
}
/** GET /api/agents/directory */
export interface AgentDirectoryAnswer {
  agents: DirectoryAgent[];
}
/** GET /api/supervisor/queue */
export interface SupervisorQueueAnswer {
  queue: QueueEntryView[];
}
/** GET /api/supervisor/agents */
export interface SupervisorAgentsAnswer {
  agents: AgentStateView[];
}
/** GET /api/admin/skill-groups */
export interface SkillGroupsAnswer {
  groups: SkillGroup[];
}
/** POST /api/admin/skill-groups, PUT /api/admin/skill-groups/:id */
export interface SkillGroupAnswer {
  group: SkillGroup;
}
/** POST /api/admin/agents */
export interface CreatedAgentAnswer {
  agent: AgentProfile;
}
/** GET /api/admin/routing-config */
export interface RoutingConfigAnswer {
  config: RoutingConfig;
}
/** POST /api/visitor/offline-messages */
export interface OfflineMessageLeft {
  id: string;
}
/** GET /api/offline-messages */
export interface OfflineMessagesAnswer {
  messages: OfflineMessage[];
}

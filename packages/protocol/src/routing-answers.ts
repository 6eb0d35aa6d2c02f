import { z } from 'zod';
import type * as Engine from '@visavis/routing';
import { AgentProfile, Presence, Role } from './model.js';
import { Media, RoutingConfig, SkillGroup } from './routing.js';
import type { OfferView, OfflineMessage } from './routing.js';

/**
 * The answers of the routing REST endpoints (routes-routing.ts; docs/api.md, "Routing (ACD)"),
 * camelCase, as zod schemas for tests and the OpenAPI document; browser code imports only the
 * types (`import type`): building a schema runs zod's eval probe, which the workspace's CSP forbids.
 *
 * The explanation is the engine's `Decision` (`packages/routing/src/types.ts`), which stays plain
 * TypeScript so the engine needs no zod; `RoutingAnswersAgreeWithEngine` at the end of this file
 * fails the build when this schema and that type stop describing the same values.
 */

/** The steps of a routing chain (`StrategyStep['kind']`). */
export const StrategyKind = z.enum(['vip', 'designated', 'returning', 'skill-rules', 'least-loaded', 'random']);
export type StrategyKind = z.infer<typeof StrategyKind>;

/** One line of the explanation: which step (a chain step, or a check around it), and what it concluded. */
export const ReasonLine = z.object({
  step: z.enum([...StrategyKind.options, 'eligibility', 'group', 'hours']),
  note: z.string(),
});
export type ReasonLine = z.infer<typeof ReasonLine>;

/** The engine's verdict on one candidate agent: kept or dropped, and why. */
export const CandidateVerdict = z.object({ agentId: z.string(), kept: z.boolean(), why: z.string() });
export type CandidateVerdict = z.infer<typeof CandidateVerdict>;

// Not `Id`: a stored decision read back tolerantly (readExplanation) has '' for a missing id.
const decided = {
  groupId: z.string().nullable(),
  /** In the order the engine considered them. */
  reasons: z.array(ReasonLine),
  /** The first verdicts (the server keeps at most MAX_VERDICTS). */
  candidates: z.array(CandidateVerdict),
};

/**
 * Why a conversation went where it went: the engine's `Decision` as the server stores it on the
 * conversation (and on each offer) and serves it — an offer (the agent and the step that chose
 * them) or a wait in the queue (until when, whether its groups are closed), with the engine's
 * reason lines and its verdicts on the first candidates.
 */
export const RoutingExplanation = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('offer'),
    agentId: z.string(),
    /** The step that chose the agent. */
    strategy: StrategyKind,
    ...decided,
  }),
  z.object({
    kind: z.literal('queue'),
    /** Ask again at this time (ms since epoch) even if nothing changes; null: only when something changes. */
    recheckAt: z.number().nullable(),
    /** The conversation's target groups are all closed now. */
    closed: z.boolean(),
    ...decided,
  }),
]);
export type RoutingExplanation = z.infer<typeof RoutingExplanation>;

/** One load change or routing fact of a conversation (`routing_log`), oldest first. */
export const RoutingLogEntry = z.object({
  /** offer, assign, accept, release, declined, timeout, cancelled, auto-away, transfer, transfer-in … (open list) */
  kind: z.string(),
  agentId: z.string().nullable(),
  /** Load units taken (+) or given back (−); 0 for a fact without a load change. */
  delta: z.number().int(),
  /** The agent's load and capacity right after the change, when it changed a load. */
  loadAfter: z.number().int().nullable(),
  capacity: z.number().int().nullable(),
  /** Facts of the change, e.g. `{ auto: true }`, `{ from, by }`, `{ missed }`; null when none. */
  detail: z.record(z.string(), z.unknown()).nullable(),
  /** ISO time. */
  at: z.string(),
});
export type RoutingLogEntry = z.infer<typeof RoutingLogEntry>;

/** GET /api/conversations/:id/routing */
export const ConversationRouting = z.object({
  /** null: never decided (or a stored decision this version cannot read). */
  decision: RoutingExplanation.nullable(),
  groupId: z.string().nullable(),
  log: z.array(RoutingLogEntry),
});
export type ConversationRouting = z.infer<typeof ConversationRouting>;

const count = z.number().int().nonnegative();

/** One waiting conversation in GET /api/supervisor/queue. */
export const QueueEntryView = z.object({
  conversationId: z.string(),
  visitorId: z.string(),
  visitorName: z.string().nullable(),
  groupId: z.string().nullable(),
  vip: z.boolean(),
  media: Media,
  entryPoint: z.string().nullable(),
  pageUrl: z.string().nullable(),
  ringing: z.boolean(),
  waitingMs: count,
  /** 1-based within its group. */
  position: z.number().int().positive(),
  /** null: no estimate (nobody serves the group). */
  etaSeconds: count.nullable(),
  /** The last decision (why it waits), null until routed once. */
  routing: RoutingExplanation.nullable(),
});
export type QueueEntryView = z.infer<typeof QueueEntryView>;

/** One agent in GET /api/supervisor/agents. */
export const AgentStateView = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: Role,
  presence: Presence,
  capacity: count,
  load: count,
  autoAccept: z.boolean(),
  /** ISO time, or null when not in wrap-up. */
  wrapUpUntil: z.string().nullable(),
  missedOffers: count,
  groupIds: z.array(z.string()),
  activeConversations: count,
});
export type AgentStateView = z.infer<typeof AgentStateView>;

/** What any agent may see of a colleague (GET /api/agents/directory): no load, no contacts. */
export const DirectoryAgent = z.object({
  id: z.string(),
  name: z.string(),
  presence: Presence,
  groupIds: z.array(z.string()),
});
export type DirectoryAgent = z.infer<typeof DirectoryAgent>;

/** GET /api/admin/visitors/:id/routing: the visitor's routing facts as stored. */
export const VisitorRoutingFactsView = z.object({
  vip: z.boolean(),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type VisitorRoutingFactsView = z.infer<typeof VisitorRoutingFactsView>;

// OfferView and OfflineMessage are named (as types) in routing.ts, so their schemas here stay
// unexported (a second export of the name would clash in index.ts); the check at the end of this
// file keeps each schema and its type the same.
const OfferViewSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  visitorId: z.string(),
  visitorName: z.string().nullable(),
  pageUrl: z.string().nullable(),
  vip: z.boolean(),
  media: Media,
  groupName: z.string().nullable(),
  reason: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
const OfflineMessageSchema = z.object({
  id: z.string(),
  visitorId: z.string(),
  visitorName: z.string().nullable(),
  groupId: z.string().nullable(),
  name: z.string().nullable(),
  contact: z.string().nullable(),
  text: z.string(),
  pageUrl: z.string().nullable(),
  status: z.enum(['open', 'done']),
  createdAt: z.string(),
  handledBy: z.string().nullable(),
});

/** GET /api/offers: the offers ringing for me. */
export const OffersAnswer = z.object({ offers: z.array(OfferViewSchema) });
export type OffersAnswer = z.infer<typeof OffersAnswer>;

/** POST /api/offers/:id/accept */
export const OfferAcceptAnswer = z.object({ conversationId: z.string() });
export type OfferAcceptAnswer = z.infer<typeof OfferAcceptAnswer>;

/** GET /api/agents/directory */
export const AgentDirectoryAnswer = z.object({ agents: z.array(DirectoryAgent) });
export type AgentDirectoryAnswer = z.infer<typeof AgentDirectoryAnswer>;

/** GET /api/supervisor/queue */
export const SupervisorQueueAnswer = z.object({ queue: z.array(QueueEntryView) });
export type SupervisorQueueAnswer = z.infer<typeof SupervisorQueueAnswer>;

/** GET /api/supervisor/agents */
export const SupervisorAgentsAnswer = z.object({ agents: z.array(AgentStateView) });
export type SupervisorAgentsAnswer = z.infer<typeof SupervisorAgentsAnswer>;

// A skill group and a routing configuration are typed with the engine's read-only types
// (routing.ts), which the schemas' mutable inferred types are assignable to but not the other
// way; the server hands those out as they are, so these two answers keep the protocol's types
// (the check at the end of this file says the schemas accept nothing else).

/** GET /api/admin/skill-groups */
export const SkillGroupsAnswer = z.object({ groups: z.array(SkillGroup) });
export type SkillGroupsAnswer = { groups: SkillGroup[] };

/** POST /api/admin/skill-groups, PUT /api/admin/skill-groups/:id */
export const SkillGroupAnswer = z.object({ group: SkillGroup });
export type SkillGroupAnswer = { group: SkillGroup };

/** GET /api/admin/routing-config?entryPoint= */
export const RoutingConfigAnswer = z.object({ config: RoutingConfig });
export type RoutingConfigAnswer = { config: RoutingConfig };

/** POST /api/admin/agents */
export const CreatedAgentAnswer = z.object({ agent: AgentProfile });
export type CreatedAgentAnswer = z.infer<typeof CreatedAgentAnswer>;

/** POST /api/visitor/offline-messages */
export const OfflineMessageLeft = z.object({ id: z.string() });
export type OfflineMessageLeft = z.infer<typeof OfflineMessageLeft>;

/** GET /api/offline-messages?status= */
export const OfflineMessagesAnswer = z.object({ messages: z.array(OfflineMessageSchema) });
export type OfflineMessagesAnswer = z.infer<typeof OfflineMessagesAnswer>;

// The engine and the wire must not drift silently: the explanation schema accepts exactly the
// engine's decisions and the engine's decisions are exactly what it accepts (both ways), and the
// schemas written next to a named type agree with it.
type Holds<T extends true> = T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type RoutingAnswersAgreeWithEngine = [
  Holds<Same<RoutingExplanation, Engine.Decision>>,
  Holds<Same<StrategyKind, Engine.StrategyKind>>,
  Holds<Same<ReasonLine, Engine.ReasonLine>>,
  Holds<Same<CandidateVerdict, Engine.CandidateVerdict>>,
  Holds<Same<z.infer<typeof OfferViewSchema>, OfferView>>,
  Holds<Same<z.infer<typeof OfflineMessageSchema>, OfflineMessage>>,
  Holds<z.infer<typeof SkillGroupsAnswer> extends SkillGroupsAnswer ? true : false>,
  Holds<z.infer<typeof SkillGroupAnswer> extends SkillGroupAnswer ? true : false>,
  Holds<z.infer<typeof RoutingConfigAnswer> extends RoutingConfigAnswer ? true : false>,
];

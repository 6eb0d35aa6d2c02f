import { z } from 'zod';
import { Id, Uuid } from './model.js';
import type * as Engine from '@visavis/routing';

/**
 * Routing configuration as it crosses the wire (admin screens, REST API) and as it is stored.
 * The types are the pure engine's (`@visavis/routing/src/types.ts` is their one source, plain
 * data, imported here as types only); the zod schemas below validate them at the boundary, and
 * the compile-time checks at the end of this file fail when a schema accepts something the
 * engine's type does not.
 */
const ms = z.number().int().min(0).max(7 * 24 * 3600_000);

export const Channel = z.enum(['web', 'h5', 'wechat', 'app', 'sip', 'api']);
export type Channel = Engine.Channel;
export const Media = z.enum(['chat', 'audio', 'video']);
export type Media = Engine.Media;

const Minute = z.number().int().min(0).max(24 * 60);
export const BusinessHours = z.object({
  timeZone: z.string().min(1).max(64),
  weekly: z
    .array(z.object({ day: z.number().int().min(0).max(6), startMinute: Minute, endMinute: Minute }))
    .max(50),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(400),
});
export type BusinessHours = Engine.BusinessHours;

const Scalar = z.union([z.string().max(200), z.number(), z.boolean()]);
export const RuleCondition = z.discriminatedUnion('field', [
  z.object({ field: z.literal('channel'), oneOf: z.array(Channel).min(1) }),
  z.object({ field: z.literal('entryPoint'), oneOf: z.array(z.string().max(100)).min(1).max(50) }),
  z.object({ field: z.literal('pageUrl'), matches: z.string().min(1).max(500) }),
  z.object({ field: z.literal('language'), oneOf: z.array(z.string().max(20)).min(1).max(20) }),
  z.object({ field: z.literal('tag'), anyOf: z.array(z.string().max(50)).min(1).max(50) }),
  z.object({ field: z.literal('attribute'), name: z.string().min(1).max(50), equals: Scalar }),
  z.object({ field: z.literal('vip'), equals: z.boolean() }),
  z.object({ field: z.literal('groupOpen') }),
]);

export const SkillRule = z.object({
  id: z.string().min(1).max(64),
  when: z.array(RuleCondition).max(20),
  groupId: Uuid,
});

export const StrategyStep = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('vip'), vipGroupId: Uuid.nullable(), preferDesignated: z.boolean() }),
  z.object({ kind: z.literal('designated'), waitMs: ms }),
  z.object({
    kind: z.literal('returning'),
    mode: z.enum(['last', 'most-frequent']),
    lookbackMs: z.number().int().min(0).max(3 * 365 * 24 * 3600_000),
    waitMs: ms,
  }),
  z.object({ kind: z.literal('skill-rules'), rules: z.array(SkillRule).max(200), defaultGroupId: Uuid.nullable() }),
  z.object({ kind: z.literal('least-loaded') }),
  z.object({ kind: z.literal('random') }),
]);
export type StrategyStep = Engine.StrategyStep;

const Weight = z.number().int().min(1).max(100);
export const RoutingPolicy = z.object({
  chain: z.array(StrategyStep).min(1).max(20),
  weights: z.object({ chat: Weight, audio: Weight, video: Weight }),
  refusalCooldownMs: ms,
});

/** Everything an organisation (or one entry point) configures about routing. */
export const RoutingConfig = z.object({
  policy: RoutingPolicy,
  /** How long an offer rings before it goes to the next agent. */
  ringTimeoutMs: z.number().int().min(3_000).max(300_000),
  /** After this many consecutive unanswered offers the agent is set away. 0 = never. */
  maxMissedOffers: z.number().int().min(0).max(100),
  /** Pause after a conversation closes before the agent gets new ones. */
  wrapUpMs: ms,
});
export type RoutingConfig = Omit<z.infer<typeof RoutingConfig>, 'policy'> & { policy: Engine.RoutingPolicy };

export const SkillGroupInput = z.object({
  name: z.string().trim().min(1).max(100),
  hours: BusinessHours.nullable().default(null),
  overflowAfterMs: z.number().int().min(1000).max(24 * 3600_000).nullable().default(null),
  overflowGroupId: Uuid.nullable().default(null),
});
export type SkillGroupInput = Omit<z.infer<typeof SkillGroupInput>, 'hours'> & { hours: BusinessHours | null };

export const SkillGroup = SkillGroupInput.extend({ id: Id, memberIds: z.array(Id) });
export type SkillGroup = SkillGroupInput & { id: string; memberIds: string[] };

export const AgentRoutingInput = z.object({
  capacity: z.number().int().min(1).max(100).optional(),
  autoAccept: z.boolean().optional(),
  groupIds: z.array(Uuid).max(100).optional(),
});

/** Visitor attributes a business may pass (signed identity or API) for routing. */
export const VisitorRoutingFacts = z.object({
  vip: z.boolean().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  attributes: z.record(z.string().max(50), Scalar).optional(),
});

export const OfflineMessageInput = z.object({
  name: z.string().trim().max(100).default(''),
  contact: z.string().trim().max(200).default(''),
  text: z.string().trim().min(1).max(4000),
  groupId: Uuid.nullable().default(null),
  pageUrl: z.string().max(2000).optional(),
});

export const TransferRequest = z.object({
  conversationId: Uuid,
  /** Exactly one of agentId / groupId. */
  agentId: Uuid.optional(),
  groupId: Uuid.optional(),
  note: z.string().trim().max(1000).default(''),
});

/** What an agent sees of a ringing offer. */
export interface OfferView {
  id: string;
  conversationId: string;
  /** The visitor's id, for naming them the same way everywhere (visitorDisplayName). */
  visitorId: string;
  visitorName: string | null;
  pageUrl: string | null;
  vip: boolean;
  media: Media;
  groupName: string | null;
  /** The routing step that chose this agent, e.g. "returning: served this visitor last". */
  reason: string;
  createdAt: string;
  expiresAt: string;
}

/** A leave-a-message entry as the workspace lists it. */
export interface OfflineMessage {
  id: string;
  visitorId: string;
  visitorName: string | null;
  groupId: string | null;
  name: string | null;
  contact: string | null;
  text: string;
  pageUrl: string | null;
  status: 'open' | 'done';
  createdAt: string;
  handledBy: string | null;
}

// What a schema accepts must be a value of the engine's type (the server hands validated
// configuration to decide() as is); literal unions must be the same both ways.
type Holds<T extends true> = T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type RoutingSchemasAgreeWithEngine = [
  Holds<Same<z.infer<typeof Channel>, Engine.Channel>>,
  Holds<Same<z.infer<typeof Media>, Engine.Media>>,
  Holds<z.infer<typeof BusinessHours> extends Engine.BusinessHours ? true : false>,
  Holds<z.infer<typeof RuleCondition> extends Engine.RuleCondition ? true : false>,
  Holds<z.infer<typeof SkillRule> extends Engine.SkillRule ? true : false>,
  Holds<z.infer<typeof StrategyStep> extends Engine.StrategyStep ? true : false>,
  Holds<Same<z.infer<typeof StrategyStep>['kind'], Engine.StrategyKind>>,
  Holds<z.infer<typeof RoutingPolicy> extends Engine.RoutingPolicy ? true : false>,
];

// The routing engine's contract. Everything here is plain data: the server builds a snapshot from
// the database, the engine answers a Decision, the server applies it in one transaction. No I/O,
// no clock and no Math.random inside the engine: `now` (ms since epoch) and `random` are passed in.

/** Where a conversation came from. Capacity weights and skill rules may depend on it. */
export type Channel = 'web' | 'h5' | 'wechat' | 'app' | 'sip' | 'api';
/** What the conversation currently needs from an agent: a chat, or a call (counts more). */
export type Media = 'chat' | 'video' | 'audio';
export type AgentState = 'online' | 'away' | 'busy' | 'offline';

export interface AgentSnapshot {
  id: string;
  state: AgentState;
  /** The agent is in wrap-up after a conversation until this time (ms); null when not. */
  wrapUpUntil: number | null;
  /** Skill groups the agent belongs to. */
  groups: readonly string[];
  /** Total load units the agent can carry (e.g. 5 chats, or 1 video + 2 chats with weight 3). */
  capacity: number;
  /** Load units in use now (sum of the weights of their active conversations and offers). */
  load: number;
  /** ms since epoch of the last assignment, or null if never assigned. */
  lastAssignedAt: number | null;
}

export interface VisitorFacts {
  id: string;
  language: string | null;
  tags: readonly string[];
  /** Custom attributes from the embed/identity (e.g. { level: 'gold', region: 'north' }). */
  attributes: Readonly<Record<string, string | number | boolean>>;
  vip: boolean;
  /** Agent requested by the entry (account manager, designated link), if any. */
  designatedAgentId: string | null;
}

/** One past conversation of this visitor, for returning-customer routing. */
export interface ServedBy {
  agentId: string;
  /** ms since epoch the conversation with that agent ended (or was last active). */
  at: number;
}

/** A decline or ring timeout of an offer of this conversation. */
export interface Refusal {
  agentId: string;
  at: number;
  reason: 'declined' | 'timeout';
}

export interface ConversationFacts {
  id: string;
  channel: Channel;
  media: Media;
  /** Entry point (e.g. a named button or link) and the page the visitor was on. */
  entryPoint: string | null;
  pageUrl: string | null;
  visitor: VisitorFacts;
  /** When it entered the queue (ms). Waiting windows and overflow count from here. */
  enqueuedAt: number;
  /** Skill group already chosen (by an earlier decision or a transfer); null = not yet. */
  groupId: string | null;
  /** Previous conversations of this visitor, any order. */
  history: readonly ServedBy[];
  refusals: readonly Refusal[];
}

export interface RoutingSnapshot {
  conversation: ConversationFacts;
  agents: readonly AgentSnapshot[];
  groups: readonly SkillGroupFacts[];
}

/** Weekly opening hours in the group's time zone; holidays close the whole local date. */
export interface BusinessHours {
  timeZone: string;
  /** day 0 = Sunday … 6 = Saturday; minutes from local midnight, end exclusive. */
  weekly: readonly { day: number; startMinute: number; endMinute: number }[];
  /** Local dates 'YYYY-MM-DD' that are closed. */
  holidays: readonly string[];
}

export interface SkillGroupFacts {
  id: string;
  name: string;
  /** null = always open. */
  hours: BusinessHours | null;
  /** After waiting this long (ms) in this group, the conversation may go to overflowGroupId too. */
  overflowAfterMs: number | null;
  overflowGroupId: string | null;
}

/** A condition of a skill-group rule; all conditions of a rule must hold. */
export type RuleCondition =
  | { field: 'channel'; oneOf: readonly Channel[] }
  | { field: 'entryPoint'; oneOf: readonly string[] }
  /** Substring or glob-like prefix match on the page URL ('*' wildcard). */
  | { field: 'pageUrl'; matches: string }
  | { field: 'language'; oneOf: readonly string[] }
  | { field: 'tag'; anyOf: readonly string[] }
  | { field: 'attribute'; name: string; equals: string | number | boolean }
  | { field: 'vip'; equals: boolean }
  /** Holds when the rule's target group is open now (its business hours). */
  | { field: 'groupOpen' };

export interface SkillRule {
  id: string;
  when: readonly RuleCondition[];
  groupId: string;
}

/** One step of an organisation's routing chain, tried in order. */
export type StrategyStep =
  | { kind: 'vip'; vipGroupId: string | null; preferDesignated: boolean }
  | { kind: 'designated'; waitMs: number }
  | { kind: 'returning'; mode: 'last' | 'most-frequent'; lookbackMs: number; waitMs: number }
  | { kind: 'skill-rules'; rules: readonly SkillRule[]; defaultGroupId: string | null }
  | { kind: 'least-loaded' }
  | { kind: 'random' };

export type StrategyKind = StrategyStep['kind'];

export interface RoutingPolicy {
  chain: readonly StrategyStep[];
  /** Load units per media: a call counts more than a chat. */
  weights: Readonly<Record<Media, number>>;
  /** An agent who declined or missed this conversation is not offered it again for this long. */
  refusalCooldownMs: number;
}

export type CandidateVerdict = { agentId: string; kept: boolean; why: string };

/** One line of the explanation: which step, and what it concluded. */
export interface ReasonLine {
  step: StrategyKind | 'eligibility' | 'group' | 'hours';
  note: string;
}

export type Decision =
  | {
      kind: 'offer';
      agentId: string;
      /** The step that chose the agent. */
      strategy: StrategyKind;
      groupId: string | null;
      reasons: ReasonLine[];
      candidates: CandidateVerdict[];
    }
  | {
      kind: 'queue';
      groupId: string | null;
      /** Ask again at this time (ms) even if nothing changes: a wait window or overflow ends. */
      recheckAt: number | null;
      /** The conversation's target groups are all closed now. */
      closed: boolean;
      reasons: ReasonLine[];
      candidates: CandidateVerdict[];
    };

/** A random source in [0, 1); passed in so decisions are reproducible in tests. */
export type RandomSource = () => number;

/** A queued conversation, for ordering and position/ETA. */
export interface QueueEntry {
  conversationId: string;
  groupId: string | null;
  vip: boolean;
  enqueuedAt: number;
}

import { z } from 'zod';
import { LIMITS } from './limits.js';

/** Identifiers are opaque strings (UUIDs in practice); clients never parse them. */
export const Id = z.string().min(1).max(64);
/**
 * An entity id a client sends (every entity id column is uuid): the server refuses anything else
 * at the boundary, before a database cast could fail. Ids the server sends stay `Id` (a message
 * id is `conversationId:seq`).
 */
export const Uuid = z.string().uuid();
export const ClientMsgId = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);
/** Per-conversation sequence numbers: stored as PostgreSQL integer, so bounded to 0..2^31-1. */
export const SEQ_MAX = 2 ** 31 - 1;
export const Seq = z.number().int().min(0).max(SEQ_MAX);

export const Role = z.enum(['admin', 'supervisor', 'agent']);
export type Role = z.infer<typeof Role>;

export const Presence = z.enum(['online', 'away', 'busy', 'offline']);
export type Presence = z.infer<typeof Presence>;

export const Language = z.enum(['en', 'zh-CN', 'zh-TW']);
export type Language = z.infer<typeof Language>;

export const ConversationStatus = z.enum(['open', 'queued', 'assigned', 'closed']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const CloseReason = z.enum(['agent', 'visitor', 'inactivity']);
export type CloseReason = z.infer<typeof CloseReason>;

export const AuthorKind = z.enum(['visitor', 'agent', 'system']);

export const Author = z.object({
  kind: AuthorKind,
  id: Id.nullable(),
  name: z.string().max(LIMITS.nameChars).nullable(),
});
export type Author = z.infer<typeof Author>;

export const Attachment = z.object({
  blobId: Id,
  name: z.string().max(255),
  mime: z.string().max(127),
  size: z.number().int().nonnegative(),
  /** A short-lived signed URL; filled in when an event is presented to an authorized reader. */
  url: z.string().optional(),
  /** Set once retention deleted the file: the message stays, the file is gone (no url). */
  expired: z.literal(true).optional(),
});
export type Attachment = z.infer<typeof Attachment>;

export const MessageKind = z.enum(['text', 'image', 'file']);

/** Events of a conversation's timeline; each is stored with its per-conversation sequence number. */
export const TimelineEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    messageId: Id,
    clientMsgId: z.string().nullable(),
    author: Author,
    kind: MessageKind,
    text: z.string().max(LIMITS.textMessageChars),
    attachment: Attachment.nullable(),
  }),
  z.object({
    type: z.literal('receipt'),
    by: z.enum(['visitor', 'agent']),
    state: z.enum(['delivered', 'read']),
    upToSeq: Seq,
  }),
  z.object({ type: z.literal('conversation.created') }),
  z.object({ type: z.literal('conversation.queued'), reason: z.string().max(500) }),
  z.object({
    type: z.literal('conversation.assigned'),
    agent: z.object({ id: Id, name: z.string() }),
    reason: z.string().max(500),
  }),
  z.object({ type: z.literal('conversation.closed'), by: CloseReason }),
  /** A call rings: started by one side, the other accepts or declines. */
  z.object({
    type: z.literal('call.ringing'),
    callId: Id,
    media: z.enum(['video', 'audio']),
    by: z.enum(['visitor', 'agent']),
    profile: z.enum(['360p', '720p', '1080p']),
    /** How the call is recorded, so the visitor sees the notice before answering; absent = not recorded. */
    recording: z.object({ mode: z.enum(['off', 'on', 'mandatory']), dual: z.boolean() }).optional(),
  }),
  z.object({ type: z.literal('call.answered'), callId: Id, by: z.enum(['visitor', 'agent']) }),
  z.object({
    type: z.literal('call.ended'),
    callId: Id,
    /** Who ended it; 'system' for timeouts, failures and restarts. */
    by: z.enum(['visitor', 'agent', 'system']),
    reason: z.string().max(40),
    durationMs: z.number().int().nonnegative().nullable(),
  }),
  /** Server-side recording of a call started, failed or resumed. */
  z.object({ type: z.literal('call.recording'), callId: Id, state: z.enum(['off', 'starting', 'running', 'failed']) }),
  /** An HD snapshot of the visitor's camera was taken (a recording of kind snapshot). */
  z.object({
    type: z.literal('call.snapshot'),
    callId: Id,
    recordingId: Id,
    width: z.number().int().positive().max(10_000),
    height: z.number().int().positive().max(10_000),
  }),
  z.object({
    type: z.literal('conversation.transferred'),
    from: z.object({ id: Id, name: z.string() }).nullable(),
    to: z.object({ kind: z.enum(['agent', 'group']), id: Id, name: z.string() }),
    note: z.string().max(1000),
  }),
  z.object({
    type: z.literal('csat.submitted'),
    score: z.number().int().min(1).max(5),
    comment: z.string().max(LIMITS.csatCommentChars),
  }),
]);
export type TimelineEvent = z.infer<typeof TimelineEvent>;
export type TimelineEventType = TimelineEvent['type'];

/** A timeline event as stored and pushed: the event plus where it sits in the conversation. */
export const SequencedEvent = z.object({
  conversationId: Id,
  seq: Seq,
  at: z.string(),
  event: TimelineEvent,
});
export type SequencedEvent = z.infer<typeof SequencedEvent>;

export const ConversationSummary = z.object({
  id: Id,
  status: ConversationStatus,
  visitorId: Id,
  visitorName: z.string().nullable(),
  agentId: Id.nullable(),
  agentName: z.string().nullable(),
  lastSeq: Seq,
  createdAt: z.string(),
  assignedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  lastMessageText: z.string().nullable(),
  lastMessageAt: z.string().nullable(),
  /** Messages from the other side after this reader's last read receipt. */
  unread: z.number().int().nonnegative(),
  csatScore: z.number().int().nullable(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const VisitorProfile = z.object({
  id: Id,
  externalId: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  identified: z.boolean(),
  pageUrl: z.string().nullable(),
  userAgent: z.string().nullable(),
  language: z.string().nullable(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
});
export type VisitorProfile = z.infer<typeof VisitorProfile>;

export const AgentProfile = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  presence: Presence,
  capacity: z.number().int().positive(),
});
export type AgentProfile = z.infer<typeof AgentProfile>;

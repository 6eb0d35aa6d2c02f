import { z } from 'zod';
import { LIMITS } from './limits.js';
import { ClientMsgId, Language, Presence, Seq, SequencedEvent, ConversationSummary, Uuid } from './model.js';
import type { ErrorCode } from './errors.js';
import type { OfferView } from './routing.js';
import { callCommands, type CallServerMessage } from './call.js';
import type { RecordingView } from './recording.js';
import { Channel, Media } from './routing.js';

/**
 * WebSocket messages. Client commands are `entity.verb`; every command may carry `rid`, a
 * client-chosen request id echoed by the server's `ack` or `error` so a client can await it.
 */
const rid = z.string().max(64).optional();

export const ClientMessage = z.discriminatedUnion('type', [
  /** First frame of a connection that did not authenticate by cookie. */
  z.object({ type: z.literal('auth'), rid, token: z.string().min(1).max(512) }),
  /**
   * Start receiving a conversation's events. The server first sends every event with
   * seq > afterSeq, in order, then live ones; together they are exactly what the client missed.
   */
  z.object({ type: z.literal('conversation.subscribe'), rid, conversationId: Uuid, afterSeq: Seq }),
  z.object({ type: z.literal('conversation.unsubscribe'), rid, conversationId: Uuid }),
  /** Visitor: open a new conversation (or get the visitor's current open one). */
  z.object({
    type: z.literal('conversation.start'),
    rid,
    pageUrl: z.string().max(LIMITS.urlChars).optional(),
    language: Language.optional(),
    /** Routing hints from the embed: a named entry point, a requested agent, the channel. */
    entryPoint: z.string().trim().min(1).max(100).optional(),
    designatedAgentId: Uuid.optional(),
    channel: Channel.optional(),
    media: Media.optional(),
  }),
  z.object({
    type: z.literal('message.send'),
    rid,
    conversationId: Uuid,
    /** Client-generated; sending the same id twice stores one message. */
    clientMsgId: ClientMsgId,
    text: z.string().max(LIMITS.textMessageChars).default(''),
    blobId: Uuid.optional(),
  }),
  z.object({ type: z.literal('typing.set'), rid, conversationId: Uuid, typing: z.boolean() }),
  z.object({
    type: z.literal('receipt.mark'),
    rid,
    conversationId: Uuid,
    state: z.enum(['delivered', 'read']),
    upToSeq: Seq,
  }),
  z.object({ type: z.literal('conversation.close'), rid, conversationId: Uuid }),
  z.object({
    type: z.literal('csat.submit'),
    rid,
    conversationId: Uuid,
    score: z.number().int().min(1).max(5),
    comment: z.string().max(LIMITS.csatCommentChars).default(''),
  }),
  z.object({ type: z.literal('presence.set'), rid, presence: Presence }),
  /** Agent: answer a ringing offer. */
  z.object({ type: z.literal('offer.accept'), rid, offerId: Uuid }),
  z.object({ type: z.literal('offer.decline'), rid, offerId: Uuid }),
  /** Agent (assigned) or supervisor: hand the conversation to an agent or a skill group. */
  z.object({
    type: z.literal('conversation.transfer'),
    rid,
    conversationId: Uuid,
    agentId: Uuid.optional(),
    groupId: Uuid.optional(),
    note: z.string().trim().max(1000).default(''),
  }),
  z.object({ type: z.literal('ping'), rid }),
  ...callCommands,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = ClientMessage.options.map(
  (o) => o.shape.type.value,
);

/** Server pushes. `conversation.event` is the only sequenced push; the rest are ephemeral. */
export type ServerMessage =
  | { type: 'ready'; role: 'visitor' | 'agent'; principalId: string; serverTime: string }
  | { type: 'ack'; rid?: string; result?: unknown }
  | { type: 'error'; rid?: string; code: ErrorCode; message: string; details?: unknown }
  | ({ type: 'conversation.event' } & SequencedEvent)
  | { type: 'typing'; conversationId: string; by: 'visitor' | 'agent'; typing: boolean }
  /**
   * The server dropped this subscription: the reader lost access (transferred away, unassigned,
   * no longer serving the visitor). Do not subscribe again; nothing more of it will be sent.
   */
  | { type: 'conversation.unsubscribed'; conversationId: string; reason: 'access_lost' }
  /**
   * Agent inbox changes: a conversation was assigned to, or closed for, this agent. Supervisors
   * and admins get every change in their organisation, waiting and ringing conversations too.
   */
  | { type: 'inbox.updated'; conversation: ConversationSummary }
  /** A recording (or snapshot) of a call was stored; sent to the agents who may see it. */
  | { type: 'recording.ready'; recording: RecordingView }
  | { type: 'presence.changed'; agentId: string; presence: z.infer<typeof Presence> }
  /** Position within the conversation's skill group, estimated wait, and whether it is closed now. */
  | { type: 'queue.position'; conversationId: string; position: number; etaSeconds: number | null; closed: boolean }
  /** An offer rings for this agent: accept or decline before it expires. */
  | { type: 'offer.ringing'; offer: OfferView }
  | { type: 'offer.ended'; offerId: string; status: string }
  | { type: 'pong'; rid?: string }
  | CallServerMessage;

export type ServerMessageType = ServerMessage['type'];

import type { Author, CloseReason, Presence } from './model.js';
import type { RecordingKind } from './recording.js';

/**
 * Domain events: the facts the server records, one name for one fact from the database to the
 * wire and to a webhook (docs/architecture.md §5). Each is named `entity.past_tense`; when the
 * fact is about a part of the entity the verb carries its object (`agent.presence_changed`,
 * `visitor.session_revoked`).
 *
 * Commands are not events: `call.end`, `routing.drain` and the timers the outbox schedules
 * (`routing.offer_timeout`, `routing.recheck`, `call.ring_timeout`, `client_recording.finish`)
 * ask for something to be done and stay out of this map. So do ephemeral signals that nothing
 * records (`conversation.typing`, `queue.position`, call signalling in `call.push`) and
 * projections computed from facts (`agent.inbox`, from the conversation events below).
 *
 * Type-only imports: this module is zod-free at run time, like `limits.ts`, so a browser bundle
 * may import it without the schemas (the workspace's CSP forbids zod's load-time probe).
 */
export interface DomainEventData {
  /** A visitor started a conversation (timeline `conversation.created`). */
  'conversation.created': { conversationId: string; visitorId: string };
  /** A conversation waits for an agent: new, re-queued, or transferred to a group. */
  'conversation.queued': { conversationId: string; reason: string };
  /** An offer of a queued conversation rings for one agent until `expiresAt`. */
  'offer.rang': { conversationId: string; offerId: string; agentId: string; expiresAt: string };
  /** A ringing offer ended. */
  'offer.ended': { conversationId: string; offerId: string; agentId: string; status: 'accepted' | 'declined' | 'timeout' | 'cancelled' };
  'conversation.assigned': { conversationId: string; agent: { id: string; name: string }; reason: string };
  'conversation.transferred': {
    conversationId: string;
    from: { id: string; name: string } | null;
    to: { kind: 'agent' | 'group'; id: string; name: string };
    note: string;
  };
  'conversation.closed': { conversationId: string; by: CloseReason };
  /** A message was stored in a conversation's timeline at `seq`. */
  'message.sent': {
    conversationId: string;
    seq: number;
    messageId: string;
    author: Author;
    kind: 'text' | 'image' | 'file';
    text: string;
    attachment: { blobId: string; name: string; mime: string; size: number } | null;
  };
  /** One side has received or read the messages up to `upToSeq` (timeline `receipt`). */
  'receipt.recorded': { conversationId: string; by: 'visitor' | 'agent'; state: 'delivered' | 'read'; upToSeq: number };
  'csat.submitted': { conversationId: string; score: number; comment: string };
  /** A call was placed and rings (timeline `call.ringing`). */
  'call.started': {
    conversationId: string;
    callId: string;
    media: 'video' | 'audio';
    by: 'visitor' | 'agent';
    profile: '360p' | '720p' | '1080p';
    recording?: { mode: 'off' | 'on' | 'mandatory'; dual: boolean };
  };
  'call.answered': { conversationId: string; callId: string; by: 'visitor' | 'agent' };
  'call.ended': {
    conversationId: string;
    callId: string;
    by: 'visitor' | 'agent' | 'system';
    reason: string;
    durationMs: number | null;
  };
  /** The server-side recording of a call changed state (timeline `call.recording`). */
  'call.recording_changed': { conversationId: string; callId: string; state: 'off' | 'starting' | 'running' | 'failed' };
  /** An HD snapshot of the visitor's camera was stored (timeline `call.snapshot`). */
  'snapshot.taken': { conversationId: string; callId: string; recordingId: string; width: number; height: number };
  /** A recording's file was post-processed and registered (bus `recording.ready`). */
  'recording.stored': { conversationId: string; callId: string; recordingId: string; kind: RecordingKind };
  /** Retention deleted a message's file; the message stays. */
  'attachment.expired': { conversationId: string; blobId: string };
  'agent.presence_changed': { agentId: string; presence: Presence };
  /** An agent's load went down (a conversation or call released, an offer ended): routable again from `availableAt`. */
  'agent.capacity_released': { agentId: string; availableAt: string };
  /** An agent was deactivated or their role changed. */
  'agent.access_changed': { agentId: string };
  /** An agent's session ended (logout, or revoked). */
  'agent.session_revoked': { agentId: string; sessionId: string };
  'visitor.session_revoked': { visitorId: string; sessionId: string };
}

export type DomainEventType = keyof DomainEventData;

/**
 * The one envelope every domain event travels in: emitted inside the transaction that makes the
 * change, stored in the outbox with it, then dispatched to listeners. `id` (a UUID) is what
 * at-least-once delivery dedupes on; `at` is an ISO 8601 time. Narrow on `type` to get `data`.
 */
export type DomainEvent<T extends DomainEventType = DomainEventType> = {
  [K in T]: { id: string; type: K; orgId: string; at: string; data: DomainEventData[K] };
}[T];

/** Every domain event type, for listeners that register by name and for tests. */
export const DOMAIN_EVENT_TYPES = [
  'conversation.created',
  'conversation.queued',
  'offer.rang',
  'offer.ended',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.closed',
  'message.sent',
  'receipt.recorded',
  'csat.submitted',
  'call.started',
  'call.answered',
  'call.ended',
  'call.recording_changed',
  'snapshot.taken',
  'recording.stored',
  'attachment.expired',
  'agent.presence_changed',
  'agent.capacity_released',
  'agent.access_changed',
  'agent.session_revoked',
  'visitor.session_revoked',
] as const satisfies readonly DomainEventType[];

export function isDomainEventType(s: string): s is DomainEventType {
  return (DOMAIN_EVENT_TYPES as readonly string[]).includes(s);
}

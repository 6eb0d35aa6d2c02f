import type { CallServerMessage, ConversationSummary, OfferView, Presence, RecordingView, SequencedEvent } from '@visavis/protocol';

/**
 * Every event that must reach another connection goes through the bus, so a cluster is a
 * Redis adapter away. Topics and payloads are typed here; payloads are plain JSON.
 */
export interface BusTopics {
  /** A stored timeline event; subscribers of the conversation get it in seq order. */
  'conversation.event': SequencedEvent & { orgId: string };
  'conversation.typing': { orgId: string; conversationId: string; by: 'visitor' | 'agent'; typing: boolean };
  /**
   * An agent's inbox changed (assigned, closed, reassigned); every supervisor of the organisation
   * hears it too. agentId null: a conversation nobody holds changed (started waiting, offered,
   * re-queued, closed while waiting), for supervisors only.
   */
  'inbox.updated': { orgId: string; agentId: string | null; conversation: ConversationSummary };
  'presence.changed': { orgId: string; agentId: string; presence: Presence };
  'queue.position': {
    orgId: string; conversationId: string; visitorId: string; position: number; etaSeconds: number | null; closed: boolean;
  };
  /** An offer rings for an agent (they accept or decline before expiresAt). */
  'offer.ringing': { orgId: string; agentId: string; offer: OfferView };
  /** A ringing offer ended: accepted, declined, timed out or withdrawn. */
  'offer.ended': { orgId: string; agentId: string; offerId: string; status: string };
  /** An ephemeral call push to one party (visitor or agent), on whichever node holds their sockets. */
  'call.push': { orgId: string; to: 'visitor' | 'agent'; visitorId: string | null; agentId: string | null; message: CallServerMessage };
  /** A call ended: every node frees the media legs it holds for it. */
  'call.ended': { orgId: string; callId: string };
  /** A call's recording was stored: for the org's supervisors and the agents listed (call and conversation holders). */
  'recording.ready': { orgId: string; agentIds: string[]; recording: RecordingView };
  /** Ask every node to drop the sockets of this agent session (logout). */
  'agent.session_revoked': { agentId: string; sessionId: string };
  /**
   * An agent's access changed (deactivated, role changed): every node closes all of that agent's
   * sockets (4003), so nothing more is pushed under the old role; a reconnect authenticates anew.
   */
  'agent.access_changed': { agentId: string };
  /** A visitor session ended (replaced, refresh token reused, admin): every node drops its sockets and access tokens. */
  'visitor.session_revoked': { orgId: string; visitorId: string; sessionId: string };
}

export type BusTopic = keyof BusTopics;

/**
 * `id`: the event's id (a `DomainEvent`'s uuid). Delivery is at least once, so an event may be
 * published again (an outbox row retried after its lease ran out, a Redis redelivery); a bus
 * hands an id it has already delivered on that topic to no handler again, within a window of at
 * least its last 10,000 ids. Without an id nothing is deduplicated.
 */
export interface PublishOptions {
  id?: string;
}

/**
 * The contract every adapter keeps, stated as tests in `event-bus.contract.ts` (run against
 * `MemoryEventBus`; the Redis adapter must pass the same suite):
 * - each handler gets the payload as plain JSON, never the publisher's object;
 * - ordering: events published by one process on a topic reach each handler in publish order,
 *   so a conversation's events arrive in seq order (also when a handler publishes meanwhile);
 * - at-least-once with dedupe by `PublishOptions.id`: a repeated id reaches a handler once;
 * - handler isolation: a handler that throws, rejects or is slow (returns a promise that takes
 *   its time) neither stops nor delays delivery to the others; errors go to the bus's error sink;
 *   handlers are not awaited before the next delivery;
 * - each `subscribe` is one subscription (the same function twice gets two deliveries); its
 *   unsubscribe stops delivery and may be called again;
 * - `close()` runs no handler afterwards and waits (bounded) for handler promises in flight; a
 *   publish after close delivers nothing and resolves (work in flight at shutdown is not an
 *   error), a subscribe after close throws.
 */
export interface EventBus {
  publish<T extends BusTopic>(topic: T, payload: BusTopics[T], opts?: PublishOptions): Promise<void>;
  subscribe<T extends BusTopic>(topic: T, handler: (payload: BusTopics[T]) => void): () => void;
  close(): Promise<void>;
}

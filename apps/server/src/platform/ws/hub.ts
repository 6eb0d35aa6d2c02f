import type { EventBus } from '../../ports/event-bus.js';
import type { BlobUrls, ConversationService } from '../../conversations/index.js';
import { isSupervisor, type Principal } from '../../identity/index.js';
import { ClientConnection, DEFAULT_FLOW, type FlowLimits, type SocketLike } from './client-connection.js';
import { Subscriptions } from './subscriptions.js';

export { ClientConnection, type SocketLike } from './client-connection.js';

/** Close code for the sockets of an agent whose access changed (deactivated, role changed). */
export const ACCESS_CHANGED_CLOSE = { code: 4003, reason: 'access changed' } as const;

/**
 * This node's sockets and what each follows. Bus events are routed to connections here, each
 * push only to connections allowed it now: conversation events and typing through live
 * subscriptions (re-checked after every access-changing event, see subscriptions.ts), inbox,
 * offers and call pushes by the addressee the service read from the database when it published,
 * and every socket of an agent whose access changed is closed.
 */
export class Hub {
  private readonly conns = new Set<ClientConnection>();
  private nextId = 1;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly subscriptions: Subscriptions;

  constructor(
    bus: EventBus,
    conversations: ConversationService,
    urls: BlobUrls,
    onError: (e: unknown) => void,
    private readonly flow: FlowLimits = DEFAULT_FLOW,
  ) {
    this.subscriptions = new Subscriptions(conversations, urls, onError);
    this.unsubscribers.push(
      bus.subscribe('conversation.event', ({ orgId, ...e }) => this.subscriptions.event(this.conns, e, orgId)),
      bus.subscribe('conversation.typing', (t) => {
        for (const c of this.conns) {
          if (c.principal.kind !== t.by && this.subscriptions.following(c, t.conversationId)) {
            c.send({ type: 'typing', conversationId: t.conversationId, by: t.by, typing: t.typing });
          }
        }
      }),
      bus.subscribe('agent.inbox', (m) => {
        for (const c of this.conns) {
          const p = c.principal;
          if (p.kind === 'agent' && p.orgId === m.orgId && (p.agentId === m.agentId || isSupervisor(p))) {
            c.send({ type: 'inbox.updated', conversation: m.conversation });
          }
        }
      }),
      bus.subscribe('agent.presence', (m) => {
        for (const c of this.conns) {
          if (c.principal.kind === 'agent' && c.principal.orgId === m.orgId) {
            c.send({ type: 'presence.changed', agentId: m.agentId, presence: m.presence });
          }
        }
      }),
      bus.subscribe('queue.position', (m) => {
        for (const c of this.conns) {
          if (c.principal.kind === 'visitor' && c.principal.visitorId === m.visitorId) {
            c.send({
              type: 'queue.position', conversationId: m.conversationId, position: m.position, etaSeconds: m.etaSeconds, closed: m.closed,
            });
          }
        }
      }),
      bus.subscribe('agent.offer', (m) => {
        for (const c of this.conns) {
          const p = c.principal;
          if (p.kind === 'agent' && p.orgId === m.orgId && p.agentId === m.agentId) c.send({ type: 'offer.ringing', offer: m.offer });
        }
      }),
      bus.subscribe('agent.offer_ended', (m) => {
        for (const c of this.conns) {
          const p = c.principal;
          if (p.kind === 'agent' && p.orgId === m.orgId && p.agentId === m.agentId) {
            c.send({ type: 'offer.ended', offerId: m.offerId, status: m.status });
          }
        }
      }),
      // The addressee is the conversation's agent as read when the push was made: an agent
      // transferred away is no longer addressed.
      bus.subscribe('call.push', (m) => {
        for (const c of this.conns) {
          const p = c.principal;
          if (p.orgId !== m.orgId) continue;
          if ((m.to === 'visitor' && p.kind === 'visitor' && p.visitorId === m.visitorId) || (m.to === 'agent' && p.kind === 'agent' && p.agentId === m.agentId)) {
            c.send(m.message);
          }
        }
      }),
      bus.subscribe('recording.ready', (m) => {
        for (const c of this.conns) {
          const p = c.principal;
          if (p.kind === 'agent' && p.orgId === m.orgId && (isSupervisor(p) || m.agentIds.includes(p.agentId))) {
            c.send({ type: 'recording.ready', recording: m.recording });
          }
        }
      }),
      bus.subscribe('session.revoked', (m) => {
        for (const c of this.conns) {
          if (c.principal.kind === 'agent' && c.principal.sessionId === m.sessionId) c.close(4001, 'logged out');
        }
      }),
      // A visitor session ended (replaced by another in the same browser, refresh token reused, admin).
      bus.subscribe('visitor.session_revoked', (m) => {
        for (const c of this.conns) {
          if (c.principal.kind === 'visitor' && c.principal.sessionId === m.sessionId) c.close(4001, 'session revoked');
        }
      }),
      // A socket's principal (role included) is fixed when it authenticates: after a role change
      // or deactivation it is closed, and a reconnect authenticates with what holds now.
      bus.subscribe('agent.access_changed', (m) => {
        for (const c of this.conns) {
          if (c.principal.kind === 'agent' && c.principal.agentId === m.agentId) c.close(ACCESS_CHANGED_CLOSE.code, ACCESS_CHANGED_CLOSE.reason);
        }
      }),
    );
  }

  add(principal: Principal, socket: SocketLike): ClientConnection {
    const c = new ClientConnection(this.nextId++, principal, socket, this.flow);
    this.conns.add(c);
    return c;
  }

  remove(c: ClientConnection): void {
    c.markClosed();
    this.conns.delete(c);
  }

  get size(): number {
    return this.conns.size;
  }

  /** Visitors with at least one socket on this node (for queue-abandon detection). */
  connectedVisitorIds(): string[] {
    const ids = new Set<string>();
    for (const c of this.conns) if (c.principal.kind === 'visitor') ids.add(c.principal.visitorId);
    return [...ids];
  }

  /** Authorizes, then sends everything after `afterSeq` (paged, at the reader's pace) and keeps it live. */
  subscribe(c: ClientConnection, conversationId: string, afterSeq: number): Promise<void> {
    return this.subscriptions.subscribe(c, conversationId, afterSeq);
  }

  unsubscribe(c: ClientConnection, conversationId: string): void {
    this.subscriptions.unsubscribe(c, conversationId);
  }

  closeAll(code: number, reason: string): void {
    for (const c of this.conns) c.close(code, reason);
  }

  dispose(): void {
    for (const u of this.unsubscribers) u();
  }
}

import type { EventBus } from '../../ports/event-bus.js';
import type { BlobUrls, ConversationService } from '../../conversations/index.js';
import { isSupervisor, type Principal } from '../../identity/index.js';
import { ClientConnection, DEFAULT_FLOW, type FlowLimits, type SocketLike } from './client-connection.js';
import { ConnectionIndex } from './connection-index.js';
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
 *
 * Sockets are indexed by what they follow (conversation, agent, visitor, session, organisation
 * and role: connection-index.ts, follower-index.ts), so a push looks only at the sockets it may be
 * for, never at every socket of the node, and each of those is still checked against its rule.
 */
export class Hub {
  private readonly conns = new ConnectionIndex();
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
    const conns = this.conns;
    this.unsubscribers.push(
      bus.subscribe('conversation.event', ({ orgId, ...e }) => this.subscriptions.event(e, orgId)),
      bus.subscribe('conversation.typing', (t) => {
        for (const c of this.subscriptions.followers(t.conversationId)) {
          if (c.principal.kind !== t.by && this.subscriptions.following(c, t.conversationId)) {
            c.send({ type: 'typing', conversationId: t.conversationId, by: t.by, typing: t.typing });
          }
        }
      }),
      // The organisation's supervisors, and the agent named unless a supervisor (already sent).
      bus.subscribe('inbox.updated', (m) => {
        const msg = { type: 'inbox.updated', conversation: m.conversation } as const;
        for (const c of conns.supervisorsOf(m.orgId)) c.send(msg);
        if (m.agentId !== null) for (const c of inOrg(conns.agent(m.agentId), m.orgId)) if (!isSupervisor(c.principal)) c.send(msg);
      }),
      bus.subscribe('presence.changed', (m) => {
        for (const c of conns.agentsOf(m.orgId)) c.send({ type: 'presence.changed', agentId: m.agentId, presence: m.presence });
      }),
      bus.subscribe('queue.position', (m) => {
        for (const c of conns.visitor(m.visitorId)) {
          c.send({
            type: 'queue.position', conversationId: m.conversationId, position: m.position, etaSeconds: m.etaSeconds, closed: m.closed,
          });
        }
      }),
      bus.subscribe('offer.ringing', (m) => {
        for (const c of inOrg(conns.agent(m.agentId), m.orgId)) c.send({ type: 'offer.ringing', offer: m.offer });
      }),
      bus.subscribe('offer.ended', (m) => {
        for (const c of inOrg(conns.agent(m.agentId), m.orgId)) c.send({ type: 'offer.ended', offerId: m.offerId, status: m.status });
      }),
      // The addressee is the conversation's agent as read when the push was made: an agent
      // transferred away is no longer addressed.
      bus.subscribe('call.push', (m) => {
        const id = m.to === 'visitor' ? m.visitorId : m.agentId;
        if (id === null) return;
        for (const c of inOrg(m.to === 'visitor' ? conns.visitor(id) : conns.agent(id), m.orgId)) c.send(m.message);
      }),
      // The organisation's supervisors, and the agents listed that are not (already sent).
      bus.subscribe('recording.ready', (m) => {
        const msg = { type: 'recording.ready', recording: m.recording } as const;
        for (const c of conns.supervisorsOf(m.orgId)) c.send(msg);
        for (const agentId of new Set(m.agentIds)) {
          for (const c of inOrg(conns.agent(agentId), m.orgId)) if (!isSupervisor(c.principal)) c.send(msg);
        }
      }),
      // Loops that close iterate a copy: the socket's close handler takes it out of the index.
      bus.subscribe('agent.session_revoked', (m) => {
        for (const c of [...conns.agentSession(m.sessionId)]) c.close(4001, 'logged out');
      }),
      // A visitor session ended (replaced by another in the same browser, refresh token reused, admin).
      bus.subscribe('visitor.session_revoked', (m) => {
        for (const c of [...conns.visitorSession(m.sessionId)]) c.close(4001, 'session revoked');
      }),
      // A socket's principal (role included) is fixed when it authenticates: after a role change
      // or deactivation it is closed, and a reconnect authenticates (and is indexed) with what holds now.
      bus.subscribe('agent.access_changed', (m) => {
        for (const c of [...conns.agent(m.agentId)]) c.close(ACCESS_CHANGED_CLOSE.code, ACCESS_CHANGED_CLOSE.reason);
      }),
    );
  }

  add(principal: Principal, socket: SocketLike): ClientConnection {
    const c = new ClientConnection(this.nextId++, principal, socket, this.flow);
    this.conns.add(c);
    return c;
  }

  /** The socket is gone: it leaves every index (a subscribe still running then indexes nothing). */
  remove(c: ClientConnection): void {
    c.markClosed();
    this.conns.remove(c);
    this.subscriptions.forget(c);
  }

  get size(): number {
    return this.conns.all.size;
  }

  /** Keys held per index (0 everywhere once every socket is gone): the tests' leak check. */
  indexSizes(): Record<string, number> {
    const subs = Object.entries(this.subscriptions.indexSizes()).map(([k, n]) => [`subscriptions.${k}`, n] as const);
    return { ...this.conns.sizes(), ...Object.fromEntries(subs) };
  }

  /** Visitors with at least one socket on this node (for queue-abandon detection). */
  connectedVisitorIds(): string[] {
    return [...this.conns.visitorIds()];
  }

  /** Authorizes, then sends everything after `afterSeq` (paged, at the reader's pace) and keeps it live. */
  subscribe(c: ClientConnection, conversationId: string, afterSeq: number): Promise<void> {
    return this.subscriptions.subscribe(c, conversationId, afterSeq);
  }

  unsubscribe(c: ClientConnection, conversationId: string): void {
    this.subscriptions.unsubscribe(c, conversationId);
  }

  closeAll(code: number, reason: string): void {
    for (const c of [...this.conns.all]) c.close(code, reason);
  }

  dispose(): void {
    for (const u of this.unsubscribers) u();
  }
}

/** The connections among `conns` whose principal belongs to the organisation. */
function* inOrg(conns: Iterable<ClientConnection>, orgId: string): Iterable<ClientConnection> {
  for (const c of conns) if (c.principal.orgId === orgId) yield c;
}

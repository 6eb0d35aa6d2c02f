import type { SequencedEvent, ServerMessage } from '@visavis/protocol';
import type { EventBus } from '../ports/event-bus.js';
import { forReader } from '../services/visitor-view.js';
import type { BlobUrls } from '../services/blob-urls.js';
import type { ConversationService } from '../services/conversation-service.js';
import { isSupervisor, type Principal } from '../services/principal.js';

export interface SocketLike {
  send(data: string): void;
  close(code: number, reason: string): void;
}

interface Subscription {
  lastSentSeq: number;
  syncing: boolean;
  buffered: SequencedEvent[];
}

export class ClientConnection {
  readonly subs = new Map<string, Subscription>();
  constructor(
    readonly id: number,
    readonly principal: Principal,
    private readonly socket: SocketLike,
  ) {}
  send(msg: ServerMessage): void {
    this.socket.send(JSON.stringify(msg));
  }
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }
}

/**
 * This node's sockets and what each subscribed to. Bus events are routed to connections here;
 * each subscription tracks the last seq it sent, so a client gets every event exactly once and
 * in order: backlog first (read from the store), live events buffered meanwhile, gaps refilled.
 */
export class Hub {
  private readonly conns = new Set<ClientConnection>();
  private nextId = 1;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(
    bus: EventBus,
    private readonly conversations: ConversationService,
    private readonly urls: BlobUrls,
    private readonly onError: (e: unknown) => void,
  ) {
    this.unsubscribers.push(
      bus.subscribe('conversation.event', ({ orgId: _o, ...e }) => {
        for (const c of this.conns) {
          const sub = c.subs.get(e.conversationId);
          if (sub) this.deliver(c, sub, e);
        }
      }),
      bus.subscribe('conversation.typing', (t) => {
        for (const c of this.conns) {
          if (c.subs.has(t.conversationId) && c.principal.kind !== t.by) {
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
    );
  }

  add(principal: Principal, socket: SocketLike): ClientConnection {
    const c = new ClientConnection(this.nextId++, principal, socket);
    this.conns.add(c);
    return c;
  }

  remove(c: ClientConnection): void {
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

  /** Authorizes, then sends everything after `afterSeq` and keeps the subscription live. */
  async subscribe(c: ClientConnection, conversationId: string, afterSeq: number): Promise<void> {
    // Throws NOT_FOUND if this principal may not read the conversation.
    const first = await this.conversations.eventsAfter(c.principal, conversationId, afterSeq, 1);
    let sub = c.subs.get(conversationId);
    if (sub && sub.syncing) return; // a sync in progress will catch up
    if (!sub) {
      sub = { lastSentSeq: afterSeq, syncing: false, buffered: [] };
      c.subs.set(conversationId, sub);
    } else {
      sub.lastSentSeq = afterSeq; // the client says what it has; resend from there
    }
    if (first.length > 0) await this.sync(c, conversationId, sub);
  }

  unsubscribe(c: ClientConnection, conversationId: string): void {
    c.subs.delete(conversationId);
  }

  closeAll(code: number, reason: string): void {
    for (const c of this.conns) c.close(code, reason);
  }

  dispose(): void {
    for (const u of this.unsubscribers) u();
  }

  private deliver(c: ClientConnection, sub: Subscription, e: SequencedEvent): void {
    if (sub.syncing) {
      sub.buffered.push(e);
    } else if (e.seq === sub.lastSentSeq + 1) {
      this.send(c, sub, e);
    } else if (e.seq > sub.lastSentSeq + 1) {
      sub.buffered.push(e);
      void this.sync(c, e.conversationId, sub);
    }
  }

  private send(c: ClientConnection, sub: Subscription, e: SequencedEvent): void {
    c.send({ type: 'conversation.event', ...this.urls.present(forReader(c.principal, e)) });
    sub.lastSentSeq = e.seq;
  }

  private async sync(c: ClientConnection, conversationId: string, sub: Subscription): Promise<void> {
    if (sub.syncing) return;
    sub.syncing = true;
    try {
      for (;;) {
        const page = await this.conversations.eventsAfter(c.principal, conversationId, sub.lastSentSeq);
        for (const e of page) if (e.seq === sub.lastSentSeq + 1) this.send(c, sub, e);
        if (page.length > 0) continue;
        // Caught up with the store: send what arrived live meanwhile, if it follows on.
        const pending = sub.buffered.sort((a, b) => a.seq - b.seq);
        sub.buffered = [];
        let gap = false;
        for (const e of pending) {
          if (e.seq <= sub.lastSentSeq) continue;
          if (e.seq !== sub.lastSentSeq + 1) {
            gap = true;
            break;
          }
          this.send(c, sub, e);
        }
        if (!gap) break;
      }
    } catch (e) {
      this.onError(e);
    } finally {
      sub.syncing = false;
    }
  }
}

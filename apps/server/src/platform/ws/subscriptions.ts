import { LIMITS, type SequencedEvent } from '@visavis/protocol';
import { AppError } from '../errors.js';
import { forReader, type BlobUrls, type ConversationService } from '../../conversations/index.js';
import { isSupervisor } from '../../identity/index.js';
import type { ClientConnection } from './client-connection.js';

export interface Subscription {
  readonly conversationId: string;
  /** Whose conversation it is: an agent may read a visitor's other conversations while serving them. */
  readonly visitorId: string;
  lastSentSeq: number;
  /** A replay or an access re-check is under way: live events wait in `buffered`, typing is withheld. */
  syncing: boolean;
  /** The running replay must read the store once more (new cursor, access change, dropped buffer). */
  again: boolean;
  buffered: SequencedEvent[];
  /** The running replay, for a repeated subscribe to wait on instead of starting another. */
  running: Promise<void> | null;
}

/** History is read and sent in pages this size, each after the peer has drained the last. */
const REPLAY_PAGE = 100;
/**
 * Live events kept for a subscription while its replay runs. Beyond, they are dropped and the
 * replay reads them from the store instead: memory per subscription stays bounded however busy
 * the conversation and however slow the reader.
 */
const BUFFER_CAP = 200;

/**
 * Events after which who may read a conversation can have changed: a transfer, an assignment, an
 * unassignment (back to the queue) or a close. The rule itself stays in services/access.ts; these
 * only say when to apply it again. Every access change of a conversation is one of these events
 * (or closes the agent's sockets: `agent.access_changed`, `session.revoked`), so no timer re-checks.
 */
const ACCESS_CHANGING: ReadonlySet<string> = new Set([
  'conversation.assigned',
  'conversation.transferred',
  'conversation.queued',
  'conversation.closed',
]);

export const changesAccess = (e: SequencedEvent): boolean => ACCESS_CHANGING.has(e.event.type);

const lostAccess = (e: unknown): boolean => e instanceof AppError && (e.code === 'NOT_FOUND' || e.code === 'FORBIDDEN');

/**
 * Conversation subscriptions of this node's connections. Each sends its reader every event once,
 * in seq order: history first (paged, read with the reader's access checked on every page), live
 * events buffered meanwhile, gaps refilled from the store. After an access-changing event nothing
 * more is sent until access was checked again; a reader who lost it is told
 * (`conversation.unsubscribed`) and the subscription is dropped.
 */
export class Subscriptions {
  constructor(
    private readonly conversations: ConversationService,
    private readonly urls: BlobUrls,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Authorizes, then sends everything after `afterSeq` and keeps the subscription live. */
  async subscribe(c: ClientConnection, conversationId: string, afterSeq: number): Promise<void> {
    let visitorId: string;
    try {
      visitorId = await this.conversations.readableVisitorId(c.principal, conversationId);
    } catch (err) {
      // NOT_FOUND to the client; a subscription it still held from before is dropped too.
      const held = c.subs.get(conversationId);
      if (held && lostAccess(err)) this.revoke(c, held);
      throw err;
    }
    let sub = c.subs.get(conversationId);
    if (!sub) {
      if (c.subs.size >= LIMITS.wsSubscriptionsPerConnection) throw new AppError('TOO_MANY_SUBSCRIPTIONS');
      sub = { conversationId, visitorId, lastSentSeq: afterSeq, syncing: false, again: false, buffered: [], running: null };
      c.subs.set(conversationId, sub);
    } else {
      // The client says what it has: resend from there. A replay already running takes the new
      // cursor on its next page, so repeated subscribes share one replay instead of multiplying it.
      sub.lastSentSeq = afterSeq;
    }
    // Always through the store, even with nothing to send: that read checks access after the
    // subscription exists, so an access change between the check above and now is not missed.
    await this.sync(c, sub);
  }

  unsubscribe(c: ClientConnection, conversationId: string): void {
    c.subs.delete(conversationId);
  }

  /** Typing and similar ephemeral pushes: only to a live subscription whose access is not in question. */
  following(c: ClientConnection, conversationId: string): boolean {
    const sub = c.subs.get(conversationId);
    return sub !== undefined && !sub.syncing;
  }

  /** A stored event from the bus: deliver it to this node's subscribers, then re-check access if it may have changed. */
  event(conns: Iterable<ClientConnection>, e: SequencedEvent, orgId: string): void {
    const all = [...conns];
    for (const c of all) {
      const sub = c.subs.get(e.conversationId);
      if (sub) this.deliver(c, sub, e);
    }
    if (changesAccess(e)) void this.recheckVisitorHistory(all, e, orgId);
  }

  private deliver(c: ClientConnection, sub: Subscription, e: SequencedEvent): void {
    if (sub.syncing) {
      if (sub.buffered.length >= BUFFER_CAP) {
        sub.buffered = [];
        sub.again = true;
      } else {
        sub.buffered.push(e);
      }
    } else if (e.seq === sub.lastSentSeq + 1) {
      this.send(c, sub, e);
      // The reader saw the change itself; whatever follows waits for access to be checked again.
      if (changesAccess(e)) void this.sync(c, sub);
    } else if (e.seq > sub.lastSentSeq + 1) {
      sub.buffered.push(e);
      void this.sync(c, sub);
    }
  }

  /**
   * An agent serving a visitor may read that visitor's other conversations (access.ts), so a
   * change in one conversation re-checks the agents' subscriptions to the visitor's others.
   * Supervisors and visitors read regardless of assignment; their subscriptions are not affected.
   */
  private async recheckVisitorHistory(conns: ClientConnection[], e: SequencedEvent, orgId: string): Promise<void> {
    const candidates: [ClientConnection, Subscription][] = [];
    for (const c of conns) {
      const p = c.principal;
      if (p.kind !== 'agent' || p.orgId !== orgId || isSupervisor(p)) continue;
      for (const sub of c.subs.values()) if (sub.conversationId !== e.conversationId) candidates.push([c, sub]);
    }
    if (candidates.length === 0) return;
    try {
      const local = conns.map((c) => c.subs.get(e.conversationId)).find((s) => s !== undefined);
      const visitorId = local?.visitorId ?? (await this.conversations.visitorIdOf(e.conversationId));
      for (const [c, sub] of candidates) {
        if (sub.visitorId === visitorId && c.subs.get(sub.conversationId) === sub) void this.sync(c, sub);
      }
    } catch (err) {
      this.onError(err);
    }
  }

  private send(c: ClientConnection, sub: Subscription, e: SequencedEvent): void {
    c.send({ type: 'conversation.event', ...this.urls.present(forReader(c.principal, e)) });
    sub.lastSentSeq = e.seq;
  }

  /** Starts a replay, or asks the running one for another pass; resolves when it is done. */
  private sync(c: ClientConnection, sub: Subscription): Promise<void> {
    if (sub.running) {
      sub.again = true;
      return sub.running;
    }
    sub.syncing = true;
    sub.running = (async () => {
      try {
        let finished = true;
        // Events or requests that came in after the replay's last look get one more pass; the
        // check and the `syncing = false` below run in one turn, so nothing falls between them.
        do {
          finished = false;
          await c.inReplaySlot(async () => {
            finished = await this.replay(c, sub);
          });
        } while (finished && (sub.again || sub.buffered.length > 0) && this.current(c, sub));
      } finally {
        sub.syncing = false;
        sub.running = null;
      }
    })();
    return sub.running;
  }

  private current(c: ClientConnection, sub: Subscription): boolean {
    return !c.isClosed && c.subs.get(sub.conversationId) === sub;
  }

  /** Reads and sends until caught up. False when it stopped early (closed, access lost, an error). */
  private async replay(c: ClientConnection, sub: Subscription): Promise<boolean> {
    try {
      for (;;) {
        sub.again = false;
        if (!this.current(c, sub) || !(await c.drained()) || !this.current(c, sub)) return false;
        // Reads with the reader's access checked now: throws NOT_FOUND once it is gone.
        const page = await this.conversations.eventsAfter(c.principal, sub.conversationId, sub.lastSentSeq, REPLAY_PAGE);
        if (!this.current(c, sub)) return false;
        let stoppedAtChange = false;
        for (const e of page) {
          if (e.seq !== sub.lastSentSeq + 1) break; // the cursor moved (a new subscribe): read again
          this.send(c, sub, e);
          if (changesAccess(e)) {
            stoppedAtChange = true; // the next read checks access before anything after it
            break;
          }
        }
        if (stoppedAtChange || page.length === REPLAY_PAGE || sub.again) continue;
        if (this.flushBuffered(c, sub)) return true;
      }
    } catch (err) {
      if (lostAccess(err)) this.revoke(c, sub);
      else this.onError(err);
      return false;
    }
  }

  /**
   * Caught up with the store: sends what arrived live meanwhile. True when done; false when a gap
   * or an access-changing event means the store must be read again.
   */
  private flushBuffered(c: ClientConnection, sub: Subscription): boolean {
    const pending = sub.buffered.sort((a, b) => a.seq - b.seq);
    sub.buffered = [];
    for (const e of pending) {
      if (e.seq <= sub.lastSentSeq) continue;
      if (e.seq !== sub.lastSentSeq + 1) return false;
      this.send(c, sub, e);
      if (changesAccess(e)) return false; // the rest is in the store; read it after the check
    }
    return true;
  }

  private revoke(c: ClientConnection, sub: Subscription): void {
    if (c.subs.get(sub.conversationId) !== sub) return;
    c.subs.delete(sub.conversationId);
    c.send({ type: 'conversation.unsubscribed', conversationId: sub.conversationId, reason: 'access_lost' });
  }
}

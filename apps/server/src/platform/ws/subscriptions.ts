import { LIMITS, type SequencedEvent } from '@visavis/protocol';
import { AppError } from '../errors.js';
import { forReader, type BlobUrls, type ConversationService } from '../../conversations/index.js';
import type { ClientConnection } from './client-connection.js';
import { FollowerIndex } from './follower-index.js';

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
 * (or closes the agent's sockets: `agent.access_changed`, `agent.session_revoked`), so no timer re-checks.
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
  /** Who follows what, so an event touches only its followers (entries go with `c.subs`'s). */
  private readonly index = new FollowerIndex();

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
      // A connection closed while the check ran (the hub may have let it go already) gets nothing.
      if (!c.isClosed) this.index.add(c, sub);
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
    const sub = c.subs.get(conversationId);
    if (!sub) return;
    c.subs.delete(conversationId);
    this.index.delete(c, sub);
  }

  /** The connection is gone: it leaves every index (its replays stop on their own, see `current`). */
  forget(c: ClientConnection): void {
    this.index.forget(c);
  }

  /** Connections following the conversation now (live set: copy it to change subscriptions meanwhile). */
  followers(conversationId: string): ReadonlySet<ClientConnection> {
    return this.index.followers(conversationId);
  }

  /** Keys held per index, for the tests' leak checks. */
  indexSizes(): Record<string, number> {
    return this.index.sizes();
  }

  /** Typing and similar ephemeral pushes: only to a live subscription whose access is not in question. */
  following(c: ClientConnection, conversationId: string): boolean {
    const sub = c.subs.get(conversationId);
    return sub !== undefined && !sub.syncing;
  }

  /** A stored event from the bus: deliver it to this node's subscribers, then re-check access if it may have changed. */
  event(e: SequencedEvent, orgId: string): void {
    for (const c of [...this.index.followers(e.conversationId)]) {
      const sub = c.subs.get(e.conversationId);
      if (sub) this.deliver(c, sub, e);
    }
    if (changesAccess(e)) void this.recheckVisitorHistory(e, orgId);
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
  private async recheckVisitorHistory(e: SequencedEvent, orgId: string): Promise<void> {
    // Nobody who could be affected: no store read for the visitor's id.
    if (!this.index.hasAssignedReadersBesides(orgId, e.conversationId)) return;
    // Subscriptions made while the visitor's id is read check access themselves (subscribe's sync).
    const before = this.index.serial;
    try {
      let local: Subscription | undefined;
      for (const c of this.index.followers(e.conversationId)) if ((local = c.subs.get(e.conversationId))) break;
      const visitorId = local?.visitorId ?? (await this.conversations.visitorIdOf(e.conversationId));
      if (visitorId === null) return; // no such conversation: no one reads by its visitor
      for (const { c, sub, serial } of [...this.index.readersOfVisitor(visitorId)]) {
        if (serial > before || sub.conversationId === e.conversationId || c.principal.orgId !== orgId) continue;
        if (c.subs.get(sub.conversationId) === sub) void this.sync(c, sub);
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
    this.index.delete(c, sub);
    c.send({ type: 'conversation.unsubscribed', conversationId: sub.conversationId, reason: 'access_lost' });
  }
}

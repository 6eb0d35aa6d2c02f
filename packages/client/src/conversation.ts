import type { SequencedEvent, ServerMessage } from '@visavis/protocol';
import type { Connection } from './connection.js';
import {
  addPendingMessage,
  applyTimelineEvent,
  emptyConversationTimeline,
  findPending,
  removePendingMessage,
  updatePendingMessage,
  type ConversationTimeline,
  type TimelineParty,
} from './conversation-timeline.js';
import { Emitter } from './emitter.js';
import { VisavisError } from './errors.js';
import { newClientMsgId } from './ids.js';
import { ReceiptTracker, type ReceiptMark } from './receipts.js';
import { PeerTyping, TypingSignal, type TypingClock } from './typing.js';

/**
 * One conversation as a client holds it, for both UIs: the SDK's `ConversationTimeline` kept up
 * to date from a `Connection`, the user's own messages sent optimistically, the receipts owed,
 * and typing both ways. Views and words stay in each UI; they listen to `changed`.
 *
 * - Events: the Connection delivers each seq once and in order, resuming from the last seq after
 *   a reconnect; the timeline also drops a seq it holds, so the ack of our own `message.send` and
 *   its push show one message.
 * - Sending: `send()` shows the message at once as pending (keyed by a new clientMsgId), the
 *   server event with that id replaces it; a failure marks it `failed` with the error's code, and
 *   `retry()` sends it again with the same id (the server stores it once).
 * - `close()` lets go of the Connection's listeners (and the subscription it made); any call
 *   after it throws `VisavisError('CLOSED')`.
 */
export interface OutgoingMessage {
  clientMsgId: string;
  text: string;
  createdAt: string;
  state: 'uploading' | 'sending' | 'failed';
  /** The failure's code (a catalog code, or TIMEOUT, DISCONNECTED…), while failed. */
  error?: string;
  /** The stored attachment, once uploaded (a retry then does not upload again). */
  blobId?: string;
  /** What a view shows of an attachment on its way. */
  file?: { name: string; mime: string; size: number; previewUrl?: string };
}

export interface SendOptions {
  /** The id of a message the UI showed before this conversation existed (default: a new one). */
  clientMsgId?: string;
  blobId?: string;
  file?: OutgoingMessage['file'];
  /** Stores the attachment and answers its blobId; runs before the send, and again on retry until it succeeds. */
  upload?: () => Promise<string>;
}

export interface ConversationOptions {
  /** Whose side this client is on: typing pushes from the other side, receipts as this reader. */
  me: TimelineParty;
  /** Whose messages confirm a pending one (see ConversationTimeline.confirmedBy); default `me`. */
  confirmedBy?: TimelineParty | null;
  /** Subscribe from this seq (default 0); false when the caller subscribes the Connection itself. */
  subscribe?: false | { afterSeq: number };
  /** Start from a timeline already held (a store that keeps it across re-subscriptions). */
  timeline?: ConversationTimeline<OutgoingMessage>;
  typing?: { refreshMs?: number; idleMs?: number; peerTtlMs?: number; clock?: TypingClock };
}

export type ConversationEvents = {
  /** The timeline changed (a new object each time). */
  changed: ConversationTimeline<OutgoingMessage>;
  /** A server event the timeline did not hold yet, after it was applied. */
  event: SequencedEvent;
  /** The other side started or stopped typing (or its indicator expired). */
  'peer-typing': boolean;
  /** A message could not be sent (or its attachment stored); it stays, failed, for retry(). */
  failed: { clientMsgId: string; error: VisavisError };
  /** The server dropped the subscription (access lost): no more events will come. */
  unsubscribed: { reason: string };
};

const codeOf = (e: unknown): string => (e instanceof VisavisError ? e.code : 'INTERNAL');
const asError = (e: unknown): VisavisError =>
  e instanceof VisavisError ? e : new VisavisError('INTERNAL', e instanceof Error ? e.message : String(e));

export class Conversation extends Emitter<ConversationEvents> {
  private tl: ConversationTimeline<OutgoingMessage>;
  private readonly offs: (() => void)[];
  /** Whether close() should unsubscribe: we subscribed, and the server has not dropped it. */
  private subscribed: boolean;
  private closedValue = false;
  private readonly uploads = new Map<string, () => Promise<string>>();
  private readonly receipts: ReceiptTracker;
  private readonly own: TypingSignal;
  private readonly peer: PeerTyping;

  constructor(
    private readonly conn: Connection,
    readonly id: string,
    private readonly opts: ConversationOptions,
  ) {
    super();
    this.tl = opts.timeline ?? emptyConversationTimeline<OutgoingMessage>(opts.confirmedBy === undefined ? opts.me : opts.confirmedBy);
    this.receipts = new ReceiptTracker(opts.me);
    const t = opts.typing ?? {};
    const clock = t.clock ? { clock: t.clock } : {};
    this.own = new TypingSignal((typing) => this.sendTyping(typing), { ...t, ...clock });
    this.peer = new PeerTyping((typing) => this.emit('peer-typing', typing), t.peerTtlMs, t.clock);
    this.offs = [
      conn.on('event', (ev) => {
        if (ev.conversationId === id) this.apply(ev);
      }),
      conn.on('message', (m) => this.onMessage(m)),
    ];
    this.subscribed = opts.subscribe !== false;
    if (opts.subscribe !== false) conn.subscribe(id, opts.subscribe?.afterSeq ?? 0);
  }

  get timeline(): ConversationTimeline<OutgoingMessage> {
    return this.tl;
  }

  /** Whether the other side is typing now. */
  get peerTyping(): boolean {
    return this.peer.typing;
  }

  get closed(): boolean {
    return this.closedValue;
  }

  /**
   * Adds a server event that came another way (the ack of a command, a history page); the
   * subscription's events are applied by themselves. Returns false when it was held already.
   */
  apply(ev: SequencedEvent): boolean {
    if (this.closedValue || ev.conversationId !== this.id) return false;
    const before = this.tl;
    this.tl = applyTimelineEvent(before, ev);
    if (this.tl === before) return false;
    const e = ev.event;
    if (e.type === 'message' && e.author.kind !== this.opts.me && this.peer.typing) this.peer.set(false);
    if (e.type === 'conversation.closed') {
      this.own.reset();
      this.peer.reset();
    }
    this.emit('changed', this.tl);
    this.emit('event', ev);
    return true;
  }

  /** Sends a message (text, or an attachment with `upload`/`blobId`); returns its clientMsgId. */
  send(text: string, opts: SendOptions = {}): string {
    this.check();
    const clientMsgId = opts.clientMsgId ?? newClientMsgId();
    if (findPending(this.tl, clientMsgId)) return clientMsgId; // on its way already: retry() resends
    const p: OutgoingMessage = {
      clientMsgId,
      text,
      createdAt: new Date().toISOString(),
      state: opts.upload && !opts.blobId ? 'uploading' : 'sending',
      ...(opts.blobId ? { blobId: opts.blobId } : {}),
      ...(opts.file ? { file: opts.file } : {}),
    };
    if (opts.upload) this.uploads.set(clientMsgId, opts.upload);
    this.setTimeline(addPendingMessage(this.tl, p));
    this.own.stop();
    void this.transmit(p);
    return clientMsgId;
  }

  /** Sends a failed message again with the same clientMsgId (uploading its attachment first if that failed). */
  retry(clientMsgId: string): boolean {
    this.check();
    const p = findPending(this.tl, clientMsgId);
    if (!p || p.state !== 'failed') return false;
    const state = this.uploads.has(clientMsgId) && !p.blobId ? 'uploading' : 'sending';
    this.setTimeline(updatePendingMessage(this.tl, clientMsgId, { state, error: undefined }));
    void this.transmit({ ...p, state });
    return true;
  }

  /** Drops a pending message (a failed one the user gave up on). */
  discard(clientMsgId: string): void {
    this.check();
    this.uploads.delete(clientMsgId);
    this.setTimeline(removePendingMessage(this.tl, clientMsgId));
  }

  /** The user has seen everything up to `upToSeq` (default: the last event): sends a read receipt if one is owed. */
  markRead(upToSeq?: number): ReceiptMark | null {
    this.check();
    return this.sendReceipt(this.receipts.read(this.tl, upToSeq));
  }

  /** The other side's messages reached this client unseen: sends a delivered receipt if one is owed. */
  markDelivered(): ReceiptMark | null {
    this.check();
    return this.sendReceipt(this.receipts.delivered(this.tl));
  }

  /** The highest seq this side has marked read (sent from here, or recorded by the server). */
  get readUpTo(): number {
    return this.receipts.readUpTo(this.tl);
  }

  /** The user typed (true; throttled) or stopped (false: emptied, blurred). */
  typing(active: boolean): void {
    this.check();
    if (active) this.own.keystroke();
    else this.own.stop();
  }

  /** Lets go of the Connection (listeners, the subscription it made) and every timer. */
  close(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    for (const off of this.offs.splice(0)) off();
    this.own.reset();
    this.peer.reset();
    this.uploads.clear();
    if (this.subscribed) this.conn.unsubscribe(this.id);
  }

  private check(): void {
    if (this.closedValue) throw new VisavisError('CLOSED', `conversation ${this.id}: used after close()`);
  }

  private setTimeline(tl: ConversationTimeline<OutgoingMessage>): void {
    if (tl === this.tl || this.closedValue) return;
    this.tl = tl;
    this.emit('changed', tl);
  }

  private onMessage(m: ServerMessage): void {
    if (m.type === 'typing' && m.conversationId === this.id && m.by !== this.opts.me) this.peer.set(m.typing);
    else if (m.type === 'conversation.unsubscribed' && m.conversationId === this.id) {
      this.subscribed = false;
      this.peer.reset();
      this.emit('unsubscribed', { reason: m.reason });
    }
  }

  private sendTyping(typing: boolean): void {
    // Typing is ephemeral: dropped while offline rather than queued for later.
    if (this.conn.status !== 'open') return;
    this.conn.request({ type: 'typing.set', conversationId: this.id, typing }).catch(() => {});
  }

  private sendReceipt(mark: ReceiptMark | null): ReceiptMark | null {
    if (!mark) return null;
    this.conn.request({ type: 'receipt.mark', conversationId: this.id, ...mark }).catch(() => this.receipts.failed(mark));
    return mark;
  }

  private async transmit(p: OutgoingMessage): Promise<void> {
    const { clientMsgId } = p;
    let blobId = p.blobId;
    try {
      const upload = this.uploads.get(clientMsgId);
      if (!blobId && upload) {
        blobId = await upload();
        this.setTimeline(updatePendingMessage(this.tl, clientMsgId, { blobId, state: 'sending' as const }));
      }
      const res = await this.conn.request<{ event?: SequencedEvent } | undefined>({
        type: 'message.send',
        conversationId: this.id,
        clientMsgId,
        text: p.text,
        ...(blobId ? { blobId } : {}),
      });
      this.uploads.delete(clientMsgId);
      // The ack carries the stored event: applied now, it confirms the message even if the push is slower.
      if (res?.event) this.apply(res.event);
    } catch (e) {
      if (this.closedValue) return;
      this.setTimeline(updatePendingMessage(this.tl, clientMsgId, { state: 'failed' as const, error: codeOf(e) }));
      this.emit('failed', { clientMsgId, error: asError(e) });
    }
  }
}
